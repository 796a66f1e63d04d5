"""Adopting a shop's existing listings: a co-op already selling binds what is there, creates nothing, and
is told what is only on the marketplace and only in its catalogue."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from adapters.common.contract import ItemRef
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingObservation, ListingVariant, Role, Sku, SyncEvent
from syndicator.access.roles import AccessDenied
from syndicator.access.shops import adopt_shop
from syndicator.adopt import OurSku, adopt, match
from syndicator.binding import add_drafts
from syndicator.channels import ChannelError, Reach, connect_feed
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.users import Viewer
from tests.support.sandboxes import COOP, connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)


def item(item_id: str, seller_sku: str, gtin: str | None = None, status: str = "live",
         variant: str | None = None) -> ItemRef:
    return ItemRef(seller_sku=seller_sku, item_id=item_id, sku_id=variant, name="Chè búp Tân Cương đặc biệt",
                   price=132000, stock=40, status=status, gtin=gtin)


def ours(seller_sku: str, gtin: str | None = None, bound_to: str | None = None) -> OurSku:
    return OurSku(sku_id=hash(seller_sku) % 1000, seller_sku=seller_sku, gtin=gtin, bound_to=bound_to)


def test_a_sku_is_matched_by_its_seller_sku_whatever_its_case_and_spaces():
    matched, report = match([ours("TC-CHE-200G")], [item("880001", " tc-che-200g ")])

    assert matched["TC-CHE-200G"][0].item_id == "880001" and matched["TC-CHE-200G"][1] == "seller_sku"
    assert report.marketplace_only == [] and report.catalogue_only == []


def test_a_sku_the_seller_typed_differently_is_matched_by_its_barcode():
    matched, _ = match([ours("TC-CHE-200G", gtin="8936012345678")], [item("880001", "CHE200", gtin="8936012345678")])

    assert matched["TC-CHE-200G"][1] == "gtin"


def test_two_items_under_one_seller_sku_are_left_for_the_clerk_to_choose():
    matched, report = match([ours("TC-CHE-200G")], [item("880001", "TC-CHE-200G"), item("880002", "TC-CHE-200G")])

    assert matched == {}
    assert [i.item_id for i in report.ambiguous["TC-CHE-200G"]] == ["880001", "880002"]
    assert report.marketplace_only == []


def test_the_clerks_choice_settles_an_ambiguous_sku():
    matched, report = match([ours("TC-CHE-200G")], [item("880001", "TC-CHE-200G"), item("880002", "TC-CHE-200G")],
                            choices={"TC-CHE-200G": "880002"})

    assert matched["TC-CHE-200G"][0].item_id == "880002" and report.ambiguous == {}


def test_one_barcode_shared_by_two_skus_binds_neither():
    matched, report = match([ours("TC-CHE-200G", gtin="8936012345678"), ours("TC-CHE-500G", gtin="8936012345678")],
                            [item("880001", "CHE", gtin="8936012345678")])

    assert matched == {} and set(report.ambiguous) == {"TC-CHE-200G", "TC-CHE-500G"}


def test_what_is_on_one_side_only_is_reported_and_deleted_items_are_not_offered():
    matched, report = match(
        [ours("TC-CHE-200G"), ours("TC-MIEN-500G")],
        [item("880001", "TC-CHE-200G"), item("880009", "TC-GAO-BAO-THAI"), item("880010", "TC-MIEN-500G",
                                                                                status="deleted")])

    assert list(matched) == ["TC-CHE-200G"]
    assert [i.item_id for i in report.marketplace_only] == ["880009"]
    assert report.catalogue_only == ["TC-MIEN-500G"]


def test_the_packs_of_one_item_with_variants_are_each_bound_to_their_own_variant():
    matched, report = match([ours("TC-CHE-200G"), ours("TC-CHE-500G")],
                            [item("9001", "TC-CHE-200G", variant="51"), item("9001", "TC-CHE-500G", variant="52")])

    assert {sku: found.sku_id for sku, (found, _) in matched.items()} == {"TC-CHE-200G": "51", "TC-CHE-500G": "52"}
    assert report.ambiguous == {} and report.marketplace_only == []


def test_an_item_bound_to_one_of_our_skus_is_never_offered_to_another():
    matched, report = match([ours("TC-CHE-200G", bound_to="880007"), ours("TC-CHE-500G", gtin="8936012345678")],
                            [item("880007", "CHE", gtin="8936012345678")])

    assert matched == {} and report.catalogue_only == ["TC-CHE-500G"]


def test_a_sku_already_bound_is_left_alone_and_its_item_is_not_offered_again():
    matched, report = match([ours("TC-CHE-200G", bound_to="880001")], [item("880001", "TC-CHE-200G")])

    assert matched == {} and report.already_bound == ["TC-CHE-200G"] and report.marketplace_only == []


# --- over HTTP to every marketplace's sandbox ---------------------------------------------------------
def _forget_every_binding(engine) -> None:
    """Our database forgets the shops' items: as a co-op that listed by hand before it had syndicator."""
    with session_scope(engine) as session:
        session.execute(sa.delete(SyncEvent))
        session.execute(sa.delete(ListingObservation))
        session.execute(sa.delete(ListingVariant))
        session.execute(sa.delete(Listing))


