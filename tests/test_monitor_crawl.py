"""The monitor crawls the sandboxes' public pages over real HTTP after a real sync, in its own process."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import Session, select

from catalog.models import ListingObservation
from syndicator.engine import run_sync
from syndicator.monitor import Drift, run_monitor
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401

FAST = {"throttle_start_s": 0.05}


@pytest.fixture
def synced(engine, sandboxes):
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    assert run_sync(engine).succeeded
    return shops


def test_a_crawl_after_a_sync_finds_every_listing_at_its_pushed_price(engine, sandboxes, synced):
    report = run_monitor(engine, **FAST)

    assert report.ok, report.log_tail
    assert report.observed == report.listings == 4 * len(sandboxes)
    assert report.drift == []
    assert report.marketplaces == sorted(sandboxes)
    with Session(engine) as session:
        seen = session.exec(select(ListingObservation)).all()
    assert all(o.visible and o.price is not None and o.title for o in seen)
