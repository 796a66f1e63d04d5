"""The Lazada sandbox holds one product with its packs as SKUs along a variation, and refuses what Lazada
refuses about variations, with Lazada's codes inside HTTP 200."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from adapters.common.sandbox import SandboxServer
from adapters.lazada.mapping import create_payload
from adapters.lazada.sandbox import LazadaSandbox
from tests.support.lazada import LAZADA_IMAGE, WEB, Seller, buy, items, open_seller, tea

PACKS = [("Gói 100g", "TC-CHE-100G", 65000, 30), ("Gói 200g", "TC-CHE-200G", 120000, 40),
         ("Hộp 500g", "TC-CHE-500G", 280000, 12)]


@pytest.fixture(scope="module")
def lazada() -> Iterator[SandboxServer]:
    with SandboxServer(LazadaSandbox()) as server:
        yield server


@pytest.fixture
def seller(lazada) -> Seller:
    return open_seller(lazada).authorize()


def sku(option: str, seller_sku: str, price: int, stock: int, **extra: Any) -> dict[str, Any]:
    return {"SellerSku": seller_sku, "price": str(price), "quantity": str(stock), "package_weight": "0.2",
            "package_length": "18", "package_width": "10", "package_height": "5",
            "saleProp": {"Quy cách": option}, **extra}


def variation(*options: str, name: str = "Quy cách") -> dict[str, Any]:
    return {"name": name, "hasImage": False, "customize": True, "options": {"option": list(options)}}


def product(packs=PACKS) -> dict[str, Any]:
    """Chè búp Tân Cương with its packs as SKUs along the variation "Quy cách"."""
    base = json.loads(create_payload(tea("TC-CHE-200G", name="Chè búp Tân Cương", variant=""), [LAZADA_IMAGE]))
    body = base["Request"]["Product"]
    body["variation"] = {"variation1": variation(*(pack[0] for pack in packs))}
    body["Skus"] = {"Sku": [sku(*pack) for pack in packs]}
    return body


def send(seller: Seller, path: str, body: dict[str, Any]) -> dict[str, Any]:
    return seller.call(path, {"payload": json.dumps({"Request": {"Product": body}}, ensure_ascii=False)})


@pytest.fixture
def created(seller) -> dict[str, Any]:
    answer = send(seller, "/product/create", product())
    assert answer["code"] == "0", answer
    return answer["data"]


def get_item(seller: Seller, item_id: Any) -> dict[str, Any]:
    return seller.call("/product/item/get", {"item_id": str(item_id)}, method="GET")


# --- create ---------------------------------------------------------------------------------------
def test_a_product_with_a_variation_gets_one_sku_per_pack(created):
    assert [entry["seller_sku"] for entry in created["sku_list"]] == [pack[1] for pack in PACKS]
    assert len({entry["sku_id"] for entry in created["sku_list"]}) == 3


def test_item_get_returns_the_variation_and_each_skus_sale_prop(seller, created):
    data = get_item(seller, created["item_id"])["data"]
    assert data["variation"]["variation1"]["name"] == "Quy cách"
    assert data["variation"]["variation1"]["options"]["option"] == ["Gói 100g", "Gói 200g", "Hộp 500g"]
    assert [(entry["SellerSku"], entry["saleProp"], entry["price"], entry["Available"]) for entry in data["skus"]] == [
        (seller_sku, {"Quy cách": option}, float(price), stock) for option, seller_sku, price, stock in PACKS]


def test_several_skus_without_a_variation_are_refused_with_4133(seller):
    body = product()
    del body["variation"]
    assert send(seller, "/product/create", body)["code"] == "4133"


def test_three_variations_are_refused_with_the_size_limit(seller):
    body = product()
    body["variation"] |= {"variation2": variation("Vụ xuân", name="Mùa vụ"), "variation3": variation("Loại 1", name="Hạng")}
    answer = send(seller, "/product/create", body)
    assert (answer["code"], answer["message"]) == ("VARIATION_SIZE_LIMIT", "The Size Limit is: 2")


def test_two_skus_with_the_same_sale_prop_are_refused_with_4112(seller):
    body = product()
    body["Skus"]["Sku"][2]["saleProp"] = {"Quy cách": "Gói 200g"}
    assert send(seller, "/product/create", body)["code"] == "4112"


def test_images_on_some_skus_but_not_all_are_refused_with_4153(seller):
    body = product()
    body["Skus"]["Sku"][0]["Images"] = {"Image": [LAZADA_IMAGE]}
    assert send(seller, "/product/create", body)["code"] == "4153"


def test_a_sale_prop_outside_the_variations_options_is_refused_with_4133(seller):
    body = product()
    body["Skus"]["Sku"][2]["saleProp"] = {"Quy cách": "Hộp 1kg"}
    assert send(seller, "/product/create", body)["code"] == "4133"


# --- adding and removing SKUs -----------------------------------------------------------------------
def test_an_associated_sku_joins_the_existing_product(seller, lazada):
    first = send(seller, "/product/create", product(PACKS[:2]))["data"]
    body = {"AssociatedSku": "TC-CHE-100G", "variation": {"variation1": variation(*(p[0] for p in PACKS))},
            "Skus": {"Sku": [sku(*PACKS[2])]}}
    answer = send(seller, "/product/create", body)
    assert answer["code"] == "0" and answer["data"]["item_id"] == first["item_id"]
    rows = items(lazada, seller.shop_id)
    assert [(row["seller_sku"], row["item_id"]) for row in rows] == [(p[1], str(first["item_id"])) for p in PACKS]


def test_an_associated_sku_on_update_joins_the_product(seller, lazada):
    first = send(seller, "/product/create", product(PACKS[:2]))["data"]
    body = {"ItemId": str(first["item_id"]), "AssociatedSku": "TC-CHE-200G",
            "variation": {"variation1": variation(*(p[0] for p in PACKS))}, "Skus": {"Sku": [sku(*PACKS[2])]}}
    assert send(seller, "/product/update", body)["code"] == "0"
    assert [row["seller_sku"] for row in items(lazada, seller.shop_id)] == [p[1] for p in PACKS]


def test_an_associated_sku_of_a_product_without_variation_is_refused_with_4133(seller):
    assert seller.create(tea("TC-CHE-200G"))["code"] == "0"
    body = {"AssociatedSku": "TC-CHE-200G", "Skus": {"Sku": [sku(*PACKS[2])]}}
    assert send(seller, "/product/create", body)["code"] == "4133"


def test_sku_remove_takes_one_pack_off_the_product(seller, lazada, created):
    gone = created["sku_list"][2]["sku_id"]
    body = {"ItemId": str(created["item_id"]), "Skus": {"Sku": [{"SkuId": str(gone)}]}}
    assert send(seller, "/product/sku/remove", body)["code"] == "0"
    assert [row["seller_sku"] for row in items(lazada, seller.shop_id)] == ["TC-CHE-100G", "TC-CHE-200G"]


def test_sku_remove_leaving_no_sku_is_refused(seller, lazada, created):
    body = {"ItemId": str(created["item_id"]),
            "Skus": {"Sku": [{"SkuId": str(entry["sku_id"])} for entry in created["sku_list"]]}}
    assert send(seller, "/product/sku/remove", body)["code"] == "501"
    assert len(items(lazada, seller.shop_id)) == 3


# --- price, stock, orders, page -------------------------------------------------------------------
def test_price_and_quantity_are_set_per_sku(seller, lazada, created):
    dearest = created["sku_list"][2]["sku_id"]
    rows = [{"ItemId": str(created["item_id"]), "SkuId": str(dearest), "Price": "300000", "Quantity": "20"}]
    answer = seller.call("/product/price_quantity/update",
                         {"payload": json.dumps({"Request": {"Product": {"Skus": {"Sku": rows}}}})})
    assert answer["code"] == "0"
    row = next(row for row in items(lazada, seller.shop_id) if row["seller_sku"] == "TC-CHE-500G")
    assert (row["price"], row["stock"]) == (300000, 20)


def test_an_order_for_a_pack_lowers_that_skus_stock_only(seller, lazada, created):
    buy(lazada, seller.shop_id, ("TC-CHE-200G", 3))
    stock = {row["seller_sku"]: row["stock"] for row in items(lazada, seller.shop_id)}
    assert stock == {"TC-CHE-100G": 30, "TC-CHE-200G": 37, "TC-CHE-500G": 12}


def test_order_items_name_the_sku_and_its_variation(seller, lazada, created):
    order = buy(lazada, seller.shop_id, ("TC-CHE-500G", 1))
    [line] = seller.call("/order/items/get", {"order_id": order["order_id"]}, method="GET")["data"]
    assert (line["sku"], line["sku_id"], line["variation"]) == (
        "TC-CHE-500G", str(created["sku_list"][2]["sku_id"]), "Hộp 500g")


def test_the_product_page_lists_every_pack_with_its_price_and_stock(seller, lazada, created):
    page = WEB.get(f"{lazada.base_url}/shop/{seller.shop_id}/{created['item_id']}").text
    assert "65.000 ₫ - 280.000 ₫" in page and "Còn 82 sản phẩm" in page
    assert all(f'data-seller-sku="{seller_sku}"' in page for _, seller_sku, _, _ in PACKS)


# --- an existing SKU's option and package on update ---------------------------------------------------
def sku_update(created: dict[str, Any], index: int, **fields: Any) -> dict[str, Any]:
    entry = created["sku_list"][index]
    return {"SkuId": str(entry["sku_id"]), "SellerSku": entry["seller_sku"], **fields}


def update_skus(seller: Seller, created: dict[str, Any], *skus: dict[str, Any]) -> dict[str, Any]:
    return send(seller, "/product/update", {"ItemId": str(created["item_id"]), "Skus": {"Sku": list(skus)}})


def test_a_sale_prop_on_update_renames_that_skus_option_and_keeps_its_sku_id(seller, created):
    answer = update_skus(seller, created, sku_update(created, 1, saleProp={"Quy cách": "Túi zip 200g"}))
    assert answer["code"] == "0", answer
    data = get_item(seller, created["item_id"])["data"]
    assert data["variation"]["variation1"]["options"]["option"] == ["Gói 100g", "Túi zip 200g", "Hộp 500g"]
    assert [(entry["SkuId"], entry["saleProp"]) for entry in data["skus"]] == [
        (created["sku_list"][0]["sku_id"], {"Quy cách": "Gói 100g"}),
        (created["sku_list"][1]["sku_id"], {"Quy cách": "Túi zip 200g"}),
        (created["sku_list"][2]["sku_id"], {"Quy cách": "Hộp 500g"})]


def test_a_sale_prop_another_sku_has_is_refused_with_4112_and_changes_nothing(seller, created):
    answer = update_skus(seller, created, sku_update(created, 2, saleProp={"Quy cách": "Hộp 1kg"}),
                         sku_update(created, 1, saleProp={"Quy cách": "Gói 100g"}))
    assert answer["code"] == "4112"
    data = get_item(seller, created["item_id"])["data"]
    assert [entry["saleProp"]["Quy cách"] for entry in data["skus"]] == ["Gói 100g", "Gói 200g", "Hộp 500g"]


def test_a_sale_prop_the_product_does_not_have_is_refused_with_4143(seller, created):
    answer = update_skus(seller, created, sku_update(created, 1, saleProp={"Khối lượng": "200g"}))
    assert answer["code"] == "4143"


def test_package_fields_on_update_are_kept_for_that_sku(seller, created):
    answer = update_skus(seller, created, sku_update(created, 2, package_weight="0.55", package_height="8"))
    assert answer["code"] == "0", answer
    dearest = get_item(seller, created["item_id"])["data"]["skus"][2]
    assert (dearest["package_weight"], dearest["package_height"], dearest["package_length"]) == ("0.55", "8", "18")
