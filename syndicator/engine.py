"""One sync run: orders first (so a sale anywhere lowers stock everywhere in the same run), then
resolve in-flight creates, plan and apply; a SyncRun row keeps the summary an operator reads.

A run row names its host and process; it stays ``running`` only while that process lives: the next run
marks a killed one ``interrupted``."""

from __future__ import annotations

import asyncio
import os
import socket
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import SyncRun, utcnow
from syndicator.apply import AccountReport, Progress, apply_plan, resolve_in_flight
from syndicator.budgets import BudgetSpent
from syndicator.channels import NETWORK, Reach
from syndicator.locks import shop_locks, shop_unit
from syndicator.orders import OrdersReport, pull_orders_async
from syndicator.plan import AccountScope, Plan, account_scopes, build_plan
from syndicator.publishing import publish_new
from syndicator.reconcile import reconcile as reconcile_shops
from syndicator.setup import read_due_setups

# Another host's processes cannot be seen from here: its ``running`` run is given up on only when it is
# older than any sync lasts, since that host may well still be working on it.
OTHER_HOST_GIVE_UP = timedelta(hours=24)
# A live process that started after the run row was written holds a reused pid (boot time has whole seconds).
PID_REUSE_SLACK = timedelta(seconds=2)


@dataclass
class FeedReport:
    """The pair of workbooks one shop without API access has for its clerk after a run."""

    account_id: int
    marketplace: str
    rows: int
    changed: int
    full_path: str
    changes_path: str


@dataclass
class SyncReport:
    run_id: int
    orders: OrdersReport
    plan: Plan
    shops: list[AccountReport]
    unreadable: dict[int, str] = field(default_factory=dict)
    busy: list[AccountScope] = field(default_factory=list)  # being synced by another run: left to it

    @property
    def feeds(self) -> list[FeedReport]:
        """The workbooks written for shops without API access (none for a shop with nothing changed)."""
        return [FeedReport(r.account.id, r.account.marketplace, r.upload.rows, r.upload.changed, r.upload.full_path,
                           r.upload.changes_path) for r in self.shops if r.upload]

    @property
    def all_busy(self) -> bool:
        """Every shop in scope was being synced by another run: this one did nothing."""
        return bool(self.busy) and not self.plan.accounts

    @property
    def succeeded(self) -> bool:
        return (not self.all_busy and self.orders.succeeded and not self.unreadable
                and all(shop.succeeded for shop in self.shops))

    @property
    def status(self) -> str:
        if self.all_busy:
            return "busy"
        if self.succeeded:
            return "ok"
        return "partial" if any(shop.ok for shop in self.shops) else "failed"

    def shop_statuses(self) -> dict[str, str]:
        """``co-op:marketplace`` → ``ok``, ``failed`` (any of its orders, read-back, actions or feed failed)
        or ``busy`` (another run had it)."""
        failed = ({shop.account_id for shop in self.orders.shops if shop.error} | set(self.unreadable)
                  | {r.account.id for r in self.shops if not r.succeeded})
        statuses = {f"{a.coop_code}:{a.marketplace}": "busy" for a in self.busy}
        for account in self.plan.accounts:
            unit = f"{account.coop_code}:{account.marketplace}"
            if statuses.get(unit) != "failed":
                statuses[unit] = "failed" if account.id in failed else "ok"
        return statuses

    def summary(self) -> dict[str, Any]:
        return {
            "planned": self.plan.counts(),
            "planned_by_shop": {
                str(account.id): dict(Counter(a.kind.value for a in self.plan.for_account(account.id)))
                for account in self.plan.accounts
            },
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
            "blocked": [{"account_id": listing.account_id, **listing.as_json()} for listing in self.plan.blocked],
        }


