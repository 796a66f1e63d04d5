"""Regrouping: a product whose packs a shop with variants sells as separate items (bound so before products
were grouped) becomes one item with its packs as variants, once, without a twin, shown in the plan first."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlmodel import Session

from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, ListingVariant, Product, Sku, VariantState
from syndicator.actions import ActionKind
from syndicator.channels import Reach, adapter_for
from syndicator.desired import listing_drafts
from syndicator.engine import run_sync
from syndicator.plan import build_plan
from tests.support.sandboxes import connect_all, publish_new, sandboxes, seed_catalogue  # noqa: F401 (fixture)

TEA = ("TC-CHE-200G", "TC-CHE-500G")
WITH_VARIANTS = ("shopee", "lazada")


def listed_one_item_per_pack(engine, reach: Reach) -> None:
    """What an earlier version left: on Shopee and Lazada every SKU its own item, each bound to its own listing
    (the migration to one listing per product keeps them so). Made through the marketplaces' own create calls."""
    publish_new(engine)
    build_plan(engine)  # the grouped listings as drafts; undone below into one listing per SKU
    with session_scope(engine) as session:
        shops = session.scalars(sa.select(ChannelAccount).where(ChannelAccount.marketplace.in_(WITH_VARIANTS))).all()
        for shop in shops:
            variants = session.execute(sa.select(ListingVariant.id, ListingVariant.listing_id, Sku.product_id)
                                       .join(Sku, Sku.id == ListingVariant.sku_id)
                                       .where(ListingVariant.channel_account_id == shop.id)).all()
            drafts = listing_drafts(session, shop.id, {v.id: (150000, 10) for v in variants})
            refs = asyncio.run(_create_each(engine, shop, reach, [drafts[v.id] for v in variants]))
            for variant, ref in zip(variants, refs, strict=True):
                listing = Listing(product_id=variant.product_id, channel_account_id=shop.id, state=ListingState.live,
                                  external_item_id=ref.item_id)
                session.add(listing)
                session.flush()
                session.execute(sa.update(ListingVariant).where(ListingVariant.id == variant.id).values(
                    listing_id=listing.id, state=VariantState.live.value, external_variant_id=ref.sku_id,
                    pushed_price=150000, pushed_stock=10))
            session.execute(sa.delete(Listing).where(Listing.channel_account_id == shop.id,
                                                     ~Listing.id.in_(sa.select(ListingVariant.listing_id))))


async def _create_each(engine, shop, reach, drafts):
    async with adapter_for(engine, shop, reach.http, reach.transport) as adapter:
        results = [await adapter.create_listing(draft) for draft in drafts]
    assert all(result.ok for result in results), results
    return [result.ref for result in results]


def tea_rows(sandbox) -> list[dict]:
    """The tea packs on sale (an item taken off sale keeps its rows, as Shopee keeps an unlisted item)."""
    return [row for row in sandbox.items() if row["seller_sku"] in TEA and row["status"] == "live"]


