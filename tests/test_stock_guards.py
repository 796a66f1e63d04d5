"""Guards against overselling, over HTTP with every marketplace sandbox: a promotion's or campaign's reservation
read back and never pushed below (and the marketplace's refusal when we do not know it yet), the threshold that
sends 0 everywhere, and the heartbeat that sends an unchanged stock again before a marketplace zeroes it."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import ChannelAccount, ListingVariant, Sku
from catalog.pricing import StockPolicy
from catalog.stock import set_stock
from syndicator.actions import ActionKind
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.plan import build_plan, stock_due
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)
from tests.support.web import WEB

TEA = "TC-CHE-200G"  # 40 in stock to begin with
HOLDING = ("shopee", "lazada")  # the marketplaces that hold stock for a promotion or campaign


def hold_for_campaign(sandbox, shop_id: str, seller_sku: str, reserved: int) -> dict:
    response = WEB.post(f"{sandbox.url}/_sandbox/campaigns",
                        json={"shop_id": shop_id, "seller_sku": seller_sku, "reserved": reserved})
    response.raise_for_status()
    return response.json()


def sell_down_to(engine, seller_sku: str, available: int) -> None:
    with session_scope(engine) as session:
        sku_id = session.scalar(sa.select(Sku.id).where(Sku.sku == seller_sku))
        set_stock(session, sku_id, available, "kiểm kê")


def variants_of(engine, seller_sku: str) -> dict[str, ListingVariant]:
    """The SKU's listing variant on every shop, by marketplace."""
    with Session(engine) as session:
        rows = session.execute(
            sa.select(ChannelAccount.marketplace, ListingVariant)
            .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
            .join(Sku, Sku.id == ListingVariant.sku_id).where(Sku.sku == seller_sku)
        ).all()
        return {marketplace: variant for marketplace, variant in rows}


@pytest.fixture
def listed(engine, sandboxes) -> dict[str, str]:
    """HTX Chè Tân Cương's catalogue listed on every marketplace; shop ids by marketplace."""
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    assert run_sync(engine).succeeded
    return shops


@pytest.fixture
def campaign_read_back(engine, sandboxes, listed) -> None:
    """Shopee and Lazada each hold 10 boxes of tea for a campaign, read back by a reconciling sync; then a
    stock count finds only 4 boxes."""
    for name in HOLDING:
        hold_for_campaign(sandboxes[name], listed[name], TEA, 10)
    assert run_sync(engine, reconcile=True).succeeded
    sell_down_to(engine, TEA, 4)


def test_a_campaign_reservation_is_shown_by_the_sandbox_and_read_back_onto_the_listing(engine, sandboxes, listed):
    shown = {name: hold_for_campaign(sandboxes[name], listed[name], TEA, 10) for name in HOLDING}

    assert run_sync(engine, reconcile=True).succeeded

    assert {name: row["reserved_stock"] for name, row in shown.items()} == {"shopee": 10, "lazada": 10}
    reserved = {name: variant.reserved_stock for name, variant in variants_of(engine, TEA).items()}
    assert {name: reserved[name] for name in HOLDING} == {"shopee": 10, "lazada": 10}
    assert all(reserved[name] is None for name in reserved if name not in HOLDING)


def test_a_campaign_on_an_unknown_sku_or_holding_less_than_nothing_is_refused(sandboxes, listed):
    shopee = sandboxes["shopee"]

    unknown = WEB.post(f"{shopee.url}/_sandbox/campaigns",
                       json={"shop_id": listed["shopee"], "seller_sku": "TC-KHONG-CO", "reserved": 5})
    negative = WEB.post(f"{shopee.url}/_sandbox/campaigns",
                        json={"shop_id": listed["shopee"], "seller_sku": TEA, "reserved": -1})

    assert (unknown.status_code, negative.status_code) == (404, 400)
    assert shopee.item(TEA)["reserved_stock"] == 0


def test_the_plan_never_goes_below_a_reservation_and_plan_json_says_why(engine, database_url, monkeypatch,
                                                                        campaign_read_back):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    result = CliRunner().invoke(app, ["plan", "--json"])

    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    marketplaces = {account["id"]: account["marketplace"] for account in shown["accounts"]}
    stock = {marketplaces[a["account_id"]]: (a["stock"], a["clamped_from"], a["reserved"])
             for a in shown["actions"] if a["seller_sku"] == TEA and a["kind"] == "update_stock"}
    assert stock == {name: (10, 4, 10) if name in HOLDING else (4, None, None) for name in marketplaces.values()}


def test_plan_prints_the_clamp_and_its_reason_in_vietnamese(engine, database_url, monkeypatch, campaign_read_back):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "250")

    result = CliRunner().invoke(app, ["plan"])

    assert result.exit_code == 0, result.output
    assert result.output.count("sàn giữ 10 cho khuyến mãi, không gửi ít hơn (muốn 4)") == len(HOLDING)


