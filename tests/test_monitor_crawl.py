"""The monitor crawls the sandboxes' public pages over real HTTP after a real sync, in its own process."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import (
    ChannelAccount,
    Listing,
    ListingObservation,
    ListingState,
    ListingVariant,
    Sku,
    VariantState,
)
from syndicator.channels import connect_feed
from syndicator.engine import run_sync
from syndicator.monitor import Drift, drift_summary, nightly_monitor, run_monitor
from tests.support.sandboxes import COOP, connect_all, sandboxes, seed_catalogue  # noqa: F401

FAST = {"throttle_start_s": 0.05}
SKUS_IN_CATALOGUE = 4
ITEMS_ON_LAZADA = 3  # one item per product, the tea's two packs on one page
# A JSON-LD page with variants and Voso's inline record with RDFa (one item per SKU): the two ways pages
# carry a product.
TWO_MARKETPLACES = ("lazada", "voso")


def sync_to(engine, running: dict) -> dict:
    seed_catalogue(engine)
    connect_all(engine, running)
    report = run_sync(engine)
    assert report.succeeded, report.summary()
    return running


@pytest.fixture
def synced(engine, sandboxes):  # noqa: F811
    """The tea co-op's catalogue synced to Lazada's and a floor's sandboxes."""
    return sync_to(engine, {name: sandboxes[name] for name in TWO_MARKETPLACES})


def listing_of(engine, marketplace: str, seller_sku: str) -> Listing:
    with Session(engine) as session:
        return session.exec(
            select(Listing)
            .join(ListingVariant, ListingVariant.listing_id == Listing.id)
            .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .where(ChannelAccount.marketplace == marketplace, Sku.sku == seller_sku)
        ).one()


def awaiting_upload(engine, marketplace: str, seller_sku: str) -> None:
    """As a listing sent in a spreadsheet feed and not yet confirmed: no marketplace item id."""
    waiting = listing_of(engine, marketplace, seller_sku)
    with session_scope(engine) as session:
        session.execute(
            update(Listing).where(Listing.id == waiting.id)
            .values(state=ListingState.awaiting_upload, external_item_id=None)
        )


def test_a_crawl_after_a_sync_finds_every_listing_on_every_marketplace_at_its_pushed_price(engine, sandboxes):  # noqa: F811
    synced = sync_to(engine, sandboxes)

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    assert report.observed == report.listings == SKUS_IN_CATALOGUE * len(synced)
    assert report.drift == []
    assert report.marketplaces == sorted(synced)
    with Session(engine) as session:
        pairs = session.exec(select(ListingObservation, ListingVariant).join(ListingVariant)).all()
    assert len(pairs) == report.observed
    for seen, pack in pairs:
        assert seen.visible and seen.title, seen.url
        assert seen.price == pack.pushed_price, seen.url
        assert seen.stock == pack.pushed_stock, seen.url


@pytest.mark.parametrize("marketplace", TWO_MARKETPLACES)
def test_a_price_changed_by_hand_in_the_seller_centre_is_reported_as_price_drift(engine, synced, marketplace):
    sandbox = synced[marketplace]
    pack = sandbox.item("TC-CHE-200G")
    on_item = {"model_id": pack["model_id"]} if pack["model_id"] else {}  # a pack of an item with variants
    sandbox.edit(pack["item_id"], **on_item, price=pack["price"] + 15000)

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    (row,) = report.drift
    assert (row.marketplace, row.seller_sku, row.drift) == (marketplace, "TC-CHE-200G", [Drift.price])
    assert row.seen_price == row.pushed_price + 15000


def test_a_listing_hidden_by_the_marketplace_is_reported_missing(engine, synced):
    marketplace, sandbox = list(synced.items())[-1]
    sandbox.edit(sandbox.item("TC-MATONG-500")["item_id"], status="hidden")

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    (row,) = report.drift
    assert (row.marketplace, row.seller_sku, row.drift, row.visible) == (
        marketplace, "TC-MATONG-500", [Drift.missing], False,
    )


def test_the_drift_summary_shows_the_latest_finding_of_each_listing(engine, synced):
    sandbox = next(iter(synced.values()))
    item = sandbox.item("TC-MIEN-500G")
    sandbox.edit(item["item_id"], status="hidden")
    run_monitor(engine, **FAST)
    assert [(r.seller_sku, r.drift) for r in drift_summary(engine).rows] == [("TC-MIEN-500G", [Drift.missing])]
    sandbox.edit(item["item_id"], status="live")

    run_monitor(engine, **FAST)

    summary = drift_summary(engine)
    assert summary.rows == []
    assert summary.counts[Drift.missing] == 0
    assert summary.last_observed_at is not None


