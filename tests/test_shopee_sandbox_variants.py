"""The Shopee sandbox holds one item per product with its packs as models, and refuses what Shopee refuses
about tiers and models, with Shopee's codes, over real HTTP."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import extruct
import pytest

from adapters.common.sandbox import SandboxServer
from adapters.shopee.sandbox import ShopeeSandbox
from tests.support.shopee import (  # noqa: F401 (fixtures)
    WEB,
    Control,
    RawShop,
    anyio_backend,
    connected,
    shopee_servers,
    tea,
    tea_photo,
)

pytestmark = pytest.mark.anyio

WAIT_S = 0.05
PACKS = [("Gói 100g", "TC-CHE-100G", 65000, 30), ("Gói 200g", "TC-CHE-200G", 120000, 40),
         ("Hộp 500g", "TC-CHE-500G", 280000, 12)]


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox(variant_wait_s=WAIT_S)) as server:
        yield server


@pytest.fixture
async def shop(sandbox):
    adapter = await connected(sandbox)
    yield adapter
    await adapter.aclose()


@pytest.fixture
def raw(sandbox, shop) -> RawShop:
    return RawShop.of(sandbox, shop)


@pytest.fixture
def control(sandbox) -> Control:
    return Control(sandbox)


async def new_item(shop, photo) -> int:
    """Chè búp Tân Cương as one item, settled past Shopee's wait before variants."""
    result = await shop.create_listing(tea(photo, "CHE-TAN-CUONG", name="Chè búp Tân Cương", variant=""))
    assert result.ok and result.ref is not None
    await anyio.sleep(WAIT_S * 2)
    return int(result.ref.item_id)


def tiers(*options: str, name: str = "Quy cách") -> list[dict[str, Any]]:
    return [{"variation_id": 0, "variation_name": name,
             "variation_option_list": [{"variation_option_id": 0, "variation_option_name": o} for o in options]}]


def model(index: int, sku: str, price: int, stock: int) -> dict[str, Any]:
    return {"tier_index": [index], "model_sku": sku, "original_price": price, "seller_stock": [{"stock": stock}]}


def packs_body(item_id: int, packs=PACKS) -> dict[str, Any]:
    return {"item_id": item_id, "standardise_tier_variation": tiers(*(pack[0] for pack in packs)),
            "model": [model(index, sku, price, stock) for index, (_, sku, price, stock) in enumerate(packs)]}


@pytest.fixture
async def tea_item(shop, raw, tea_photo) -> dict[str, Any]:
    """The tea with its three packs as models: ``{"item_id", "models": {seller SKU: model_id}}``."""
    item_id = await new_item(shop, tea_photo)
    answer = raw.post("product/init_tier_variation", packs_body(item_id))
    assert answer["error"] == "", answer
    return {"item_id": item_id, "models": {m["model_sku"]: m["model_id"] for m in answer["response"]["model"]}}


def refusal(answer: dict[str, Any]) -> tuple[str, str]:
    return answer["error"], answer["message"]


# --- init_tier_variation ----------------------------------------------------------------------------
async def test_init_tier_variation_makes_one_model_per_pack_with_its_price_and_stock(raw, tea_item):
    listed = raw.get("product/get_model_list", {"item_id": tea_item["item_id"]})["response"]
    assert listed["tier_variation"] == [{"name": "Quy cách", "option_list": [
        {"option": "Gói 100g"}, {"option": "Gói 200g"}, {"option": "Hộp 500g"}]}]
    assert [(m["model_sku"], m["tier_index"], m["price_info"][0]["original_price"],
             m["stock_info_v2"]["seller_stock"][0]["stock"]) for m in listed["model"]] == [
        ("TC-CHE-100G", [0], 65000, 30), ("TC-CHE-200G", [1], 120000, 40), ("TC-CHE-500G", [2], 280000, 12)]


