"""Sync work as procrastinate jobs on PostgreSQL, run by ``syndicator worker`` processes on any number of machines.

The unit of work is one shop (DESIGN.md, *Growing past one machine*). Each task calls the same engine code as
the command line does for that shop: plan and apply stay as they are. Deferred with
(:func:`defer_for_shop`):

- ``lock="shop:<id>"``: procrastinate never runs two jobs of one shop at once, across machines (the engine's
  own advisory lock stays, and keeps a command-line ``sync`` and a job apart);
- ``queueing_lock="<task>:<id>"``: a burst of deferrals for one shop leaves one job waiting;
- the queue of the shop's marketplace, so a Lazada outage never starves Shopee; app-wide tasks go to ``default``.

A job is retried only for what may pass by itself (:class:`TransientOnly`): a marketplace's transient or
rate-limit answer, a network error, the database gone for a moment. A spent call budget
(``syndicator/budgets.py``) defers the job to the time it refills, however many times. Any other error fails
the job for good; its last error is kept in ``job_error`` for ``syndicator jobs --failed``. Successful jobs are
deleted by the worker, so the job table stays small.

The schedule is procrastinate's periodic tasks, deferred once per period whatever the number of workers, in
UTC (02:00 in Vietnam is 19:00 UTC). On SQLite none of this runs: ``syndicator schedule`` and ``serve`` call
the same engine code in one process.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from typing import Any

import httpx
import psycopg
import sqlalchemy as sa
from procrastinate import App, JobContext, PsycopgConnector, RetryDecision
from procrastinate.exceptions import AlreadyEnqueued, UniqueViolation
from procrastinate.jobs import Job, Status
from procrastinate.retry import BaseRetryStrategy
from sqlalchemy.engine import URL, Engine
from sqlmodel import Session, select

from adapters.common.errors import MarketplaceError
from catalog.db import make_engine, session_scope
from catalog.models import (
    ChannelAccount,
    JobError,
    Listing,
    ListingVariant,
    PushMessage,
    StockMovement,
    utcnow,
)
from catalog.settings import settings
from catalog.stock import source_order
from syndicator.actions import ActionKind
from syndicator.budgets import BudgetSpent
from syndicator.channels import NETWORK, reads_setup
from syndicator.engine import run_sync
from syndicator.fanout import apply_stock, mark_failed, mark_worked
from syndicator.locks import shop_lock, shop_unit
from syndicator.orders import pull_orders_async
from syndicator.plan import account_scopes, build_plan
from syndicator.reconcile import reconcile

log = logging.getLogger("syndicator.tasks")

DEFAULT_QUEUE = "default"
MAX_ATTEMPTS = 5
INBOX_ATTEMPTS = 5  # a push whose shop failed this many times waits for the scheduled pass
KEEP_ENDED_JOBS = timedelta(days=7)  # cancelled and aborted jobs; failed ones stay until an operator acts
QUEUEING_LOCK_INDEX = "procrastinate_jobs_queueing_lock_idx_v1"  # one waiting job per queueing lock


class DatabaseConnector(PsycopgConnector):
    """procrastinate's psycopg connector on a database named when it opens, not at import: the worker's
    configured one (``SYNDICATOR_DATABASE_URL``), or the engine a caller defers jobs through."""

    def __init__(self) -> None:
        super().__init__(min_size=1, max_size=8)

    def point_at(self, url: URL) -> None:
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        if self._pool_args.get("conninfo") != conninfo:
            self._pool_args["conninfo"] = conninfo
            self._sync_connector = None


class TransientOnly(BaseRetryStrategy):
    """Retry what may pass by itself, with backoff (10 s, 20 s, 40 s, 80 s); defer a spent budget to its refill."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, BudgetSpent):
            return RetryDecision(retry_at=exception.refill_at)
        if job.attempts + 1 >= MAX_ATTEMPTS or not transient(exception):
            return None
        return RetryDecision(retry_in={"seconds": 10 * 2 ** job.attempts})


class ShopBusy(Exception):
    """The shop is being synced by a run outside the queue (a command-line ``sync``): try again shortly."""


class StockNotSent(Exception):
    """Some of a shop's stock was not taken: try again shortly; the plan then sends only what still differs."""


