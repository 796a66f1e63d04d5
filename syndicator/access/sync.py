"""The Đồng bộ page: start a sync, the history of runs, and the errors with the marketplace's message."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, Listing, Sku, SyncEvent, SyncRun
from syndicator.access.roles import Page, paged, scope_coop_id, sync_scope
from syndicator.engine import run_sync, summary_for_shops
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
    """Failed sync events with the marketplace's own message, newest first."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, None)
        statement = (
            select(SyncEvent.run_id, SyncEvent.created_at, Coop.code, ChannelAccount.marketplace, Sku.sku,
                   SyncEvent.action, SyncEvent.error_kind, SyncEvent.message)
            .join(ChannelAccount, SyncEvent.channel_account_id == ChannelAccount.id, isouter=True)
            .join(Coop, ChannelAccount.coop_id == Coop.id, isouter=True)
            .join(Listing, SyncEvent.listing_id == Listing.id, isouter=True)
            .join(Sku, Listing.sku_id == Sku.id, isouter=True)
            .where(SyncEvent.outcome == "error")
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if run_id is not None:
            statement = statement.where(SyncEvent.run_id == run_id)
        rows, total = paged(session, statement.order_by(SyncEvent.id.desc()), offset, limit)
    keys = ("run_id", "at", "coop_code", "marketplace", "sku", "action", "error_kind", "message")
    return Page([dict(zip(keys, row, strict=True)) for row in rows], total, offset, limit)


def run_sync_now(engine: Engine, viewer: Viewer, coop_code: str | None = None, marketplace: str | None = None,
                 progress: Callable[..., Any] | None = None) -> Any:
    """Start a sync from the app (co-op users: their own co-op; officers: never)."""
    return run_sync(engine, coop_code=sync_scope(viewer, coop_code), marketplace=marketplace, trigger="ui",
                    progress=progress)