async def test_variants_right_after_add_item_are_refused_until_shopee_has_processed_the_item(
        shopee_servers, tea_photo):
    server = shopee_servers(variant_wait_s=60)
    adapter = await connected(server)
    created = await adapter.create_listing(tea(tea_photo, "CHE-TAN-CUONG"))
    answer = RawShop.of(server, adapter).post("product/init_tier_variation", packs_body(int(created.ref.item_id)))
    await adapter.aclose()
    assert answer["error"] == "product.error_inner"


async def test_three_tiers_are_refused(shop, raw, tea_photo):
    body = packs_body(await new_item(shop, tea_photo))
    body["standardise_tier_variation"] += tiers("Vụ xuân", name="Mùa vụ") + tiers("Loại 1", name="Hạng")
    assert refusal(raw.post("product/init_tier_variation", body)) == (
        "product.error_param", "The level of tier-variation over 2.")


async def test_more_than_50_models_are_refused(shop, raw, tea_photo):
    packs = [(f"Gói {grams}g", f"TC-CHE-{grams}G", 100000, 5) for grams in range(10, 520, 10)]
    answer = raw.post("product/init_tier_variation", packs_body(await new_item(shop, tea_photo), packs))
    assert answer["error"] == "product.error_param" and "under 50" in answer["message"]


async def test_a_tier_name_over_14_characters_is_refused(shop, raw, tea_photo):
    body = packs_body(await new_item(shop, tea_photo))
    body["standardise_tier_variation"][0]["variation_name"] = "Quy cách đóng gói"
    assert raw.post("product/init_tier_variation", body)["error"] == "product.error_tier_var_name_too_long"


async def test_an_option_over_20_characters_is_refused(shop, raw, tea_photo):
    packs = [*PACKS[:2], ("Hộp quà Tết 500g cao cấp", "TC-CHE-500G", 280000, 12)]
    answer = raw.post("product/init_tier_variation", packs_body(await new_item(shop, tea_photo), packs))
    assert answer["error"] == "product.error_tier_opt_val_too_long"


async def test_the_same_option_twice_is_refused(shop, raw, tea_photo):
    packs = [*PACKS[:2], ("Gói 200g", "TC-CHE-200G-B", 120000, 5)]
    answer = raw.post("product/init_tier_variation", packs_body(await new_item(shop, tea_photo), packs))
    assert refusal(answer) == ("product.error_model_duplicate_name", "Item tier_variation have duplicate name.")


async def test_two_models_on_the_same_option_are_refused(shop, raw, tea_photo):
    body = packs_body(await new_item(shop, tea_photo))
    body["model"][2]["tier_index"] = [1]
    assert refusal(raw.post("product/init_tier_variation", body)) == (
        "product.error_model_duplicate_tier_variation_index", "Item have duplicate tier_index.")


async def test_a_tier_index_past_the_options_is_refused(shop, raw, tea_photo):
    body = packs_body(await new_item(shop, tea_photo))
    body["model"][2]["tier_index"] = [3]
    assert raw.post("product/init_tier_variation", body)["error"] == "product.error_model_tier_index_bound"


async def test_a_dearest_pack_over_five_times_the_cheapest_is_refused(shop, raw, tea_photo):
    packs = [*PACKS[:2], ("Hộp 500g", "TC-CHE-500G", 330000, 12)]  # 330.000 > 5 × 65.000
    answer = raw.post("product/init_tier_variation", packs_body(await new_item(shop, tea_photo), packs))
    assert answer["error"] == "product.error_param" and "5 times" in answer["message"]


async def test_a_new_structure_gives_new_model_ids_and_the_old_ones_are_refused(raw, tea_item):
    body = packs_body(tea_item["item_id"])
    body["standardise_tier_variation"] += tiers("Vụ xuân", "Vụ thu", name="Mùa vụ")
    body["model"] = [{**entry, "tier_index": [entry["tier_index"][0], 0]} for entry in body["model"]]
    assert raw.post("product/init_tier_variation", body)["error"] == ""

    stale = tea_item["models"]["TC-CHE-200G"]
    answer = raw.post("product/delete_model", {"item_id": tea_item["item_id"], "model_id": stale})
    assert answer["error"] == "product.error_model_invalid_model_id"


