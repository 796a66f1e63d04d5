"""The listing's life as the binder decides it: plain functions of plain values, no marketplace."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from adapters.common.contract import ItemRef
from adapters.common.errors import ErrorInfo, ErrorKind
from catalog.db import session_scope
from catalog.models import Listing, ListingState, Sku
from syndicator.actions import Action, ActionKind, Outcome
from syndicator.binding import after_healing, after_look_up, after_outcome, after_read_back
from syndicator.channels import connect_feed
from syndicator.plan import build_plan
from tests.support.sandboxes import COOP, seed_catalogue

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
TEA = ItemRef(seller_sku="TC-CHE-200G", item_id="880012345", sku_id="7701", name="Chè búp Tân Cương đặc biệt",
              price=132000, stock=40, status="live")


def action(kind: ActionKind) -> Action:
    return Action(kind, listing_id=17, account_id=3, seller_sku="TC-CHE-200G", price=132000, stock=38,
                  content_hash="c0ffee")


def refused(kind: ErrorKind) -> ErrorInfo:
    return ErrorInfo(kind=kind, marketplace="shopee", code="error_param", message="tên sản phẩm quá ngắn")


def test_a_created_item_is_live_with_its_ids_and_what_was_pushed():
    change = after_outcome(Outcome(action(ActionKind.create), True, TEA), NOW, awaiting_upload=False)

    assert change == {"id": 17, "last_synced_at": NOW, "last_error": None, "state": "live",
                      "external_item_id": "880012345", "external_sku_id": "7701",
                      "pushed_content_hash": "c0ffee", "pushed_price": 132000, "pushed_stock": 38}


def test_a_create_written_into_a_feed_workbook_awaits_upload():
    change = after_outcome(Outcome(action(ActionKind.create), True, TEA), NOW, awaiting_upload=True)

    assert change["state"] == "awaiting_upload"


def test_a_refused_create_is_an_error_and_a_create_whose_answer_was_lost_stays_creating():
    refusal = after_outcome(Outcome(action(ActionKind.create), False, error=refused(ErrorKind.rejected)), NOW, False)
    lost = after_outcome(Outcome(action(ActionKind.create), False, error=refused(ErrorKind.transient)), NOW, False)

    assert refusal["state"] == "error" and "tên sản phẩm quá ngắn" in refusal["last_error"]
    assert lost["state"] == "creating"


def test_a_failed_price_update_keeps_the_state_and_records_the_error():
    change = after_outcome(Outcome(action(ActionKind.update_price), False, error=refused(ErrorKind.rejected)),
                           NOW, awaiting_upload=False)

    assert "state" not in change and "pushed_price" not in change
    assert change["last_error"].startswith("bị từ chối [error_param]")


def test_a_failure_nobody_explained_says_so():
    change = after_outcome(Outcome(action(ActionKind.update_stock), False), NOW, awaiting_upload=False)

    assert change["last_error"] == "lỗi không rõ"


def test_a_new_stock_on_a_feed_waits_for_the_next_upload_but_on_an_api_shop_changes_no_state():
    on_feed = after_outcome(Outcome(action(ActionKind.update_stock), True), NOW, awaiting_upload=True)
    on_api = after_outcome(Outcome(action(ActionKind.update_stock), True), NOW, awaiting_upload=False)

    assert (on_feed["state"], on_feed["pushed_stock"]) == ("awaiting_upload", 38)
    assert "state" not in on_api and on_api["pushed_stock"] == 38


def test_a_delisted_item_is_delisted():
    assert after_outcome(Outcome(action(ActionKind.delist), True, TEA), NOW, False)["state"] == "delisted"


def test_a_look_up_that_finds_the_item_binds_it_and_sends_the_content_again():
    assert after_look_up(TEA, awaiting_upload=False) == {
        "state": "live", "external_item_id": "880012345", "external_sku_id": "7701",
        "pushed_content_hash": None, "pushed_price": 132000, "pushed_stock": 40}
    assert after_look_up(TEA, awaiting_upload=True)["state"] == "awaiting_upload"


def test_a_look_up_that_finds_nothing_sends_the_listing_back_to_draft_unbound():
    assert after_look_up(None, awaiting_upload=False) == {
        "state": "draft", "external_item_id": None, "external_sku_id": None}


def test_an_item_deleted_on_the_marketplace_goes_back_to_draft_to_be_created_again():
    change = after_read_back({"pushed_price": 132000, "pushed_stock": 40, "name": "Chè búp Tân Cương đặc biệt"},
                             TEA.model_copy(update={"status": "deleted"}))

    assert change["state"] == "draft" and change["external_item_id"] is None
    assert change["pushed_content_hash"] is None


def test_a_price_edited_by_hand_is_forgotten_so_ours_goes_back_and_nothing_else_is():
    ours = {"pushed_price": 132000, "pushed_stock": 40, "name": "Chè búp Tân Cương đặc biệt"}

    assert after_read_back(ours, TEA.model_copy(update={"price": 99000})) == {"pushed_price": None}
    assert after_read_back(ours, TEA) == {}


def test_a_renamed_item_has_its_content_sent_again():
    ours = {"pushed_price": 132000, "pushed_stock": 40, "name": "Chè búp Tân Cương đặc biệt"}

    assert after_read_back(ours, TEA.model_copy(update={"name": "Trà xanh giá rẻ"})) == {"pushed_content_hash": None}


def test_invalid_stored_ids_take_the_ids_read_back_or_wait_for_the_look_up():
    changes = after_healing({"TC-CHE-200G": 17, "TC-MIEN-500G": 18}, [TEA])

    assert changes[0] == {"id": 17, "external_item_id": "880012345", "external_sku_id": "7701",
                          "pushed_content_hash": None, "pushed_price": None, "pushed_stock": None}
    assert changes[1]["state"] == "creating" and changes[1]["external_item_id"] is None


def test_the_plan_never_sends_a_listing_whose_create_may_have_landed(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    connect_feed(engine, COOP, "voso")
    build_plan(engine)
    with session_scope(engine) as session:
        session.execute(sa.update(Listing).where(Listing.sku_id == ids["TC-CHE-200G"])
                        .values(state=ListingState.creating.value))

    plan = build_plan(engine)

    with Session(engine) as session:
        creating = session.scalar(sa.select(Listing.id).join(Sku, Sku.id == Listing.sku_id)
                                  .where(Sku.sku == "TC-CHE-200G"))
    assert plan.counts() == {"create": 3}
    assert creating not in {a.listing_id for a in plan.actions}