def test_a_product_sold_as_one_item_per_pack_shows_in_the_plan_as_one_regroup_before_anything_is_sent(
        engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    writes = {name: sandboxes[name].writes() for name in WITH_VARIANTS}

    publish_new(engine)

    plan = build_plan(engine)

    regroups = [a for a in plan.actions if a.kind is ActionKind.regroup]
    assert sorted(a.seller_sku for a in regroups) == ["TC-CHE-200G", "TC-CHE-200G"]
    assert all(len(a.merged) == 2 for a in regroups)
    assert {name: sandboxes[name].writes() for name in WITH_VARIANTS} == writes


def test_regrouping_makes_one_item_with_both_packs_and_takes_the_old_items_off_sale(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    old = {name: {row["item_id"] for row in tea_rows(sandboxes[name])} for name in WITH_VARIANTS}

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    for name in WITH_VARIANTS:
        rows = tea_rows(sandboxes[name])
        assert len(rows) == 2 and len({row["item_id"] for row in rows}) == 1, (name, rows)
        assert rows[0]["item_id"] not in old[name] and all(row["model_id"] for row in rows), name
    shopee_old = [row for row in sandboxes["shopee"].items() if row["item_id"] in old["shopee"]]
    assert {row["status"] for row in shopee_old} == {"unlisted"}  # Shopee keeps the old items, unlisted
    assert not [row for row in sandboxes["lazada"].items() if row["item_id"] in old["lazada"]]  # Lazada: removed
    with Session(engine) as session:
        states = session.execute(
            sa.select(ChannelAccount.marketplace, Listing.state, sa.func.count())
            .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
            .join(Product, Product.id == Listing.product_id).where(Product.code == "CHE-TAN-CUONG",
                                                                   ChannelAccount.marketplace.in_(WITH_VARIANTS))
            .group_by(ChannelAccount.marketplace, Listing.state)).all()
    assert sorted(states) == [("lazada", "live", 1), ("lazada", "retired", 2),
                              ("shopee", "live", 1), ("shopee", "retired", 2)]


def test_regrouping_runs_once(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    run_sync(engine, reach=in_process)
    writes = {name: sandboxes[name].writes() for name in WITH_VARIANTS}

    again = run_sync(engine, reach=in_process)

    assert again.succeeded and again.plan.actions == []
    assert {name: sandboxes[name].writes() for name in WITH_VARIANTS} == writes


def test_a_regroup_whose_create_answer_was_lost_is_settled_by_look_up_without_a_twin(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    shopee = sandboxes["shopee"]
    shopee.faults(timeout_rate=1.0, timeout_s=1)  # Shopee does the work, but no answer arrives

    run_sync(engine, reach=Reach(http=in_process.http.model_copy(update={"read_timeout_s": 0.3, "max_attempts": 1}),
                                 transport=in_process.transport))
    shopee.faults(timeout_rate=0.0)
    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    live = tea_rows(shopee)
    assert len(live) == 2 and len({row["item_id"] for row in live}) == 1 and all(row["model_id"] for row in live)
    assert run_sync(engine, reach=in_process).plan.actions == []


def test_after_regrouping_the_old_unlisted_items_are_never_read_back_as_ours(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    run_sync(engine, reach=in_process)

    nightly = run_sync(engine, trigger="schedule", reconcile=True, reach=in_process)

    assert nightly.succeeded and nightly.plan.actions == []


def test_a_new_pack_of_a_product_listed_as_an_item_of_one_pack_regroups_it(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    run_sync(engine, reach=in_process)  # the tea is regrouped; the honey, one pack, stays its own item
    with session_scope(engine) as session:
        honey = session.scalar(sa.select(Product.id).where(Product.code == "MAT-ONG-VO-NHAI"))
        session.add(Sku(product_id=honey, sku="TC-MATONG-250", variant="Chai 250ml", price=140000, weight_g=380,
                        length_cm=6, width_cm=6, height_cm=15))
        session.flush()

    publish_new(engine)

    plan = build_plan(engine)
    report = run_sync(engine, reach=in_process)

    assert [a.kind for a in plan.actions if a.seller_sku.startswith("TC-MATONG")].count(ActionKind.regroup) == 2
    assert report.succeeded, report.summary()
    for name in WITH_VARIANTS:
        rows = [row for row in sandboxes[name].items()
                if row["seller_sku"].startswith("TC-MATONG") and row["status"] == "live"]
        assert len(rows) == 2 and len({row["item_id"] for row in rows}) == 1 and all(r["model_id"] for r in rows)


def test_a_pack_added_after_regrouping_joins_the_grouped_item_and_the_old_items_are_left_alone(
        engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    listed_one_item_per_pack(engine, in_process)
    run_sync(engine, reach=in_process)
    grouped = {name: tea_rows(sandboxes[name])[0]["item_id"] for name in WITH_VARIANTS}
    with session_scope(engine) as session:
        tea = session.scalar(sa.select(Product.id).where(Product.code == "CHE-TAN-CUONG"))
        session.add(Sku(product_id=tea, sku="TC-CHE-100G", variant="Gói 100g", price=65000, weight_g=100,
                        length_cm=15, width_cm=8, height_cm=4))

    publish_new(engine)

    plan = build_plan(engine)
    report = run_sync(engine, reach=in_process)

    assert [a.kind for a in plan.actions if a.account_id in shop_ids(engine)] == [ActionKind.add_variant] * 2
    assert report.succeeded, report.summary()
    for name in WITH_VARIANTS:
        [row] = [r for r in sandboxes[name].items() if r["seller_sku"] == "TC-CHE-100G" and r["status"] == "live"]
        assert row["item_id"] == grouped[name], name


def shop_ids(engine) -> set[int]:
    with Session(engine) as session:
        return set(session.scalars(sa.select(ChannelAccount.id).where(ChannelAccount.marketplace.in_(WITH_VARIANTS))))
