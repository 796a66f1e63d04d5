"""The unattended schedule (APScheduler 3, jobs kept in the same database as plain data, Asia/Ho_Chi_Minh):
the nightly full reconcile at 02:00, the public-page monitor at 03:00, orders and stock every 15 minutes,
token refresh ahead of expiry, and each Sunday at 04:00 every shop's setup read again from its marketplace.

Every run takes each shop's lock (syndicator.locks), so two syncs of one shop never run at once, even
from two schedulers or a scheduler and the command line. Missed runs are coalesced into one.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from apscheduler.events import EVENT_SCHEDULER_STARTED
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from adapters.common.errors import MarketplaceError
from catalog.db import make_engine
from catalog.i18n import t
from catalog.models import ChannelAccount, ChannelState, PushMessage, SyncRun, utcnow
from catalog.settings import settings
from syndicator.channels import (
    adapter_for,
    mark_if_authorisation_lost,
    marketplace_names,
    reads_setup,
    refresh_lead_time,
)
from syndicator.engine import run_sync
from syndicator.jobstore import ScheduledJobStore
from syndicator.locks import shop_lock, shop_unit
from syndicator.monitor.run import nightly_monitor
from syndicator.processes import pass_on, stop_signals
from syndicator.setup import refresh_setup

TIMEZONE = "Asia/Ho_Chi_Minh"
log = logging.getLogger("syndicator.schedule")


def marketplaces_in_use(engine: Engine) -> list[str]:
    """Every marketplace with an enabled shop: one scheduled run each."""
    with Session(engine) as session:
        rows = session.exec(select(ChannelAccount.marketplace).where(ChannelAccount.enabled == sa.true()).distinct())
        return sorted(str(marketplace) for marketplace in rows.all())


def pushes_cover(engine: Engine, marketplace: str, now: datetime | None = None) -> bool:
    """Whether a pass may leave ``marketplace`` to its pushes (``syndicator serve``'s fan-out): it pushes, a
    push from it arrived within ``SYNDICATOR_SAFETY_PULL_MINUTES`` (its pushes are healthy), and its last
    scheduled pass is younger than that. The pass then runs only that often: the safety net."""
    if registry.spec(marketplace).push is None:
        return False
    since = (now or utcnow()) - timedelta(minutes=settings().safety_pull_minutes)
    with Session(engine) as session:
        last_push = session.scalar(sa.select(sa.func.max(PushMessage.received_at))
                                   .where(PushMessage.marketplace == marketplace))
        last_pass = session.scalar(sa.select(sa.func.max(SyncRun.started_at)).where(
            SyncRun.trigger == "schedule", SyncRun.scope["marketplace"].as_string() == marketplace))
    return last_push is not None and last_push >= since and last_pass is not None and last_pass >= since


def sync_shops(reconcile: bool = False) -> dict[str, str]:
    """One scheduled pass: a run per marketplace over every co-op's shop there, the shops at once within
    the marketplace's rate limits. Returns ``co-op:marketplace`` → ``ok``, ``failed`` or ``busy`` (a shop
    already being synced elsewhere is left to that run, not waited for). A marketplace whose pushes are
    healthy is passed only every ``SYNDICATOR_SAFETY_PULL_MINUTES`` (:func:`pushes_cover`); the nightly
    reconcile passes every marketplace.

    Like every job here it opens the configured database (``SYNDICATOR_DATABASE_URL``) when it runs: a
    job takes no database address, so the job store never keeps one or its password."""
    engine = make_engine()
    outcome: dict[str, str] = {}
    try:
        for marketplace in marketplaces_in_use(engine):
            if not reconcile and pushes_cover(engine, marketplace):
                outcome[marketplace] = "pushed"
                continue
            report = run_sync(engine, marketplace=marketplace, trigger="schedule", reconcile=reconcile)
            outcome |= report.shop_statuses()
    finally:
        engine.dispose()
    log.info("scheduled sync: %s", outcome)
    return outcome


def nightly_reconcile() -> dict[str, str]:
    return sync_shops(reconcile=True)


def refresh_tokens() -> list[int]:
    """Refresh every token that expires within its marketplace's lead time (``token_refresh_ahead`` on its
    spec); the adapter's listener stores the new ones. A shop whose refresh is refused is marked as needing
    re-authorisation; no shop stops the others."""
    engine = make_engine()
    longest_lead = max(map(refresh_lead_time, marketplace_names()), default=timedelta(0))
    try:
        with Session(engine) as session:
            expiring = session.exec(select(ChannelAccount).where(
                ChannelAccount.enabled == sa.true(), ChannelAccount.credentials_encrypted.is_not(None),
                ChannelAccount.state != ChannelState.needs_reauthorisation,
                ChannelAccount.access_expires_at < utcnow() + longest_lead,
            )).all()
        refreshed = []
        for account in filter(_refresh_due, expiring):
            with shop_lock(engine, shop_unit(account.id)) as taken:
                if taken and _refreshed(engine, account):
                    refreshed.append(account.id)
        return refreshed
    finally:
        engine.dispose()


def _refresh_due(account: ChannelAccount) -> bool:
    return account.access_expires_at < utcnow() + refresh_lead_time(account.marketplace)


def _refreshed(engine: Engine, account: ChannelAccount) -> bool:
    try:
        asyncio.run(_refresh(engine, account))
    except MarketplaceError as exc:
        if not mark_if_authorisation_lost(engine, account.id, exc.info):
            log.warning("token refresh of shop #%s failed: %s", account.id, exc.info.summary)
        return False
    except Exception:
        log.exception("token refresh of shop #%s failed", account.id)
        return False
    return True


async def _refresh(engine: Engine, account: ChannelAccount) -> None:
    async with adapter_for(engine, account) as adapter:
        await adapter.refresh_credentials()


def refresh_setups() -> dict[int, str]:
    """The weekly read of every shop's setup (categories, mapped leaves, logistics), one shop after another
    under its lock; a marketplace that fails leaves its shops' cache as it was. Returns each shop's outcome."""
    engine = make_engine()
    outcomes: dict[int, str] = {}
    try:
        with Session(engine) as session:
            accounts = [account for account in session.exec(select(ChannelAccount).where(
                ChannelAccount.enabled == sa.true())).all() if reads_setup(account)]
        for account in accounts:
            with shop_lock(engine, shop_unit(account.id)) as taken:
                if not taken:
                    outcomes[account.id] = "busy"
                    continue
                try:
                    refresh_setup(engine, account.id)
                    outcomes[account.id] = "ok"
                except (MarketplaceError, httpx.HTTPError) as exc:
                    outcomes[account.id] = "failed"
                    log.warning("setup of shop #%s not read: %s", account.id, exc)
        return outcomes
    finally:
        engine.dispose()


JOB_FUNCTIONS = (nightly_reconcile, sync_shops, nightly_monitor, refresh_tokens, refresh_setups)


def configure(scheduler: BackgroundScheduler | BlockingScheduler, engine: Engine, *,
              every: timedelta = timedelta(minutes=15), nightly: CronTrigger | None = None,
              refresh_every: timedelta = timedelta(minutes=15)) -> None:
    """Add the jobs (replacing any stored ones) to a job store in ``engine``'s database, which loads no job
    but these. The jobs open the configured database (``SYNDICATOR_DATABASE_URL``) when they run."""
    scheduler.add_jobstore(ScheduledJobStore(engine, JOB_FUNCTIONS), alias="default")
    common = {"replace_existing": True, "coalesce": True, "max_instances": 1, "misfire_grace_time": 3600}
    scheduler.add_job(nightly_reconcile, nightly or CronTrigger(hour=2, minute=0, timezone=TIMEZONE),
                      id="nightly-reconcile", name=t("job_nightly_reconcile"), **common)
    scheduler.add_job(sync_shops, IntervalTrigger(seconds=every.total_seconds(), timezone=TIMEZONE),
                      id="orders-and-stock", name=t("job_orders_and_stock"), **common)
    scheduler.add_job(nightly_monitor, CronTrigger(hour=3, minute=0, timezone=TIMEZONE),
                      id="nightly-monitor", name=t("job_nightly_monitor"), **common)
    scheduler.add_job(refresh_tokens, IntervalTrigger(seconds=refresh_every.total_seconds(), timezone=TIMEZONE),
                      id="token-refresh", name=t("job_token_refresh"), **common)
    scheduler.add_job(refresh_setups, CronTrigger(day_of_week="sun", hour=4, minute=0, timezone=TIMEZONE),
                      id="setup-refresh", name=t("job_setup_refresh"), **common)


def run_forever(engine: Engine) -> None:
    """``syndicator schedule``: run in the foreground until SIGTERM or Ctrl+C, which is passed on to the
    job at hand's children (the monitor's crawl); that job is finished and waited for."""
    scheduler = BlockingScheduler(timezone=TIMEZONE)
    configure(scheduler, engine)

    def stop(signum: int) -> None:
        pass_on(signum)
        if not scheduler.running:
            raise SystemExit(0)  # a signal while starting, or a second one while stopping
        scheduler.shutdown(wait=True)

    scheduler.add_listener(lambda _: print(t("schedule_started"), flush=True), EVENT_SCHEDULER_STARTED)
    with stop_signals(stop):
        scheduler.start()
