"""The schedule: jobs kept in the database fire on time, one sync per shop at a time, clean shutdown."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from itertools import pairwise

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlmodel import Session

from catalog.db import session_scope
from catalog.models import ChannelAccount, ChannelState, SyncRun, utcnow
from syndicator.locks import shop_lock, shop_unit
from syndicator.schedule import STARTED, TIMEZONE, configure, refresh_tokens, sync_shops
from syndicator.secrets import decrypt_credentials
from tests.support.sandboxes import (  # noqa: F401 (fixture)
    COOP,
    connect_all,
    sandboxes,
    seed_catalogue,
    spend_refresh_token,
)


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
    with engine.connect() as connection:
        stored = connection.execute(sa.text("SELECT id FROM apscheduler_jobs")).scalars().all()
    assert sorted(stored) == ["nightly-monitor", "nightly-reconcile", "orders-and-stock", "token-refresh"]


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


def test_a_shop_already_being_synced_is_skipped(engine, database_url, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    name = next(iter(sandboxes))

    with Session(engine) as session:
        account_id = session.execute(sa.select(ChannelAccount.id).where(ChannelAccount.marketplace == name)).scalar()

    with shop_lock(engine, shop_unit(account_id)) as taken:
        assert taken
        outcome = sync_shops(database_url)

    assert outcome[f"{COOP}:{name}"] == "busy"
    assert {state for unit, state in outcome.items() if unit != f"{COOP}:{name}"} == {"ok"}
    (skipped,) = [run for run in _runs(engine) if run.scope["marketplace"] == name]
    assert skipped.summary["busy"] == [account_id] and skipped.summary["shops"] == []


def test_a_scheduled_pass_names_the_failing_shop_and_still_syncs_the_others(engine, database_url, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    broken = next(iter(sandboxes))
    sandboxes[broken].faults(error_rate=1.0)

    outcome = sync_shops(database_url)

    assert outcome.pop(f"{COOP}:{broken}") == "failed"
    assert outcome == {f"{COOP}:{name}": "ok" for name in sandboxes if name != broken}
    assert all(len(sandboxes[name].items()) == 4 for name in sandboxes if name != broken)


def test_schedule_stops_cleanly_on_sigterm(database_url, tmp_path):
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "syndicator", "schedule"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == STARTED
    child.send_signal(signal.SIGTERM)

    assert child.wait(timeout=30) == 0, child.stderr.read()


def test_tokens_close_to_expiry_are_refreshed_ahead_and_stored(engine, database_url, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    with session_scope(engine) as session:
        accounts = session.execute(sa.select(ChannelAccount)).scalars().all()
        expiring = [a for a in accounts if a.access_expires_at is not None]
        if not expiring:
            pytest.skip("no landed marketplace issues expiring tokens")
        soon = expiring[0]
        soon.access_expires_at = utcnow() + timedelta(minutes=30)
        session.add(soon)
    before = decrypt_credentials(soon.credentials_encrypted).access_token.get_secret_value()

    refreshed = refresh_tokens(database_url)

    assert refreshed == [soon.id]
    with Session(engine) as session:
        stored = session.get(ChannelAccount, soon.id)
    assert decrypt_credentials(stored.credentials_encrypted).access_token.get_secret_value() != before
    assert stored.access_expires_at > utcnow() + timedelta(hours=1)


def test_a_refused_refresh_marks_that_shop_and_the_other_shops_are_still_refreshed(engine, database_url, sandboxes):
    if not {"shopee", "lazada"} <= set(sandboxes):
        pytest.skip("needs Shopee and Lazada, whose refresh tokens are single-use")
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    with session_scope(engine) as session:
        accounts = {a.marketplace: a for a in session.execute(sa.select(ChannelAccount)).scalars()}
        for account in (accounts["shopee"], accounts["lazada"]):
            account.access_expires_at = utcnow() + timedelta(minutes=30)
            session.add(account)
    spend_refresh_token(accounts["shopee"])  # Shopee now refuses the refresh token we hold

    refreshed = refresh_tokens(database_url)

    assert refreshed == [accounts["lazada"].id]
    with Session(engine) as session:
        assert session.get(ChannelAccount, accounts["shopee"].id).state == ChannelState.needs_reauthorisation
        assert session.get(ChannelAccount, accounts["lazada"].id).state == ChannelState.connected

    def refresh_calls() -> int:
        stats = sandboxes["shopee"]._call("GET", "/_sandbox/stats")["requests"]
        return sum(sum(outcomes.values()) for path, outcomes in stats.items() if "access_token/get" in path)

    before = refresh_calls()
    refresh_tokens(database_url)
    assert refresh_calls() == before  # a marked shop waits for `channels reconnect`; it is not retried