def transient(exc: BaseException) -> bool:
    if isinstance(exc, MarketplaceError):
        return exc.retryable
    return isinstance(exc, ShopBusy | StockNotSent | httpx.TransportError | sa.exc.OperationalError
                      | psycopg.OperationalError)


connector = DatabaseConnector()
app = App(connector=connector, import_paths=["syndicator.tasks"])
RETRY = TransientOnly()


def record_error(call_next: Any, context: JobContext, _worker: Any) -> Any:
    """A task middleware: a job's error is kept for the operator (``syndicator jobs --failed``)."""
    try:
        return call_next()
    except Exception as exc:
        job = context.job
        with session_scope(engine()) as session:
            session.merge(JobError(job_id=job.id, task_name=job.task_name, error=f"{type(exc).__name__}: {exc}"[:4000]))
        raise


@cache
def engine() -> Engine:
    """The worker process's engine on the configured database, shared by its job threads."""
    return make_engine()


@contextmanager
def opened(on: Engine) -> Iterator[App]:
    """The app, open on ``on``'s database, to defer jobs or read the queue (synchronously)."""
    connector.point_at(on.url)
    with app.open():
        yield app


def uses_queue(on: Engine) -> bool:
    """Whether work goes through the job queue: on PostgreSQL. SQLite runs it in one process."""
    return on.dialect.name == "postgresql"


def queue_of(marketplace: str) -> str:
    return marketplace


def defer_for_shop(task: Any, account_id: int, marketplace: str, queueing_key: str = "", **kwargs: Any) -> bool:
    """Defer ``task`` for one shop under its lock, on its marketplace's queue. False when a job of the same kind
    for that shop (and ``queueing_key``) is already waiting: the burst collapses into it."""
    lock = shop_unit(account_id)
    queueing_lock = f"{task.name}:{account_id}" + (f":{queueing_key}" if queueing_key else "")
    try:
        task.configure(lock=lock, queueing_lock=queueing_lock, queue=queue_of(marketplace)).defer(
            account_id=account_id, **kwargs)
    except AlreadyEnqueued:
        return False
    return True


def defer_syncs(on: Engine, coop_code: str | None = None, marketplace: str | None = None,
                reconcile: bool = False, trigger: str = "cli") -> tuple[int, int]:
    """``syndicator sync --queue`` and the app's sync button on PostgreSQL: one ``sync_shop`` job per shop in
    scope, its run recorded as started by ``trigger``. How many were deferred, and how many shops already had
    one waiting."""
    scopes = account_scopes(on, coop_code, marketplace)
    with opened(on):
        deferred = sum(defer_for_shop(sync_shop, scope.id, scope.marketplace, reconcile=reconcile, trigger=trigger)
                       for scope in scopes)
    return deferred, len(scopes) - deferred


def defer_inbox(on: Engine) -> int:
    """Hand the push inbox to the queue: a ``pull_orders`` job for each shop with pushes not worked yet (the
    queueing lock collapses a burst). Called by ``serve``'s fan-out thread as pushes arrive."""
    with Session(on) as session:
        shops = session.execute(sa.select(PushMessage.channel_account_id, ChannelAccount.marketplace).distinct()
                                .join(ChannelAccount, ChannelAccount.id == PushMessage.channel_account_id)
                                .where(PushMessage.processed_at.is_(None),
                                       PushMessage.attempts < INBOX_ATTEMPTS)).all()
    if not shops:
        return 0
    with opened(on):
        return sum(defer_for_shop(pull_orders, account_id, marketplace) for account_id, marketplace in shops)


# --- the tasks ---------------------------------------------------------------------------------------------
@app.task(name="sync_shop", retry=RETRY)
def sync_shop(account_id: int, reconcile: bool = False, trigger: str = "schedule") -> str:
    """One shop's sync (orders, plan, apply); its orders' stock then goes to the other shops."""
    marketplace = _marketplace(account_id)
    if marketplace is None:
        return "gone"
    since = _last_movement_id()
    report = run_sync(engine(), marketplace=marketplace, trigger=trigger, reconcile=reconcile,
                      account_ids=[account_id])
    if report.status == "busy":
        return "busy"
    if report.orders.succeeded:
        _mark_inbox_worked(account_id)
    _fan_out(account_id, since)
    return report.status