# --- the control API, orders and pages ------------------------------------------------------------
async def test_the_sandbox_lists_one_row_per_pack_with_its_model_id(control, shop, tea_item):
    rows = control.items(shop.credentials.shop_id)
    assert [(row["seller_sku"], row["model_id"], row["price"], row["stock"]) for row in rows] == [
        (sku, str(tea_item["models"][sku]), price, stock) for _, sku, price, stock in PACKS]
    assert {row["item_id"] for row in rows} == {str(tea_item["item_id"])}


async def test_an_order_for_a_pack_lowers_that_models_stock_only(control, shop, tea_item):
    control.buy(shop.credentials.shop_id, ("TC-CHE-200G", 3))
    stock = {row["seller_sku"]: row["stock"] for row in control.items(shop.credentials.shop_id)}
    assert stock == {"TC-CHE-100G": 30, "TC-CHE-200G": 37, "TC-CHE-500G": 12}


async def test_a_cancelled_order_gives_the_models_stock_back(control, shop, tea_item):
    order = control.buy(shop.credentials.shop_id, ("TC-CHE-500G", 2))
    control.send("POST", f"orders/{order['order_id']}/cancel")
    stock = {row["seller_sku"]: row["stock"] for row in control.items(shop.credentials.shop_id)}
    assert stock["TC-CHE-500G"] == 12


async def test_order_detail_lines_carry_the_model(control, raw, shop, tea_item):
    order = control.buy(shop.credentials.shop_id, ("TC-CHE-100G", 2))
    answer = raw.get("order/get_order_detail", {"order_sn_list": order["order_id"],
                                                "response_optional_fields": "item_list"})
    [line] = answer["response"]["order_list"][0]["item_list"]
    assert (line["model_id"], line["model_sku"], line["model_name"], line["item_sku"]) == (
        tea_item["models"]["TC-CHE-100G"], "TC-CHE-100G", "Gói 100g", "CHE-TAN-CUONG")
    assert (line["model_quantity_purchased"], line["model_original_price"]) == (2, 65000)


async def test_the_product_page_lists_every_pack_with_its_price_and_stock(control, shop, tea_item):
    page = control.page(shop.credentials.shop_id, str(tea_item["item_id"])).text
    [product] = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    offers = product["offers"]
    assert (offers["@type"], offers["lowPrice"], offers["highPrice"]) == ("AggregateOffer", 65000, 280000)
    assert [(offer["sku"], offer["name"], offer["price"], offer["inventoryLevel"]) for offer in offers["offers"]] == [
        (sku, option, price, stock) for option, sku, price, stock in PACKS]
    assert "65.000 ₫ - 280.000 ₫" in page and "Hộp 500g" in page and "Còn 82 sản phẩm" in page


async def test_the_storefront_links_every_pack_to_the_item(control, shop, tea_item):
    html = WEB.get(f"{control.base_url}/shop/{shop.credentials.shop_id}").text
    assert all(f'data-seller-sku="{sku}"' in html for _, sku, _, _ in PACKS)


# --- base info, price and stock ---------------------------------------------------------------------
async def test_base_info_of_an_item_with_models_has_no_price_of_its_own(raw, tea_item):
    [info] = raw.get("product/get_item_base_info", {"item_id_list": tea_item["item_id"]})["response"]["item_list"]
    assert info["has_model"] is True and "price_info" not in info
    assert info["stock_info_v2"]["summary_info"]["total_available_stock"] == 82


