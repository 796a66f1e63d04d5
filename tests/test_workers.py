"""Sync work on the job queue (PostgreSQL): ``syndicator worker`` processes run the shops' jobs, never two jobs of
one shop at once, pick up the job of a worker killed mid-run, defer each periodic task once per period, and
collapse a burst of deferrals for one shop into one job."""

# ruff: noqa: F811  (fixtures come from tests/support/)

from __future__ import annotations

import itertools
import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from procrastinate.jobs import Job
from sqlmodel import Session, select

from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from catalog.db import init_database
from catalog.models import ChannelAccount, Listing, ListingState, PushMessage, SyncRun
from catalog.stock import order_line_source, record_movement
from syndicator import tasks
from syndicator.budgets import BudgetSpent
from tests.support.databases import PG_URL, new_database
from tests.support.sandboxes import (  # noqa: F401 (fixtures)
    connect_all,
    connect_shop,
    in_process,
    publish_new,
    sandbox_router,
    sandboxes,
    seed_catalogue,
)
from tests.support.workers import jobs_left, queue_database, queue_engine, wait_until, workers  # noqa: F401

ROUNDS = 3


def _shops(engine) -> list[ChannelAccount]:
    with Session(engine) as session:
        return list(session.exec(select(ChannelAccount).order_by(ChannelAccount.id)).all())


def _runs(engine) -> list[SyncRun]:
    with Session(engine) as session:
        return list(session.exec(select(SyncRun).order_by(SyncRun.id)).all())


def test_two_workers_run_the_queued_syncs_and_never_one_shop_on_both_at_once(
    queue_database, queue_engine, sandboxes, tmp_path
):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, sandboxes)
    shops = _shops(queue_engine)
    with tasks.opened(queue_engine):
        for _ in range(ROUNDS):  # three jobs a shop, no queueing lock: only the shop's lock keeps them apart
            for shop in shops:
                tasks.sync_shop.configure(lock=f"shop:{shop.id}", queue=shop.marketplace).defer(account_id=shop.id)

    with workers(queue_database, tmp_path) as running:
        running.start(concurrency=3, schedule=False)
        running.start(concurrency=3, schedule=False)
        wait_until(lambda: jobs_left(queue_engine) == 0, 120, "the queued syncs", running.logs)

    runs = [run for run in _runs(queue_engine) if run.trigger == "schedule"]
    by_shop = defaultdict(list)
    for run in runs:
        by_shop[run.scope["shops"][0]].append(run)
    assert {shop.id: len(by_shop[shop.id]) for shop in shops} == {shop.id: ROUNDS for shop in shops}
    assert Counter(run.status for run in runs) == {"ok": len(runs)}  # never "busy": never two at once
    for shop_runs in by_shop.values():
        ordered = sorted(shop_runs, key=lambda run: run.started_at)
        for earlier, later in itertools.pairwise(ordered):
            assert earlier.finished_at <= later.started_at, (earlier.id, later.id)
    assert len({run.pid for run in runs}) == 2, "both workers took jobs"
    for name, sandbox in sandboxes.items():
        assert sandbox.items() and set(Counter(row["seller_sku"] for row in sandbox.items()).values()) == {1}, name


