"""A product with several packs, end to end over the sandboxes: one item with its packs as variants on Shopee
and Lazada, one item per pack on the floors; packs joining and leaving the item; sales of one pack; prices
sent one call per item."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from adapters import registry
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingVariant, Product, Sku
from catalog.stock import record_movement
from syndicator.engine import run_sync
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)
from tests.test_sync_e2e import after_the_second

TEA_PACKS = ["TC-CHE-100G", "TC-CHE-200G", "TC-CHE-500G", "TC-CHE-1KG"]
WITH_VARIANTS = ("shopee", "lazada")


def four_packs_of_tea(engine) -> dict[str, int]:
    """The test co-op's catalogue, its tea in four packs (100 g and 1 kg joining the 200 g and 500 g)."""
    ids = seed_catalogue(engine)
    with session_scope(engine) as session:
        tea = session.scalar(sa.select(Product.id).where(Product.code == "CHE-TAN-CUONG"))
        for sku, variant, price, weight, stock in (("TC-CHE-100G", "Gói 100g", 65000, 100, 50),
                                                   ("TC-CHE-1KG", "Túi 1kg", 320000, 1000, 6)):
            row = Sku(product_id=tea, sku=sku, variant=variant, price=price, weight_g=weight,
                      length_cm=18, width_cm=10, height_cm=6)
            session.add(row)
            session.flush()
            record_movement(session, row.id, "receipt", stock, f"opening:{sku}", "tồn đầu kỳ")
            ids[sku] = row.id
    return ids


def tea_items(sandbox) -> dict[str, list[str]]:
    """The sandbox's item ids that carry tea packs → their seller SKUs."""
    items: dict[str, list[str]] = {}
    for row in sandbox.items():
        if row["seller_sku"] in TEA_PACKS:
            items.setdefault(str(row["item_id"]), []).append(row["seller_sku"])
    return items


def add_pack(engine, sku: str, variant: str, price: int, stock: int) -> None:
    with session_scope(engine) as session:
        tea = session.scalar(sa.select(Product.id).where(Product.code == "CHE-TAN-CUONG"))
        row = Sku(product_id=tea, sku=sku, variant=variant, price=price, weight_g=300, length_cm=18, width_cm=10,
                  height_cm=6)
        session.add(row)
        session.flush()
        record_movement(session, row.id, "receipt", stock, f"opening:{sku}", "tồn đầu kỳ")


def requests_to(sandbox, path: str) -> int:
    stats = sandbox._call("GET", "/_sandbox/stats")["requests"]
    return sum(stats.get(path, {}).values())


def test_a_product_with_four_packs_is_one_item_with_four_variants_on_shopee_and_lazada_and_four_items_on_a_floor(
    engine, sandboxes, in_process
):
    four_packs_of_tea(engine)
    connect_all(engine, sandboxes)

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    floors = [name for name in sandboxes if registry.is_floor(name)]
    assert floors and set(WITH_VARIANTS) <= set(sandboxes)
    for name in WITH_VARIANTS:
        [(item_id, packs)] = tea_items(sandboxes[name]).items()
        assert sorted(packs) == sorted(TEA_PACKS), name
        assert all(row["model_id"] for row in sandboxes[name].items() if row["item_id"] == int(item_id)), name
    for name in floors:
        items = tea_items(sandboxes[name])
        assert len(items) == 4 and all(len(packs) == 1 for packs in items.values()), name


def test_the_shopee_item_is_named_after_the_product_and_its_packs_are_the_options(engine, sandboxes, in_process):
    four_packs_of_tea(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)

    rows = [row for row in sandboxes["shopee"].items() if row["seller_sku"] in TEA_PACKS]

    assert {row["name"] for row in rows} == {"Chè búp Tân Cương đặc biệt"}


