"""Explicit publishing: nothing is listed until a clerk chooses it; publish and unpublish by product, SKU,
shop and all; shops that publish new products automatically; a preview that writes nothing."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session, SQLModel
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, ListingVariant, Product, Sku
from syndicator.access.listings import plan_preview
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.plan import build_plan
from syndicator.users import add_user
from tests.support.sandboxes import CATALOGUE, COOP, connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)

TEA_SKUS = {"TC-CHE-200G", "TC-CHE-500G"}
EVERY_SKU = {sku for *_, sku, _price, _weight, _stock in CATALOGUE}


def cli(database_url: str, monkeypatch, *args: str):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return CliRunner().invoke(app, list(args))


def listed(sandbox) -> set[str]:
    return {item["seller_sku"] for item in sandbox.items() if item["status"] != "unlisted"}


def account_id(engine, marketplace: str) -> int:
    with Session(engine) as session:
        return session.scalar(sa.select(ChannelAccount.id).where(ChannelAccount.marketplace == marketplace))


def database_dump(engine) -> list[tuple[str, list[tuple]]]:
    """Every row of every table, in primary-key order: what a preview must leave exactly as it was."""
    with engine.connect() as connection:
        return [(table.name, [tuple(row) for row in connection.execute(
                    sa.select(table).order_by(*table.primary_key.columns))])
                for table in SQLModel.metadata.sorted_tables]


def test_connecting_a_shop_publishes_nothing_and_a_sync_lists_nothing(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    assert report.plan.actions == []
    assert {name: sandbox.items() for name, sandbox in sandboxes.items()} == {name: [] for name in sandboxes}


def test_publishing_one_product_on_one_marketplace_lists_only_its_packs_there(
        engine, database_url, sandboxes, in_process, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)

    result = cli(database_url, monkeypatch, "publish", "--coop", COOP, "--marketplace", "shopee",
                 "--product", "CHE-TAN-CUONG")
    run_sync(engine, reach=in_process)

    assert result.exit_code == 0, result.output
    assert "2 SKU" in result.output
    assert listed(sandboxes["shopee"]) == TEA_SKUS
    assert all(sandbox.items() == [] for name, sandbox in sandboxes.items() if name != "shopee")


def test_publishing_single_skus_lists_those_packs_on_every_shop_of_the_coop(
        engine, database_url, sandboxes, in_process, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)

    result = cli(database_url, monkeypatch, "publish", "--sku", "TC-MATONG-500", "--sku", "TC-MIEN-500G")
    run_sync(engine, reach=in_process)

    assert result.exit_code == 0, result.output
    for name, sandbox in sandboxes.items():
        assert listed(sandbox) == {"TC-MATONG-500", "TC-MIEN-500G"}, name


def test_publishing_all_on_one_marketplace_lists_every_sku_on_that_shop_only(
        engine, database_url, sandboxes, in_process, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)

    result = cli(database_url, monkeypatch, "publish", "--marketplace", "lazada", "--all")
    run_sync(engine, reach=in_process)

    assert result.exit_code == 0, result.output
    assert listed(sandboxes["lazada"]) == EVERY_SKU
    assert all(sandbox.items() == [] for name, sandbox in sandboxes.items() if name != "lazada")


def test_unpublishing_a_product_unlists_its_item_and_keeps_the_binding(
        engine, database_url, sandboxes, in_process, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)
    cli(database_url, monkeypatch, "publish", "--marketplace", "shopee", "--all")
    run_sync(engine, reach=in_process)
    with Session(engine) as session:
        item_ids = set(session.scalars(sa.select(Listing.external_item_id)))

    result = cli(database_url, monkeypatch, "unpublish", "--marketplace", "shopee", "--product", "CHE-TAN-CUONG")
    run_sync(engine, reach=in_process)

    assert result.exit_code == 0, result.output
    assert listed(sandboxes["shopee"]) == EVERY_SKU - TEA_SKUS
    with Session(engine) as session:
        tea = session.scalars(sa.select(Listing).join(Product).where(Product.code == "CHE-TAN-CUONG")).one()
        assert tea.state == ListingState.delisted
        assert set(session.scalars(sa.select(Listing.external_item_id))) == item_ids


def test_publishing_an_unpublished_product_again_relists_the_same_item(
        engine, database_url, sandboxes, in_process, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)
    cli(database_url, monkeypatch, "publish", "--marketplace", "shopee", "--product", "CHE-TAN-CUONG")
    run_sync(engine, reach=in_process)
    first_item = {item["item_id"] for item in sandboxes["shopee"].items()}
    cli(database_url, monkeypatch, "unpublish", "--marketplace", "shopee", "--product", "CHE-TAN-CUONG")
    run_sync(engine, reach=in_process)

    cli(database_url, monkeypatch, "publish", "--marketplace", "shopee", "--product", "CHE-TAN-CUONG")
    run_sync(engine, reach=in_process)

    assert listed(sandboxes["shopee"]) == TEA_SKUS
    assert {item["item_id"] for item in sandboxes["shopee"].items()} == first_item


def test_a_shop_that_publishes_new_products_automatically_lists_a_new_product_at_the_next_sync(
        engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]}, publish_all=True)
    connect_all(engine, {"voso": sandboxes["voso"]}, publish_all=False)
    run_sync(engine, reach=in_process)
    with session_scope(engine) as session:
        tea = session.scalar(sa.select(Product.id).where(Product.code == "CHE-TAN-CUONG"))
        session.add(Sku(product_id=tea, sku="TC-CHE-100G", variant="Gói 100g", price=65000, weight_g=100))

    run_sync(engine, reach=in_process)

    assert listed(sandboxes["shopee"]) == EVERY_SKU | {"TC-CHE-100G"}
    assert sandboxes["voso"].items() == []


def test_auto_publishing_never_brings_back_a_sku_the_clerk_unpublished(
        engine, database_url, sandboxes, in_process, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]}, publish_all=True)
    run_sync(engine, reach=in_process)

    cli(database_url, monkeypatch, "unpublish", "--sku", "TC-MATONG-500")
    run_sync(engine, reach=in_process)
    run_sync(engine, reach=in_process)

    assert listed(sandboxes["shopee"]) == EVERY_SKU - {"TC-MATONG-500"}


def test_the_auto_publish_setting_is_switched_from_the_command_line(engine, database_url, sandboxes, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]}, publish_all=False)
    shop = account_id(engine, "shopee")

    result = cli(database_url, monkeypatch, "channels", "auto-publish", str(shop), "--on")

    assert result.exit_code == 0, result.output
    assert build_plan(engine).auto_publish == {shop: len(EVERY_SKU)}


def test_a_selection_naming_an_unknown_product_is_refused_and_changes_nothing(
        engine, database_url, sandboxes, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)
    before = database_dump(engine)

    result = cli(database_url, monkeypatch, "publish", "--product", "CHE-TAN-CUONG", "--product", "CHE-KHONG-CO")

    assert result.exit_code == 2
    assert "CHE-KHONG-CO" in result.output
    assert database_dump(engine) == before


def test_publishing_with_nothing_chosen_is_refused(engine, database_url, sandboxes, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes, publish_all=False)

    result = cli(database_url, monkeypatch, "publish", "--coop", COOP)

    assert result.exit_code == 2
    assert "--all" in result.output


def test_plan_and_its_previews_leave_the_database_exactly_as_it_was(engine, database_url, sandboxes, in_process,
                                                                     monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]}, publish_all=True)
    connect_all(engine, {"voso": sandboxes["voso"]}, publish_all=False)
    cli(database_url, monkeypatch, "publish", "--marketplace", "voso", "--sku", "TC-CHE-200G")
    run_sync(engine, reach=in_process)
    with session_scope(engine) as session:  # a price change, a new product: both wait for the next sync
        session.execute(sa.update(Sku).where(Sku.sku == "TC-CHE-200G").values(price=135000))
        tea = session.scalar(sa.select(Product.id).where(Product.code == "CHE-TAN-CUONG"))
        session.add(Sku(product_id=tea, sku="TC-CHE-100G", variant="Gói 100g", price=65000, weight_g=100))
    admin = add_user(engine, "quantri", "mat-khau-2026", "admin")
    before = database_dump(engine)

    shown = cli(database_url, monkeypatch, "plan")
    as_json = cli(database_url, monkeypatch, "plan", "--json")
    previewed = plan_preview(engine, admin)

    assert shown.exit_code == 0 and as_json.exit_code == 0, shown.output + as_json.output
    assert previewed.counts() == {"update_price": 2}
    assert previewed.auto_publish == {account_id(engine, "shopee"): 1}
    assert database_dump(engine) == before


def test_the_plan_tells_how_many_new_skus_the_next_sync_publishes_by_itself(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]}, publish_all=True)
    connect_all(engine, {"voso": sandboxes["voso"]}, publish_all=False)

    plan = build_plan(engine)

    assert plan.actions == []
    assert plan.auto_publish == {account_id(engine, "shopee"): len(EVERY_SKU)}
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(ListingVariant)) == 0
