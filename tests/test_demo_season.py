"""The demo's season: a year of orders with the Tết rush and the harvests of tea, honey, dried bamboo
shoots and La Hiên custard apples, a few cancellations and returns, the same every run on the same day."""

# ruff: noqa: F811 (pytest fixtures arrive as arguments)
from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest

from catalog.sample import COOPS, sample_rows
from syndicator.access.sales import LOCAL_ZONE
from syndicator.season import OnSale, SeasonOrder, plan_season
from tests.support.shopee import (  # noqa: F401 (fixtures)
    WEB,
    Control,
    anyio_backend,
    connected,
    shared_shopee,
    shopee,
    shopee_servers,
    tea,
    tea_photo,
)

TODAY = date(2026, 12, 3)
NOW = datetime(2026, 12, 3, 9, 30, tzinfo=LOCAL_ZONE).astimezone(UTC)
MARKETPLACES = ("shopee", "lazada", "voso", "postmart", "thainguyentrade")


@pytest.fixture(scope="module")
def season(tmp_path_factory) -> list[SeasonOrder]:
    """The sample catalogue on sale on every marketplace, each co-op with a shop on each."""
    shops = {(coop.code, marketplace): f"{index}{number}" for index, coop in enumerate(COOPS, start=1)
             for number, marketplace in enumerate(MARKETPLACES)}
    offers = [OnSale(marketplace, shops[(row.coop_code, marketplace)], row.product_code, row.sku)
              for row in sample_rows(tmp_path_factory.mktemp("images")) for marketplace in MARKETPLACES]
    return plan_season(offers, TODAY, NOW)


def per_month(orders: list[SeasonOrder], product_code: str | None = None) -> Counter[str]:
    return Counter(order.placed_at.astimezone(LOCAL_ZONE).strftime("%Y-%m") for order in orders
                   if product_code is None or f"-{product_code}-" in order.sku)


def test_the_tet_rush_makes_january_and_february_2026_the_busiest_months(season):
    months = per_month(season)
    ordinary = sum(months[m] for m in ("2026-06", "2026-07", "2026-10", "2026-11")) / 4

    assert months["2026-01"] > 1.8 * ordinary and months["2026-02"] > 1.8 * ordinary
    assert max(months, key=months.get) in ("2026-01", "2026-02")


def test_gift_boxes_sell_in_the_weeks_before_tet_and_little_otherwise(season):
    gifts = per_month(season, "CHE-HOP-QUA") + per_month(season, "MAT-ONG-QUA") + per_month(season, "MIEN-HOP-QUA")

    assert gifts["2026-01"] + gifts["2026-02"] > sum(gifts.values()) / 2


def test_tan_cuong_tea_peaks_in_its_spring_flush(season):
    tea = Counter()
    for code in ("CHE-BUP-DB", "CHE-NON-TOM", "CHE-MOC-CAU", "CHE-DINH", "CHE-XANH-L1"):
        tea += per_month(season, code)

    assert tea["2026-03"] + tea["2026-04"] > 1.5 * (tea["2026-06"] + tea["2026-07"])


def test_honey_peaks_in_its_harvest(season):
    honey = per_month(season, "MAT-ONG-RUNG") + per_month(season, "MAT-ONG-NHAN")

    assert honey["2026-04"] + honey["2026-05"] + honey["2026-06"] > \
        1.5 * (honey["2026-09"] + honey["2026-10"] + honey["2026-11"])


def test_dried_bamboo_shoots_peak_after_their_harvest(season):
    shoots = per_month(season, "MANG-KHO")

    assert shoots["2026-07"] + shoots["2026-08"] + shoots["2026-09"] > \
        1.5 * (shoots["2026-04"] + shoots["2026-05"] + shoots["2026-06"])


def test_la_hien_custard_apples_are_sold_only_in_their_season(season):
    apples = per_month(season, "NA-LA-HIEN")

    assert apples and set(apples) <= {"2026-08", "2026-09"}


def test_a_few_orders_are_cancelled_and_a_few_returned_and_the_latest_are_still_open(season):
    ended = Counter(order.status for order in season)

    assert 0 < ended["cancelled"] < len(season) * 0.1
    assert 0 < ended["returned"] < len(season) * 0.1
    assert {order.status for order in season if (NOW - order.placed_at).days >= 10} <= \
        {"completed", "cancelled", "returned"}
    assert all(order.settled_at is None and (NOW - order.placed_at).days < 9
               for order in season if order.status == "open")


def test_the_season_reaches_back_a_year_and_no_further_than_now(season):
    assert min(order.placed_at for order in season).astimezone(LOCAL_ZONE).date() >= date(2025, 12, 3)
    assert max(order.placed_at for order in season) <= NOW
    assert all(order.settled_at is None or order.settled_at <= NOW for order in season)


def test_the_same_day_gives_the_same_season(season, tmp_path):
    offers = [OnSale("shopee", "101", row.product_code, row.sku) for row in sample_rows(tmp_path)]

    assert plan_season(offers, TODAY, NOW) == plan_season(offers, TODAY, NOW)


@pytest.fixture
async def shop(shopee):
    adapter = await connected(shopee)
    yield adapter
    await adapter.aclose()


@pytest.mark.anyio
async def test_an_order_from_the_shops_past_is_pulled_with_its_own_times_and_end(shopee, shop, tea_photo):
    listed = (await shop.create_listing(tea(tea_photo))).ref
    control, now = Control(shopee), datetime.now(UTC).replace(microsecond=0)
    placed, returned = now - timedelta(days=40), now - timedelta(days=31)

    control.send("POST", "orders", {
        "shop_id": shop.credentials.shop_id, "lines": [{"seller_sku": listed.seller_sku, "quantity": 2}],
        "created_at": placed.isoformat(), "status": "returned", "updated_at": returned.isoformat()})
    (order,) = await shop.orders_since(now - timedelta(days=45))

    assert (order.placed_at, order.updated_at, order.status) == (placed, returned, "returned")
    assert [item["stock"] for item in control.items(shop.credentials.shop_id)] == [40]


@pytest.mark.anyio
async def test_an_order_with_an_unknown_end_is_refused_and_takes_no_stock(shopee, shop, tea_photo):
    listed = (await shop.create_listing(tea(tea_photo))).ref
    control = Control(shopee)

    refused = WEB.post(f"{control.base_url}/_sandbox/orders", json={
        "shop_id": shop.credentials.shop_id, "lines": [{"seller_sku": listed.seller_sku, "quantity": 2}],
        "status": "lost"})

    assert refused.status_code == 400
    assert [item["stock"] for item in control.items(shop.credentials.shop_id)] == [40]
