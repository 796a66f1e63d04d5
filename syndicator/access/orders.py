"""The Đơn hàng page: every order of a co-op's shops with its lines and the stock movements it made, filtered by
marketplace, status, dates and a search, one page at a time. Set-based: the same few queries for a page of two
orders or of fifty (the orders and their count, their lines, their lines' movements)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.chunks import chunked
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, Coop, Order, OrderLine, Product, Sku, StockMovement
from catalog.stock import order_line_source
from syndicator.access.roles import Page, paged, scope_coop_id
from syndicator.access.sales import local_day_bounds
from syndicator.channels import marketplace_names
from syndicator.orders import EVENTS
from syndicator.users import Viewer

ORDER_STATUSES = ("open", "completed", "cancelled", "returned")
# the ledger events an order line may have written (catalog/stock.py's convention, written by syndicator/orders.py)
LINE_EVENTS = ("sale", *(event for _, event in EVENTS.values()))
_CHUNK = 500  # ids or sources per IN (...) list
ORDER_FIELDS = ("account_id", "order_id", "status", "total", "placed_at", "marketplace", "coop_code", "coop_name")


@dataclass(frozen=True)
class OrderFilter:
    """Which orders to list; every part optional. Dates are whole days in Vietnam time, both included."""

    coop_code: str | None = None
    marketplace: str | None = None
    status: str | None = None
    since: date | None = None
    until: date | None = None
    query: str = ""  # part of an order id or of a line's seller SKU, in any case
    unknown_only: bool = False  # only orders with a line whose SKU is none of the co-op's

    def check(self) -> None:
        """A ValueError naming the field that cannot be used, if one cannot."""
        if self.marketplace is not None and self.marketplace not in marketplace_names():
            raise ValueError(t("orders_bad_marketplace", name=self.marketplace))
        if self.status is not None and self.status not in ORDER_STATUSES:
            raise ValueError(t("orders_bad_status", status=self.status))
        if self.since is not None and self.until is not None and self.since > self.until:
            raise ValueError(t("orders_bad_dates", since=f"{self.since:%d/%m/%Y}", until=f"{self.until:%d/%m/%Y}"))


def _orders_statement(session: Session, viewer: Viewer, filters: OrderFilter) -> Any:
    coop_id = scope_coop_id(session, viewer, filters.coop_code)
    statement = (
        select(Order.id, Order.channel_account_id, Order.marketplace_order_id, Order.status, Order.total,
               Order.placed_at, ChannelAccount.marketplace, Coop.code, Coop.name)
        .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
        .join(Coop, ChannelAccount.coop_id == Coop.id)
    )
    conditions = []
    if coop_id is not None:
        conditions.append(ChannelAccount.coop_id == coop_id)
    if filters.marketplace is not None:
        conditions.append(ChannelAccount.marketplace == filters.marketplace)
    if filters.status is not None:
        conditions.append(Order.status == filters.status)
    if filters.since is not None:
        conditions.append(Order.placed_at >= local_day_bounds(filters.since, filters.since)[0])
    if filters.until is not None:
        conditions.append(Order.placed_at < local_day_bounds(filters.until, filters.until)[1])
    if needle := filters.query.strip():
        conditions.append(sa.or_(
            Order.marketplace_order_id.icontains(needle, autoescape=True),
            sa.exists().where(OrderLine.order_id == Order.id, OrderLine.seller_sku.icontains(needle, autoescape=True)),
        ))
    if filters.unknown_only:
        conditions.append(sa.exists().where(OrderLine.order_id == Order.id, OrderLine.sku_id.is_(None)))
    return statement.where(*conditions).order_by(Order.placed_at.desc().nulls_last(), Order.id.desc())


def _lines(session: Session, order_ids: list[int]) -> list[Any]:
    """The orders' lines with their SKU's product and pack (none for an unknown SKU), in the order received."""
    found: list[Any] = []
    for chunk in chunked(order_ids, _CHUNK):
        found += session.exec(
            select(OrderLine.order_id, OrderLine.line_ref, OrderLine.seller_sku, OrderLine.sku_id,
                   OrderLine.quantity, OrderLine.unit_price, Product.name, Sku.variant)
            .join(Sku, OrderLine.sku_id == Sku.id, isouter=True)
            .join(Product, Sku.product_id == Product.id, isouter=True)
            .where(OrderLine.order_id.in_(chunk))
            .order_by(OrderLine.id)
        ).all()
    return found


def _movements(session: Session, sources: Iterable[str]) -> dict[str, tuple[str, int]]:
    """Source → (kind, signed quantity) of the ledger movements recorded under those sources."""
    found: dict[str, tuple[str, int]] = {}
    for chunk in chunked(sorted(set(sources)), _CHUNK):
        rows = session.exec(
            select(StockMovement.source, StockMovement.kind, StockMovement.quantity)
            .where(StockMovement.source.in_(chunk))
        ).all()
        found.update({source: (str(kind), quantity) for source, kind, quantity in rows})
    return found


def _line_sources(order: dict[str, Any], line_ref: str) -> list[str]:
    """The ledger sources an order line's movements are recorded under (catalog/stock.py's convention)."""
    return [order_line_source(order["account_id"], order["order_id"], line_ref, event) for event in LINE_EVENTS]


def orders(engine: Engine, viewer: Viewer, filters: OrderFilter = OrderFilter(), offset: int = 0,
           limit: int = 50) -> Page:
    """A page of orders, newest first: marketplace, order id, time, status, total, co-op, and its lines (SKU,
    product, pack, quantity, unit price, whether the SKU is the co-op's, the stock movements it made).

    A co-op user sees its own co-op's orders only; officers and admins every co-op's, or the one asked for."""
    filters.check()
    with session_scope(engine) as session:
        found, total = paged(session, _orders_statement(session, viewer, filters), offset, limit)
        by_id = {order_pk: dict(zip(ORDER_FIELDS, rest, strict=True)) | {"lines": []} for order_pk, *rest in found}
        lines = _lines(session, list(by_id))
        sources = {  # a line of an unknown SKU never moves stock
            (line.order_id, line.line_ref): _line_sources(by_id[line.order_id], line.line_ref)
            for line in lines if line.sku_id is not None
        }
        recorded = _movements(session, (source for group in sources.values() for source in group))
    for line in lines:
        made = [recorded[s] for s in sources.get((line.order_id, line.line_ref), ()) if s in recorded]
        by_id[line.order_id]["lines"].append({
            "line_ref": line.line_ref, "seller_sku": line.seller_sku, "known": line.sku_id is not None,
            "product": line.name, "variant": line.variant, "quantity": line.quantity,
            "unit_price": line.unit_price,
            "movements": [{"kind": kind, "quantity": quantity} for kind, quantity in made],
        })
    rows = [{key: value for key, value in order.items() if key != "account_id"} for order in by_id.values()]
    return Page(rows, total, offset, limit)
