"""One sync run: orders first (so a sale anywhere lowers stock everywhere in the same run), then
resolve in-flight creates, plan and apply; a SyncRun row keeps the summary an operator reads."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine

from adapters.common.http import HttpSettings
from catalog.db import session_scope
from catalog.models import SyncRun, utcnow
from syndicator.apply import AccountReport, Progress, apply_plan, resolve_in_flight
from syndicator.feeds import FeedReport, write_feeds
from syndicator.locks import shop_locks, shop_unit
from syndicator.orders import OrdersReport, pull_orders_async
from syndicator.plan import AccountScope, Plan, account_scopes, build_plan
from syndicator.reconcile import reconcile as reconcile_shops


@dataclass
class SyncReport:
    run_id: int
    orders: OrdersReport
    plan: Plan
    shops: list[AccountReport]
    feeds: list[FeedReport] = field(default_factory=list)
    unreadable: dict[int, str] = field(default_factory=dict)
    busy: list[AccountScope] = field(default_factory=list)  # being synced by another run: left to it

    @property
    def succeeded(self) -> bool:
        return (self.orders.succeeded and not self.unreadable
                and all(shop.succeeded for shop in self.shops) and all(f.error is None for f in self.feeds))

    @property
    def status(self) -> str:
        if self.succeeded:
            return "ok"
        return "partial" if any(shop.ok for shop in self.shops) else "failed"

    def shop_statuses(self) -> dict[str, str]:
        """``co-op:marketplace`` → ``ok``, ``failed`` (any of its orders, read-back, actions or feed failed)
        or ``busy`` (another run had it)."""
        failed = ({shop.account_id for shop in self.orders.shops if shop.error} | set(self.unreadable)
                  | {r.account.id for r in self.shops if not r.succeeded}
                  | {feed.account_id for feed in self.feeds if feed.error})
        statuses = {f"{a.coop_code}:{a.marketplace}": "busy" for a in self.busy}
        for account in self.plan.accounts:
            unit = f"{account.coop_code}:{account.marketplace}"
            if statuses.get(unit) != "failed":
                statuses[unit] = "failed" if account.id in failed else "ok"
        return statuses

    def summary(self) -> dict[str, Any]:
        return {
            "planned": self.plan.counts(),
            "listings": self.plan.listings,
            "orders": [vars(shop) for shop in self.orders.shops],
            "shops": [
                {"account_id": r.account.id, "marketplace": r.account.marketplace, "coop": r.account.coop_code,
                 "ok": r.ok, "failed": r.failed, "errors": r.errors}
                for r in self.shops
            ],
            "feeds": [vars(feed) for feed in self.feeds],
            "unreadable": {str(k): v for k, v in self.unreadable.items()},
            "busy": [account.id for account in self.busy],
            "needs_reauthorisation": self.orders.needs_reauthorisation,
        }


def _start_run(engine: Engine, trigger: str, scope: dict[str, Any]) -> int:
    with session_scope(engine) as session:
        run = SyncRun(trigger=trigger, scope=scope)
        session.add(run)
        session.flush()
        return run.id


def _finish_run(engine: Engine, report: SyncReport) -> None:
    with session_scope(engine) as session:
        run = session.get(SyncRun, report.run_id)
        run.status, run.finished_at = report.status, utcnow()
        run.summary = _json_safe(report.summary())
        session.add(run)


def _json_safe(value: Any) -> Any:
    import json

    return json.loads(json.dumps(value, default=str))


async def sync_async(engine: Engine, accounts: list[AccountScope], coop_code: str | None, marketplace: str | None,
                     run_id: int, progress: Progress | None, reconcile: bool, http: HttpSettings | None
                     ) -> SyncReport:
    """The run's work over the shops whose locks it holds."""
    orders = await pull_orders_async(engine, accounts, http)
    unreadable = await reconcile_shops(engine, accounts, http) if reconcile else {}
    await resolve_in_flight(engine, accounts, http)
    plan = build_plan(engine, coop_code, marketplace, account_ids=[a.id for a in accounts])
    shops = await apply_plan(engine, plan, run_id, progress, http)
    feeds = write_feeds(engine, plan)
    return SyncReport(run_id, orders, plan, shops, feeds, unreadable)


def run_sync(engine: Engine, coop_code: str | None = None, marketplace: str | None = None, trigger: str = "cli",
             progress: Progress | None = None, reconcile: bool = False, http: HttpSettings | None = None
             ) -> SyncReport:
    """Pull orders, plan and apply for the shops in scope; ``reconcile`` also reads every shop's items
    back and puts ours back where they were edited by hand. Shops another run holds are left to it."""
    in_scope = account_scopes(engine, coop_code, marketplace)
    with shop_locks(engine, [shop_unit(a.id) for a in in_scope]) as taken:
        accounts = [a for a in in_scope if shop_unit(a.id) in taken]
        scope = {"coop": coop_code, "marketplace": marketplace, "reconcile": reconcile}
        run_id = _start_run(engine, trigger, scope)
        try:
            report = asyncio.run(
                sync_async(engine, accounts, coop_code, marketplace, run_id, progress, reconcile, http)
            )
        except BaseException:
            with session_scope(engine) as session:
                run = session.get(SyncRun, run_id)
                run.status, run.finished_at = "failed", utcnow()
                session.add(run)
            raise
        report.busy = [a for a in in_scope if a not in accounts]
        _finish_run(engine, report)
    return report