def test_an_awaiting_upload_listing_found_on_the_storefront_is_confirmed_live_with_its_item_id(engine, synced):
    marketplace, sandbox = list(synced.items())[-1]
    uploaded = sandbox.item("TC-CHE-500G")
    awaiting_upload(engine, marketplace, "TC-CHE-500G")

    report = run_monitor(engine, marketplace, **FAST)

    assert report.ok, report.log_tail
    assert (report.marketplaces, report.observed) == ([marketplace], SKUS_IN_CATALOGUE)
    (row,) = report.drift
    assert (row.seller_sku, row.drift) == ("TC-CHE-500G", [Drift.confirmed])
    confirmed = listing_of(engine, marketplace, "TC-CHE-500G")
    assert (confirmed.state, confirmed.external_item_id) == (ListingState.live, uploaded["item_id"])


def test_an_awaiting_upload_listing_not_yet_on_the_storefront_is_not_drift(engine, synced):
    marketplace, sandbox = list(synced.items())[-1]
    sandbox.edit(sandbox.item("TC-CHE-500G")["item_id"], status="hidden")
    awaiting_upload(engine, marketplace, "TC-CHE-500G")

    report = run_monitor(engine, marketplace, **FAST)

    assert report.ok, report.log_tail
    assert report.observed == SKUS_IN_CATALOGUE
    assert report.drift == []
    assert listing_of(engine, marketplace, "TC-CHE-500G").state == ListingState.awaiting_upload


def test_a_robots_txt_that_disallows_the_product_pages_stops_their_crawl(engine, synced):
    blocked, *others = synced.values()
    httpx.post(f"{blocked.url}/_sandbox/robots", json={"disallow": ["/shop/"]}).raise_for_status()

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    assert len(report.blocked) == ITEMS_ON_LAZADA
    assert all(url.startswith(blocked.url + "/shop/") for url in report.blocked)
    assert report.observed == SKUS_IN_CATALOGUE * len(others)
    with Session(engine) as session:
        crawled = session.exec(select(ListingObservation.url)).all()
    assert not any(url.startswith(blocked.url) for url in crawled)


def test_a_marketplace_that_cannot_be_reached_fails_the_crawl(engine, synced):
    name, sandbox = next(iter(synced.items()))
    sandbox.server.stop()

    report = run_monitor(engine, name, **FAST)

    assert not report.ok
    assert len(report.failed) == ITEMS_ON_LAZADA
    assert report.observed == 0


def test_an_unknown_marketplace_is_refused_by_name(engine):
    with pytest.raises(ValueError, match="tiki"):
        run_monitor(engine, "tiki")


def test_sales_within_the_safety_buffer_are_not_stock_drift_and_larger_ones_are(engine, sandboxes):  # noqa: F811
    voso = sandboxes["voso"]
    seed_catalogue(engine)
    connect_all(engine, {"voso": voso})
    with session_scope(engine) as session:
        session.execute(update(ChannelAccount).values(stock_policy={"safety_buffer": 5}))
    assert run_sync(engine).succeeded
    shop_id = voso.item("TC-CHE-200G")["shop_id"]
    voso.order(shop_id, "TC-CHE-200G", 3)
    voso.order(shop_id, "TC-CHE-500G", 8)

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    (row,) = report.drift
    assert (row.seller_sku, row.drift) == ("TC-CHE-500G", [Drift.stock])
    assert row.seen_stock == row.pushed_stock - 8


def test_listings_of_a_feed_shop_without_a_public_address_are_counted_as_skipped(engine):
    sku_ids = seed_catalogue(engine)
    account = connect_feed(engine, COOP, "postmart", publish_all=True)
    with session_scope(engine) as session:
        noodles = session.get(Sku, sku_ids["TC-MIEN-500G"])
        listing = Listing(product_id=noodles.product_id, channel_account_id=account.id,
                          state=ListingState.awaiting_upload)
        session.add(listing)
        session.flush()
        session.add(ListingVariant(listing_id=listing.id, sku_id=noodles.id, channel_account_id=account.id,
                                   state=VariantState.live, pushed_price=70000, pushed_stock=30))

    report = run_monitor(engine, **FAST)

    assert (report.listings, report.skipped, report.observed) == (0, 1, 0)
    assert report.ok


def test_the_nightly_job_crawls_the_configured_database_and_returns_its_figures(
        engine, database_url, sandboxes, monkeypatch):  # noqa: F811
    # One floor: the nightly job crawls at the product's pace, about a second a page, and every sandbox is
    # on 127.0.0.1, which Scrapy visits one page at a time whatever the port.
    synced = sync_to(engine, {"voso": sandboxes["voso"]})
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    sandbox = synced["voso"]
    sandbox.edit(sandbox.item("TC-CHE-200G")["item_id"], status="hidden")

    summary = nightly_monitor()

    assert summary["ok"] is True
    assert summary["observed"] == SKUS_IN_CATALOGUE * len(synced)
    assert summary["drift"]["missing"] == 1