@app.task(name="pull_orders", retry=RETRY)
def pull_orders(account_id: int) -> str:
    """One shop's pushes worked: its orders pulled since its watermark (the ledger written once), its items
    read back for a reservation change; then the stock of the SKUs its orders moved goes to the other shops."""
    with Session(engine()) as session:
        rows = session.exec(select(PushMessage).where(PushMessage.channel_account_id == account_id,
                                                      PushMessage.processed_at.is_(None))).all()
    scope = next((s for s in account_scopes(engine()) if s.id == account_id), None)
    if scope is None or not rows:
        mark_worked(engine(), [row.id for row in rows])
        return "nothing"
    since = _last_movement_id()
    with shop_lock(engine(), shop_unit(account_id)) as taken:
        if not taken:
            raise ShopBusy(f"shop #{account_id}")
        error = asyncio.run(_work_pushes(scope, rows))
    if error is not None:
        mark_failed(engine(), [row.id for row in rows], error)
        raise StockNotSent(error)
    mark_worked(engine(), [row.id for row in rows])
    if any(row.kind in ("reserved_stock", "promotion") for row in rows):
        defer_for_shop(push_stock, account_id, scope.marketplace, "all", sku_ids=None)
    _fan_out(account_id, since)
    return "ok"


@app.task(name="push_stock", retry=RETRY)
def push_stock(account_id: int, sku_ids: list[int] | None) -> int:
    """The stock of ``sku_ids`` (every SKU when None) sent to one shop, where it differs from what it was
    last sent. How many packs were sent."""
    skus = set(sku_ids) if sku_ids is not None else None
    actions = [action for action in build_plan(engine(), account_ids=[account_id], sku_ids=skus).actions
               if action.kind is ActionKind.update_stock]
    if not actions:
        return 0
    with shop_lock(engine(), shop_unit(account_id)) as taken:
        if not taken:
            raise ShopBusy(f"shop #{account_id}")
        reports = apply_stock(engine(), actions)
    if not all(report.succeeded for report in reports):
        raise StockNotSent("; ".join(error for report in reports for error in report.errors))
    return len(actions)


@app.task(name="refresh_setup", retry=RETRY)
def refresh_setup(account_id: int) -> str:
    from syndicator.setup import refresh_setup as read_setup

    with shop_lock(engine(), shop_unit(account_id)) as taken:
        if not taken:
            return "busy"
        read_setup(engine(), account_id)
    return "ok"


@app.task(name="crawl", retry=RETRY)
def crawl(marketplace: str) -> dict[str, Any]:
    """The public-page monitor over one marketplace."""
    from syndicator.monitor.run import run_monitor

    return run_monitor(engine(), marketplace).summary()


@app.task(name="refresh_tokens", queue=DEFAULT_QUEUE, queueing_lock="refresh_tokens", retry=RETRY)
def refresh_tokens() -> list[int]:
    from syndicator.schedule import refresh_tokens as refresh

    return refresh()


# --- the schedule ------------------------------------------------------------------------------------------
@app.periodic(cron="*/15 * * * *", periodic_id="orders-and-stock")
@app.task(name="scheduled_pass", queue=DEFAULT_QUEUE, queueing_lock="scheduled_pass")
def scheduled_pass(timestamp: int) -> int:
    """Every 15 minutes: a sync job per shop, except on a marketplace whose pushes are healthy, passed only
    every ``SYNDICATOR_SAFETY_PULL_MINUTES`` (the safety net)."""
    from syndicator.schedule import pushes_cover

    return _defer_every_shop(lambda scope: not pushes_cover(engine(), scope.marketplace))


@app.periodic(cron="0 19 * * *", periodic_id="nightly-reconcile")  # 02:00 in Vietnam
@app.task(name="nightly_reconcile", queue=DEFAULT_QUEUE, queueing_lock="nightly_reconcile")
def nightly_reconcile(timestamp: int) -> int:
    return _defer_every_shop(lambda scope: True, reconcile=True)


