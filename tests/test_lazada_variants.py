"""The Lazada client lists a product with its packs as SKUs of one item, against the sandbox over real HTTP:
create, a pack joining, a pack removed, prices, stock, orders and read-back per SKU, and Lazada's refusals."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from adapters.common.contract import ItemRef, PriceUpdate, ProductDraft, StockUpdate
from adapters.lazada import CAPABILITIES
from adapters.lazada.mapping import product_create_payload
from tests.support.lazada import (  # noqa: F401 (fixtures)
    FAST,
    LAZADA_IMAGE,
    LosesTheFirstCreateAnswer,
    buy,
    connected,
    honey,
    items,
    lazada,
    lazada_servers,
    stats,
    tea,
)

pytestmark = pytest.mark.anyio

MONDAY = datetime(2020, 1, 6, tzinfo=UTC)
PACKS = [("Gói 100g", "TC-CHE-100G", 65000, 30, 100), ("Gói 200g", "TC-CHE-200G", 120000, 40, 200),
         ("Hộp 500g", "TC-CHE-500G", 280000, 12, 550)]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def che_bup(packs=PACKS) -> ProductDraft:
    """Chè búp Tân Cương with its packs: Gói 100g 65.000 ₫, Gói 200g 120.000 ₫, Hộp 500g 280.000 ₫."""
    return ProductDraft(packs=[
        tea(seller_sku, name="Chè búp Tân Cương", variant=option, price=price, stock=stock, weight_g=grams)
        for option, seller_sku, price, stock, grams in packs
    ])


async def listed(adapter, draft: ProductDraft | None = None) -> list[ItemRef]:
    results = await adapter.create_product(draft or che_bup())
    assert [result.error for result in results if not result.ok] == []
    return [result.ref for result in results]


def test_lazada_lists_a_products_packs_as_variants():
    assert (CAPABILITIES.variants, CAPABILITIES.max_variants) == (True, 50)


def test_the_create_payload_names_each_packs_option_and_puts_photos_on_the_product_only():
    product = json.loads(product_create_payload(che_bup(), [LAZADA_IMAGE]))["Request"]["Product"]
    assert product["Attributes"]["name"] == "Chè búp Tân Cương"
    assert product["variation"] == {"variation1": {"name": "Quy cách", "hasImage": False, "customize": True,
                                                   "options": {"option": ["Gói 100g", "Gói 200g", "Hộp 500g"]}}}
    assert [(sku["SellerSku"], sku["saleProp"], sku["price"], sku["quantity"], sku["package_weight"])
            for sku in product["Skus"]["Sku"]] == [
        ("TC-CHE-100G", {"Quy cách": "Gói 100g"}, "65000", "30", "0.1"),
        ("TC-CHE-200G", {"Quy cách": "Gói 200g"}, "120000", "40", "0.2"),
        ("TC-CHE-500G", {"Quy cách": "Hộp 500g"}, "280000", "12", "0.55")]
    assert product["Images"] == {"Image": [LAZADA_IMAGE]} and not any("Images" in sku for sku in product["Skus"]["Sku"])


# --- create ---------------------------------------------------------------------------------------
async def test_three_packs_become_one_product_with_three_skus(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
    assert [(ref.seller_sku, ref.price, ref.stock, ref.name) for ref in refs] == [
        (seller_sku, price, stock, "Chè búp Tân Cương") for _, seller_sku, price, stock, _ in PACKS]
    assert len({ref.item_id for ref in refs}) == 1 and len({ref.sku_id for ref in refs}) == 3
    rows = items(lazada, adapter.credentials.shop_id)
    assert [(row["seller_sku"], row["item_id"]) for row in rows] == [(ref.seller_sku, ref.item_id) for ref in refs]


async def test_a_product_created_again_binds_its_skus_without_a_second_create(lazada):
    async with await connected(lazada) as adapter:
        first = await listed(adapter)
        again = await listed(adapter)
    assert [(ref.item_id, ref.sku_id) for ref in again] == [(ref.item_id, ref.sku_id) for ref in first]
    assert stats(lazada)["requests"]["/rest/product/create"] == {"ok": 1}


async def test_a_product_whose_create_answer_was_lost_is_not_duplicated(lazada):
    settings = FAST.model_copy(update={"read_timeout_s": 0.3})
    async with await connected(lazada, http=settings, transport=LosesTheFirstCreateAnswer(lazada.base_url)) as adapter:
        refs = await listed(adapter)
    rows = items(lazada, adapter.credentials.shop_id)
    assert [(row["seller_sku"], row["item_id"]) for row in rows] == [(ref.seller_sku, ref.item_id) for ref in refs]
    assert all(ref.sku_id for ref in refs)
    await asyncio.sleep(1.0)  # the sandbox records the held-back answer once it has given up on it
    assert stats(lazada)["requests"]["/rest/product/create"] == {"timeout": 1}


async def test_a_pack_missing_from_a_product_already_on_lazada_joins_it(lazada):
    async with await connected(lazada) as adapter:
        first = await listed(adapter, che_bup(PACKS[:2]))
        refs = await listed(adapter)
    assert [ref.item_id for ref in refs] == [first[0].item_id] * 3
    assert [ref.sku_id for ref in refs[:2]] == [ref.sku_id for ref in first]


async def test_two_packs_with_the_same_option_are_refused_with_4112(lazada):
    twins = [PACKS[0], ("Gói 100g", "TC-CHE-100G-B", 66000, 5, 100)]
    async with await connected(lazada) as adapter:
        results = await adapter.create_product(che_bup(twins))
    assert [(result.ok, result.error.code) for result in results] == [(False, "4112"), (False, "4112")]
    assert items(lazada, adapter.credentials.shop_id) == []


# --- packs joining and leaving ----------------------------------------------------------------------
async def test_a_new_pack_joins_the_same_item(lazada):
    async with await connected(lazada) as adapter:
        first = await listed(adapter, che_bup(PACKS[:2]))
        [joined] = await adapter.add_packs(first[0], che_bup(), ["TC-CHE-500G"])
        found = await adapter.find_by_seller_sku("TC-CHE-500G")
    assert joined.ok and joined.ref.item_id == first[0].item_id and joined.ref.sku_id not in {r.sku_id for r in first}
    assert found == joined.ref.model_copy(update={"status": "live", "reserved_stock": 0})


async def test_a_pack_cannot_join_a_product_without_variation_and_lazada_says_4133(lazada):
    async with await connected(lazada) as adapter:
        single = (await adapter.create_listing(tea("TC-CHE-200G", name="Chè búp Tân Cương"))).ref
        [refused] = await adapter.add_packs(single, che_bup(), ["TC-CHE-500G"])
    assert (refused.ok, refused.error.code) == (False, "4133")


async def test_a_pack_cannot_join_an_item_that_is_not_on_lazada_and_lazada_says_208(lazada):
    async with await connected(lazada) as adapter:
        [refused] = await adapter.add_packs(ItemRef(seller_sku="TC-CHE-100G", item_id="404"), che_bup(),
                                            ["TC-CHE-500G"])
    assert (refused.ok, refused.error.code) == (False, "208")


async def test_a_removed_pack_goes_and_the_others_stay(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        removed = await adapter.remove_pack(refs[2])
        left = (await adapter.list_items()).items
    assert removed.ok and removed.ref.status == "deleted"
    assert [(ref.seller_sku, ref.item_id) for ref in left] == [(ref.seller_sku, ref.item_id) for ref in refs[:2]]


async def test_the_last_pack_cannot_be_removed_and_lazada_says_501(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter, che_bup(PACKS[:2]))
        await adapter.remove_pack(refs[0])
        refused = await adapter.remove_pack(refs[1])
    assert (refused.ok, refused.error.code) == (False, "501")
    assert [row["seller_sku"] for row in items(lazada, adapter.credentials.shop_id)] == ["TC-CHE-200G"]


async def test_removing_a_pack_lazada_does_not_know_is_refused_with_207(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        refused = await adapter.remove_pack(refs[0].model_copy(update={"sku_id": "999"}))
    assert (refused.ok, refused.error.code) == (False, "207")


# --- prices, stock, orders, read-back ---------------------------------------------------------------
async def test_prices_for_every_pack_go_in_one_batch_call(lazada):
    new_prices = [69000, 125000, 290000]
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        results = await adapter.update_prices([PriceUpdate(ref=ref, price=price)
                                               for ref, price in zip(refs, new_prices, strict=True)])
    assert [(result.ok, result.ref.price) for result in results] == [(True, price) for price in new_prices]
    assert [row["price"] for row in items(lazada, adapter.credentials.shop_id)] == new_prices
    assert stats(lazada)["requests"]["/rest/product/price_quantity/update"] == {"ok": 1}


async def test_stock_for_packs_of_two_products_shares_one_call(lazada):
    async with await connected(lazada) as adapter:
        refs = [*await listed(adapter), (await adapter.create_listing(honey())).ref]
        results = await adapter.update_stock([StockUpdate(ref=ref, stock=8) for ref in refs])
    assert all(result.ok for result in results)
    assert {row["seller_sku"]: row["stock"] for row in items(lazada, adapter.credentials.shop_id)} == {
        "TC-CHE-100G": 8, "TC-CHE-200G": 8, "TC-CHE-500G": 8, "VN-MAT-ONG-500": 8}
    assert stats(lazada)["requests"]["/rest/product/stock/sellable/update"] == {"ok": 1}


async def test_a_sale_of_one_pack_lowers_only_that_sku(lazada):
    async with await connected(lazada) as adapter:
        await listed(adapter)
        buy(lazada, adapter.credentials.shop_id, ("TC-CHE-200G", 3))
        stock = {ref.seller_sku: ref.stock for ref in (await adapter.list_items()).items}
    assert stock == {"TC-CHE-100G": 30, "TC-CHE-200G": 37, "TC-CHE-500G": 12}


async def test_an_order_line_names_the_pack_sold(lazada):
    async with await connected(lazada) as adapter:
        await listed(adapter)
        buy(lazada, adapter.credentials.shop_id, ("TC-CHE-500G", 1), ("TC-CHE-100G", 2))
        [order] = await adapter.orders_since(MONDAY)
    assert {(line.seller_sku, line.quantity, line.unit_price) for line in order.lines} == {
        ("TC-CHE-500G", 1, 280000), ("TC-CHE-100G", 2, 65000)}


async def test_find_and_list_see_every_sku_of_the_product(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        found = [await adapter.find_by_seller_sku(ref.seller_sku) for ref in refs]
        page = await adapter.list_items()
    assert found == page.items == [ref.model_copy(update={"status": "live", "reserved_stock": 0}) for ref in refs]


# --- a pack's own content ------------------------------------------------------------------------------
def renamed(seller_sku: str, option: str) -> ProductDraft:
    return che_bup([(option, *pack[1:]) if pack[1] == seller_sku else pack for pack in PACKS])


async def test_a_renamed_pack_shows_the_new_option_on_the_same_sku(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        results = await adapter.update_packs(refs[0], renamed("TC-CHE-200G", "Túi zip 200g"), [refs[1]])
    assert [(result.ok, result.ref) for result in results] == [(True, refs[1])]
    rows = items(lazada, adapter.credentials.shop_id)
    assert [(row["seller_sku"], row["sku_id"], row["options"]) for row in rows] == [
        ("TC-CHE-100G", refs[0].sku_id, ["Gói 100g"]), ("TC-CHE-200G", refs[1].sku_id, ["Túi zip 200g"]),
        ("TC-CHE-500G", refs[2].sku_id, ["Hộp 500g"])]


async def test_a_rename_to_another_packs_option_is_refused_with_4112(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        [refused] = await adapter.update_packs(refs[0], renamed("TC-CHE-200G", "Gói 100g"), [refs[1]])
    assert (refused.ok, refused.error.code) == (False, "4112")
    assert [row["options"] for row in items(lazada, adapter.credentials.shop_id)] == [
        ["Gói 100g"], ["Gói 200g"], ["Hộp 500g"]]


async def test_packs_under_a_sale_property_the_product_does_not_have_are_refused_with_4143(lazada):
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        draft = che_bup().model_copy(update={"variant_kind": "Khối lượng"})
        results = await adapter.update_packs(refs[0], draft, refs)
    assert [(result.ok, result.error.code) for result in results] == [(False, "4143")] * 3


async def test_a_packs_new_weight_reaches_its_sku_package(lazada):
    heavier = [*PACKS[:2], ("Hộp 500g", "TC-CHE-500G", 280000, 12, 600)]
    async with await connected(lazada) as adapter:
        refs = await listed(adapter)
        [result] = await adapter.update_packs(refs[0], che_bup(heavier), [refs[2]])
    assert result.ok
    sent = lazada.sandbox.state.items[refs[2].item_id].payload["Skus"][refs[2].sku_id]
    assert sent["package_weight"] == "0.6"
