"""The Doanh số page: revenue grouped by co-op, product, marketplace or month, and unknown order lines."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, Order, OrderLine, Product, Sku
from syndicator.access.roles import Page, paged, scope_coop_id
from syndicator.users import Viewer

LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
NOT_SOLD = ("cancelled", "returned")
SALES_DIMENSIONS = ("coop", "product", "marketplace", "month")
TREND_PERIODS = ("week", "month")


def _month(session: Session, column: Any) -> Any:
    if session.connection().dialect.name == "sqlite":
        return sa.func.strftime("%Y-%m", column, "+7 hours")
    return sa.func.to_char(sa.func.timezone(str(LOCAL_ZONE), column), "YYYY-MM")


def sales(engine: Engine, viewer: Viewer, by: str, coop_code: str | None = None,
          since: datetime | None = None, until: datetime | None = None, limit: int = 500) -> list[dict[str, Any]]:
    """Revenue (đồng), units and orders grouped by ``coop``, ``product``, ``marketplace`` or ``month``.

    Cancelled and returned orders do not count. Months are in Vietnam time.
    """
    if by not in SALES_DIMENSIONS:
        raise ValueError(f"by must be one of {', '.join(SALES_DIMENSIONS)}")
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        key = {
            "coop": Coop.name,
            "product": sa.func.coalesce(Product.name, OrderLine.seller_sku),
            "marketplace": ChannelAccount.marketplace,
            "month": _month(session, Order.placed_at),
        }[by]
        revenue = sa.func.sum(OrderLine.quantity * OrderLine.unit_price)
        statement = (
            select(key.label("key"), revenue.label("revenue"), sa.func.sum(OrderLine.quantity),
                   sa.func.count(sa.distinct(Order.id)))
            .select_from(OrderLine)
            .join(Order, OrderLine.order_id == Order.id)
            .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
            .join(Sku, OrderLine.sku_id == Sku.id, isouter=True)
            .join(Product, Sku.product_id == Product.id, isouter=True)
            .where(Order.status.not_in(NOT_SOLD))
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if since is not None:
            statement = statement.where(Order.placed_at >= since)
        if until is not None:
            statement = statement.where(Order.placed_at < until)
        order = sa.asc("key") if by == "month" else sa.desc("revenue")
        rows = session.exec(statement.group_by(key).order_by(order).limit(limit)).all()
    return [
        {by: str(key_value), "revenue": int(total or 0), "units": int(units or 0), "orders": orders}
        for key_value, total, units, orders in rows
    ]


def local_day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The moments from the start of ``start`` to the end of ``end``, Vietnam days."""
    return datetime.combine(start, time(), LOCAL_ZONE), datetime.combine(end + timedelta(days=1), time(), LOCAL_ZONE)


def period_start(day: date, period: str) -> date:
    """The Monday of ``day``'s week, or the first of its month."""
    return day - timedelta(days=day.weekday()) if period == "week" else day.replace(day=1)


def _period_starts(start: date, end: date, period: str) -> list[date]:
    starts, current = [], period_start(start, period)
    while current <= end:
        starts.append(current)
        current = current + timedelta(weeks=1) if period == "week" else \
            (current.replace(day=28) + timedelta(days=4)).replace(day=1)
    return starts


def trend(engine: Engine, viewer: Viewer, period: str, start: date, end: date,
          coop_code: str | None = None) -> list[dict[str, Any]]:
    """Revenue (đồng) and orders per week (from Monday) or month of the Vietnam days ``start`` to ``end``,
    every period in order, empty ones as zeros; cancelled and returned orders count apart, not as sales."""
    if period not in TREND_PERIODS:
        raise ValueError(f"period must be one of {', '.join(TREND_PERIODS)}")
    since, until = local_day_bounds(start, end)
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        statement = (
            select(Order.placed_at, Order.status, sa.func.sum(OrderLine.quantity * OrderLine.unit_price))
            .join(OrderLine, OrderLine.order_id == Order.id)
            .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
            .where(Order.placed_at >= since, Order.placed_at < until)
            .group_by(Order.id, Order.placed_at, Order.status)
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        rows = session.exec(statement).all()
    revenue: Counter[date] = Counter()
    counts: Counter[tuple[date, str]] = Counter()
    for placed_at, status, total in rows:
        bucket = period_start(placed_at.astimezone(LOCAL_ZONE).date(), period)
        sold = status not in NOT_SOLD
        revenue[bucket] += int(total or 0) if sold else 0
        counts[(bucket, "orders" if sold else status)] += 1
    return [{"period": bucket, "revenue": revenue[bucket], "orders": counts[(bucket, "orders")],
             "cancelled": counts[(bucket, "cancelled")], "returned": counts[(bucket, "returned")]}
            for bucket in _period_starts(start, end, period)]


def unknown_order_lines(engine: Engine, viewer: Viewer, coop_code: str | None = None, offset: int = 0,
                        limit: int = 50) -> Page:
    """Order lines whose seller SKU is none of the shop's co-op's SKUs (typed in the seller centre, or
    another co-op's): kept on the order, never moving stock; newest first, for the shop's co-op and officers."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        statement = (
            select(Order.placed_at, Coop.code, ChannelAccount.marketplace, Order.marketplace_order_id,
                   OrderLine.seller_sku, OrderLine.quantity, OrderLine.unit_price)
            .join(Order, OrderLine.order_id == Order.id)
            .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
            .where(OrderLine.sku_id.is_(None))
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        rows, total = paged(session, statement.order_by(OrderLine.id.desc()), offset, limit)
    keys = ("placed_at", "coop_code", "marketplace", "order_id", "seller_sku", "quantity", "unit_price")
    return Page([dict(zip(keys, row, strict=True)) for row in rows], total, offset, limit)