def _kill_a_worker_mid_create(engine, sandboxes, running) -> int:
    """Queue every shop's sync, start a worker on slow marketplaces, and SIGKILL it once a first item is created:
    the jobs it had not finished stay running on a dead worker, with creates left in flight. How many."""
    for sandbox in sandboxes.values():
        sandbox.faults(latency_ms=150)
    deferred, _ = tasks.defer_syncs(engine)
    assert deferred == len(sandboxes)
    first = running.start(concurrency=5, schedule=False)
    wait_until(lambda: any(s.items() for s in sandboxes.values()), 60, "a first create", running.logs)
    first.send_signal(signal.SIGKILL)
    first.wait()
    with Session(engine) as session:
        in_flight = session.scalar(sa.select(sa.func.count()).select_from(Listing)
                                   .where(Listing.state == ListingState.creating.value))
    assert in_flight > 0, "killed after its creates: nothing left half-done"
    for sandbox in sandboxes.values():
        sandbox.faults(latency_ms=0)
    with engine.connect() as connection:
        return connection.execute(sa.text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")).scalar()


def _every_pack_live_once(engine, sandboxes) -> None:
    with Session(engine) as session:
        states = Counter(session.scalars(sa.select(Listing.state)))
    assert set(states) == {ListingState.live.value}, states
    for name, sandbox in sandboxes.items():
        counts = Counter(row["seller_sku"] for row in sandbox.items())
        assert len(counts) == 4 and set(counts.values()) == {1}, (name, counts)


def test_a_worker_killed_mid_run_has_its_job_finished_by_another_without_a_duplicate(
    queue_database, queue_engine, sandboxes, tmp_path
):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, sandboxes)
    with workers(queue_database, tmp_path) as running:
        _kill_a_worker_mid_create(queue_engine, sandboxes, running)
        running.start(concurrency=5)
        wait_until(lambda: jobs_left(queue_engine) == 0, 90, "the killed worker's jobs", running.logs)
        assert "stalled on a silent worker" in running.logs()[1]

    _every_pack_live_once(queue_engine, sandboxes)


def test_a_killed_workers_job_whose_shop_has_the_same_job_waiting_gives_way_to_it(
    queue_database, queue_engine, sandboxes, tmp_path
):
    """The scheduled pass defers every shop's sync while the dead worker's jobs still hold their shops: each
    stalled job is ended, which frees its shop for the waiting one (it was retried into a clash and held the shop
    for good)."""
    seed_catalogue(queue_engine)
    connect_all(queue_engine, sandboxes)
    with workers(queue_database, tmp_path) as running:
        stalled = _kill_a_worker_mid_create(queue_engine, sandboxes, running)
        assert tasks.defer_syncs(queue_engine) == (len(sandboxes), 0)  # as the scheduled pass would
        running.start(concurrency=5)
        wait_until(lambda: jobs_left(queue_engine) == 0, 90, "the waiting syncs", running.logs)
        assert running.logs()[1].count("the same job already waits") == stalled > 0

    with queue_engine.connect() as connection:
        ended = connection.execute(sa.text("SELECT task_name, status FROM procrastinate_jobs")).all()
    assert Counter(ended) == {("sync_shop", "aborted"): stalled}
    _every_pack_live_once(queue_engine, sandboxes)


def test_each_periodic_task_is_deferred_once_per_period_with_two_workers(queue_database, queue_engine, tmp_path):
    with workers(queue_database, tmp_path) as running:
        running.start()
        running.start()
        time.sleep(25)  # the stalled-job check runs every 10 s
        logs = running.logs()

    fired = [int(stamp) for log in logs for line in log.splitlines() if "Starting job" in line
             for stamp in re.findall(r"retry_stalled_jobs\[\d+\]\(timestamp=(\d+)\)", line)]
    assert len(fired) >= 2, logs
    assert len(fired) == len(set(fired)), sorted(fired)


def test_a_burst_of_twenty_deferrals_for_one_shop_leaves_one_job(queue_engine, sandboxes):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, {"shopee": sandboxes["shopee"]})
    shop = _shops(queue_engine)[0]

    with tasks.opened(queue_engine):
        deferred = [tasks.defer_for_shop(tasks.sync_shop, shop.id, shop.marketplace) for _ in range(20)]

    assert deferred.count(True) == 1
    assert jobs_left(queue_engine) == 1


def test_a_burst_of_twenty_pushes_for_one_shop_leaves_one_order_pull(queue_engine, sandboxes):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, {"shopee": sandboxes["shopee"]})
    shop = _shops(queue_engine)[0]
    with Session(queue_engine) as session:
        for number in range(20):
            session.add(PushMessage(marketplace="shopee", message_key=f"3:{number}", shop_ref=shop.shop_id,
                                    channel_account_id=shop.id, kind="order", code="3", body="{}"))
        session.commit()

    handed = [tasks.defer_inbox(queue_engine) for _ in range(20)]

    assert handed == [1] + [0] * 19
    with queue_engine.connect() as connection:
        waiting = connection.execute(sa.text("SELECT task_name, lock, queue_name FROM procrastinate_jobs")).all()
    assert waiting == [("pull_orders", f"shop:{shop.id}", "shopee")]


