"""The Đồng bộ page: start a sync, the history of runs, and the errors with the marketplace's message."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, Listing, ListingVariant, Product, Sku, SyncEvent, SyncRun
from syndicator.access.roles import Page, paged, scope_coop_id, sync_scope
from syndicator.engine import run_sync, summary_for_shops
from syndicator.tasks import defer_syncs
from syndicator.users import Viewer


def runs_statement(coop_id: int | None) -> Any:
    """Every sync run, or (for a co-op) the runs that touched one of its shops."""
    statement = select(SyncRun)
    if coop_id is None:
        return statement
    touched = (
        select(SyncEvent.id)
        .join(ChannelAccount, SyncEvent.channel_account_id == ChannelAccount.id)
        .where(SyncEvent.run_id == SyncRun.id, ChannelAccount.coop_id == coop_id)
    )
    return statement.where(sa.exists(touched))


def run_row(run: SyncRun, shops: set[int] | None) -> dict[str, Any]:
    """A run as a viewer sees it: ``shops`` are the account ids of a co-op user's co-op (None = every shop)."""
    summary = dict(run.summary) if shops is None else summary_for_shops(run.summary, shops)
    return {
        "id": run.id, "trigger": run.trigger, "status": run.status, "started_at": run.started_at,
        "finished_at": run.finished_at, "scope": dict(run.scope), "summary": summary,
    }


def shops_of(session: Session, coop_id: int | None) -> set[int] | None:
    """The account ids of a co-op's shops (None when the viewer sees every co-op)."""
    if coop_id is None:
        return None
    return set(session.exec(select(ChannelAccount.id).where(ChannelAccount.coop_id == coop_id)).all())


def sync_runs(engine: Engine, viewer: Viewer, offset: int = 0, limit: int = 20) -> Page:
    """Sync runs newest first (a co-op sees only runs that touched its shops)."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, None)
        statement = runs_statement(coop_id).order_by(SyncRun.started_at.desc(), SyncRun.id.desc())
        rows, total = paged(session, statement, offset, limit)
        shops = shops_of(session, coop_id)
    return Page([run_row(run, shops) for run in rows], total, offset, limit)


def sync_errors(engine: Engine, viewer: Viewer, run_id: int | None = None, offset: int = 0,
                limit: int = 50) -> Page:
    """Failed sync events with the marketplace's own message, newest first, each with its product and, when
    known, the seller SKU it was about (see ``named_skus``)."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, None)
        statement = (
            select(SyncEvent.run_id, SyncEvent.created_at, Coop.code, ChannelAccount.marketplace, Product.name,
                   SyncEvent.listing_id, SyncEvent.action, SyncEvent.error_kind, SyncEvent.message)
            .join(ChannelAccount, SyncEvent.channel_account_id == ChannelAccount.id, isouter=True)
            .join(Coop, ChannelAccount.coop_id == Coop.id, isouter=True)
            .join(Listing, SyncEvent.listing_id == Listing.id, isouter=True)
            .join(Product, Listing.product_id == Product.id, isouter=True)
            .where(SyncEvent.outcome == "error")
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if run_id is not None:
            statement = statement.where(SyncEvent.run_id == run_id)
        rows, total = paged(session, statement.order_by(SyncEvent.id.desc()), offset, limit)
        packs = _packs_of(session, {row.listing_id for row in rows if row.listing_id is not None})
    keys = ("run_id", "at", "coop_code", "marketplace", "product", "listing_id", "action", "error_kind", "message")
    events = [dict(zip(keys, row, strict=True)) for row in rows]
    return Page([e | {"sku": named_skus(packs.get(e.pop("listing_id"), []), e["message"])} for e in events],
                total, offset, limit)


def _packs_of(session: Session, listing_ids: set[int]) -> dict[int, list[str]]:
    """Listing id → the seller SKUs of its variants."""
    if not listing_ids:
        return {}
    packs: dict[int, list[str]] = {}
    for listing_id, sku in session.exec(
        select(ListingVariant.listing_id, Sku.sku).join(Sku, ListingVariant.sku_id == Sku.id)
        .where(ListingVariant.listing_id.in_(listing_ids)).order_by(Sku.sku)
    ).all():
        packs.setdefault(listing_id, []).append(sku)
    return packs


def named_skus(packs: list[str], message: str) -> str | None:
    """Which of a listing's packs an error was about: those its message names, or the only one of a listing
    of one pack (a trade floor's item); None when the message is about the product as a whole."""
    named = [sku for sku in packs if re.search(rf"(?<![\w-]){re.escape(sku)}(?![\w-])", message)]
    if named:
        return ", ".join(named)
    return packs[0] if len(packs) == 1 else None


def run_sync_now(engine: Engine, viewer: Viewer, coop_code: str | None = None, marketplace: str | None = None,
                 progress: Callable[..., Any] | None = None) -> Any:
    """Start a sync from the app (co-op users: their own co-op; officers: never)."""
    return run_sync(engine, coop_code=sync_scope(viewer, coop_code), marketplace=marketplace, trigger="ui",
                    progress=progress)


def queue_sync_now(engine: Engine, viewer: Viewer, coop_code: str | None = None) -> tuple[int, int]:
    """Start a sync from the app on PostgreSQL: one job per shop in the viewer's scope, run by the workers
    rather than by the app's process. How many were queued, and how many shops already had one waiting."""
    return defer_syncs(engine, coop_code=sync_scope(viewer, coop_code), trigger="ui")
