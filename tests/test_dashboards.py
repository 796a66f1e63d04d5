"""Officers' dashboards: revenue and orders by week and month in Vietnam time, listing health per co-op,
packs out of stock or low on it, and the monitor by co-op."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingObservation,
    MovementKind,
    Order,
    OrderLine,
    Sku,
    StockMovement,
)
from syndicator.access.monitor import observations
from syndicator.access.overview import LOW_STOCK_AT, listing_health, stock_alerts
from syndicator.access.roles import AccessDenied
from syndicator.access.sales import trend
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import TAN_CUONG, VO_NHAI, login, seed_two_coops


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def sell(engine, coop_code: str, order_id: str, placed_at: datetime, sku: str, quantity: int, unit_price: int,
         status: str = "completed") -> None:
    """An order pulled from the co-op's Shopee shop."""
    with session_scope(engine) as session:
        account = session.exec(select(ChannelAccount).join(Coop, Coop.id == ChannelAccount.coop_id).where(
            Coop.code == coop_code, ChannelAccount.marketplace == "shopee")).one()
        order = Order(channel_account_id=account.id, marketplace_order_id=order_id, status=status,
                      total=quantity * unit_price, placed_at=placed_at)
        session.add(order)
        session.flush()
        sku_id = session.exec(select(Sku.id).where(Sku.sku == sku)).one()
        session.add(OrderLine(order_id=order.id, line_ref="1", seller_sku=sku, sku_id=sku_id, quantity=quantity,
                              unit_price=unit_price))


def by_period(rows: list[dict]) -> dict[date, dict]:
    return {row["period"]: row for row in rows}


def test_an_order_placed_just_after_midnight_in_vietnam_on_a_monday_counts_in_that_week(seeded):
    # Sunday 8 February 2026, 17:30 UTC is Monday 9 February, 00:30 in Vietnam
    sell(seeded, TAN_CUONG, "SP-260209", datetime(2026, 2, 8, 17, 30, tzinfo=UTC), "CHE-DB-200", 2, 120000)

    weeks = by_period(trend(seeded, login(seeded, "canbo"), "week", date(2026, 2, 1), date(2026, 2, 15)))

    assert list(weeks) == [date(2026, 1, 26), date(2026, 2, 2), date(2026, 2, 9)]
    assert (weeks[date(2026, 2, 9)]["orders"], weeks[date(2026, 2, 9)]["revenue"]) == (1, 240000)
    assert weeks[date(2026, 2, 2)]["orders"] == 0


