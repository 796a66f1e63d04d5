"""Drift: a public page compared with what we last pushed, the stock policy's safety buffer allowed for."""

from __future__ import annotations

from adapters.common.page import PageObservation
from catalog.models import ListingState
from syndicator.monitor.drift import Drift, drift_of
from syndicator.monitor.targets import CrawlTarget

URL = "http://127.0.0.1:8703/shop/100001/100003"


def pushed(state: ListingState = ListingState.live, price: int = 120000, stock: int = 40, buffer: int = 0):
    return CrawlTarget(
        listing_id=1, variant_id=1, marketplace="voso", base_url="http://127.0.0.1:8703", shop_id="100001", state=state,
        seller_sku="TC-CHE-200G", external_item_id=None if state == ListingState.awaiting_upload else "100003",
        pushed_price=price, pushed_stock=stock, safety_buffer=buffer,
    )


def seen(**values) -> PageObservation:
    return PageObservation(url=URL, visible=True, title="Chè búp Tân Cương đặc biệt - Gói 200g", **values)


def test_a_page_showing_what_we_pushed_has_no_drift():
    assert drift_of(pushed(), seen(price=120000, stock=40)) == []


def test_another_price_on_the_page_is_price_drift():
    assert drift_of(pushed(), seen(price=135000, stock=40)) == [Drift.price]


def test_stock_within_the_safety_buffer_is_not_drift():
    assert drift_of(pushed(stock=40, buffer=5), seen(price=120000, stock=35)) == []


def test_stock_beyond_the_safety_buffer_is_stock_drift():
    assert drift_of(pushed(stock=40, buffer=5), seen(price=120000, stock=34)) == [Drift.stock]


def test_out_of_stock_on_a_page_without_a_count_is_stock_drift_when_we_pushed_more_than_the_buffer():
    assert drift_of(pushed(stock=40, buffer=2), seen(price=120000, availability="out_of_stock")) == [Drift.stock]
    assert drift_of(pushed(stock=2, buffer=2), seen(price=120000, availability="out_of_stock")) == []


def test_in_stock_on_a_page_when_we_pushed_zero_is_stock_drift():
    assert drift_of(pushed(stock=0), seen(price=120000, availability="in_stock")) == [Drift.stock]


def test_a_live_listing_not_on_sale_is_missing():
    assert drift_of(pushed(), PageObservation(url=URL, visible=False)) == [Drift.missing]


def test_an_awaiting_upload_listing_not_yet_on_sale_is_not_drift():
    assert drift_of(pushed(ListingState.awaiting_upload), PageObservation(url=URL, visible=False)) == []


def test_an_awaiting_upload_listing_on_sale_is_confirmed_and_still_compared():
    assert drift_of(pushed(ListingState.awaiting_upload), seen(price=110000, stock=40)) == [
        Drift.confirmed, Drift.price,
    ]


def test_a_feed_row_whose_only_id_is_its_seller_sku_is_looked_up_on_the_storefront():
    feed_row = pushed(state=ListingState.live).model_copy(update={"external_item_id": "TC-CHE-200G"})

    assert feed_row.found_by_storefront and not pushed().found_by_storefront