def test_a_worker_outlives_the_database_dropping_its_connections(queue_database, queue_engine, sandboxes, tmp_path):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, {"shopee": sandboxes["shopee"]})
    shop = _shops(queue_engine)[0]

    with workers(queue_database, tmp_path) as running:
        worker = running.start(schedule=False)
        wait_until(lambda: "Starting worker" in running.logs()[0], 30, "the worker's start", running.logs)
        time.sleep(1)
        with queue_engine.connect() as connection:  # as a restart of PostgreSQL does to every client
            dropped = connection.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
        assert dropped > 0
        time.sleep(3)
        tasks.defer_syncs(queue_engine)
        wait_until(lambda: jobs_left(queue_engine) == 0, 60, "the job deferred after the outage", running.logs)
        assert worker.poll() is None, running.logs()[0]

    assert sandboxes["shopee"].items()
    assert [run.status for run in _runs(queue_engine) if run.scope.get("shops") == [shop.id]] == ["ok"]


def test_init_on_postgresql_makes_the_job_queue_tables(tmp_path):
    if not PG_URL:
        pytest.skip("the job queue lives in PostgreSQL: set SYNDICATOR_TEST_DATABASE_URL")
    with new_database("postgresql", tmp_path) as url:
        env = {**os.environ, "SYNDICATOR_DATABASE_URL": url}
        subprocess.run([sys.executable, "-m", "syndicator", "init"], env=env, check=True, capture_output=True)
        engine = sa.create_engine(url)
        with engine.connect() as connection:
            tables = set(connection.execute(sa.text(
                "SELECT tablename FROM pg_tables WHERE tablename LIKE 'procrastinate%'")).scalars())
        engine.dispose()

    assert {"procrastinate_jobs", "procrastinate_workers", "procrastinate_periodic_defers"} <= tables


def test_a_job_that_fails_for_good_is_kept_with_its_error_and_can_be_run_again(queue_database, queue_engine, tmp_path):
    with tasks.opened(queue_engine):
        tasks.crawl.configure(queue="default").defer(marketplace="tiki")  # no such marketplace: never passes
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": queue_database, "SYNDICATOR_LANG": "en"}

    with workers(queue_database, tmp_path) as running:
        running.start(schedule=False)
        wait_until(lambda: jobs_left(queue_engine) == 0, 30, "the crawl job", running.logs)
    failed = subprocess.run([sys.executable, "-m", "syndicator", "jobs", "--failed"], env=env, capture_output=True,
                            text=True, check=True).stdout
    with queue_engine.connect() as connection:
        job_id = connection.execute(sa.text("SELECT id FROM procrastinate_jobs")).scalar()
    retried = subprocess.run([sys.executable, "-m", "syndicator", "jobs", "--retry", str(job_id)], env=env,
                             capture_output=True, text=True, check=False)

    assert "crawl" in failed and "ValueError" in failed and "tiki" in failed, failed
    assert retried.returncode == 0 and f"#{job_id}" in retried.stdout, retried
    assert jobs_left(queue_engine) == 1


def test_the_job_queue_is_for_postgresql_only(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    init_database(database_url).dispose()
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_LANG": "en"}

    answers = [subprocess.run([sys.executable, "-m", "syndicator", *command], env=env, capture_output=True, text=True,
                              check=False) for command in (["worker"], ["jobs"], ["sync", "--queue"])]

    assert [answer.returncode for answer in answers] == [2, 2, 2]
    assert all("needs PostgreSQL" in answer.stderr for answer in answers), answers


def test_a_job_whose_daily_budget_is_spent_waits_for_the_refill_and_fails_nothing(
    queue_database, queue_engine, sandboxes, tmp_path
):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, {"shopee": sandboxes["shopee"]})
    tasks.defer_syncs(queue_engine)

    with workers(queue_database, tmp_path, SYNDICATOR_APP_CALLS_PER_DAY="5") as running:
        running.start(schedule=False)
        wait_until(lambda: "Retry" in running.logs()[0] or "retry" in running.logs()[0], 30, "the deferral",
                   running.logs)
    with queue_engine.connect() as connection:
        job = connection.execute(sa.text("SELECT status, scheduled_at, attempts FROM procrastinate_jobs")).one()

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    assert (job.status, job.scheduled_at, job.attempts) == ("todo", tomorrow, 1)
    assert [run.status for run in _runs(queue_engine)] == ["deferred"]
    with Session(queue_engine) as session:
        assert ListingState.error.value not in set(session.scalars(sa.select(Listing.state)))


