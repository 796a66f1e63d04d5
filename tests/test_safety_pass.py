"""The scheduled pass as the safety net: while a marketplace's pushes are healthy, its pass runs only every
SYNDICATOR_SAFETY_PULL_MINUTES; without recent pushes, and for the floors (which do not push), every pass."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

from datetime import timedelta

from catalog.db import session_scope
from catalog.models import PushMessage, SyncRun, utcnow
from syndicator.schedule import pushes_cover, sync_shops
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)


def a_push_from(engine, marketplace: str, minutes_ago: float) -> None:
    with session_scope(engine) as session:
        session.add(PushMessage(marketplace=marketplace, message_key=f"3:100001:SO-{minutes_ago}", shop_ref="100001",
                                kind="order", code="3", body="{}", received_at=utcnow() - timedelta(minutes=minutes_ago)))


def a_scheduled_pass_over(engine, marketplace: str, minutes_ago: float) -> None:
    with session_scope(engine) as session:
        session.add(SyncRun(trigger="schedule", status="ok", scope={"coop": None, "marketplace": marketplace},
                            started_at=utcnow() - timedelta(minutes=minutes_ago)))


def test_a_marketplace_with_healthy_pushes_is_left_to_them_until_its_safety_pass_is_due(engine):
    a_push_from(engine, "shopee", minutes_ago=2)
    a_scheduled_pass_over(engine, "shopee", minutes_ago=20)

    assert pushes_cover(engine, "shopee")


def test_the_safety_pass_runs_once_the_last_pass_is_older_than_its_period(engine, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_SAFETY_PULL_MINUTES", "30")
    a_push_from(engine, "shopee", minutes_ago=2)
    a_scheduled_pass_over(engine, "shopee", minutes_ago=45)

    assert not pushes_cover(engine, "shopee")


def test_a_marketplace_whose_pushes_went_quiet_is_passed_every_time(engine):
    a_push_from(engine, "lazada", minutes_ago=90)
    a_scheduled_pass_over(engine, "lazada", minutes_ago=10)

    assert not pushes_cover(engine, "lazada")


def test_a_floor_that_does_not_push_is_passed_every_time(engine):
    a_scheduled_pass_over(engine, "voso", minutes_ago=1)

    assert not pushes_cover(engine, "voso")


def test_a_scheduled_pass_skips_the_marketplaces_covered_by_pushes_and_syncs_the_rest(engine, sandboxes,
                                                                                      database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    connect_all(engine, {name: sandboxes[name] for name in ("shopee", "voso")})
    a_push_from(engine, "shopee", minutes_ago=1)
    a_scheduled_pass_over(engine, "shopee", minutes_ago=5)

    outcome = sync_shops()

    assert outcome["shopee"] == "pushed"
    assert set(outcome.values()) - {"pushed"} == {"ok"}
    assert sandboxes["voso"].items() and not sandboxes["shopee"].items()
