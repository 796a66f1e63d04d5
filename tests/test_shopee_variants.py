"""The Shopee client lists a product as one item with its packs as models, against the Shopee sandbox
in-process (its ASGI app behind ``httpx.ASGITransport``)."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from adapters.common.contract import (
    ItemRef,
    ListingDraft,
    PriceUpdate,
    ProductDraft,
    ShopCredentials,
    StockUpdate,
)
from adapters.shopee.client import ShopeeAdapter
from adapters.shopee.sandbox import ShopeeSandbox
from tests.support.shopee import FAST, anyio_backend, tea, tea_photo  # noqa: F401 (fixtures)

pytestmark = pytest.mark.anyio

BASE_URL = "http://shopee.sandbox"
WAIT_S = 0.05
TEA_PACKS = [("Gói 100g", "TC-CHE-100G", 65000, 30, 100), ("Gói 200g", "TC-CHE-200G", 120000, 40, 200),
             ("Hộp 500g", "TC-CHE-500G", 280000, 12, 500)]


class Shop:
    """A seller's shop on an in-process sandbox: the adapter, and the sandbox's control API."""

    def __init__(self, sandbox: ShopeeSandbox, adapter: ShopeeAdapter):
        self.sandbox, self.adapter = sandbox, adapter
        self.control = httpx.AsyncClient(transport=httpx.ASGITransport(app=sandbox.app), base_url=BASE_URL)

    @property
    def shop_id(self) -> str:
        return self.adapter.credentials.shop_id

    async def rows(self) -> list[dict[str, Any]]:
        """One row per seller SKU on sale."""
        return (await self.control.get("/_sandbox/items", params={"shop_id": self.shop_id})).json()["items"]

    async def calls(self, api: str) -> dict[str, int]:
        """How the sandbox answered each call to ``api``, by outcome."""
        return (await self.control.get("/_sandbox/stats")).json()["requests"].get(f"/api/v2/{api}", {})

    async def buy(self, seller_sku: str, quantity: int) -> None:
        response = await self.control.post("/_sandbox/orders", json={
            "shop_id": self.shop_id, "lines": [{"seller_sku": seller_sku, "quantity": quantity}]})
        response.raise_for_status()

    def another_adapter(self) -> ShopeeAdapter:
        """A second client of the same shop, as the next run builds: nothing read yet."""
        return adapter_for(self.sandbox, self.adapter.credentials)


def adapter_for(sandbox: ShopeeSandbox, credentials: ShopCredentials) -> ShopeeAdapter:
    return ShopeeAdapter(BASE_URL, credentials, http=FAST, transport=httpx.ASGITransport(app=sandbox.app),
                         variant_wait_s=WAIT_S)


@pytest.fixture
async def shop():
    sandbox = ShopeeSandbox(variant_wait_s=WAIT_S, rate_limit_per_s=1000)
    opened = sandbox.open_shop("HTX Chè Tân Cương")
    adapter = adapter_for(sandbox, ShopCredentials(shop_id=str(opened["shop_id"]), app_key=str(opened["partner_id"]),
                                                   app_secret=opened["partner_key"]))
    await adapter.authorize(opened["code"])
    opened_shop = Shop(sandbox, adapter)
    yield opened_shop
    await adapter.aclose()
    await opened_shop.control.aclose()


def pack(photo: Path, option: str, seller_sku: str, price: int, stock: int, grams: int) -> ListingDraft:
    return tea(photo, seller_sku, name="Chè búp Tân Cương", product_code="CHE-TAN-CUONG", variant=option,
               price=price, stock=stock, weight_g=grams, gtin=None)


def tea_product(photo: Path, packs: list[tuple[str, str, int, int, int]] = TEA_PACKS) -> ProductDraft:
    return ProductDraft(packs=[pack(photo, *values) for values in packs])


async def created(shop: Shop, draft: ProductDraft) -> list[ItemRef]:
    results = await shop.adapter.create_product(draft)
    assert all(result.ok for result in results), [result.error for result in results]
    return [result.ref for result in results if result.ref is not None]


# --- create ---------------------------------------------------------------------------------------
async def test_a_product_of_three_packs_becomes_one_item_with_three_models(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    rows = await shop.rows()
    assert [(row["seller_sku"], row["options"], row["price"], row["stock"]) for row in rows] == [
        ("TC-CHE-100G", ["Gói 100g"], 65000, 30), ("TC-CHE-200G", ["Gói 200g"], 120000, 40),
        ("TC-CHE-500G", ["Hộp 500g"], 280000, 12)]
    assert {row["item_id"] for row in rows} == {ref.item_id for ref in refs}
    assert [ref.sku_id for ref in refs] == [row["model_id"] for row in rows]


async def test_the_item_is_named_and_coded_by_the_product_without_a_pack(shop, tea_photo):
    [first, *_] = await created(shop, tea_product(tea_photo))
    item = shop.sandbox.state.items[first.item_id]
    assert (item.name, item.seller_sku, item.variations[0].name) == (
        "Chè búp Tân Cương", "CHE-TAN-CUONG", "Quy cách")


async def test_the_variants_wait_for_shopee_to_process_the_new_item_and_are_not_refused(shop, tea_photo):
    await created(shop, tea_product(tea_photo))
    assert await shop.calls("product/init_tier_variation") == {"200": 1}


async def test_a_refused_variants_step_fails_every_pack_with_shopees_code(shop, tea_photo):
    packs = [*TEA_PACKS[:2], ("Hộp quà Tết 500g cao cấp", "TC-CHE-500G", 280000, 12, 500)]
    results = await shop.adapter.create_product(tea_product(tea_photo, packs))
    assert [(result.seller_sku, result.ok, result.error.code) for result in results] == [
        (sku, False, "product.error_tier_opt_val_too_long") for _, sku, *_ in packs]


async def test_packs_more_than_five_times_apart_in_price_are_refused_before_anything_is_created(shop, tea_photo):
    packs = [TEA_PACKS[0], ("Bao 5kg", "TC-CHE-5KG", 650000, 3, 5000)]  # 10× the 100 g pack

    results = await shop.adapter.create_product(tea_product(tea_photo, packs))

    assert [(r.seller_sku, r.ok, r.error.code, r.error.field) for r in results] == [
        ("TC-CHE-100G", False, "product.error_param", "original_price"),
        ("TC-CHE-5KG", False, "product.error_param", "original_price")]
    assert "Bao 5kg (650.000 ₫) đắt hơn 5 lần Gói 100g (65.000 ₫)" in results[0].error.message
    assert await shop.rows() == [] and await shop.calls("media_space/upload_image") == {}


async def test_a_product_whose_variants_were_refused_gets_them_on_the_same_item_next_time(shop, tea_photo):
    too_long = [*TEA_PACKS[:2], ("Hộp quà Tết 500g cao cấp", "TC-CHE-500G", 280000, 12, 500)]
    await shop.adapter.create_product(tea_product(tea_photo, too_long))
    refs = await created(shop, tea_product(tea_photo))
    assert await shop.calls("product/add_item") == {"200": 1}
    assert len({ref.item_id for ref in refs}) == 1 and len(await shop.rows()) == 3


async def test_creating_a_product_already_listed_binds_its_packs_without_a_write(shop, tea_photo):
    first = await created(shop, tea_product(tea_photo))
    again = await created(shop, tea_product(tea_photo))
    assert [ref.sku_id for ref in again] == [ref.sku_id for ref in first]
    assert (shop.sandbox.state.writes, await shop.calls("product/add_item")) == (2, {"200": 1})  # add_item, init


# --- packs joining and leaving ---------------------------------------------------------------------
async def test_a_new_pack_joins_the_item_and_the_other_packs_keep_their_models(shop, tea_photo):
    before = await created(shop, tea_product(tea_photo, TEA_PACKS[:2]))
    results = await shop.adapter.add_packs(before[0], tea_product(tea_photo), ["TC-CHE-500G"])
    assert [(result.ok, result.ref.item_id) for result in results] == [(True, before[0].item_id)]
    rows = await shop.rows()
    assert [(row["seller_sku"], row["options"], row["price"]) for row in rows] == [
        ("TC-CHE-100G", ["Gói 100g"], 65000), ("TC-CHE-200G", ["Gói 200g"], 120000),
        ("TC-CHE-500G", ["Hộp 500g"], 280000)]
    assert [row["model_id"] for row in rows[:2]] == [ref.sku_id for ref in before]


async def test_a_removed_pack_goes_and_the_others_stay(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    result = await shop.adapter.remove_pack(refs[2])
    assert result.ok
    assert [row["seller_sku"] for row in await shop.rows()] == ["TC-CHE-100G", "TC-CHE-200G"]


async def test_the_last_pack_of_an_item_cannot_be_removed(shop, tea_photo):
    [only] = await created(shop, tea_product(tea_photo, TEA_PACKS[1:2]))
    result = await shop.adapter.remove_pack(only)
    assert (result.ok, result.error.code) == (False, "product.error_busi_cannot_delete_all_model")


# --- prices, stock, orders ---------------------------------------------------------------------------
async def test_a_price_change_on_every_pack_is_one_update_price_call(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    results = await shop.adapter.update_prices([PriceUpdate(ref=ref, price=ref.price + 5000) for ref in refs])
    assert [(result.ok, result.ref.price) for result in results] == [(True, 70000), (True, 125000), (True, 285000)]
    assert await shop.calls("product/update_price") == {"200": 1}
    assert [row["price"] for row in await shop.rows()] == [70000, 125000, 285000]


async def test_a_stock_count_of_every_pack_is_one_update_stock_call(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    results = await shop.adapter.update_stock([StockUpdate(ref=ref, stock=20) for ref in refs])
    assert all(result.ok for result in results)
    assert await shop.calls("product/update_stock") == {"200": 1}
    assert [row["stock"] for row in await shop.rows()] == [20, 20, 20]


async def test_a_sale_of_one_pack_lowers_only_that_model_and_the_order_line_names_the_pack(shop, tea_photo):
    await created(shop, tea_product(tea_photo))
    await shop.buy("TC-CHE-200G", 3)
    stock = {ref.seller_sku: ref.stock for ref in (await shop.adapter.list_items()).items}
    assert stock == {"TC-CHE-100G": 30, "TC-CHE-200G": 37, "TC-CHE-500G": 12}
    [order] = await shop.adapter.orders_since(datetime.now(UTC) - timedelta(hours=1))
    assert [(line.seller_sku, line.quantity, line.unit_price) for line in order.lines] == [
        ("TC-CHE-200G", 3, 120000)]


# --- reading back --------------------------------------------------------------------------------------
async def test_list_items_gives_one_ref_per_pack_with_its_model_id(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    listed = (await shop.adapter.list_items()).items
    assert [(ref.seller_sku, ref.sku_id, ref.price, ref.stock, ref.status) for ref in listed] == [
        (ref.seller_sku, ref.sku_id, ref.price, ref.stock, "live") for ref in refs]


async def test_the_next_run_finds_a_pack_by_its_model_sku(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    async with shop.another_adapter() as next_run:
        found = await next_run.find_by_seller_sku("TC-CHE-500G")
    assert (found.item_id, found.sku_id, found.price, found.stock) == (refs[2].item_id, refs[2].sku_id, 280000, 12)


async def test_the_shop_is_read_once_a_run_to_find_model_skus(shop, tea_photo):
    await created(shop, tea_product(tea_photo))
    async with shop.another_adapter() as next_run:
        for seller_sku in ("TC-CHE-100G", "TC-CHE-200G", "TC-CHE-1KG"):
            await next_run.find_by_seller_sku(seller_sku)
    assert await shop.calls("product/get_item_list") == {"200": 1}


async def test_a_pack_added_in_this_run_is_found_without_reading_the_shop_again(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo, TEA_PACKS[:2]))
    assert await shop.adapter.find_by_seller_sku("TC-CHE-500G") is None
    await shop.adapter.add_packs(refs[0], tea_product(tea_photo), ["TC-CHE-500G"])
    found = await shop.adapter.find_by_seller_sku("TC-CHE-500G")
    assert found is not None and found.item_id == refs[0].item_id
    assert await shop.calls("product/get_item_list") == {"200": 1}


async def test_a_removed_pack_is_no_longer_found(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    await shop.adapter.find_by_seller_sku("TC-CHE-500G")
    await shop.adapter.remove_pack(refs[2])
    assert await shop.adapter.find_by_seller_sku("TC-CHE-500G") is None


# --- a pack's own content ------------------------------------------------------------------------------
def renamed(photo: Path, seller_sku: str, option: str) -> ProductDraft:
    return tea_product(photo, [(option, *values[1:]) if values[1] == seller_sku else values for values in TEA_PACKS])


async def test_a_renamed_pack_keeps_its_model_and_the_other_packs_keep_their_options(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    results = await shop.adapter.update_packs(refs[0], renamed(tea_photo, "TC-CHE-200G", "Túi zip 200g"), [refs[1]])
    assert [(result.ok, result.ref) for result in results] == [(True, refs[1])]
    assert [(row["seller_sku"], row["model_id"], row["options"]) for row in await shop.rows()] == [
        ("TC-CHE-100G", refs[0].sku_id, ["Gói 100g"]), ("TC-CHE-200G", refs[1].sku_id, ["Túi zip 200g"]),
        ("TC-CHE-500G", refs[2].sku_id, ["Hộp 500g"])]
    assert await shop.calls("product/update_tier_variation") == {"200": 1}


async def test_a_packs_new_weight_and_barcode_reach_its_model_through_update_model(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    draft = tea_product(tea_photo)
    draft.packs[2] = draft.packs[2].model_copy(update={"weight_g": 520, "gtin": "8938505970011"})
    [result] = await shop.adapter.update_packs(refs[0], draft, [refs[2]])
    assert result.ok
    content = shop.sandbox.state.items[refs[2].item_id].payload["models"][refs[2].sku_id]
    assert (content["weight"], content["gtin_code"]) == (0.52, "8938505970011")
    assert await shop.calls("product/update_model") == {"200": 1}


async def test_packs_whose_options_are_unchanged_send_no_update_tier_variation(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    results = await shop.adapter.update_packs(refs[0], tea_product(tea_photo), refs)
    assert all(result.ok for result in results)
    assert await shop.calls("product/update_tier_variation") == {}


async def test_a_rename_to_another_packs_option_is_refused_with_shopees_code(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    [result] = await shop.adapter.update_packs(refs[0], renamed(tea_photo, "TC-CHE-200G", "Gói 100g"), [refs[1]])
    assert (result.ok, result.error.code) == (False, "product.error_model_duplicate_name")
    assert [row["options"] for row in await shop.rows()] == [["Gói 100g"], ["Gói 200g"], ["Hộp 500g"]]


async def test_a_refused_rename_leaves_the_other_packs_content_updated(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    draft = renamed(tea_photo, "TC-CHE-200G", "Gói 100g")
    draft.packs[2] = draft.packs[2].model_copy(update={"weight_g": 520})
    results = await shop.adapter.update_packs(refs[0], draft, refs[1:])
    assert [result.ok for result in results] == [False, True]
    assert shop.sandbox.state.items[refs[2].item_id].payload["models"][refs[2].sku_id]["weight"] == 0.52


async def test_a_pack_renamed_to_a_removed_packs_option_moves_onto_that_option(shop, tea_photo):
    refs = await created(shop, tea_product(tea_photo))
    await shop.adapter.remove_pack(refs[2])
    [result] = await shop.adapter.update_packs(refs[0], renamed(tea_photo, "TC-CHE-200G", "Hộp 500g"), [refs[1]])
    assert result.ok
    assert [(row["model_id"], row["options"]) for row in await shop.rows()] == [
        (refs[0].sku_id, ["Gói 100g"]), (refs[1].sku_id, ["Hộp 500g"])]