@app.periodic(cron="0 20 * * *", periodic_id="nightly-monitor")  # 03:00 in Vietnam
@app.task(name="nightly_monitor", queue=DEFAULT_QUEUE, queueing_lock="nightly_monitor")
def nightly_monitor(timestamp: int) -> int:
    marketplaces = sorted({scope.marketplace for scope in account_scopes(engine())})
    for marketplace in marketplaces:
        try:
            crawl.configure(queue=queue_of(marketplace), queueing_lock=f"crawl:{marketplace}").defer(
                marketplace=marketplace)
        except AlreadyEnqueued:
            pass
    return len(marketplaces)


@app.periodic(cron="*/15 * * * *", periodic_id="token-refresh")
@app.task(name="token_refresh", queue=DEFAULT_QUEUE, queueing_lock="token_refresh")
def token_refresh(timestamp: int) -> None:
    refresh_tokens.defer()


@app.periodic(cron="0 21 * * 6", periodic_id="setup-refresh")  # Sundays 04:00 in Vietnam
@app.task(name="setup_refresh", queue=DEFAULT_QUEUE, queueing_lock="setup_refresh")
def setup_refresh(timestamp: int) -> int:
    with Session(engine()) as session:
        accounts = [a for a in session.exec(select(ChannelAccount).where(ChannelAccount.enabled == sa.true())).all()
                    if reads_setup(a)]
    return sum(defer_for_shop(refresh_setup, a.id, a.marketplace) for a in accounts)


@app.periodic(cron="* * * * * */10", periodic_id="stalled-jobs")
@app.task(name="retry_stalled_jobs", queue=DEFAULT_QUEUE, queueing_lock="retry_stalled_jobs")
async def retry_stalled_jobs(timestamp: int) -> int:
    """Jobs whose worker stopped beating (killed, its machine gone) are run again by another: the binder's
    in-flight creates make a second run of a half-done sync safe. A stalled job whose kind already has a job
    waiting for its shop (the scheduled pass deferred one meanwhile) cannot go back to waiting beside it (its
    queueing lock): it is ended as aborted, and the waiting job does its work. Either way the stalled job lets
    go of its shop's lock, which held every later job of that shop back."""
    silent = settings().worker_heartbeat_s * 3
    stalled = list(await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=silent))
    for job in stalled:
        try:
            await app.job_manager.retry_job(job)
        except UniqueViolation as violation:
            if violation.constraint_name != QUEUEING_LOCK_INDEX:
                raise
            await app.job_manager.finish_job(job, Status.ABORTED, delete_job=False)
            log.warning("job %s (%s) stalled on a silent worker; the same job already waits (%s): ended",
                        job.id, job.task_name, job.queueing_lock)
        else:
            log.warning("job %s (%s) stalled on a silent worker; run again", job.id, job.task_name)
    return len(stalled)


