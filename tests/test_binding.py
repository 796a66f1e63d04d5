"""The life of a listing and of its packs as the binder decides it: plain functions of plain values, no
marketplace."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from adapters.common.contract import ItemRef
from adapters.common.errors import ErrorInfo, ErrorKind
from catalog.db import session_scope
from catalog.models import Listing, ListingState, ListingVariant, Sku
from syndicator.actions import Action, ActionKind, Outcome
from syndicator.binding import (
    after_gone,
    after_healing,
    after_look_up,
    after_outcome,
    after_read_back,
    merged_by_id,
)
from syndicator.channels import connect_feed
from syndicator.plan import build_plan
from tests.support.sandboxes import COOP, publish_new, seed_catalogue

NOW = datetime(2026, 12, 3, 2, 0, tzinfo=UTC)
TEA = ItemRef(seller_sku="TC-CHE-200G", item_id="880012345", sku_id="7701", name="Chè búp Tân Cương đặc biệt",
              price=132000, stock=40, status="live")
OURS = {"pushed_price": 132000, "pushed_stock": 40, "name": "Chè búp Tân Cương đặc biệt"}


def action(kind: ActionKind, variant_id: int = 51) -> Action:
    return Action(kind, listing_id=17, variant_id=variant_id, account_id=3, seller_sku="TC-CHE-200G",
                  price=132000, stock=38, content_hash="c0ffee", pack_hash="beef", has_variants=True)


def refused(kind: ErrorKind) -> ErrorInfo:
    return ErrorInfo(kind=kind, marketplace="shopee", code="error_param", message="tên sản phẩm quá ngắn")


def test_a_created_item_is_live_with_its_item_id_content_and_the_pack_with_its_model_id_price_and_stock():
    listing, variant = after_outcome(Outcome(action(ActionKind.create), True, TEA), NOW, awaiting_upload=False)

    assert listing == {"id": 17, "last_synced_at": NOW, "state": "live", "external_item_id": "880012345",
                       "pushed_content_hash": "c0ffee", "last_error": None}
    assert variant == {"id": 51, "state": "live", "external_variant_id": "7701", "pushed_content_hash": "beef",
                       "pushed_price": 132000, "pushed_stock": 38, "stock_pushed_at": NOW, "last_error": None}


def test_a_create_written_into_a_feed_workbook_awaits_upload():
    listing, _ = after_outcome(Outcome(action(ActionKind.create), True, TEA), NOW, awaiting_upload=True)

    assert listing["state"] == "awaiting_upload"


def test_a_refused_create_is_an_error_and_a_create_whose_answer_was_lost_stays_creating():
    refusal, _ = after_outcome(Outcome(action(ActionKind.create), False, error=refused(ErrorKind.rejected)), NOW, False)
    lost, _ = after_outcome(Outcome(action(ActionKind.create), False, error=refused(ErrorKind.transient)), NOW, False)

    assert refusal["state"] == "error" and "tên sản phẩm quá ngắn" in refusal["last_error"]
    assert lost["state"] == "creating"


def test_one_item_created_whole_is_live_even_if_the_answer_for_one_pack_was_a_failure():
    failed = after_outcome(Outcome(action(ActionKind.create, 51), False, error=refused(ErrorKind.rejected)), NOW, False)
    created = after_outcome(Outcome(action(ActionKind.create, 52), True, TEA), NOW, False)

    [listing] = merged_by_id([created[0], failed[0]])

    assert listing["state"] == "live" and listing["last_error"] is None


def test_a_failed_price_update_keeps_the_states_and_records_the_error_on_the_pack():
    listing, variant = after_outcome(
        Outcome(action(ActionKind.update_price), False, error=refused(ErrorKind.rejected)), NOW, False)

    assert listing == {"id": 17, "last_synced_at": NOW}
    assert "pushed_price" not in variant and "state" not in variant
    assert variant["last_error"].startswith("bị từ chối [error_param]")


def test_a_failure_nobody_explained_says_so():
    _, variant = after_outcome(Outcome(action(ActionKind.update_stock), False), NOW, awaiting_upload=False)

    assert variant["last_error"] == "lỗi không rõ"


def test_a_new_stock_on_a_feed_waits_for_the_next_upload_but_on_an_api_shop_changes_no_state():
    on_feed = after_outcome(Outcome(action(ActionKind.update_stock), True), NOW, awaiting_upload=True)
    on_api = after_outcome(Outcome(action(ActionKind.update_stock), True), NOW, awaiting_upload=False)

    assert (on_feed[0]["state"], on_feed[1]["pushed_stock"]) == ("awaiting_upload", 38)
    assert "state" not in on_api[0] and on_api[1]["pushed_stock"] == 38


def test_a_stock_sent_records_when_and_a_failed_one_does_not():
    sent = after_outcome(Outcome(action(ActionKind.update_stock), True), NOW, awaiting_upload=False)
    refused_stock = after_outcome(Outcome(action(ActionKind.update_stock), False), NOW, awaiting_upload=False)

    assert sent[1]["stock_pushed_at"] == NOW and "stock_pushed_at" not in refused_stock[1]


def test_a_pack_added_to_its_item_is_live_with_its_model_id():
    listing, variant = after_outcome(Outcome(action(ActionKind.add_variant), True, TEA), NOW, False)

    assert "state" not in listing and "external_item_id" not in listing
    assert (variant["state"], variant["external_variant_id"], variant["pushed_price"]) == ("live", "7701", 132000)


def test_a_pack_whose_own_content_was_sent_keeps_its_hash_and_nothing_else_changes():
    listing, variant = after_outcome(Outcome(action(ActionKind.update_variant), True, TEA), NOW, False)

    assert listing == {"id": 17, "last_synced_at": NOW}
    assert variant == {"id": 51, "pushed_content_hash": "beef", "last_error": None}


def test_a_pack_removed_from_its_item_is_removed_and_forgets_its_model_id():
    _, variant = after_outcome(Outcome(action(ActionKind.remove_variant), True, TEA), NOW, False)

    assert variant == {"id": 51, "state": "removed", "external_variant_id": None, "pushed_content_hash": None,
                       "pushed_price": None, "pushed_stock": None, "last_error": None}


def test_a_delisted_item_is_delisted_and_its_packs_are_left_as_they_are():
    listing, variant = after_outcome(Outcome(action(ActionKind.delist), True, TEA), NOW, False)

    assert listing["state"] == "delisted" and variant is None


def test_a_look_up_that_finds_the_packs_binds_the_item_and_leaves_the_missing_pack_to_be_added():
    listing, variants = after_look_up({51: TEA, 52: None}, awaiting_upload=False)

    assert listing == {"state": "live", "external_item_id": "880012345", "pushed_content_hash": None}
    assert variants == [
        {"id": 51, "state": "live", "external_variant_id": "7701", "pushed_price": 132000, "pushed_stock": 40},
        {"id": 52, "state": "pending", "external_variant_id": None, "pushed_content_hash": None, "pushed_price": None,
         "pushed_stock": None}]
    assert after_look_up({51: TEA}, awaiting_upload=True)[0]["state"] == "awaiting_upload"


def test_a_look_up_that_finds_no_pack_sends_the_listing_back_to_draft_unbound():
    listing, variants = after_look_up({51: None, 52: None}, awaiting_upload=False)

    assert listing == {"state": "draft", "external_item_id": None, "pushed_content_hash": None}
    assert [v["state"] for v in variants] == ["pending", "pending"]


def test_a_pack_deleted_on_the_marketplace_is_added_again_and_an_item_whose_packs_all_went_is_created_again():
    listing, variant = after_read_back(OURS, TEA.model_copy(update={"status": "deleted"}))

    assert listing == {} and variant["state"] == "pending" and variant["external_variant_id"] is None
    assert after_gone(packs=3, gone=1) == {}
    assert after_gone(packs=3, gone=3) == {"state": "draft", "external_item_id": None, "pushed_content_hash": None}


def test_a_price_edited_by_hand_is_forgotten_so_ours_goes_back_and_nothing_else_is():
    assert after_read_back(OURS, TEA.model_copy(update={"price": 99000})) == ({}, {"pushed_price": None})
    assert after_read_back(OURS, TEA) == ({}, {})


def test_what_a_promotion_holds_read_back_is_kept_on_the_pack_only_when_it_changed():
    held = TEA.model_copy(update={"reserved_stock": 10})

    assert after_read_back(OURS, held) == ({}, {"reserved_stock": 10})
    assert after_read_back({**OURS, "reserved_stock": 10}, held) == ({}, {})


def test_a_renamed_item_has_its_content_sent_again():
    listing, variant = after_read_back(OURS, TEA.model_copy(update={"name": "Trà xanh giá rẻ"}))

    assert listing == {"pushed_content_hash": None} and variant == {}


def test_invalid_stored_ids_take_the_ids_read_back_or_wait_for_the_look_up():
    changes = after_healing({"TC-CHE-200G": 51, "TC-MIEN-500G": 52}, [TEA])

    assert changes[0] == ({"external_item_id": "880012345", "pushed_content_hash": None},
                          {"id": 51, "external_variant_id": "7701", "pushed_content_hash": None, "pushed_price": None,
                           "pushed_stock": None})
    assert changes[1][0]["state"] == "creating" and changes[1][0]["external_item_id"] is None


def test_the_plan_never_sends_a_listing_whose_create_may_have_landed(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    connect_feed(engine, COOP, "voso", publish_all=True)
    publish_new(engine)
    build_plan(engine)
    with session_scope(engine) as session:
        listing_id = session.scalar(sa.select(ListingVariant.listing_id).where(ListingVariant.sku_id == ids["TC-CHE-200G"]))
        session.execute(sa.update(Listing).where(Listing.id == listing_id).values(state=ListingState.creating.value))

    publish_new(engine)

    plan = build_plan(engine)

    with Session(engine) as session:
        creating = session.scalar(sa.select(ListingVariant.listing_id).join(Sku, Sku.id == ListingVariant.sku_id)
                                  .where(Sku.sku == "TC-CHE-200G"))
    assert plan.counts() == {"create": 3}
    assert creating not in {a.listing_id for a in plan.actions}