def test_a_clamped_sync_sends_the_reservation_where_it_is_held_and_the_count_elsewhere(engine, sandboxes,
                                                                                       campaign_read_back):
    report = run_sync(engine)

    assert report.succeeded, report.summary()
    assert {name: sandbox.item(TEA)["stock"] for name, sandbox in sandboxes.items()} == \
        {name: 10 if name in HOLDING else 4 for name in sandboxes}


@pytest.mark.parametrize(("marketplace", "code"), [("shopee", "error_promotion_cantnot_update_stock"),
                                                   ("lazada", "4170")])
def test_a_push_below_a_reservation_not_yet_read_back_is_refused_with_the_marketplace_code(
        engine, sandboxes, listed, marketplace, code):
    hold_for_campaign(sandboxes[marketplace], listed[marketplace], TEA, 10)
    sell_down_to(engine, TEA, 4)

    report = run_sync(engine)

    assert not report.succeeded
    assert sandboxes[marketplace].item(TEA)["stock"] == 40
    error = variants_of(engine, TEA)[marketplace].last_error
    assert code in error and "sàn đang giữ hàng cho chương trình khuyến mãi" in error


def test_at_or_below_the_threshold_every_shop_is_sent_zero(engine, sandboxes, listed):
    with session_scope(engine) as session:
        for account in session.scalars(sa.select(ChannelAccount)):
            account.stock_policy = StockPolicy(zero_at_or_below=5).model_dump(mode="json")
    sell_down_to(engine, TEA, 5)
    sell_down_to(engine, "TC-MATONG-500", 6)

    assert run_sync(engine).succeeded

    assert {name: (sandbox.item(TEA)["stock"], sandbox.item("TC-MATONG-500")["stock"])
            for name, sandbox in sandboxes.items()} == {name: (0, 6) for name in sandboxes}


def test_channels_list_shows_the_threshold(engine, database_url, monkeypatch, listed):
    with session_scope(engine) as session:
        shopee = session.scalar(sa.select(ChannelAccount).where(ChannelAccount.marketplace == "shopee"))
        shopee.stock_policy = StockPolicy(safety_buffer=2, zero_at_or_below=5).model_dump(mode="json")
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "250")

    result = CliRunner().invoke(app, ["channels", "list"])

    assert result.exit_code == 0, result.output
    assert result.output.count("về 0 khi còn ≤ 5") == 1 and "giữ 2, all, về 0 khi còn ≤ 5" in result.output


def test_a_negative_threshold_is_refused_in_vietnamese():
    with pytest.raises(ValueError, match="«Về 0 khi còn ≤» không được âm: -1"):
        StockPolicy(zero_at_or_below=-1)


def test_the_heartbeat_sends_an_old_unchanged_stock_again_and_not_a_recent_one(engine, sandboxes, listed):
    old = datetime.now(UTC) - timedelta(days=31)
    stale = variants_of(engine, TEA)["lazada"]
    with session_scope(engine) as session:
        session.execute(sa.update(ListingVariant).where(ListingVariant.id == stale.id).values(stock_pushed_at=old))
    writes = sandboxes["lazada"].writes()

    plan = build_plan(engine)
    report = run_sync(engine)

    assert [(a.kind, a.variant_id, a.stock, a.pushed_stock, a.heartbeat) for a in plan.actions] == \
        [(ActionKind.update_stock, stale.id, 40, 40, True)]
    assert report.succeeded and sandboxes["lazada"].writes() == writes + 1
    assert variants_of(engine, TEA)["lazada"].stock_pushed_at > old + timedelta(days=30)
    assert build_plan(engine).actions == []


def test_the_heartbeat_period_is_a_setting(engine, sandboxes, listed, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_STOCK_HEARTBEAT_DAYS", "7")
    with session_scope(engine) as session:
        session.execute(sa.update(ListingVariant).values(stock_pushed_at=datetime.now(UTC) - timedelta(days=8)))

    plan = build_plan(engine)

    assert plan.actions and {(a.kind, a.heartbeat) for a in plan.actions} == {(ActionKind.update_stock, True)}


UPGRADED = datetime(2026, 12, 3, 8, tzinfo=UTC)  # the first plan after an upgrade
LISTED_LONG_AGO = datetime(2025, 6, 1, tzinfo=UTC)


def test_stock_sent_before_its_time_was_kept_is_sent_again_on_one_day_of_each_period_never_all_at_once():
    days = 30

    due_per_day = [[variant_id for variant_id in range(1, 301)
                    if stock_due(variant_id, None, LISTED_LONG_AGO, UPGRADED + timedelta(day), days)]
                   for day in range(days)]

    assert [len(due) for due in due_per_day] == [10] * days
    assert sorted(variant_id for due in due_per_day for variant_id in due) == list(range(1, 301))


def test_a_pack_adopted_with_its_stock_unknown_in_age_is_not_sent_again_before_a_period():
    adopted = UPGRADED - timedelta(days=29)

    assert not any(stock_due(variant_id, None, adopted, UPGRADED, 30) for variant_id in range(1, 301))