def summary_for_shops(summary: dict[str, Any], account_ids: set[int]) -> dict[str, Any]:
    """A stored run summary cut down to the given shops, e.g. one co-op's in a run over many co-ops.
    Only what can be told shop by shop is kept (not the run's total of listings)."""
    def mine(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [entry for entry in entries if entry.get("account_id") in account_ids]

    def mine_by_id(by_id: dict[str, Any]) -> dict[str, Any]:
        return {key: value for key, value in by_id.items() if int(key) in account_ids}

    planned_by_shop = mine_by_id(summary.get("planned_by_shop", {}))
    return {
        "planned": dict(sum((Counter(counts) for counts in planned_by_shop.values()), Counter())),
        "planned_by_shop": planned_by_shop,
        "orders": mine(summary.get("orders", [])),
        "shops": mine(summary.get("shops", [])),
        "feeds": mine(summary.get("feeds", [])),
        "unreadable": mine_by_id(summary.get("unreadable", {})),
        "busy": [i for i in summary.get("busy", []) if i in account_ids],
        "needs_reauthorisation": [i for i in summary.get("needs_reauthorisation", []) if i in account_ids],
        "blocked": mine(summary.get("blocked", [])),
    }


def _start_run(engine: Engine, trigger: str, scope: dict[str, Any]) -> int:
    host = socket.gethostname()
    with session_scope(engine) as session:
        _mark_interrupted(session, host)
        run = SyncRun(trigger=trigger, scope=scope, host=host, pid=os.getpid())
        session.add(run)
        session.flush()
        return run.id


def _mark_interrupted(session: Session, host: str) -> None:
    """Every run left ``running`` by a process that is gone was killed mid-way: mark it ``interrupted``."""
    now = utcnow()
    for run in session.exec(select(SyncRun).where(SyncRun.status == "running")).all():
        if run.host != host or run.pid is None:
            gone = now - run.started_at > OTHER_HOST_GIVE_UP
        else:
            gone = _process_gone(run.pid, run.started_at)
        if gone:
            run.status, run.finished_at = "interrupted", now
            session.add(run)


def _process_gone(pid: int, run_started: datetime) -> bool:
    """Whether the process that started a run at ``run_started`` is gone (dead, a zombie, or its pid reused)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass  # alive, as another user
    fields = _proc_stat(pid)
    if fields is None:  # no /proc (not Linux): the pid alone has to do
        return False
    return fields[0] == "Z" or _process_started(int(fields[19])) > run_started + PID_REUSE_SLACK


def _proc_stat(pid: int) -> list[str] | None:
    """The fields of ``/proc/<pid>/stat`` from the state on (the third field), or None without /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def _process_started(ticks_since_boot: int) -> datetime:
    boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime "))
    return datetime.fromtimestamp(boot + ticks_since_boot / os.sysconf("SC_CLK_TCK"), UTC)


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
                     run_id: int, progress: Progress | None, reconcile: bool, reach: Reach
                     ) -> SyncReport:
    """The run's work over the shops whose locks it holds."""
    orders = await pull_orders_async(engine, accounts, reach)
    unreadable = await reconcile_shops(engine, accounts, reach) if reconcile else {}
    unreadable |= await resolve_in_flight(engine, accounts, reach)
    await read_due_setups(engine, [a.id for a in accounts], reach)
    with session_scope(engine) as session:
        publish_new(session, [a.id for a in accounts])
    plan = build_plan(engine, coop_code, marketplace, account_ids=[a.id for a in accounts])
    shops = await apply_plan(engine, plan, run_id, progress, reach)
    return SyncReport(run_id, orders, plan, shops, unreadable)


def run_sync(engine: Engine, coop_code: str | None = None, marketplace: str | None = None, trigger: str = "cli",
             progress: Progress | None = None, reconcile: bool = False, reach: Reach = NETWORK,
             account_ids: list[int] | None = None) -> SyncReport:
    """Pull orders, plan and apply for the shops in scope (of them, only ``account_ids`` when given: a queued
    job's one shop); ``reconcile`` also reads every shop's items back and puts ours back where they were
    edited by hand. Shops another run holds are left to it."""
    in_scope = [a for a in account_scopes(engine, coop_code, marketplace) if account_ids is None or a.id in account_ids]
    with shop_locks(engine, [shop_unit(a.id) for a in in_scope]) as taken:
        accounts = [a for a in in_scope if shop_unit(a.id) in taken]
        scope = {"coop": coop_code, "marketplace": marketplace, "reconcile": reconcile}
        if account_ids is not None:
            scope["shops"] = sorted(account_ids)
        run_id = _start_run(engine, trigger, scope)
        try:
            report = asyncio.run(
                sync_async(engine, accounts, coop_code, marketplace, run_id, progress, reconcile, reach)
            )
        except BaseException as exc:
            with session_scope(engine) as session:
                run = session.get(SyncRun, run_id)
                run.status = "deferred" if isinstance(exc, BudgetSpent) else "failed"
                run.finished_at = utcnow()
                session.add(run)
            raise
        report.busy = [a for a in in_scope if a not in accounts]
        _finish_run(engine, report)
    return report
