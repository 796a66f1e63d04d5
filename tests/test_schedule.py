"""The schedule: jobs kept in the database as plain data fire on time, one sync per shop at a time, a stored
row that is not one of our jobs never runs, clean shutdown."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import base64
import json
import logging
import os
import pickle
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, ChannelState, ScheduledJob, SyncRun, utcnow
from syndicator.jobstore import ScheduledJobStore
from syndicator.locks import shop_lock, shop_unit
from syndicator.schedule import JOB_FUNCTIONS, TIMEZONE, configure, refresh_tokens, sync_shops
from syndicator.secrets import decrypt_credentials
from tests.support.sandboxes import (  # noqa: F401 (fixture)
    COOP,
    connect_all,
    sandboxes,
    seed_catalogue,
    spend_refresh_token,
)

JOB_IDS = ["nightly-monitor", "nightly-reconcile", "orders-and-stock", "setup-refresh", "token-refresh"]


@pytest.fixture
def configured(database_url, monkeypatch) -> None:
    """The test database as the configured one: scheduled jobs open it when they run (the job store keeps
    no database address)."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)


def _stored_jobs(engine) -> dict[str, dict]:
    with Session(engine) as session:
        return {job.id: job.job_state for job in session.execute(sa.select(ScheduledJob)).scalars()}


def _runs(engine) -> list[SyncRun]:
    with Session(engine) as session:
        return list(session.execute(sa.select(SyncRun).order_by(SyncRun.started_at)).scalars())


@contextmanager
def shortened_clock(engine, every_s: float, nightly_s: float) -> Iterator[None]:
    """The real schedule with the 15 minutes and the night shortened to seconds."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    configure(scheduler, engine, every=timedelta(seconds=every_s),
              nightly=IntervalTrigger(seconds=nightly_s, timezone=TIMEZONE))
    scheduler.start()
    try:
        yield
    finally:
        scheduler.shutdown(wait=True)


@pytest.mark.usefixtures("configured")
def test_the_scheduler_fires_the_frequent_sync_and_the_nightly_reconcile(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    with shortened_clock(engine, every_s=1, nightly_s=2):
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            runs = [run for run in _runs(engine) if run.finished_at]
            if {run.scope.get("reconcile") for run in runs} == {True, False}:
                break
            time.sleep(0.2)

    runs = _runs(engine)
    assert {run.trigger for run in runs} == {"schedule"}
    assert {run.scope["reconcile"] for run in runs} == {True, False}
    assert sorted(_stored_jobs(engine)) == JOB_IDS


@pytest.mark.usefixtures("configured")
def test_two_syncs_of_one_shop_never_overlap(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    with shortened_clock(engine, every_s=0.5, nightly_s=0.5):
        time.sleep(5)

    by_shop: dict[int, list[SyncRun]] = {}
    for run in _runs(engine):
        for shop in run.summary["orders"]:  # the shops whose locks the run held (busy ones are left out)
            by_shop.setdefault(shop["account_id"], []).append(run)
    assert by_shop and all(len(runs) > 1 for runs in by_shop.values())
    for shop, runs in by_shop.items():
        for earlier, later in pairwise(runs):
            assert earlier.finished_at <= later.started_at, shop


@pytest.mark.usefixtures("configured")
def test_a_shop_already_being_synced_is_skipped(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    name = next(iter(sandboxes))

    with Session(engine) as session:
        account_id = session.execute(sa.select(ChannelAccount.id).where(ChannelAccount.marketplace == name)).scalar()

    with shop_lock(engine, shop_unit(account_id)) as taken:
        assert taken
        outcome = sync_shops()

    assert outcome[f"{COOP}:{name}"] == "busy"
    assert {state for unit, state in outcome.items() if unit != f"{COOP}:{name}"} == {"ok"}
    (skipped,) = [run for run in _runs(engine) if run.scope["marketplace"] == name]
    assert skipped.summary["busy"] == [account_id] and skipped.summary["shops"] == []


@pytest.mark.usefixtures("configured")
def test_a_scheduled_pass_names_the_failing_shop_and_still_syncs_the_others(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    broken = next(iter(sandboxes))
    sandboxes[broken].faults(error_rate=1.0)

    outcome = sync_shops()

    assert outcome.pop(f"{COOP}:{broken}") == "failed"
    assert outcome == {f"{COOP}:{name}": "ok" for name in sandboxes if name != broken}
    assert all(len(sandboxes[name].items()) == 4 for name in sandboxes if name != broken)


@pytest.mark.slow
def test_schedule_stops_cleanly_on_sigterm(database_url, engine, tmp_path):
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "syndicator", "schedule"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        if engine.dialect.name == "postgresql":  # the schedule is the workers' periodic tasks: it runs a worker
            assert child.stdout.readline().strip() == t("queue_schedule_in_workers")
            while "Starting worker" not in child.stderr.readline():
                pass
            time.sleep(1)  # procrastinate logs that line just before it takes over SIGTERM
        else:
            assert child.stdout.readline().strip() == t("schedule_started")
    finally:
        child.send_signal(signal.SIGTERM)

    assert child.wait(timeout=30) == 0, child.stderr.read()


@pytest.mark.usefixtures("configured")
def test_tokens_close_to_expiry_are_refreshed_ahead_and_stored(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    with session_scope(engine) as session:
        accounts = session.execute(sa.select(ChannelAccount)).scalars().all()
        expiring = [a for a in accounts if a.access_expires_at is not None]
        assert expiring, "no marketplace issues expiring tokens"
        soon = expiring[0]
        soon.access_expires_at = utcnow() + timedelta(minutes=30)
        session.add(soon)
    before = decrypt_credentials(soon.credentials_encrypted).access_token.get_secret_value()

    refreshed = refresh_tokens()

    assert refreshed == [soon.id]
    with Session(engine) as session:
        stored = session.get(ChannelAccount, soon.id)
    assert decrypt_credentials(stored.credentials_encrypted).access_token.get_secret_value() != before
    assert stored.access_expires_at > utcnow() + timedelta(hours=1)


@pytest.mark.usefixtures("configured")
def test_a_refused_refresh_marks_that_shop_and_the_other_shops_are_still_refreshed(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    with session_scope(engine) as session:
        accounts = {a.marketplace: a for a in session.execute(sa.select(ChannelAccount)).scalars()}
        for account in (accounts["shopee"], accounts["lazada"]):
            account.access_expires_at = utcnow() + timedelta(minutes=30)
            session.add(account)
    spend_refresh_token(accounts["shopee"])  # Shopee now refuses the refresh token we hold

    refreshed = refresh_tokens()

    assert refreshed == [accounts["lazada"].id]
    with Session(engine) as session:
        assert session.get(ChannelAccount, accounts["shopee"].id).state == ChannelState.needs_reauthorisation
        assert session.get(ChannelAccount, accounts["lazada"].id).state == ChannelState.connected

    def refresh_calls() -> int:
        stats = sandboxes["shopee"]._call("GET", "/_sandbox/stats")["requests"]
        return sum(sum(outcomes.values()) for path, outcomes in stats.items() if "access_token/get" in path)

    before = refresh_calls()
    refresh_tokens()
    assert refresh_calls() == before  # a marked shop waits for `channels reconnect`; it is not retried


def _store_the_jobs(engine) -> None:
    """Write the schedule's jobs to the database without running any of them."""
    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    configure(scheduler, engine)
    scheduler.start(paused=True)
    scheduler.shutdown()