def test_a_new_pack_joins_the_same_item_and_a_pack_taken_off_leaves_it(engine, sandboxes, in_process):
    ids = four_packs_of_tea(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    before = {name: next(iter(tea_items(sandboxes[name]))) for name in WITH_VARIANTS}
    add_pack(engine, "TC-CHE-300G", "Hộp quà 300g", 190000, 8)
    with session_scope(engine) as session:
        session.execute(sa.update(Sku).where(Sku.id == ids["TC-CHE-100G"]).values(enabled=False))

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    assert report.plan.counts().get("add_variant") == len(WITH_VARIANTS)
    assert report.plan.counts().get("remove_variant") == len(WITH_VARIANTS)
    for name in WITH_VARIANTS:
        items = {item_id: packs for item_id, packs in tea_items_with(sandboxes[name], "TC-CHE-300G").items()}
        assert list(items) == [before[name]], name
        assert sorted(items[before[name]]) == sorted(["TC-CHE-200G", "TC-CHE-500G", "TC-CHE-1KG", "TC-CHE-300G"])
    assert run_sync(engine, reach=in_process).plan.actions == []


def tea_items_with(sandbox, extra: str) -> dict[str, list[str]]:
    items: dict[str, list[str]] = {}
    for row in sandbox.items():
        if row["seller_sku"] in (*TEA_PACKS, extra) and row["status"] not in ("deleted",):
            items.setdefault(str(row["item_id"]), []).append(row["seller_sku"])
    return items


def test_a_sale_of_one_pack_on_shopee_lowers_only_that_pack_elsewhere_and_its_cancellation_puts_it_back(
    engine, sandboxes, in_process
):
    four_packs_of_tea(engine)
    shops = connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    order = sandboxes["shopee"].order(shops["shopee"], "TC-CHE-500G", 4)
    after_the_second()

    run_sync(engine, reach=in_process)

    for name, sandbox in sandboxes.items():
        stock = {row["seller_sku"]: row["stock"] for row in sandbox.items() if row["seller_sku"] in TEA_PACKS}
        assert stock == {"TC-CHE-100G": 50, "TC-CHE-200G": 40, "TC-CHE-500G": 11, "TC-CHE-1KG": 6}, name
    sandboxes["shopee"].cancel(order["order_id"])
    after_the_second()
    run_sync(engine, reach=in_process)
    for name, sandbox in sandboxes.items():
        stock = {row["seller_sku"]: row["stock"] for row in sandbox.items() if row["seller_sku"] in TEA_PACKS}
        assert stock["TC-CHE-500G"] == 15, name


def test_a_price_change_on_every_pack_is_one_shopee_call_per_item(engine, sandboxes, in_process):
    four_packs_of_tea(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    calls = requests_to(sandboxes["shopee"], "/api/v2/product/update_price")
    with session_scope(engine) as session:
        session.execute(sa.update(Sku).values(price=Sku.price + 5000))

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    items = len({row["item_id"] for row in sandboxes["shopee"].items()})
    assert items == 3  # tea (4 packs), honey, dried noodles
    assert requests_to(sandboxes["shopee"], "/api/v2/product/update_price") - calls == items


def test_each_pack_is_bound_to_its_own_variant_id_under_its_products_one_listing(engine, sandboxes, in_process):
    four_packs_of_tea(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)

    with Session(engine) as session:
        rows = session.execute(
            sa.select(ChannelAccount.marketplace, Listing.id, Listing.external_item_id,
                      ListingVariant.external_variant_id)
            .join(ListingVariant, ListingVariant.listing_id == Listing.id)
            .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
            .join(Sku, Sku.id == ListingVariant.sku_id).where(Sku.sku.in_(TEA_PACKS))
        ).all()
    for name in WITH_VARIANTS:
        mine = [row for row in rows if row.marketplace == name]
        assert len({row.id for row in mine}) == 1, name
        assert len({row.external_variant_id for row in mine if row.external_variant_id}) == 4, name


def test_a_renamed_pack_keeps_its_model_and_shows_its_new_option_name(engine, sandboxes, in_process):
    ids = four_packs_of_tea(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    before = {name: sandboxes[name].item("TC-CHE-200G")["model_id"] for name in WITH_VARIANTS}
    with session_scope(engine) as session:
        session.execute(sa.update(Sku).where(Sku.id == ids["TC-CHE-200G"]).values(variant="Túi zip 200g"))

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    assert report.plan.counts().get("update_variant") == len(WITH_VARIANTS)
    for name in WITH_VARIANTS:
        row = sandboxes[name].item("TC-CHE-200G")
        assert (row["model_id"], row["options"]) == (before[name], ["Túi zip 200g"]), name
        others = [r["options"] for r in sandboxes[name].items() if r["seller_sku"] in TEA_PACKS and r is not row]
        assert ["Gói 100g"] in others, name
    assert run_sync(engine, reach=in_process).plan.actions == []