@app.periodic(cron="30 18 * * *", periodic_id="old-jobs")
@app.task(name="remove_old_jobs", queue=DEFAULT_QUEUE, queueing_lock="remove_old_jobs")
async def remove_old_jobs(timestamp: int) -> None:
    await app.job_manager.delete_old_jobs(nb_hours=int(KEEP_ENDED_JOBS.total_seconds() // 3600),
                                          include_cancelled=True, include_aborted=True)


# --- helpers -----------------------------------------------------------------------------------------------
def _defer_every_shop(wanted: Any, reconcile: bool = False) -> int:
    return sum(defer_for_shop(sync_shop, scope.id, scope.marketplace, reconcile=reconcile)
               for scope in account_scopes(engine()) if wanted(scope))


def _marketplace(account_id: int) -> str | None:
    with Session(engine()) as session:
        account = session.get(ChannelAccount, account_id)
        return account.marketplace if account is not None and account.enabled else None


def _last_movement_id() -> int:
    with Session(engine()) as session:
        return session.scalar(sa.select(sa.func.max(StockMovement.id))) or 0


async def _work_pushes(scope: Any, rows: list[PushMessage]) -> str | None:
    if any(row.kind == "order" for row in rows):
        pulled = (await pull_orders_async(engine(), [scope], NETWORK)).shops[0]
        if pulled.error:
            return pulled.error
    if any(row.kind in ("reserved_stock", "promotion") for row in rows):
        unreadable = await reconcile(engine(), [scope], NETWORK)
        if unreadable:
            return unreadable[scope.id]
    return None


def _mark_inbox_worked(account_id: int) -> None:
    with Session(engine()) as session:
        ids = list(session.scalars(sa.select(PushMessage.id).where(
            PushMessage.channel_account_id == account_id, PushMessage.processed_at.is_(None))))
    mark_worked(engine(), ids)


def _fan_out(account_id: int, since: int) -> int:
    """The SKUs this shop's orders moved (ledger movements after ``since``) pushed to every other API shop that
    lists them: one ``push_stock`` job per shop (a shop's own sale is already counted on it)."""
    with Session(engine()) as session:
        moved = session.execute(sa.select(StockMovement.sku_id, StockMovement.source)
                                .where(StockMovement.id > since)).all()
        sku_ids = sorted({sku for sku, source in moved if (order := source_order(source)) and order[0] == account_id})
        if not sku_ids:
            return 0
        targets = session.execute(
            sa.select(ChannelAccount.id, ChannelAccount.marketplace).distinct()
            .join(Listing, Listing.channel_account_id == ChannelAccount.id)
            .join(ListingVariant, ListingVariant.listing_id == Listing.id)
            .where(ChannelAccount.enabled == sa.true(), ChannelAccount.credentials_encrypted.is_not(None),
                   ChannelAccount.id != account_id, ListingVariant.enabled == sa.true(),
                   ListingVariant.sku_id.in_(sku_ids))).all()
    key = ",".join(map(str, sku_ids))
    return sum(defer_for_shop(push_stock, target, marketplace, key, sku_ids=sku_ids)
               for target, marketplace in targets)


# --- the worker --------------------------------------------------------------------------------------------
class ExpectedRetries(logging.Filter):
    """A job waiting for its budget or for a busy shop is logged in one line, without a traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if isinstance(exc, BudgetSpent | ShopBusy):
            record.msg, record.exc_info, record.exc_text = f"{record.getMessage()}: {exc}", None, None
            record.args = ()
        return True


def run_worker(concurrency: int = 1, queues: list[str] | None = None, schedule: bool = True) -> None:
    """``syndicator worker``: run jobs until SIGTERM or Ctrl+C, which let the jobs at hand finish. Successful
    jobs are deleted; failed ones are kept with their error. Without ``schedule`` this worker defers none of
    the periodic tasks (other workers do)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # a line per marketplace call drowns the jobs
    logging.getLogger("procrastinate.worker").addFilter(ExpectedRetries())
    if not schedule:
        app.periodic_registry.periodic_tasks.clear()  # this process's registry: the worker then defers none
    connector.point_at(engine().url)
    heartbeat = settings().worker_heartbeat_s
    asyncio.run(_work(concurrency, queues, heartbeat))


async def _work(concurrency: int, queues: list[str] | None, heartbeat: float) -> None:
    async with app.open_async():
        await app.run_worker_async(
            concurrency=concurrency, queues=queues, delete_jobs="successful",
            update_heartbeat_interval=heartbeat, stalled_worker_timeout=heartbeat * 3,
            task_middleware=[record_error])


def queue_depth(on: Engine) -> list[dict[str, Any]]:
    """Each queue's waiting, running and failed jobs."""
    with opened(on) as queue:
        return [row for row in queue.job_manager.list_queues() if row["jobs_count"]]


def jobs_in(on: Engine, status: str) -> list[tuple[Job, str | None]]:
    """The jobs in ``status`` (``doing``, ``failed``…), each with its last error."""
    with opened(on) as queue:
        found = list(queue.job_manager.list_jobs(status=status))
    with Session(on) as session:
        errors = dict(session.execute(sa.select(JobError.job_id, JobError.error)
                                      .where(JobError.job_id.in_([job.id for job in found]))).all())
    return [(job, errors.get(job.id)) for job in found]


def retry_failed(on: Engine, job_id: int) -> bool:
    """A failed job queued again now; False when no failed job has that id."""
    with opened(on) as queue:
        if not list(queue.job_manager.list_jobs(id=job_id, status="failed")):
            return False
        queue.job_manager.retry_job_by_id(job_id, retry_at=utcnow())
    with session_scope(on) as session:
        session.execute(sa.delete(JobError).where(JobError.job_id == job_id))
    return True