def test_jobs_are_stored_as_plain_data_without_a_database_address_or_password(engine, database_url,
                                                                                monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL",
                       "postgresql+psycopg://htx:mat-khau-bi-mat-2026@db.htx-thainguyen.vn/syndicator")

    _store_the_jobs(engine)

    stored = _stored_jobs(engine)
    assert sorted(stored) == JOB_IDS
    assert stored["nightly-reconcile"]["func"] == "syndicator.schedule:nightly_reconcile"
    assert stored["nightly-reconcile"]["trigger"]["fields"] == {"hour": "2", "minute": "0"}
    assert all(job["args"] == [] and job["kwargs"] == {} for job in stored.values())
    text = json.dumps(stored)
    assert "mat-khau-bi-mat-2026" not in text
    assert sa.engine.make_url(database_url).database not in text


def test_a_stored_job_reads_back_with_its_trigger_and_options(engine):
    _store_the_jobs(engine)

    jobs = {job.id: job for job in ScheduledJobStore(engine, JOB_FUNCTIONS).get_all_jobs()}

    reconcile, frequent = jobs["nightly-reconcile"], jobs["orders-and-stock"]
    assert str(reconcile.trigger) == "cron[hour='2', minute='0']"
    assert (reconcile.next_run_time.hour, reconcile.next_run_time.minute) == (2, 0)
    assert str(reconcile.next_run_time.tzinfo) == TIMEZONE
    assert str(frequent.trigger) == "interval[0:15:00]"
    options = {(job.coalesce, job.max_instances, job.misfire_grace_time) for job in jobs.values()}
    assert options == {(True, 1, 3600)}  # missed runs coalesced into one
    assert {job.func for job in jobs.values()} == set(JOB_FUNCTIONS)


class LeavesAMark:
    """Unpickling this runs a shell command, as a pickled job row can."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f"touch {self.marker}",))


def hostile_job_state(kind: str, marker) -> object:
    if kind == "pickle":
        return {"job_state": base64.b64encode(pickle.dumps(LeavesAMark(marker))).decode()}
    return {"func": "os:system", "name": "dọn dẹp / cleanup", "args": [f"touch {marker}"], "kwargs": {},
            "trigger": {"type": "interval", "timezone": TIMEZONE, "seconds": 1}, "executor": "default",
            "coalesce": True, "misfire_grace_time": 3600, "max_instances": 1}


@pytest.mark.parametrize("kind", ["unknown-function", "pickle"])
@pytest.mark.usefixtures("configured")
def test_an_inserted_row_that_is_not_one_of_our_jobs_never_runs(engine, tmp_path, caplog, kind):
    marker = tmp_path / "da-chay"
    due = datetime.now(UTC).timestamp() - 60
    with session_scope(engine) as session:
        session.add(ScheduledJob(id="don-dep", next_run_time=due, job_state=hostile_job_state(kind, marker)))

    scheduler = BackgroundScheduler(timezone=TIMEZONE)
    configure(scheduler, engine)
    with caplog.at_level(logging.ERROR, logger="syndicator.schedule"):
        scheduler.start()
        try:
            deadline = time.monotonic() + 30
            while "don-dep" in _stored_jobs(engine) and time.monotonic() < deadline:
                time.sleep(0.1)
        finally:
            scheduler.shutdown(wait=True)

    assert "don-dep" not in _stored_jobs(engine)
    assert not marker.exists()
    errors = [record.getMessage() for record in caplog.records if record.levelno == logging.ERROR]
    assert any("don-dep" in message for message in errors)