async def test_prices_are_set_per_model(raw, control, shop, tea_item):
    models = tea_item["models"]
    answer = raw.post("product/update_price", {"item_id": tea_item["item_id"], "price_list": [
        {"model_id": models["TC-CHE-100G"], "original_price": 70000},
        {"model_id": models["TC-CHE-500G"], "original_price": 300000}]})
    assert answer["error"] == "" and len(answer["response"]["success_list"]) == 2
    prices = {row["seller_sku"]: row["price"] for row in control.items(shop.credentials.shop_id)}
    assert prices == {"TC-CHE-100G": 70000, "TC-CHE-200G": 120000, "TC-CHE-500G": 300000}


async def test_the_item_price_of_an_item_with_models_is_refused(raw, tea_item):
    answer = raw.post("product/update_price", {"item_id": tea_item["item_id"],
                                               "price_list": [{"original_price": 120000}]})
    assert answer["error"] == "product.error_edit_item_price_for_item_has_model"


async def test_a_price_breaking_the_five_times_ratio_is_refused(raw, tea_item):
    answer = raw.post("product/update_price", {"item_id": tea_item["item_id"], "price_list": [
        {"model_id": tea_item["models"]["TC-CHE-500G"], "original_price": 400000}]})
    assert answer["error"] == "product.error_param" and "5 times" in answer["message"]


async def test_the_same_model_twice_in_one_call_is_refused(raw, tea_item):
    model_id = tea_item["models"]["TC-CHE-200G"]
    answer = raw.post("product/update_stock", {"item_id": tea_item["item_id"], "stock_list": [
        {"model_id": model_id, "seller_stock": [{"stock": 5}]}, {"model_id": model_id, "seller_stock": [{"stock": 6}]}]})
    assert refusal(answer) == ("product.error_param", "Repeat model_id.")


async def test_stock_is_set_per_model(raw, control, shop, tea_item):
    model_id = tea_item["models"]["TC-CHE-200G"]
    answer = raw.post("product/update_stock", {"item_id": tea_item["item_id"], "stock_list": [
        {"model_id": model_id, "seller_stock": [{"stock": 55}]}]})
    assert answer["response"]["success_list"] == [{"model_id": model_id, "location_id": "VNZ", "stock": 55}]
    assert {row["seller_sku"]: row["stock"] for row in control.items(shop.credentials.shop_id)}["TC-CHE-200G"] == 55


async def test_stock_below_what_a_promotion_holds_is_refused_with_the_promotion_code_and_nothing_changes(
        raw, control, shop, tea_item):
    model_id, other_id = tea_item["models"]["TC-CHE-200G"], tea_item["models"]["TC-CHE-500G"]
    control.send("PATCH", f"items/{tea_item['item_id']}", {"model_id": str(model_id), "reserved_stock": 10})
    answer = raw.post("product/update_stock", {"item_id": tea_item["item_id"], "stock_list": [
        {"model_id": other_id, "seller_stock": [{"stock": 3}]}, {"model_id": model_id, "seller_stock": [{"stock": 8}]}]})
    assert answer["error"] == "product.error_promotion_cantnot_update_stock"
    assert {row["seller_sku"]: row["stock"] for row in control.items(shop.credentials.shop_id)}["TC-CHE-500G"] != 3


async def test_a_stale_model_id_fails_in_the_stock_failure_list(raw, tea_item):
    answer = raw.post("product/update_stock", {"item_id": tea_item["item_id"], "stock_list": [
        {"model_id": 999, "seller_stock": [{"stock": 8}]}]})
    assert answer["warning"] and [entry["model_id"] for entry in answer["response"]["failure_list"]] == [999]


# --- add, update, delete ----------------------------------------------------------------------------
async def test_a_new_pack_is_added_as_an_option_then_a_model(raw, control, shop, tea_photo):
    item_id = await new_item(shop, tea_photo)
    first = raw.post("product/init_tier_variation", packs_body(item_id, PACKS[:2]))["response"]["model"]
    kept = [{"model_id": m["model_id"], "tier_index": m["tier_index"]} for m in first]
    assert raw.post("product/update_tier_variation", {
        "item_id": item_id, "standardise_tier_variation": tiers("Gói 100g", "Gói 200g", "Hộp 500g"),
        "model_list": kept})["error"] == ""

    answer = raw.post("product/add_model", {"item_id": item_id, "model_list": [model(2, "TC-CHE-500G", 280000, 12)]})

    assert answer["error"] == ""
    assert [row["seller_sku"] for row in control.items(shop.credentials.shop_id)] == [p[1] for p in PACKS]


