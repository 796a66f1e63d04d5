"""Order lines keep whatever a marketplace sends within the columns that hold them."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Session

from adapters.common.contract import OrderLineRecord, OrderRecord
from catalog.db import session_scope
from catalog.models import OrderLine, StockMovement
from syndicator.channels import connect_feed
from syndicator.orders import ShopOrders, store_orders
from tests.support.sandboxes import COOP, seed_catalogue

LONG_SKU = "CHE-TAN-CUONG-" + "HANG-DAC-BIET-TUYEN-CHON-" * 6  # a seller's own 164-character SKU on Lazada
PLACED = datetime(2026, 12, 3, 8, 30, tzinfo=UTC)


def lazada_order(sku: str) -> OrderRecord:
    return OrderRecord(
        order_id="390145827716543", status="open", marketplace_status="ready_to_ship_pending_" + "x" * 80,
        placed_at=PLACED, updated_at=PLACED, total=240000,
        lines=[OrderLineRecord(line_ref=f"390145827716543-{sku}", seller_sku=sku, quantity=2, unit_price=120000)])


def test_a_line_with_a_seller_sku_longer_than_ours_is_kept_as_unknown_and_pulled_again_adds_nothing(engine, tmp_path,
                                                                                                  monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    seed_catalogue(engine)
    account = connect_feed(engine, COOP, "voso", publish_all=True)
    first, second = ShopOrders(account.id, "lazada", COOP), ShopOrders(account.id, "lazada", COOP)

    with session_scope(engine) as session:
        store_orders(session, account.id, [lazada_order(LONG_SKU)], first)
    with session_scope(engine) as session:
        store_orders(session, account.id, [lazada_order(LONG_SKU)], second)

    with Session(engine) as session:
        (line,) = session.execute(sa.select(OrderLine)).scalars().all()
        movements = session.scalar(sa.select(sa.func.count()).select_from(StockMovement)
                                   .where(StockMovement.kind == "sale"))
    assert line.seller_sku == LONG_SKU and line.sku_id is None
    assert len(line.line_ref) <= 90
    assert (first.orders_new, second.orders_new, movements) == (1, 0, 0)


def test_a_long_line_ref_becomes_a_stable_digest():
    ref = f"390145827716543-{LONG_SKU}"

    assert OrderLineRecord(line_ref=ref, seller_sku="X", quantity=1).line_ref == \
        OrderLineRecord(line_ref=ref, seller_sku="X", quantity=1).line_ref
    assert OrderLineRecord(line_ref=ref, seller_sku="X", quantity=1).line_ref.startswith("sha256:")
    assert OrderLineRecord(line_ref="390145827716543-TC-CHE-200G", seller_sku="X", quantity=1).line_ref == \
        "390145827716543-TC-CHE-200G"
