"""Runs tell the truth: a killed run is marked interrupted by the next one, a run that found every shop busy
says so and exits 2, and a co-op clerk's view of a run holds only its own co-op's shops."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, SyncRun, utcnow
from syndicator.access.overview import overview
from syndicator.access.sync import sync_runs
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.locks import shop_locks, shop_unit
from syndicator.schedule import sync_shops
from syndicator.users import add_user
from tests.support.sandboxes import (
    COOP,
    Sandbox,
    connect_shop,
    seed_catalogue,
    start_sandbox,
    use_test_settings,
)
from tests.support.ui import PASSWORD
from tests.test_orders_coop import NARI, seed_nari


@pytest.fixture
def shopee(monkeypatch) -> Iterator[Sandbox]:
    """The Shopee sandbox alone, on an ephemeral loopback port."""
    use_test_settings(monkeypatch)
    sandbox = start_sandbox("shopee")
    yield sandbox
    sandbox.server.stop()


@pytest.fixture
def live_process() -> Iterator[subprocess.Popen]:
    """A real process that lives until the test ends."""
    process = subprocess.Popen(["sleep", "300"])
    yield process
    process.kill()
    process.wait()


def add_running_row(engine, host: str, pid: int, age: timedelta) -> int:
    with session_scope(engine) as session:
        run = SyncRun(trigger="schedule", host=host, pid=pid, started_at=utcnow() - age)
        session.add(run)
        session.flush()
        return run.id


def status_of(engine, run_id: int) -> tuple[str, bool]:
    """A run's status, and whether it has a finish time."""
    with Session(engine) as session:
        run = session.get(SyncRun, run_id)
        return run.status, run.finished_at is not None


def wait_for_running_row(engine, pid: int, child: subprocess.Popen) -> int:
    deadline = time.monotonic() + 90
    while child.poll() is None and time.monotonic() < deadline:
        with Session(engine) as session:
            run_id = session.exec(select(SyncRun.id).where(SyncRun.pid == pid, SyncRun.status == "running")).first()
        if run_id is not None:
            return run_id
        time.sleep(0.05)
    raise AssertionError(f"the sync never showed a running row (exit {child.poll()})")


# ---------------------------------------------------------------- interrupted


@pytest.mark.slow
def test_a_sync_killed_mid_run_is_marked_interrupted_by_the_next_run(engine, database_url, shopee, tmp_path):
    seed_catalogue(engine)
    connect_shop(engine, COOP, "shopee", shopee.url, publish_all=True)
    shopee.faults(latency_ms=1500)  # every call slow: the run is surely still going when it is killed
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "syndicator", "sync", "--json"], env=env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        killed = wait_for_running_row(engine, child.pid, child)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert status_of(engine, killed) == ("running", False)
    shopee.faults(latency_ms=0)

    report = run_sync(engine)

    assert status_of(engine, killed) == ("interrupted", True)
    assert status_of(engine, report.run_id) == ("ok", True)


def test_a_running_row_whose_process_lives_is_left_running(engine, live_process):
    alive = add_running_row(engine, socket.gethostname(), live_process.pid, timedelta(0))

    run_sync(engine)

    assert status_of(engine, alive) == ("running", False)


def test_a_running_row_whose_pid_now_belongs_to_a_newer_process_is_interrupted(engine, live_process):
    reused = add_running_row(engine, socket.gethostname(), live_process.pid, timedelta(hours=1))

    run_sync(engine)

    assert status_of(engine, reused) == ("interrupted", True)


def test_a_running_row_of_another_host_is_given_up_on_only_after_a_day(engine):
    recent = add_running_row(engine, "may-chu-du-phong", 4242, timedelta(hours=3))
    stale = add_running_row(engine, "may-chu-du-phong", 4242, timedelta(hours=25))

    run_sync(engine)

    assert (status_of(engine, recent), status_of(engine, stale)) == (("running", False), ("interrupted", True))


def test_a_run_records_its_host_and_process(engine):
    report = run_sync(engine)

    with Session(engine) as session:
        run = session.get(SyncRun, report.run_id)
    assert (run.host, run.pid) == (socket.gethostname(), os.getpid())


