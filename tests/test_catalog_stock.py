"""The stock ledger: append-only, each movement once by its source, levels derived from it in SQL."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, MovementKind, Order, OrderLine, Product, Sku, StockMovement
from catalog.stock import (
    StockLevel,
    StockRefused,
    adjust_stock,
    order_line_source,
    record_movement,
    record_movements,
    set_stock,
    stock_levels,
)


@pytest.fixture
def honey(engine):
    """One SKU of Võ Nhai forest honey with 40 bottles received, and a Shopee shop of the co-op."""
    with session_scope(engine) as session:
        coop = Coop(code="HTX-VONHAI", name="Hợp tác xã Mật ong rừng Võ Nhai")
        session.add(coop)
        session.flush()
        product = Product(coop_id=coop.id, code="MAT-ONG-RUNG", name="Mật ong rừng Võ Nhai")
        session.add(product)
        session.flush()
        sku = Sku(product_id=product.id, sku="MO-VN-500", variant="Chai 500ml", price=280000, weight_g=700)
        shop = ChannelAccount(coop_id=coop.id, marketplace="shopee", shop_id="880001")
        session.add_all([sku, shop])
        session.flush()
        record_movement(session, sku.id, MovementKind.receipt, 40, "receipt:2026-11-01:MO-VN-500")
    return engine, sku.id, shop.id


def place_order(engine, shop_id, sku_id, order_id, quantity, status="open"):
    with session_scope(engine) as session:
        order = Order(channel_account_id=shop_id, marketplace_order_id=order_id, status=status)
        session.add(order)
        session.flush()
        session.add(OrderLine(order_id=order.id, line_ref="1", seller_sku="MO-VN-500", sku_id=sku_id,
                              quantity=quantity))
        return record_movement(session, sku_id, MovementKind.sale, -quantity,
                               order_line_source(shop_id, order_id, "1", "sale"))


def level(engine, sku_id) -> StockLevel:
    with session_scope(engine) as session:
        return stock_levels(session, [sku_id])[sku_id]


def movement_count(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(sa.select(sa.func.count()).select_from(StockMovement)).scalar()


def test_a_source_already_recorded_is_not_counted_again(honey):
    engine, sku_id, _ = honey
    with session_scope(engine) as session:
        assert record_movement(session, sku_id, "adjustment", -2, "kiem-kho:2026-11-15") is True
    with session_scope(engine) as session:
        assert record_movement(session, sku_id, "adjustment", -2, "kiem-kho:2026-11-15") is False
    assert level(engine, sku_id).available == 38
    assert movement_count(engine) == 2


def test_replaying_an_order_import_counts_the_sale_once(honey):
    engine, sku_id, shop_id = honey
    assert place_order(engine, shop_id, sku_id, "2411280001", 3) is True
    with session_scope(engine) as session:
        replayed = record_movement(session, sku_id, MovementKind.sale, -3,
                                   order_line_source(shop_id, "2411280001", "1", "sale"))
    assert replayed is False
    assert level(engine, sku_id).available == 37


def test_a_batch_with_repeated_sources_records_each_source_once(honey):
    engine, sku_id, _ = honey
    batch = [{"sku_id": sku_id, "kind": "receipt", "quantity": 10, "source": f"nhap:{n % 2}"} for n in range(4)]
    with session_scope(engine) as session:
        assert record_movements(session, batch) == 2
    with session_scope(engine) as session:
        assert record_movements(session, batch) == 0
    assert level(engine, sku_id).available == 60


def test_an_open_order_reserves_its_units_until_it_ships_or_is_cancelled(honey):
    engine, sku_id, shop_id = honey
    place_order(engine, shop_id, sku_id, "2411280001", 3)
    place_order(engine, shop_id, sku_id, "2411280002", 2, status="completed")
    assert level(engine, sku_id) == StockLevel(on_hand=38, reserved=3, available=35)


def test_a_cancellation_gives_the_units_back(honey):
    engine, sku_id, shop_id = honey
    place_order(engine, shop_id, sku_id, "2411280001", 3)
    with session_scope(engine) as session:
        order = session.execute(sa.select(Order)).scalar_one()
        order.status = "cancelled"
        record_movement(session, sku_id, MovementKind.cancellation, 3,
                        order_line_source(shop_id, "2411280001", "1", "cancel"))
    assert level(engine, sku_id) == StockLevel(on_hand=40, reserved=0, available=40)


def test_a_returned_bottle_comes_back_on_hand(honey):
    engine, sku_id, shop_id = honey
    place_order(engine, shop_id, sku_id, "2411280002", 2, status="completed")
    with session_scope(engine) as session:
        session.execute(sa.select(Order)).scalar_one().status = "returned"
        record_movement(session, sku_id, MovementKind.return_, 2,
                        order_line_source(shop_id, "2411280002", "1", "return"))
    assert level(engine, sku_id) == StockLevel(on_hand=40, reserved=0, available=40)


def test_a_return_is_counted_once_however_often_it_is_seen(honey):
    engine, sku_id, shop_id = honey
    place_order(engine, shop_id, sku_id, "2411280003", 2, status="completed")
    source = order_line_source(shop_id, "2411280003", "1", "return")
    with session_scope(engine) as session:
        assert record_movement(session, sku_id, MovementKind.return_, 2, source) is True
    with session_scope(engine) as session:
        assert record_movement(session, sku_id, MovementKind.return_, 2, source) is False
    assert level(engine, sku_id).on_hand == 40


def test_movements_must_point_the_way_their_kind_says(honey):
    engine, sku_id, _ = honey
    with session_scope(engine) as session, pytest.raises(ValueError, match="sale movement must be negative"):
        record_movement(session, sku_id, MovementKind.sale, 2, "order:x:sale")
    with session_scope(engine) as session, pytest.raises(ValueError, match="0 units"):
        record_movement(session, sku_id, MovementKind.adjustment, 0, "kiem-kho:0")


def test_a_sku_without_movements_has_no_stock(honey):
    engine, _, _ = honey
    assert level(engine, 999_999) == StockLevel(0, 0, 0)


def test_levels_of_every_sku_come_from_one_aggregate(honey):
    engine, sku_id, _ = honey
    with session_scope(engine) as session:
        assert stock_levels(session) == {sku_id: StockLevel(40, 0, 40)}


def test_a_stock_count_applied_twice_is_recorded_once(honey):
    engine, sku_id, _ = honey
    with session_scope(engine) as session:
        assert set_stock(session, sku_id, 35, "kiểm kho cuối tháng") is True
    with session_scope(engine) as session:
        assert set_stock(session, sku_id, 35, "kiểm kho cuối tháng") is False
    assert level(engine, sku_id).on_hand == 35
    assert movement_count(engine) == 2


def test_a_manual_receipt_and_adjustment_are_each_recorded(honey):
    engine, sku_id, _ = honey
    with session_scope(engine) as session:
        adjust_stock(session, sku_id, 24, "hàng về từ Thần Sa", receipt=True)
        after = adjust_stock(session, sku_id, -1, "vỡ một chai")
    assert after == StockLevel(on_hand=63, reserved=0, available=63)
    with session_scope(engine) as session:
        notes = session.execute(sa.select(StockMovement.note).order_by(StockMovement.id)).scalars().all()
    assert notes[-2:] == ["hàng về từ Thần Sa", "vỡ một chai"]


def test_an_adjustment_past_what_is_on_hand_is_refused_and_records_nothing(honey):
    engine, sku_id, _ = honey
    before = movement_count(engine)

    with pytest.raises(StockRefused, match="trong kho chỉ còn 40"), session_scope(engine) as session:
        adjust_stock(session, sku_id, -41, "hỏng cả lô")

    assert (level(engine, sku_id).on_hand, movement_count(engine)) == (40, before)


def test_a_receipt_is_taken_even_when_sales_have_left_less_than_nothing(honey):
    engine, sku_id, _ = honey
    with session_scope(engine) as session:
        record_movement(session, sku_id, "sale", -45, "order:1:ORD-1:L1:sale", "bán quá tồn")

    with session_scope(engine) as session:
        after = adjust_stock(session, sku_id, 24, "hàng về từ Thần Sa", receipt=True)

    assert after.on_hand == 19
