"""The schedule: jobs kept in the database fire on time, one sync per shop at a time, clean shutdown."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from catalog.models import SyncRun
from syndicator.schedule import TIMEZONE, configure, shop_lock, sync_shops
from tests.support.sandboxes import COOP, connect_all, sandboxes, seed_catalogue  # noqa: F401


def _runs(engine) -> list[SyncRun]:
    with Session(engine) as session:
        return list(session.execute(sa.select(SyncRun).order_by(SyncRun.started_at)).scalars())


def test_the_scheduler_fires_the_frequent_sync_and_the_nightly_reconcile(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    configure(scheduler, engine, every=timedelta(seconds=1), nightly=IntervalTrigger(seconds=2, timezone=TIMEZONE))
    scheduler.start()
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = [run for run in _runs(engine) if run.finished_at]
            if {run.scope.get("reconcile") for run in runs} == {True, False}:
                break
            time.sleep(0.2)
    finally:
        scheduler.shutdown(wait=True)

    runs = _runs(engine)
    assert {run.trigger for run in runs} == {"schedule"}
    assert {run.scope["reconcile"] for run in runs} == {True, False}
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert sorted(stored) == ["nightly-reconcile", "orders-and-stock", "token-refresh"]


def test_two_syncs_of_one_shop_never_overlap(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    configure(scheduler, engine, every=timedelta(seconds=0.5), nightly=IntervalTrigger(seconds=0.5, timezone=TIMEZONE))
    scheduler.start()
    time.sleep(5)
    scheduler.shutdown(wait=True)

    by_shop: dict[tuple, list[SyncRun]] = {}
    for run in _runs(engine):
        by_shop.setdefault((run.scope["coop"], run.scope["marketplace"]), []).append(run)
    assert by_shop
    for shop, runs in by_shop.items():
        for earlier, later in zip(runs, runs[1:]):
            assert earlier.finished_at <= later.started_at, shop


def test_a_shop_already_being_synced_is_skipped(engine, database_url, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    name = next(iter(sandboxes))

    with shop_lock(engine, f"sync:{COOP}:{name}") as taken:
        assert taken
        outcome = sync_shops(database_url)

    assert outcome[f"sync:{COOP}:{name}"] == "busy"
    assert all(run.scope["marketplace"] != name for run in _runs(engine))


def test_schedule_stops_cleanly_on_sigterm(database_url, tmp_path):
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "syndicator", "schedule"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    time.sleep(4)
    child.send_signal(signal.SIGTERM)

    assert child.wait(timeout=20) == 0, child.stderr.read().decode()
