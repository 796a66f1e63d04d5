"""The monitor reads each pack (variant) of a Shopee or Lazada item from the item's one public page, over real
HTTP after a real sync, and compares it with what was pushed for that pack."""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from adapters.common.page import PackOffer
from adapters.shopee.page import parse_product_page as read_shopee
from catalog.db import session_scope
from catalog.models import ListingObservation, ListingState, ListingVariant, Product, Sku
from catalog.stock import record_movement
from syndicator.engine import run_sync
from syndicator.monitor import Drift, run_monitor
from syndicator.monitor.spiders import CrawlLog, spider_for
from syndicator.monitor.targets import CrawlTarget
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401

FAST = {"throttle_start_s": 0.05}
TEA_PACKS = ("TC-CHE-100G", "TC-CHE-200G", "TC-CHE-500G")
PACKS_IN_CATALOGUE = 5  # the tea's three packs, the honey and the glass noodles


def add_tea_pack(engine) -> None:
    """The tea co-op also sells its Tân Cương tea in a 100 g pack: the product has three packs."""
    with session_scope(engine) as session:
        tea = session.exec(select(Product).where(Product.code == "CHE-TAN-CUONG")).one()
        pack = Sku(product_id=tea.id, sku="TC-CHE-100G", variant="Gói 100g", price=65000, weight_g=100,
                   length_cm=14, width_cm=9, height_cm=4)
        session.add(pack)
        session.flush()
        record_movement(session, pack.id, "receipt", 25, "opening:TC-CHE-100G", "tồn đầu kỳ")


@pytest.fixture(params=["shopee", "lazada"])
def marketplace(request, engine, sandboxes):  # noqa: F811
    """The tea co-op's catalogue, the tea in three packs, synced to one marketplace with variants."""
    seed_catalogue(engine)
    add_tea_pack(engine)
    connect_all(engine, {request.param: sandboxes[request.param]})
    report = run_sync(engine)
    assert report.succeeded, report.summary()
    return request.param, sandboxes[request.param]


def pack_observations(engine, listing_sku: str) -> dict[str, tuple[ListingObservation, ListingVariant]]:
    """What was seen of every pack on the listing that holds ``listing_sku`` and what was pushed for it, by
    seller SKU."""
    with Session(engine) as session:
        listing_id = session.exec(
            select(ListingVariant.listing_id).join(Sku, Sku.id == ListingVariant.sku_id).where(Sku.sku == listing_sku)
        ).one()
        rows = session.exec(
            select(Sku.sku, ListingObservation, ListingVariant)
            .join(ListingVariant, ListingVariant.id == ListingObservation.variant_id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .where(ListingObservation.listing_id == listing_id)
        ).all()
    return {sku: (seen, pushed) for sku, seen, pushed in rows}


def test_an_item_with_three_packs_is_observed_as_three_packs_each_at_its_own_price(engine, marketplace):
    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    assert report.observed == report.listings == PACKS_IN_CATALOGUE
    assert report.drift == []
    seen = pack_observations(engine, "TC-CHE-200G")
    assert sorted(seen) == list(TEA_PACKS)
    assert all(row.price == pushed.pushed_price for row, pushed in seen.values())
    assert len({row.price for row, _ in seen.values()}) == len(TEA_PACKS)
    assert len({row.url for row, _ in seen.values()}) == 1
    assert all(row.visible and row.seller_sku == sku for sku, (row, _) in seen.items())


def test_each_pack_is_observed_with_its_own_stock(engine, marketplace):
    run_monitor(engine, **FAST)

    seen = pack_observations(engine, "TC-CHE-200G")
    assert {sku: row.stock for sku, (row, _) in seen.items()} == {"TC-CHE-100G": 25, "TC-CHE-200G": 40,
                                                                  "TC-CHE-500G": 15}


def test_a_pack_repriced_by_hand_in_the_seller_centre_drifts_alone(engine, marketplace):
    name, sandbox = marketplace
    pack = sandbox.item("TC-CHE-500G")
    sandbox.edit(pack["item_id"], model_id=pack["model_id"], price=pack["price"] + 15000)

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    (row,) = report.drift
    assert (row.marketplace, row.seller_sku, row.drift) == (name, "TC-CHE-500G", [Drift.price])
    assert (row.pushed_price, row.seen_price) == (pack["price"], pack["price"] + 15000)


def test_a_pack_no_longer_offered_on_a_live_item_is_missing_alone(engine, marketplace):
    _, sandbox = marketplace
    pack = sandbox.item("TC-CHE-100G")
    sandbox.edit(pack["item_id"], model_id=pack["model_id"], seller_sku="KHAC-100G")

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    (row,) = report.drift
    assert (row.seller_sku, row.drift, row.visible) == ("TC-CHE-100G", [Drift.missing], False)


def test_a_hidden_item_makes_every_one_of_its_packs_missing(engine, marketplace):
    _, sandbox = marketplace
    sandbox.edit(sandbox.item("TC-CHE-200G")["item_id"], status="hidden")

    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    assert sorted((row.seller_sku, row.drift) for row in report.drift) == [
        (sku, [Drift.missing]) for sku in sorted(TEA_PACKS)
    ]


def target(variant_id: int, seller_sku: str, item_id: str | None) -> CrawlTarget:
    return CrawlTarget(
        listing_id=7, variant_id=variant_id, marketplace="shopee", base_url="http://127.0.0.1:8701",
        shop_id="220011", state=ListingState.live if item_id else ListingState.awaiting_upload,
        seller_sku=seller_sku, external_item_id=item_id, pushed_price=120000, pushed_stock=20,
    )


def test_the_packs_of_one_item_are_read_from_a_single_visit_to_its_page():
    packs = [target(index, sku, "880042") for index, sku in enumerate(TEA_PACKS, 1)]
    spider = spider_for("shopee")(targets=packs, log=CrawlLog())

    (request,) = list(spider._requests())

    assert request.url == "http://127.0.0.1:8701/shop/220011/880042"
    assert request.meta["targets"] == packs



def test_packs_offered_as_a_list_of_offers_with_quantitative_stock_are_read_each_on_its_own():
    offers = [{"@type": "Offer", "sku": sku, "price": f"{price}.00", "priceCurrency": "VND",
               "availability": "https://schema.org/InStock",
               "inventoryLevel": {"@type": "QuantitativeValue", "value": stock}}
              for sku, price, stock in (("TC-CHE-200G", 136000, 40), ("TC-CHE-500G", 311000, 15))]
    product = {"@context": "https://schema.org", "@type": "Product", "name": "Chè búp Tân Cương đặc biệt",
               "productID": "880042", "offers": offers}
    html = f'<html><head><script type="application/ld+json">{json.dumps(product)}</script></head><body></body></html>'

    seen = read_shopee(html, "https://shopee.vn/shop/220011/880042")

    assert seen.packs == (PackOffer(seller_sku="TC-CHE-200G", price=136000, stock=40, availability="in_stock"),
                          PackOffer(seller_sku="TC-CHE-500G", price=311000, stock=15, availability="in_stock"))
    assert (seen.pack("TC-CHE-500G").price, seen.pack("TC-CHE-500G").stock) == (311000, 15)
