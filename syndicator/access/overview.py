"""The Tổng quan page: listings per marketplace and state, today's orders, the last sync run, trace-page
views over time, each co-op's listing health, and the packs low on stock or out of it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingObservation,
    ListingState,
    Order,
    Product,
    Sku,
    SyncRun,
    TraceView,
)
from catalog.stock import stock_levels
from syndicator.access.roles import scope_coop_id
from syndicator.access.sales import LOCAL_ZONE, NOT_SOLD
from syndicator.access.sync import run_row, runs_statement, shops_of
from syndicator.monitor.drift import Drift
from syndicator.users import Viewer

# A pack is low on stock at this many units available or fewer: shops' stock policies hold no threshold of
# their own (only a safety buffer, which is held back from a shop, not a warning).
LOW_STOCK_AT = 5


@dataclass(frozen=True)
class Overview:
    listings: list[dict[str, Any]]  # marketplace, state, count
    orders_today: int
    sales_today: int
    last_run: dict[str, Any] | None
    coops: int
    skus: int


def overview(engine: Engine, viewer: Viewer, coop_code: str | None = None, *, now: datetime | None = None) -> Overview:
    """Listings per marketplace and state, today's orders (Vietnam time) and the last sync run."""
    now = now or datetime.now(UTC)
    day_start = datetime.combine(now.astimezone(LOCAL_ZONE).date(), time(), LOCAL_ZONE)
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        counts = select(ChannelAccount.marketplace, Listing.state, sa.func.count(Listing.id)).join(
            ChannelAccount, Listing.channel_account_id == ChannelAccount.id
        ).where(ChannelAccount.enabled)
        orders = select(sa.func.count(Order.id), sa.func.coalesce(sa.func.sum(Order.total), 0)).join(
            ChannelAccount, Order.channel_account_id == ChannelAccount.id
        ).where(Order.placed_at >= day_start, Order.status.not_in(NOT_SOLD))
        skus = select(sa.func.count(Sku.id)).join(Product, Sku.product_id == Product.id)
        coop_count = select(sa.func.count(Coop.id))
        if coop_id is not None:
            counts = counts.where(ChannelAccount.coop_id == coop_id)
            orders = orders.where(ChannelAccount.coop_id == coop_id)
            skus = skus.where(Product.coop_id == coop_id)
            coop_count = coop_count.where(Coop.id == coop_id)
        listing_rows = session.exec(counts.group_by(ChannelAccount.marketplace, Listing.state)).all()
        order_count, order_total = session.exec(orders).one()
        runs = runs_statement(coop_id).order_by(SyncRun.started_at.desc(), SyncRun.id.desc()).limit(1)
        last = session.exec(runs).first()
        return Overview(
            listings=[{"marketplace": str(m), "state": str(s), "count": n} for m, s, n in listing_rows],
            orders_today=order_count,
            sales_today=int(order_total),
            last_run=run_row(last, shops_of(session, coop_id)) if last else None,
            coops=session.exec(coop_count).one(),
            skus=session.exec(skus).one(),
        )


def trace_views_by_week(engine: Engine, viewer: Viewer, start: date, end: date,
                        coop_code: str | None = None) -> list[dict[str, Any]]:
    """Trace-page views from ``start`` to ``end`` (Vietnam days, both included) per ISO week (``2026-W49``)
    and the products' origin commune (None when a product has none), weeks in order."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        query = (
            select(TraceView.day, Product.origin_commune_name, sa.func.sum(TraceView.views))
            .join(Product, Product.id == TraceView.product_id)
            .where(TraceView.day >= start, TraceView.day <= end)
            .group_by(TraceView.day, Product.origin_commune_name)
        )
        if coop_id is not None:
            query = query.where(Product.coop_id == coop_id)
        weekly: Counter[tuple[str, str | None]] = Counter()
        for day, commune, views in session.exec(query):
            year, week, _ = day.isocalendar()
            weekly[(f"{year}-W{week:02d}", commune)] += int(views)
    return [{"week": week, "commune": commune, "views": views}
            for (week, commune), views in sorted(weekly.items(), key=lambda item: (item[0][0], item[0][1] or ""))]


def listing_health(engine: Engine, viewer: Viewer, coop_code: str | None = None) -> list[dict[str, Any]]:
    """One row per co-op in scope, by code: listings live, failed (in error, or whose last
    push left an error) and drifted (the monitor's latest look at any of its packs found drift), over enabled
    shops."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        coops = select(Coop.id, Coop.code, Coop.name).order_by(Coop.code)
        listings = select(ChannelAccount.coop_id, Listing.id, Listing.state, Listing.last_error).join(
            ChannelAccount, Listing.channel_account_id == ChannelAccount.id).where(ChannelAccount.enabled)
        if coop_id is not None:
            coops = coops.where(Coop.id == coop_id)
            listings = listings.where(ChannelAccount.coop_id == coop_id)
        rows = session.exec(listings).all()
        drifted = _drifted_listings(session, {listing_id for _, listing_id, _, _ in rows})
        health = {cid: {"coop_code": code, "coop_name": name, "live": 0, "failed": 0, "drift": 0}
                  for cid, code, name in session.exec(coops).all()}
    for owner, listing_id, state, last_error in rows:
        counts = health[owner]
        counts["live"] += state == ListingState.live
        counts["failed"] += state == ListingState.error or bool(last_error)
        counts["drift"] += listing_id in drifted
    return list(health.values())


def _drifted_listings(session: Session, listing_ids: set[int]) -> set[int]:
    """Listings whose latest observation of one of their packs (or of the item) found drift: a feed's listing
    seen on sale at last (``confirmed``) is good news, not drift."""
    latest = (
        select(sa.func.max(ListingObservation.id))
        .where(ListingObservation.listing_id.in_(listing_ids))
        .group_by(ListingObservation.listing_id, ListingObservation.variant_id)
    )
    seen = select(ListingObservation.listing_id, ListingObservation.drift).where(ListingObservation.id.in_(latest))
    return {listing_id for listing_id, drift in session.exec(seen).all() if set(drift) - {Drift.confirmed}}


def stock_alerts(engine: Engine, viewer: Viewer, coop_code: str | None = None) -> dict[str, Any]:
    """The enabled packs out of stock (nothing available) and low on it (``LOW_STOCK_AT`` or fewer), fewest
    first: co-op, product, pack, SKU and units available."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        statement = (
            select(Sku.id, Coop.code, Product.name, Sku.variant, Sku.sku)
            .join(Product, Sku.product_id == Product.id)
            .join(Coop, Product.coop_id == Coop.id)
            .where(Sku.enabled)
        )
        if coop_id is not None:
            statement = statement.where(Product.coop_id == coop_id)
        packs = session.exec(statement).all()
        levels = stock_levels(session, [sku_id for sku_id, *_ in packs])
    keys = ("coop_code", "product", "variant", "sku", "available")
    short = sorted((levels[sku_id].available, rest) for sku_id, *rest in packs
                   if levels[sku_id].available <= LOW_STOCK_AT)
    rows = [dict(zip(keys, (*rest, available), strict=True)) for available, rest in short]
    return {"threshold": LOW_STOCK_AT, "out": [row for row in rows if row["available"] <= 0],
            "low": [row for row in rows if row["available"] > 0]}
