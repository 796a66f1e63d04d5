"""Recovery: a hand edit put back by the nightly reconcile; a sync killed part-way leaves no duplicate; a
stock update whose answer was lost is sent again. Syncs reach the sandbox apps in-process, but for the one
killed (a separate program) and the one whose answers are lost (only a socket has a read timeout)."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from adapters.common.http import HttpSettings
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, ListingVariant, VariantState
from catalog.stock import record_movement
from syndicator.apply import resolve_in_flight
from syndicator.channels import Reach
from syndicator.engine import run_sync
from syndicator.plan import account_scopes, build_plan
from tests.support.sandboxes import CATALOGUE, FAST, connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)


def test_a_listing_edited_by_hand_is_put_back_by_the_nightly_reconcile(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    expected = {name: sandbox.item("TC-CHE-200G") for name, sandbox in sandboxes.items()}
    for name, sandbox in sandboxes.items():
        sandbox.edit_sku(expected[name], price=99000, stock=1)

    run_sync(engine, trigger="schedule", reconcile=True, reach=in_process)

    for name, sandbox in sandboxes.items():
        item = sandbox.item("TC-CHE-200G")
        assert (item["price"], item["stock"]) == (expected[name]["price"], expected[name]["stock"]), name


def test_an_ordinary_sync_does_not_read_items_back(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    for sandbox in sandboxes.values():
        sandbox.edit_sku(sandbox.item("TC-CHE-200G"), price=99000)

    run_sync(engine, reach=in_process)

    assert all(sandbox.item("TC-CHE-200G")["price"] == 99000 for sandbox in sandboxes.values())


@pytest.mark.slow
def test_a_sync_killed_part_way_and_run_again_leaves_no_duplicate_listing(
    engine, database_url, sandboxes, in_process, tmp_path
):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    for sandbox in sandboxes.values():
        sandbox.faults(latency_ms=150)
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url}  # the data folder (photo store) is this test's
    log = tmp_path / "sync.log"
    with open(log, "w") as output:
        child = subprocess.Popen([sys.executable, "-m", "syndicator", "sync", "--json"], env=env,
                                 stdout=output, stderr=output)
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline and not any(s.items() for s in sandboxes.values()):
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL, log.read_text()
    assert any(s.items() for s in sandboxes.values()), "the sync was killed before it created anything"
    with Session(engine) as session:
        in_flight = session.scalar(sa.select(sa.func.count()).select_from(Listing)
                                   .where(Listing.state == ListingState.creating.value))
    assert in_flight > 0, "the sync was killed after its creates: nothing left to resolve"
    for sandbox in sandboxes.values():
        sandbox.faults(latency_ms=0)

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    for name, sandbox in sandboxes.items():
        counts = Counter(item["seller_sku"] for item in sandbox.items())
        assert set(counts.values()) == {1} and len(counts) == 4, (name, counts)


@pytest.mark.slow
def test_a_sync_killed_between_add_item_and_its_variants_resumes_to_one_item_with_every_pack(
    engine, database_url, sandboxes, in_process, tmp_path
):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]})
    shopee = sandboxes["shopee"]
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url,  # the data folder (photo store) is this test's
           "SYNDICATOR_VARIANT_WAIT_S": "30"}  # the sandbox takes variants after 0.05 s; this sync waits longer
    log = tmp_path / "sync.log"
    with open(log, "w") as output:
        child = subprocess.Popen([sys.executable, "-m", "syndicator", "sync", "--json"], env=env,
                                 stdout=output, stderr=output)
        deadline = time.monotonic() + 60
        while child.poll() is None and time.monotonic() < deadline and len(shopee.items()) < 3:
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL, log.read_text()
    bare = shopee.items()
    assert len(bare) == 3 and all(row["model_id"] is None for row in bare), bare  # three items, no variant yet

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    rows = shopee.items()
    assert Counter(row["seller_sku"] for row in rows) == Counter(sku for *_, sku, _p, _w, _s in CATALOGUE)
    assert len({row["item_id"] for row in rows}) == 3
    assert all(row["model_id"] for row in rows)


def test_a_create_that_may_have_landed_is_never_sent_again_only_looked_up(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    with session_scope(engine) as session:
        bound = dict(session.execute(sa.select(Listing.id, Listing.external_item_id)).all())
        session.execute(sa.update(Listing).values(state=ListingState.creating.value, external_item_id=None))
        session.execute(sa.update(ListingVariant).values(state=VariantState.pending.value, external_variant_id=None,
                                                         pushed_price=None, pushed_stock=None))

    before_look_up = build_plan(engine)  # as when the look-up at the start of a run could not reach the shops
    not_looked_up = asyncio.run(resolve_in_flight(engine, account_scopes(engine), in_process))

    assert before_look_up.counts() == {}
    assert not_looked_up == {}
    with Session(engine) as session:
        assert dict(session.execute(sa.select(Listing.id, Listing.external_item_id)).all()) == bound
    for name, sandbox in sandboxes.items():
        assert len(sandbox.items()) == 4, name


def test_a_stock_update_whose_answer_was_lost_is_sent_again_even_after_stock_comes_back(engine, sandboxes,
                                                                                        in_process):
    ids = seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    shown = {name: sandbox.item("TC-CHE-200G")["stock"] for name, sandbox in sandboxes.items()}
    with session_scope(engine) as session:
        record_movement(session, ids["TC-CHE-200G"], "receipt", 5, "phieu-nhap:PN-0412", "nhập thêm 5 gói")
    for sandbox in sandboxes.values():  # every marketplace does the work but its answer never arrives
        sandbox.faults(timeout_rate=1.0, timeout_s=1)
    impatient = HttpSettings(connect_timeout_s=2, read_timeout_s=0.3, max_attempts=1)

    run_sync(engine, reach=Reach(http=impatient))

    assert all(sandbox.item("TC-CHE-200G")["stock"] > shown[name] for name, sandbox in sandboxes.items())
    for sandbox in sandboxes.values():
        sandbox.faults(timeout_rate=0.0)
    with session_scope(engine) as session:  # the 5 packets go back: the catalog wants what was first pushed
        record_movement(session, ids["TC-CHE-200G"], "adjustment", -5, "kiem-ke:KK-0413", "trả lại 5 gói")

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    assert {name: sandbox.item("TC-CHE-200G")["stock"] for name, sandbox in sandboxes.items()} == shown


def test_a_shop_whose_look_up_fails_is_reported_and_its_creates_wait(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    with Session(engine) as session:
        shopee = session.execute(sa.select(ChannelAccount).where(ChannelAccount.marketplace == "shopee")).scalar_one()
    with session_scope(engine) as session:
        session.execute(sa.update(Listing).where(Listing.channel_account_id == shopee.id)
                        .values(state=ListingState.creating.value, external_item_id=None))
    sandboxes["shopee"].server.stop()  # the look-up cannot reach Shopee

    report = run_sync(engine, reach=in_process)

    assert shopee.id in report.unreadable and report.status != "ok"
    with Session(engine) as session:
        states = set(session.execute(sa.select(Listing.state).where(Listing.channel_account_id == shopee.id)).scalars())
    assert states == {ListingState.creating}