async def test_a_model_for_an_option_that_has_one_is_refused(raw, tea_item):
    answer = raw.post("product/add_model", {"item_id": tea_item["item_id"],
                                            "model_list": [model(2, "TC-CHE-500G-B", 280000, 12)]})
    assert answer["error"] == "product.error_model_duplicate_tier_variation_index"


async def test_add_model_on_an_item_without_tiers_is_refused(shop, raw, tea_photo):
    answer = raw.post("product/add_model", {"item_id": await new_item(shop, tea_photo),
                                            "model_list": [model(0, "TC-CHE-100G", 65000, 30)]})
    assert answer["error"] == "product.error_param" and "init_tier_variation" in answer["message"]


async def test_update_tier_variation_refuses_a_change_of_structure(raw, tea_item):
    body = {"item_id": tea_item["item_id"],
            "standardise_tier_variation": tiers(*(p[0] for p in PACKS)) + tiers("Vụ xuân", name="Mùa vụ"),
            "model_list": [{"model_id": tea_item["models"]["TC-CHE-100G"], "tier_index": [0, 0]}]}
    assert raw.post("product/update_tier_variation", body)["error"] == "product.error_tier_var_level_not_same"


async def test_update_tier_variation_refuses_two_models_on_one_option(raw, tea_item):
    models = tea_item["models"]
    body = {"item_id": tea_item["item_id"], "standardise_tier_variation": tiers("Gói 100g", "Gói 200g"),
            "model_list": [{"model_id": models["TC-CHE-100G"], "tier_index": [1]},
                           {"model_id": models["TC-CHE-200G"], "tier_index": [1]}]}
    answer = raw.post("product/update_tier_variation", body)
    assert answer["error"] == "product.error_model_duplicate_tier_variation_index"


async def test_update_model_changes_the_sku_and_leaves_price_and_stock(raw, control, shop, tea_item):
    model_id = tea_item["models"]["TC-CHE-200G"]
    answer = raw.post("product/update_model", {"item_id": tea_item["item_id"], "model": [
        {"model_id": model_id, "model_sku": "TC-CHE-200G-V2", "original_price": 99000, "seller_stock": [{"stock": 1}]}]})
    assert answer["error"] == ""
    row = next(row for row in control.items(shop.credentials.shop_id) if row["model_id"] == str(model_id))
    assert (row["seller_sku"], row["price"], row["stock"]) == ("TC-CHE-200G-V2", 120000, 40)


async def test_update_model_of_an_unknown_model_is_refused(raw, tea_item):
    answer = raw.post("product/update_model", {"item_id": tea_item["item_id"],
                                               "model": [{"model_id": 999, "model_sku": "TC-CHE-1KG"}]})
    assert answer["error"] == "product.error_model_invalid_model_id"


async def test_delete_model_takes_the_pack_off_sale(raw, control, shop, tea_item):
    answer = raw.post("product/delete_model", {"item_id": tea_item["item_id"],
                                               "model_id": tea_item["models"]["TC-CHE-500G"]})
    assert answer["error"] == ""
    assert [row["seller_sku"] for row in control.items(shop.credentials.shop_id)] == ["TC-CHE-100G", "TC-CHE-200G"]


async def test_deleting_the_last_model_is_refused(shop, raw, tea_photo):
    item_id = await new_item(shop, tea_photo)
    [only] = raw.post("product/init_tier_variation", packs_body(item_id, PACKS[1:2]))["response"]["model"]
    answer = raw.post("product/delete_model", {"item_id": item_id, "model_id": only["model_id"]})
    assert answer["error"] == "product.error_busi_cannot_delete_all_model"
