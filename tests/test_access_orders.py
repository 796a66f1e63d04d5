"""The order list behind the Đơn hàng page: scoped by role, filtered, searched, paged, with each line's stock
movements, and a set number of queries a page however many orders it holds."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from adapters.common.contract import OrderLineRecord, OrderRecord
from catalog.db import session_scope
from catalog.models import ChannelAccount
from syndicator.access.orders import OrderFilter, orders
from syndicator.access.roles import AccessDenied
from syndicator.orders import ShopOrders, store_orders
from tests.support.ui import TAN_CUONG, VO_NHAI, login, seed_two_coops

TEA_SHOPEE, TEA_VOSO = "100001", "V-77"  # the seeded shops of HTX Chè Tân Cương
# 20/11/2026 00:30 in Vietnam, still the 19th in UTC
JUST_AFTER_MIDNIGHT = datetime(2026, 11, 19, 17, 30, tzinfo=UTC)


def order(order_id: str, status: str, placed_at: datetime, *lines: tuple[str, int, int]) -> OrderRecord:
    """An order as a marketplace reports it: lines of (seller SKU, quantity, unit price in đồng)."""
    return OrderRecord(
        order_id=order_id, status=status, marketplace_status=status.upper(), placed_at=placed_at,
        updated_at=placed_at, total=sum(quantity * price for _, quantity, price in lines),
        lines=[OrderLineRecord(line_ref=str(n), seller_sku=sku, quantity=quantity, unit_price=price)
               for n, (sku, quantity, price) in enumerate(lines, start=1)],
    )


def store(engine, shop_id: str, *records: OrderRecord) -> None:
    """The orders stored by the engine's own writer, which records each line's ledger movements."""
    with session_scope(engine) as session:
        account = session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == shop_id)).one()
        store_orders(session, account.id, list(records), ShopOrders(account.id, account.marketplace, TAN_CUONG))


def seed_tea_orders(engine) -> None:
    """Chè Tân Cương's month: a cancelled and a returned order on Shopee, a completed one on Voso placed just
    after midnight, and an open one carrying a SKU the co-op does not have (typed in the seller centre)."""
    store(engine, TEA_SHOPEE,
          order("SP-241101", "cancelled", datetime(2026, 11, 2, 1, 30, tzinfo=UTC), ("CHE-NT-100", 1, 185000)),
          order("SP-241105", "returned", datetime(2026, 11, 5, 3, 0, tzinfo=UTC), ("CHE-DB-200", 2, 120000)),
          order("SP-241128", "open", datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
                ("CHE-DB-200", 1, 120000), ("CHE-DB-500", 1, 280000)))
    store(engine, TEA_VOSO, order("VS-241120", "completed", JUST_AFTER_MIDNIGHT, ("CHE-DB-200", 3, 120000)))


@pytest.fixture
def seeded(engine):
    seed_two_coops(engine)
    seed_tea_orders(engine)
    return engine


def order_ids(engine, username: str, **chosen) -> list[str]:
    return [row["order_id"] for row in orders(engine, login(engine, username), OrderFilter(**chosen)).rows]


def test_a_clerk_sees_only_their_own_coops_orders_newest_first(seeded):
    assert order_ids(seeded, "tancuong") == ["SP-240001", "SP-241128", "VS-241120", "SP-241105", "SP-241101"]


def test_an_officer_sees_every_coops_orders(seeded):
    assert {"SP-240001", "SP-240002", "VS-241120"} <= set(order_ids(seeded, "canbo"))


def test_an_officer_narrows_the_list_to_one_coop(seeded):
    assert order_ids(seeded, "canbo", coop_code=VO_NHAI) == ["SP-240002"]


def test_a_clerk_cannot_ask_for_another_coops_orders(seeded):
    with pytest.raises(AccessDenied):
        orders(seeded, login(seeded, "tancuong"), OrderFilter(coop_code=VO_NHAI))


def test_an_order_carries_its_marketplace_status_total_and_lines_with_pack_and_price(seeded):
    [voso] = orders(seeded, login(seeded, "tancuong"), OrderFilter(query="VS-241120")).rows
    assert (voso["marketplace"], voso["status"], voso["total"], voso["placed_at"]) == (
        "voso", "completed", 360000, JUST_AFTER_MIDNIGHT)
    [line] = voso["lines"]
    assert (line["seller_sku"], line["product"], line["variant"], line["quantity"], line["unit_price"]) == (
        "CHE-DB-200", "Chè búp Tân Cương đặc biệt", "Gói 200g", 3, 120000)


def test_a_sold_line_shows_the_sale_it_took_from_stock(seeded):
    [voso] = orders(seeded, login(seeded, "tancuong"), OrderFilter(query="VS-241120")).rows
    assert voso["lines"][0]["movements"] == [{"kind": "sale", "quantity": -3}]


def test_a_cancelled_order_shows_its_sale_and_the_stock_coming_back(seeded):
    [cancelled] = orders(seeded, login(seeded, "tancuong"), OrderFilter(status="cancelled")).rows
    assert cancelled["lines"][0]["movements"] == [{"kind": "sale", "quantity": -1},
                                                  {"kind": "cancellation", "quantity": 1}]


def test_a_returned_order_shows_the_return_into_stock(seeded):
    [returned] = orders(seeded, login(seeded, "tancuong"), OrderFilter(status="returned")).rows
    assert {"kind": "return", "quantity": 2} in returned["lines"][0]["movements"]


def test_a_line_with_an_unknown_sku_is_flagged_and_moved_no_stock(seeded):
    [mixed] = orders(seeded, login(seeded, "tancuong"), OrderFilter(query="SP-241128")).rows
    known, unknown = mixed["lines"]
    assert (known["known"], unknown["known"]) == (True, False)
    assert (unknown["seller_sku"], unknown["product"], unknown["movements"]) == ("CHE-DB-500", None, [])


def test_only_orders_with_an_unknown_sku_can_be_listed(seeded):
    assert order_ids(seeded, "tancuong", unknown_only=True) == ["SP-241128"]


def test_orders_are_filtered_by_marketplace(seeded):
    assert order_ids(seeded, "tancuong", marketplace="voso") == ["VS-241120"]


def test_orders_are_filtered_by_status(seeded):
    assert order_ids(seeded, "canbo", status="open") == ["SP-240002", "SP-240001", "SP-241128"]


def test_dates_are_whole_days_in_vietnam_time(seeded):
    assert order_ids(seeded, "tancuong", since=date(2026, 11, 20), until=date(2026, 11, 20)) == ["VS-241120"]
    assert order_ids(seeded, "tancuong", since=date(2026, 11, 19), until=date(2026, 11, 19)) == []


def test_a_date_range_keeps_the_orders_between_its_days(seeded):
    assert order_ids(seeded, "tancuong", since=date(2026, 11, 5), until=date(2026, 11, 28)) == [
        "SP-241128", "VS-241120", "SP-241105"]


def test_a_search_finds_an_order_by_part_of_its_id(seeded):
    assert order_ids(seeded, "tancuong", query="2411") == ["SP-241128", "VS-241120", "SP-241105", "SP-241101"]


def test_a_search_finds_the_orders_of_a_sku_in_any_case(seeded):
    assert order_ids(seeded, "tancuong", query="che-nt") == ["SP-241101"]


def test_a_search_reads_percent_and_underscore_as_themselves(seeded):
    assert order_ids(seeded, "tancuong", query="%") == []


def test_a_start_date_after_the_end_date_is_refused_naming_the_field(seeded):
    with pytest.raises(ValueError, match="^Từ ngày \\(21/11/2026\\) phải trước hoặc trùng Đến ngày \\(20/11/2026\\)$"):
        orders(seeded, login(seeded, "tancuong"), OrderFilter(since=date(2026, 11, 21), until=date(2026, 11, 20)))


def test_an_unknown_status_is_refused_naming_the_field(seeded):
    with pytest.raises(ValueError, match="^Trạng thái: "):
        orders(seeded, login(seeded, "tancuong"), OrderFilter(status="shipped"))


def test_orders_come_a_page_at_a_time_with_the_number_of_all(seeded):
    page = orders(seeded, login(seeded, "tancuong"), offset=2, limit=2)
    assert ([row["order_id"] for row in page.rows], page.total) == (["VS-241120", "SP-241105"], 5)


def many_orders(engine, count: int) -> None:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    store(engine, TEA_SHOPEE, *(order(f"SP-25{n:04d}", "cancelled", start + timedelta(hours=n),
                                      ("CHE-DB-200", 1, 120000), ("CHE-DB-500", 1, 280000))
                                for n in range(count)))


def queries_for_a_page(engine, limit: int) -> int:
    clerk, statements = login(engine, "tancuong"), []

    def count(connection, cursor, statement, *rest) -> None:
        statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        page = orders(engine, clerk, limit=limit)
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    assert len(page.rows) == limit
    return len(statements)


def test_a_page_of_many_orders_takes_as_many_queries_as_a_page_of_two(seeded):
    many_orders(seeded, 60)
    assert queries_for_a_page(seeded, 50) == queries_for_a_page(seeded, 2)
