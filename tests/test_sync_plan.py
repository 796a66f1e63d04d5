"""The plan: what a sync would send, part by part, and the command line around plan and sync."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import json
from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingVariant, Sku
from catalog.pricing import StockPolicy
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.plan import ActionKind, build_plan
from tests.support.sandboxes import connect_all, publish_new, sandboxes, seed_catalogue  # noqa: F401 (fixture)


def test_the_first_plan_creates_every_sku_on_every_shop_and_sends_nothing(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    publish_new(engine)

    plan = build_plan(engine)

    assert plan.counts() == {"create": 4 * len(sandboxes)}
    assert all(sandbox.writes() == 0 and sandbox.items() == [] for sandbox in sandboxes.values())


def test_a_new_base_price_plans_only_price_updates(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine)
    with session_scope(engine) as session:
        session.execute(sa.update(Sku).where(Sku.sku == "TC-CHE-200G").values(price=135000))

    publish_new(engine)

    plan = build_plan(engine)

    assert {(a.kind, a.seller_sku) for a in plan.actions} == {(ActionKind.update_price, "TC-CHE-200G")}
    assert len(plan.actions) == len(sandboxes)


def test_a_new_product_name_plans_only_content_updates(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine)
    with session_scope(engine) as session:
        session.execute(sa.text("UPDATE product SET name = 'Mật ong rừng Võ Nhai nguyên chất' "
                                "WHERE code = 'MAT-ONG-VO-NHAI'"))

    publish_new(engine)

    plan = build_plan(engine)

    assert {(a.kind, a.seller_sku) for a in plan.actions} == {(ActionKind.update_content, "TC-MATONG-500")}
    assert run_sync(engine).succeeded
    assert all("nguyên chất" in s.item("TC-MATONG-500")["name"] for s in sandboxes.values())


def test_a_stock_policy_holds_back_a_safety_buffer_on_that_shop_only(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine)
    first = next(iter(sandboxes))
    with session_scope(engine) as session:
        session.execute(sa.update(ChannelAccount).where(ChannelAccount.marketplace == first)
                        .values(stock_policy=StockPolicy(safety_buffer=5).model_dump(mode="json")))

    publish_new(engine)

    plan = build_plan(engine)

    assert {a.kind for a in plan.actions} == {ActionKind.update_stock}
    assert sorted(a.stock for a in plan.actions) == [7, 10, 25, 35]


def test_a_disabled_sku_is_delisted_everywhere(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine)
    with session_scope(engine) as session:
        session.execute(sa.update(Sku).where(Sku.sku == "TC-MIEN-500G").values(enabled=False))

    report = run_sync(engine)

    assert report.plan.counts() == {"delist": len(sandboxes)}
    assert report.succeeded, report.summary()
    assert all("TC-MIEN-500G" not in {i["seller_sku"] for i in s.items() if i["status"] == "live"}
               for s in sandboxes.values())


def test_plan_json_shows_every_action_with_its_price_inputs(engine, database_url, sandboxes, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    assert CliRunner().invoke(app, ["publish", "--all"]).exit_code == 0

    result = CliRunner().invoke(app, ["plan", "--json"])

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert shown["counts"] == {"create": 4 * len(sandboxes)}
    tea = [a for a in shown["actions"] if a["seller_sku"] == "TC-CHE-200G"]
    assert {a["base_price"] for a in tea} == {120000} and {a["available"] for a in tea} == {40}


def test_sync_exits_non_zero_when_a_marketplace_fails_and_zero_once_it_recovers(engine, database_url, sandboxes,
                                                                              monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    broken = next(iter(sandboxes))
    sandboxes[broken].faults(error_rate=1.0)

    failed = CliRunner().invoke(app, ["sync"])
    sandboxes[broken].faults(error_rate=0.0)
    recovered = CliRunner().invoke(app, ["sync", "--json"])

    assert failed.exit_code == 1
    assert broken in failed.output
    assert recovered.exit_code == 0, recovered.output
    assert json.loads(recovered.stdout)["status"] == "ok"
    with Session(engine) as session:
        errors = session.execute(sa.select(Listing.last_error).where(Listing.last_error.is_not(None))).all()
    assert errors == []


def test_price_rule_edited_as_data_changes_the_price_sent(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    first = next(iter(sandboxes))
    with session_scope(engine) as session:
        session.execute(sa.update(ChannelAccount).where(ChannelAccount.marketplace == first).values(
            price_rule={"percentage_fees": {"phi": str(Decimal(20))}, "fixed_fee_per_order": 0}))

    assert run_sync(engine).succeeded
    assert sandboxes[first].item("TC-CHE-200G")["price"] == 150000


def test_a_listing_with_its_own_price_is_sent_that_price_and_the_others_keep_the_rule(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine)
    first = next(iter(sandboxes))
    ruled = sandboxes[first].item("TC-CHE-500G")["price"]
    with session_scope(engine) as session:
        session.execute(
            sa.update(ListingVariant).where(
                ListingVariant.sku_id == sa.select(Sku.id).where(Sku.sku == "TC-CHE-200G").scalar_subquery(),
                ListingVariant.channel_account_id == sa.select(ChannelAccount.id)
                .where(ChannelAccount.marketplace == first).scalar_subquery(),
            ).values(price_override=99000))

    publish_new(engine)

    plan = build_plan(engine)
    assert run_sync(engine).succeeded

    assert [(a.kind, a.seller_sku, a.price) for a in plan.actions] == [
        (ActionKind.update_price, "TC-CHE-200G", 99000)]
    assert sandboxes[first].item("TC-CHE-200G")["price"] == 99000
    assert sandboxes[first].item("TC-CHE-500G")["price"] == ruled