# ---------------------------------------------------------------- busy


def seed_offline_shops(engine) -> list[int]:
    """The tea co-op's shops on Shopee and Lazada (never reached: every test here holds their locks)."""
    seed_catalogue(engine)
    with session_scope(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == COOP)).one()
        shops = [ChannelAccount(coop_id=coop_id, marketplace=name, shop_id=shop_id, name="Chè Tân Cương",
                                base_url="http://127.0.0.1:9") for name, shop_id in (("shopee", "100001"),
                                                                                      ("lazada", "VN1T2C3"))]
        session.add_all(shops)
        session.flush()
        return [shop.id for shop in shops]


def test_a_sync_that_finds_every_shop_busy_says_busy_and_exits_2(engine, database_url, monkeypatch):
    shops = seed_offline_shops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    with shop_locks(engine, [shop_unit(shop) for shop in shops]) as taken:
        assert len(taken) == len(shops)
        result = CliRunner().invoke(app, ["sync", "--json"])

    assert result.exit_code == 2, result.output
    assert json.loads(result.stdout)["status"] == "busy"
    assert "đang được một lần chạy khác đồng bộ" in result.stderr
    with Session(engine) as session:
        assert session.exec(select(SyncRun.status)).all() == ["busy"]


def test_a_scheduled_pass_that_finds_every_shop_busy_says_busy(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)  # scheduled jobs open the configured database
    shops = seed_offline_shops(engine)

    with shop_locks(engine, [shop_unit(shop) for shop in shops]):
        outcome = sync_shops()

    assert outcome == {f"{COOP}:shopee": "busy", f"{COOP}:lazada": "busy"}
    with Session(engine) as session:
        assert sorted(session.exec(select(SyncRun.status)).all()) == ["busy", "busy"]


# ---------------------------------------------------------------- a clerk's view


@pytest.fixture
def run_over_two_coops(engine, shopee) -> dict[str, list[int]]:
    """One run over both co-ops' Shopee shops: Tân Cương's one synced, Na Rì's one synced and one busy.
    Returns the shop ids of each co-op."""
    seed_catalogue(engine)
    seed_nari(engine)
    shops = {COOP: [connect_shop(engine, COOP, "shopee", shopee.url, publish_all=True).id],
             NARI: [connect_shop(engine, NARI, "shopee", shopee.url, publish_all=True).id for _ in range(2)]}
    with shop_locks(engine, [shop_unit(shops[NARI][1])]):
        report = run_sync(engine)
    assert report.summary()["busy"] == [shops[NARI][1]]
    return shops


def shop_ids_in(summary: dict) -> set[int]:
    return ({entry["account_id"] for key in ("orders", "shops", "feeds") for entry in summary[key]}
            | {int(key) for key in (*summary["unreadable"], *summary["planned_by_shop"])}
            | set(summary["busy"]) | set(summary["needs_reauthorisation"]))


def test_a_clerks_view_of_a_run_holds_only_its_own_coops_shops(engine, run_over_two_coops):
    clerk = add_user(engine, "tancuong", PASSWORD, "coop", coop_code=COOP)

    (run,) = sync_runs(engine, clerk).rows

    assert shop_ids_in(run["summary"]) == set(run_over_two_coops[COOP])
    assert NARI not in json.dumps(run["summary"], ensure_ascii=False)
    assert run["summary"]["planned"] == {"create": 4}


def test_a_clerks_overview_shows_only_its_own_shops_of_the_last_run(engine, run_over_two_coops):
    clerk = add_user(engine, "nari", PASSWORD, "coop", coop_code=NARI)

    summary = overview(engine, clerk).last_run["summary"]

    assert shop_ids_in(summary) == set(run_over_two_coops[NARI])
    assert COOP not in json.dumps(summary, ensure_ascii=False)


def test_an_officers_view_of_a_run_holds_every_coops_shops(engine, run_over_two_coops):
    officer = add_user(engine, "canbo", PASSWORD, "officer")

    (run,) = sync_runs(engine, officer).rows

    assert shop_ids_in(run["summary"]) == {*run_over_two_coops[COOP], *run_over_two_coops[NARI]}
    assert run["summary"]["planned"] == {"create": 5}
