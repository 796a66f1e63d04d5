"""Orders: pull each shop's new and changed orders, store them once, write their stock movements once.

A shop is asked for orders changed since its watermark less an overlap window (marketplaces index
orders late); what comes back twice is harmless because orders are unique per shop and marketplace
order id, lines per order and line ref, and ledger movements per source. The watermark moves only
when the shop's whole pull was stored. A shop whose tokens are refused even after a refresh is marked
as needing re-authorisation (syndicator.channels), and its orders wait there until it is connected again.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.common.contract import OrderRecord
from adapters.common.errors import MarketplaceError
from catalog.db import session_scope
from catalog.models import ChannelAccount, MovementKind, Order, OrderLine, Product, Sku, utcnow
from catalog.stock import order_line_source, record_movement
from syndicator.budgets import BudgetSpent
from syndicator.channels import NETWORK, Reach, adapter_for, mark_if_authorisation_lost, reconnect_hint
from syndicator.plan import AccountScope, account_scopes

OVERLAP = timedelta(minutes=10)
FIRST_PULL_LOOKBACK = timedelta(days=30)
EVENTS = {"cancelled": (MovementKind.cancellation, "cancel"), "returned": (MovementKind.return_, "return")}


@dataclass
class ShopOrders:
    account_id: int
    marketplace: str
    coop_code: str
    orders_new: int = 0
    orders_changed: int = 0
    movements: int = 0
    unknown_skus: list[str] = field(default_factory=list)
    error: str | None = None
    needs_reauthorisation: bool = False


@dataclass
class OrdersReport:
    shops: list[ShopOrders] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return all(shop.error is None for shop in self.shops)

    @property
    def movements(self) -> int:
        return sum(shop.movements for shop in self.shops)

    @property
    def needs_reauthorisation(self) -> list[int]:
        return [shop.account_id for shop in self.shops if shop.needs_reauthorisation]


def store_orders(session: Session, account_id: int, records: list[OrderRecord], shop: ShopOrders) -> None:
    """Insert new orders and lines, update changed statuses, and write each line's movements once.

    A line's seller SKU is matched only among the SKUs of the shop's own co-op: a seller can type any
    SKU in their seller centre, and another co-op's is unknown here (kept on the line, never in stock)."""
    skus = _own_skus(session, account_id, {line.seller_sku for r in records for line in r.lines})
    for record in records:
        order = session.exec(select(Order).where(
            Order.channel_account_id == account_id, Order.marketplace_order_id == record.order_id
        )).first()
        if order is None:
            order = Order(channel_account_id=account_id, marketplace_order_id=record.order_id)
            shop.orders_new += 1
        elif order.status != record.status:
            shop.orders_changed += 1
        order.status, order.marketplace_status = record.status, record.marketplace_status
        order.total, order.placed_at, order.updated_at = record.total, record.placed_at, record.updated_at
        session.add(order)
        session.flush()
        known = set(session.exec(select(OrderLine.line_ref).where(OrderLine.order_id == order.id)).all())
        for line in record.lines:
            sku_id = skus.get(line.seller_sku)
            if line.line_ref not in known:
                session.add(OrderLine(order_id=order.id, line_ref=line.line_ref, seller_sku=line.seller_sku,
                                      sku_id=sku_id, quantity=line.quantity, unit_price=line.unit_price))
            if sku_id is None:
                shop.unknown_skus.append(line.seller_sku)
                continue
            shop.movements += _movements(session, account_id, record, line.line_ref, sku_id, line.quantity)


def _own_skus(session: Session, account_id: int, seller_skus: set[str]) -> dict[str, int]:
    """Seller SKU → SKU id, among the SKUs of the co-op that owns the shop."""
    coop_id = session.get(ChannelAccount, account_id).coop_id
    return dict(session.execute(
        sa.select(Sku.sku, Sku.id).join(Product, Sku.product_id == Product.id)
        .where(Product.coop_id == coop_id, Sku.sku.in_(seller_skus))
    ).all())


def _movements(session: Session, account_id: int, record: OrderRecord, line_ref: str, sku_id: int,
               quantity: int) -> int:
    def source(event: str) -> str:
        return order_line_source(account_id, record.order_id, line_ref, event)

    note = f"đơn {record.order_id}"
    written = record_movement(session, sku_id, MovementKind.sale, -quantity, source("sale"), note)
    if record.status in EVENTS:
        kind, event = EVENTS[record.status]
        written += record_movement(session, sku_id, kind, quantity, source(event), note)
    return int(written)


async def _pull_shop(engine: Engine, account: AccountScope, reach: Reach) -> ShopOrders:
    shop = ShopOrders(account.id, account.marketplace, account.coop_code)
    with Session(engine) as session:
        row = session.get(ChannelAccount, account.id)
    since = (row.orders_watermark or (row.created_at - FIRST_PULL_LOOKBACK)) - OVERLAP
    started = utcnow()
    try:
        async with adapter_for(engine, row, reach.http, reach.transport) as adapter:
            records = await adapter.orders_since(since)
    except MarketplaceError as exc:
        shop.error = exc.info.summary
        if mark_if_authorisation_lost(engine, account.id, exc.info):
            shop.needs_reauthorisation = True
            shop.error += f" — {reconnect_hint(account.id, account.marketplace)}"
        return shop
    except BudgetSpent:
        raise  # the job is deferred to the refill: nothing failed
    except Exception as exc:  # noqa: BLE001 - one shop failing never stops the others
        shop.error = f"{type(exc).__name__}: {exc}"
        return shop
    try:
        with session_scope(engine) as session:
            store_orders(session, account.id, records, shop)
            account_row = session.get(ChannelAccount, account.id)
            account_row.orders_watermark = _later(account_row.orders_watermark, started)
            session.add(account_row)
    except Exception as exc:  # noqa: BLE001 - orders the database refuses fail this shop alone, all rolled back
        return ShopOrders(account.id, account.marketplace, account.coop_code, error=f"{type(exc).__name__}: {exc}"[:500])
    return shop


def _later(current: datetime | None, candidate: datetime) -> datetime:
    return candidate if current is None or candidate > current else current


async def pull_orders_async(engine: Engine, accounts: list[AccountScope], reach: Reach = NETWORK
                            ) -> OrdersReport:
    shops = await asyncio.gather(*(_pull_shop(engine, a, reach) for a in accounts))
    return OrdersReport(list(shops))


def pull_orders(engine: Engine, coop_code: str | None = None, marketplace: str | None = None) -> OrdersReport:
    """Pull orders from every API shop in scope and write their movements to the ledger."""
    return asyncio.run(pull_orders_async(engine, account_scopes(engine, coop_code, marketplace)))