def test_transient_errors_are_retried_a_few_times_and_a_spent_budget_always_waits():
    strategy = tasks.TransientOnly()
    refill = datetime(2026, 12, 4, tzinfo=UTC)

    def decision(exc: BaseException, attempts: int):
        return strategy.get_retry_decision(exception=exc, job=Job(id=1, queue="shopee", lock=None, queueing_lock=None,
                                                                  task_name="sync_shop", attempts=attempts))

    outage = MarketplaceError(ErrorInfo(kind=ErrorKind.transient, marketplace="lazada", message="HTTP 503"))
    refused = MarketplaceError(ErrorInfo(kind=ErrorKind.rejected, marketplace="lazada", message="E4105"))
    assert decision(outage, 0).retry_at > datetime.now(UTC)
    assert decision(outage, tasks.MAX_ATTEMPTS - 1) is None
    assert decision(refused, 0) is None
    assert decision(ValueError("lỗi lập trình"), 0) is None
    assert decision(BudgetSpent("lazada:app:123456:day", refill), 40).retry_at == refill


def test_jobs_shows_each_queues_waiting_jobs(queue_database, queue_engine, sandboxes):
    seed_catalogue(queue_engine)
    connect_all(queue_engine, {name: sandboxes[name] for name in ("shopee", "lazada")})
    queued = subprocess.run([sys.executable, "-m", "syndicator", "sync", "--queue"], capture_output=True, text=True,
                            env={**os.environ, "SYNDICATOR_DATABASE_URL": queue_database, "SYNDICATOR_LANG": "en"},
                            check=True).stdout

    shown = subprocess.run([sys.executable, "-m", "syndicator", "jobs"], capture_output=True, text=True, check=True,
                           env={**os.environ, "SYNDICATOR_DATABASE_URL": queue_database, "SYNDICATOR_LANG": "en"}
                           ).stdout

    assert "Queued 2 sync jobs (0 shops already had one waiting)" in queued
    rows = {line.split("│")[1].strip(): line.split("│")[2].strip() for line in shown.splitlines()
            if line.count("│") == 5 and "Queue" not in line}
    assert rows == {"lazada": "1", "shopee": "1"}, shown


def test_a_sale_pushes_its_stock_only_to_the_other_shops_that_sell_the_sku(queue_database, queue_engine, sandboxes,
                                                                           in_process, monkeypatch):
    skus = seed_catalogue(queue_engine)
    shops = {name: connect_shop(queue_engine, "HTX-TANCUONG", name, sandboxes[name].url, in_process,
                                publish_all=name != "voso") for name in ("shopee", "lazada", "voso")}
    publish_new(queue_engine)  # the tea co-op sells on Shopee and Lazada; its Voso shop publishes nothing yet
    with Session(queue_engine) as session:
        record_movement(session, skus["TC-CHE-200G"], "sale", -2,
                        order_line_source(shops["shopee"].id, "2612040001", "1", "sale"))
        session.commit()
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", queue_database)
    tasks.engine.cache_clear()

    with tasks.opened(queue_engine):
        deferred = tasks._fan_out(shops["shopee"].id, since=0)
    tasks.engine.cache_clear()

    with queue_engine.connect() as connection:
        waiting = connection.execute(sa.text("SELECT task_name, lock, args FROM procrastinate_jobs")).all()
    assert deferred == 1
    assert waiting == [("push_stock", f"shop:{shops['lazada'].id}",
                        {"account_id": shops["lazada"].id, "sku_ids": [skus["TC-CHE-200G"]]})]