def test_months_are_vietnam_months_and_every_month_of_the_range_is_listed(seeded):
    # 31 January 2026, 18:00 UTC is 1 February, 01:00 in Vietnam: a Tết order
    sell(seeded, TAN_CUONG, "SP-260201", datetime(2026, 1, 31, 18, 0, tzinfo=UTC), "CHE-NT-100", 1, 185000)
    sell(seeded, VO_NHAI, "SP-260415", datetime(2026, 4, 15, 3, 0, tzinfo=UTC), "MO-VN-500", 2, 250000)

    months = by_period(trend(seeded, login(seeded, "canbo"), "month", date(2026, 1, 1), date(2026, 4, 30)))

    assert list(months) == [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert [months[m]["revenue"] for m in months] == [0, 185000, 0, 500000]


def test_cancelled_and_returned_orders_are_counted_apart_and_not_as_revenue(seeded):
    placed = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
    sell(seeded, TAN_CUONG, "SP-260310-1", placed, "CHE-DB-200", 1, 120000)
    sell(seeded, TAN_CUONG, "SP-260310-2", placed, "CHE-DB-200", 3, 120000, status="cancelled")
    sell(seeded, TAN_CUONG, "SP-260310-3", placed, "CHE-NT-100", 1, 185000, status="returned")

    (march,) = trend(seeded, login(seeded, "canbo"), "month", date(2026, 3, 1), date(2026, 3, 31))

    assert (march["revenue"], march["orders"], march["cancelled"], march["returned"]) == (120000, 1, 1, 1)


def test_a_clerk_sees_the_trend_of_their_own_coop_only(seeded):
    placed = datetime(2026, 5, 5, 2, 0, tzinfo=UTC)
    sell(seeded, TAN_CUONG, "SP-260505", placed, "CHE-DB-200", 1, 120000)
    sell(seeded, VO_NHAI, "SP-260506", placed, "MO-VN-500", 1, 250000)
    clerk = login(seeded, "tancuong")

    (may,) = trend(seeded, clerk, "month", date(2026, 5, 1), date(2026, 5, 31))

    assert (may["orders"], may["revenue"]) == (1, 120000)
    with pytest.raises(AccessDenied):
        trend(seeded, clerk, "month", date(2026, 5, 1), date(2026, 5, 31), coop_code=VO_NHAI)


def test_listing_health_counts_live_failed_and_drifted_listings_for_each_coop(seeded):
    rows = {row["coop_code"]: row for row in listing_health(seeded, login(seeded, "canbo"))}

    assert {k: rows[TAN_CUONG][k] for k in ("live", "failed", "drift")} == {"live": 2, "failed": 0, "drift": 1}
    assert {k: rows[VO_NHAI][k] for k in ("live", "failed", "drift")} == {"live": 0, "failed": 1, "drift": 0}


def test_drift_is_read_from_the_monitors_latest_look_at_the_listing(seeded):
    with session_scope(seeded) as session:
        seen = session.exec(select(ListingObservation)).one()
        session.add(ListingObservation(listing_id=seen.listing_id, variant_id=seen.variant_id, url=seen.url,
                                       visible=True, price=120000, stock=40, drift=[]))

    (tea,) = listing_health(seeded, login(seeded, "tancuong"))

    assert (tea["coop_code"], tea["drift"]) == (TAN_CUONG, 0)


def test_a_feeds_listing_seen_on_sale_at_last_is_not_counted_as_drift(seeded):
    with session_scope(seeded) as session:
        seen = session.exec(select(ListingObservation)).one()
        seen.drift = ["confirmed"]
        session.add(seen)

    (tea,) = listing_health(seeded, login(seeded, "tancuong"))

    assert tea["drift"] == 0


def test_a_listing_whose_last_push_failed_counts_as_failed_though_still_live(seeded):
    with session_scope(seeded) as session:
        live = session.exec(select(Listing).where(Listing.external_item_id == "V-1")).one()
        live.last_error = "Voso: giá vượt quá giới hạn của danh mục"
        session.add(live)

    (tea,) = listing_health(seeded, login(seeded, "tancuong"))

    assert (tea["live"], tea["failed"]) == (2, 1)


def take(engine, sku: str, quantity: int) -> None:
    with session_scope(engine) as session:
        sku_id = session.exec(select(Sku.id).where(Sku.sku == sku)).one()
        session.add(StockMovement(sku_id=sku_id, kind=MovementKind.adjustment, quantity=-quantity,
                                  source=f"kiem-kho:{sku}"))


def test_packs_with_nothing_available_are_out_of_stock_and_those_with_five_or_fewer_are_low(seeded):
    take(seeded, "CHE-NT-100", 9)  # 12 received: 3 left
    take(seeded, "MO-VN-500", 30)  # all gone

    alerts = stock_alerts(seeded, login(seeded, "canbo"))

    assert alerts["threshold"] == LOW_STOCK_AT == 5
    assert [(r["sku"], r["available"]) for r in alerts["low"]] == [("CHE-NT-100", 3)]
    assert [(r["sku"], r["coop_code"], r["available"]) for r in alerts["out"]] == [("MO-VN-500", VO_NHAI, 0)]


def test_a_clerk_sees_only_their_own_coops_stock_alerts(seeded):
    take(seeded, "MO-VN-500", 30)

    alerts = stock_alerts(seeded, login(seeded, "tancuong"))

    assert alerts["out"] == [] and alerts["low"] == []


def test_the_monitor_shows_one_coops_observations_when_asked(seeded):
    officer = login(seeded, "canbo")

    assert [r["sku"] for r in observations(seeded, officer, coop_code=TAN_CUONG).rows] == ["CHE-DB-200"]
    assert observations(seeded, officer, coop_code=VO_NHAI).rows == []


def test_the_monitor_with_the_drift_filter_on_and_no_drift_says_none_was_found(seeded):
    with session_scope(seeded) as session:
        seen = session.exec(select(ListingObservation)).one()
        seen.drift = []  # the shop shows what was sent
        session.add(seen)
    app = open_page(logged_in("tancuong"), "monitor")

    app.toggle(key="drift_only").set_value(True).run()

    text = shown_text(app)
    assert "Không thấy sai lệch" in text
    assert "Chưa có kết quả giám sát" not in text


def test_the_monitor_with_the_drift_filter_on_says_so_when_the_coop_was_never_observed(seeded):
    app = open_page(logged_in("canbo"), "monitor")
    app.selectbox(key="monitor_coop").set_value(VO_NHAI).run()

    app.toggle(key="drift_only").set_value(True).run()

    assert "Chưa có kết quả giám sát" in shown_text(app)


def test_the_monitor_picker_limits_the_table_to_the_chosen_coop(seeded):
    app = open_page(logged_in("canbo"), "monitor")
    assert "CHE-DB-200" in shown_text(app)

    app.selectbox(key="monitor_coop").set_value(VO_NHAI).run()

    assert "CHE-DB-200" not in shown_text(app)


def test_the_overview_shows_listing_health_and_the_stock_lists_with_their_threshold(seeded):
    take(seeded, "MO-VN-500", 30)

    text = shown_text(open_page(logged_in("canbo"), "overview"))

    assert "Tình trạng tin đăng theo hợp tác xã" in text
    assert "HTX Mật ong Võ Nhai (HTX-VONHAI),0,1,0" in text
    assert "Hết hàng" in text and "MO-VN-500" in text
    assert "còn bán được từ 1 đến 5 đơn vị (ngưỡng mặc định" in text


def test_the_sales_page_charts_revenue_and_orders_by_week_when_asked(seeded):
    app = open_page(logged_in("tancuong"), "sales")
    assert "Xu hướng doanh thu và đơn hàng" in shown_text(app)

    app.segmented_control(key="sales_trend_by").set_value("week").run()

    assert not app.exception
    assert "Tuần từ" in shown_text(app)