def _bound(engine) -> dict[tuple[int, int], tuple[int, str | None, str | None]]:
    """(shop, SKU) → the listing it is on, with the item and variant ids bound."""
    with Session(engine) as session:
        return {(row.channel_account_id, row.sku_id): (row.listing_id, row.external_item_id, row.external_variant_id)
                for row in session.execute(
                    sa.select(ListingVariant.channel_account_id, ListingVariant.sku_id, ListingVariant.listing_id,
                              Listing.external_item_id, ListingVariant.external_variant_id)
                    .join(Listing, Listing.id == ListingVariant.listing_id))}


@pytest.fixture
def selling_already(engine, sandboxes, in_process: Reach) -> dict[str, ChannelAccount]:
    """The tea co-op's four SKUs on sale in a shop on every marketplace, unknown to our database."""
    assert sandboxes, "no marketplace sandbox is running"
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    _forget_every_binding(engine)
    with Session(engine) as session:
        return {account.marketplace: account for account in session.exec(sa.select(ChannelAccount)).scalars()}


def test_adopting_shops_that_sell_every_sku_binds_them_all_and_the_next_sync_writes_nothing(
        engine, sandboxes, in_process, selling_already):
    reports = {name: adopt(engine, account.id, reach=in_process) for name, account in selling_already.items()}
    writes = {name: sandbox.writes() for name, sandbox in sandboxes.items()}

    again = run_sync(engine, reach=in_process)

    for name, report in reports.items():
        assert len(report.adopted) == 4 and report.catalogue_only == [] and report.marketplace_only == [], name
    assert again.plan.actions == [] and again.succeeded
    assert {name: sandbox.writes() for name, sandbox in sandboxes.items()} == writes
    for name, sandbox in sandboxes.items():
        assert len(sandbox.items()) == 4, name


def test_the_packs_of_one_item_with_variants_are_adopted_onto_one_listing(engine, in_process, selling_already):
    ids = _sku_ids(engine)
    for name in ("shopee", "lazada"):
        adopt(engine, selling_already[name].id, reach=in_process)

    bound = _bound(engine)

    for name in ("shopee", "lazada"):
        shop = selling_already[name].id
        tea = [bound[shop, ids[sku]] for sku in ("TC-CHE-200G", "TC-CHE-500G")]
        assert tea[0][0] == tea[1][0] and tea[0][1] == tea[1][1], name  # one listing, one item
        assert tea[0][2] != tea[1][2] and None not in (tea[0][2], tea[1][2]), name  # each its own variant


def _sku_ids(engine) -> dict[str, int]:
    with Session(engine) as session:
        return dict(session.execute(sa.select(Sku.sku, Sku.id)).all())


def test_a_dry_run_binds_nothing_and_a_second_adoption_changes_nothing(engine, in_process, selling_already):
    shopee = selling_already["shopee"]

    dry = adopt(engine, shopee.id, dry_run=True, reach=in_process)
    unbound = _bound(engine)
    adopt(engine, shopee.id, reach=in_process)
    bound = _bound(engine)
    second = adopt(engine, shopee.id, reach=in_process)

    assert len(dry.adopted) == 4 and unbound == {}
    assert second.adopted == [] and len(second.already_bound) == 4 and _bound(engine) == bound


def test_the_command_line_reports_the_adoption_as_json(engine, database_url, sandboxes, selling_already, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    lazada = selling_already["lazada"]

    shown = CliRunner().invoke(app, ["channels", "adopt", str(lazada.id), "--dry-run", "--json"])

    assert shown.exit_code == 0, shown.output
    report = json.loads(shown.stdout)
    assert report["dry_run"] is True and sorted(a["seller_sku"] for a in report["adopted"]) == [
        "TC-CHE-200G", "TC-CHE-500G", "TC-MATONG-500", "TC-MIEN-500G"]


def test_the_command_line_table_says_in_vietnamese_what_each_sku_was_matched_by(
        engine, database_url, sandboxes, selling_already, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    shown = CliRunner().invoke(app, ["channels", "adopt", str(selling_already["lazada"].id), "--dry-run"])

    assert shown.exit_code == 0, shown.output
    assert "mã SKU" in shown.stdout and "seller_sku" not in shown.stdout


def test_a_clerk_may_not_adopt_another_coops_shop(engine, in_process, selling_already):
    stranger = Viewer(username="htx-khac", role=Role.coop, coop_id=999, coop_code="HTX-KHAC")

    with pytest.raises(AccessDenied):
        adopt_shop(engine, stranger, selling_already["voso"].id, dry_run=True)
    assert _bound(engine) == {}


def test_a_sku_the_clerk_took_off_the_shop_is_not_adopted(engine, in_process, selling_already):
    shopee = selling_already["shopee"]
    with session_scope(engine) as session:
        add_drafts(session, [shopee.id], {shopee.id})
        session.execute(sa.update(ListingVariant).where(
            ListingVariant.channel_account_id == shopee.id,
            ListingVariant.sku_id == sa.select(Sku.id).where(Sku.sku == "TC-MIEN-500G").scalar_subquery(),
        ).values(enabled=False))

    report = adopt(engine, shopee.id, reach=in_process)

    assert sorted(a.seller_sku for a in report.adopted) == ["TC-CHE-200G", "TC-CHE-500G", "TC-MATONG-500"]


def test_a_feed_shop_has_nothing_to_adopt(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    seed_catalogue(engine)
    account = connect_feed(engine, COOP, "voso", publish_all=True)

    with pytest.raises(ChannelError, match="bảng tính"):
        adopt(engine, account.id)
