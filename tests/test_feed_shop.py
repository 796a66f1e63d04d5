"""A shop on a floor without API access goes through the same adapter interface as one with an API: the
engine plans, applies, resolves and reconciles it like any other, and its adapter writes the workbooks."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session

from catalog.db import session_scope
from catalog.models import Sku
from syndicator.channels import adapter_for, connect_feed
from syndicator.engine import run_sync
from syndicator.feeds import confirm_upload
from syndicator.reconcile import all_items
from tests.support.sandboxes import COOP, seed_catalogue


def _states(engine) -> dict[str, str]:
    with Session(engine) as session:
        return dict(session.execute(sa.text(
            "SELECT sku.sku, listing.state FROM listing JOIN listingvariant ON listingvariant.listing_id = listing.id "
            "JOIN sku ON sku.id = listingvariant.sku_id")).all())


def _skus_in(path: str) -> list[str]:
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    column = rows[0].index("Mã SKU")
    return sorted(row[column] for row in rows[1:])


def _items_on(engine, account) -> dict[str, tuple[int | None, int | None]]:
    async def read() -> dict[str, tuple[int | None, int | None]]:
        async with adapter_for(engine, account) as shop:
            return {item.seller_sku: (item.price, item.stock) for item in await all_items(shop)}

    return asyncio.run(read())


def test_a_feed_shop_is_served_by_an_adapter_that_holds_what_the_clerk_received(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    account = connect_feed(engine, COOP, "voso", publish_all=True)

    run_sync(engine)

    items = _items_on(engine, account)
    assert sorted(items) == sorted(ids)
    assert items["TC-CHE-500G"][0] > 0 and items["TC-CHE-500G"][1] >= 0


def test_a_sku_taken_off_sale_leaves_the_full_workbook(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    connect_feed(engine, COOP, "postmart", publish_all=True)
    run_sync(engine)
    with session_scope(engine) as session:
        session.get(Sku, ids["TC-CHE-500G"]).enabled = False

    report = run_sync(engine)

    (feed,) = report.feeds
    assert _skus_in(feed.full_path) == sorted(set(ids) - {"TC-CHE-500G"})
    assert (feed.rows, feed.changed) == (3, 0)
    assert _states(engine)["TC-CHE-500G"] == "delisted"


def test_a_price_change_after_an_upload_waits_for_the_next_upload(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    account = connect_feed(engine, COOP, "voso", publish_all=True)
    run_sync(engine)
    confirm_upload(engine, account.id)
    with session_scope(engine) as session:
        session.get(Sku, ids["TC-CHE-500G"]).price = 295000

    (feed,) = run_sync(engine).feeds

    assert _skus_in(feed.changes_path) == ["TC-CHE-500G"]
    states = _states(engine)
    assert states.pop("TC-CHE-500G") == "awaiting_upload"
    assert set(states.values()) == {"live"}


def test_workbooks_that_cannot_be_written_fail_the_shop_and_are_written_on_the_next_run(
        engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    connect_feed(engine, COOP, "thainguyentrade", publish_all=True)
    (tmp_path / "feeds").write_text("một tệp chắn chỗ thư mục")  # the folder cannot be made

    failed = run_sync(engine)

    assert failed.status == "failed" and failed.feeds == []
    (shop,) = failed.shops
    assert shop.failed == {"create": 4} and "feed_not_written" in shop.errors[0]
    assert "awaiting_upload" not in _states(engine).values()

    (tmp_path / "feeds").unlink()
    (feed,) = run_sync(engine).feeds

    assert _skus_in(feed.full_path) == sorted(ids)
    assert set(_states(engine).values()) == {"awaiting_upload"}


def test_reading_a_feed_shop_back_finds_nothing_drifted(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    seed_catalogue(engine)
    connect_feed(engine, COOP, "voso", publish_all=True)
    run_sync(engine)

    again = run_sync(engine, reconcile=True)

    assert again.succeeded and again.unreadable == {} and again.plan.actions == []


def test_a_shop_fed_by_an_older_version_starts_from_its_latest_full_workbook(engine, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    connect_feed(engine, COOP, "voso", publish_all=True)
    run_sync(engine)
    for kept in (tmp_path / "feeds").glob("*-rows.json"):
        kept.unlink()  # as an older version left it: workbooks only
    with session_scope(engine) as session:
        session.get(Sku, ids["TC-CHE-500G"]).price = 295000

    (feed,) = run_sync(engine).feeds

    assert _skus_in(feed.full_path) == sorted(ids)
    assert _skus_in(feed.changes_path) == ["TC-CHE-500G"]
