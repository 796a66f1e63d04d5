"""Ready for the real marketplaces, over real HTTP to the sandboxes: each shop's setup read and cached, the
catalogue mapped by the marketplaces' suggestions, a listing that is not ready held back with its reasons, and
photos uploaded once per shop."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import asyncio
import json

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select
from typer.testing import CliRunner

from adapters.common.contract import ItemResult, ListingCategory, ListingDraft
from catalog.db import session_scope
from catalog.models import ChannelAccount, ListingVariant, PhotoUpload, Product, SetupRecord, Sku
from syndicator.channels import adapter_for
from syndicator.cli import app
from syndicator.desired import listing_drafts
from syndicator.engine import run_sync
from syndicator.plan import build_plan
from tests.support.sandboxes import (  # noqa: F401 (fixture)
    connect_all,
    publish_new,
    refused_creates,
    sandboxes,
    seed_catalogue,
)

WITH_TREES = ("shopee", "lazada")
FLOORS = ("voso", "postmart", "thainguyentrade")


def accounts_by_marketplace(engine) -> dict[str, int]:
    with Session(engine) as session:
        return {account.marketplace: account.id for account in session.exec(select(ChannelAccount)).all()}


def set_product(engine, code: str, **values) -> None:
    with session_scope(engine) as session:
        product = session.exec(select(Product).where(Product.code == code)).one()
        for key, value in values.items():
            setattr(product, key, value)
        session.add(product)


def blocked_reasons(plan, seller_sku: str) -> dict[str, list[tuple[str, str]]]:
    return {listing.marketplace: [(blocker.reason.value, blocker.detail) for blocker in listing.blockers]
            for listing in plan.blocked if listing.seller_sku == seller_sku}


def uploads(sandbox) -> int:
    """Photo uploads the sandbox answered, on any of its image paths."""
    stats = sandbox._call("GET", "/_sandbox/stats")["requests"]
    return sum(sum(outcomes.values()) for path, outcomes in stats.items() if "image" in path and "upload" in path)


def test_each_marketplace_with_a_tree_has_its_setup_read_and_cached_per_shop(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    with Session(engine) as session:
        kinds = {marketplace: {record.kind for record in session.exec(select(SetupRecord).where(
                     SetupRecord.channel_account_id == account_id)).all()}
                 for marketplace, account_id in accounts_by_marketplace(engine).items()}
    for marketplace in WITH_TREES:
        assert "tree" in kinds[marketplace], marketplace
        assert any(kind.startswith("leaf:") for kind in kinds[marketplace]), marketplace
    assert "logistics" in kinds["shopee"]
    for floor in FLOORS:
        assert kinds[floor] == set(), floor


def test_refresh_setup_from_the_command_line_reads_the_tree_again(engine, database_url, sandboxes, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    shopee = accounts_by_marketplace(engine)["shopee"]
    with Session(engine) as session:
        before = session.get(SetupRecord, (shopee, "tree")).read_at

    result = CliRunner().invoke(app, ["channels", "refresh-setup", str(shopee)])

    assert result.exit_code == 0, result.output
    with Session(engine) as session:
        assert session.get(SetupRecord, (shopee, "tree")).read_at > before


def test_every_catalogue_category_of_the_coop_is_mapped_by_the_marketplaces_suggestion(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    publish_new(engine)

    plan = build_plan(engine)

    assert [(listing.seller_sku, listing.marketplace, listing.blockers) for listing in plan.blocked] == []
    assert {action.kind.value for action in plan.actions} == {"create"}


def test_a_product_without_a_photo_is_blocked_on_shopee_and_lazada_and_published_on_the_floors(
        engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    set_product(engine, "MAT-ONG-VO-NHAI", images=[])

    report = run_sync(engine, reach=in_process)

    assert blocked_reasons(report.plan, "TC-MATONG-500") == {name: [("no_photo", "")] for name in WITH_TREES}
    for name in WITH_TREES:
        assert "TC-MATONG-500" not in {item["seller_sku"] for item in sandboxes[name].items()}, name
    for name in FLOORS:
        assert "TC-MATONG-500" in {item["seller_sku"] for item in sandboxes[name].items()}, name
    assert report.shops and all(shop.succeeded for shop in report.shops), report.summary()


def test_plan_json_lists_blocked_listings_with_their_reasons(engine, database_url, sandboxes, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    publish_new(engine)
    set_product(engine, "MAT-ONG-VO-NHAI", images=[])

    result = CliRunner().invoke(app, ["plan", "--json"])

    assert result.exit_code == 0, result.output
    blocked = json.loads(result.output)["blocked"]
    assert sorted(entry["marketplace"] for entry in blocked) == sorted(WITH_TREES)
    entry = blocked[0]
    assert entry["seller_sku"] == "TC-MATONG-500" and entry["shop_id"]
    assert entry["reasons"][0]["reason"] == "no_photo"
    assert entry["reasons"][0]["message"].startswith("Thiếu ảnh chính")


def test_sync_exits_3_when_only_blocked_listings_were_held_back(engine, database_url, sandboxes, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    set_product(engine, "MAT-ONG-VO-NHAI", images=[])

    result = CliRunner().invoke(app, ["sync"])

    assert result.exit_code == 3, result.output
    assert "Thiếu ảnh chính" in result.output


def test_a_mandatory_attribute_is_filled_from_the_products_shelf_life(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    report = run_sync(engine, reach=in_process)

    assert report.succeeded and not report.plan.blocked, report.summary()
    for name in WITH_TREES:
        shop = accounts_by_marketplace(engine)[name]
        with Session(engine) as session:
            variant_id = session.execute(
                sa.select(ListingVariant.id).join(Sku, Sku.id == ListingVariant.sku_id)
                .where(Sku.sku == "TC-CHE-200G", ListingVariant.channel_account_id == shop)).scalar_one()
            draft = listing_drafts(session, shop, {variant_id: (120000, 40)})[variant_id]
        values = {value.name: value.value for value in draft.listing_category.attributes}
        assert values["Hạn sử dụng"].startswith("365"), (name, values)


def test_a_product_without_shelf_life_is_blocked_with_the_attribute_named(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    publish_new(engine)
    set_product(engine, "CHE-TAN-CUONG", shelf_life_days=None)

    plan = build_plan(engine)

    for name in WITH_TREES:
        assert ("attribute_missing", "Hạn sử dụng") in blocked_reasons(plan, "TC-CHE-200G")[name], name


def test_photos_are_uploaded_once_per_shop_and_not_again_on_a_content_update(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    first = {name: uploads(sandboxes[name]) for name in WITH_TREES}
    set_product(engine, "CHE-TAN-CUONG", description="Chè búp Tân Cương đặc biệt, hái tay vụ xuân 2026.")

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    assert "update_content" in report.plan.counts()
    assert {name: uploads(sandboxes[name]) for name in WITH_TREES} == first
    assert all(count >= 1 for count in first.values()), first
    with Session(engine) as session:
        kept = session.exec(select(PhotoUpload)).all()
    assert {row.channel_account_id for row in kept} == {accounts_by_marketplace(engine)[name] for name in WITH_TREES}


@pytest.mark.refused_creates
def test_a_create_sent_past_the_readiness_check_is_refused_and_seen_by_the_suites_guard(engine, sandboxes, in_process):
    """The guard every sandbox test ends with is not vacuous: a create without a photo, sent straight through the
    adapter as no sync would, is refused by the sandbox and counted."""
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    with Session(engine) as session:
        account = session.get(ChannelAccount, accounts_by_marketplace(engine)["shopee"])
        adapter = adapter_for(engine, account, in_process.http, in_process.transport)
    honey = ListingDraft(seller_sku="TC-MATONG-500", product_code="MAT-ONG-VO-NHAI", name="Mật ong rừng Võ Nhai",
                         description="Mật ong rừng Võ Nhai, sản xuất tại Thái Nguyên.", price=250000, stock=12,
                         weight_g=700, listing_category=ListingCategory(category_id="101641", logistics=["50018"]))

    async def send() -> ItemResult:
        async with adapter:
            return await adapter.create_listing(honey)

    assert not asyncio.run(send()).ok
    assert refused_creates(sandboxes)["shopee"]
