"""The Lazada sandbox refuses what Lazada refuses, with Lazada's codes inside HTTP 200."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import json
import time

import httpx
import pytest

from adapters.lazada.mapping import create_payload, sku_batch_payload
from tests.support.lazada import (  # noqa: F401 (fixtures)
    LAZADA_IMAGE,
    buy,
    control,
    honey,
    lazada,
    lazada_servers,
    open_seller,
    stats,
    tea,
    tea_category,
)


def test_unsigned_call_is_refused_with_incomplete_signature(lazada):
    seller = open_seller(lazada).authorize()
    params = seller.params("/products/get", {"filter": "all"}, signed=False)
    body = seller.call("/products/get", method="GET", params=params)
    assert body["code"] == "IncompleteSignature"
    assert body["request_id"]


def test_wrongly_signed_call_is_refused_with_incomplete_signature(lazada):
    seller = open_seller(lazada).authorize()
    params = seller.params("/products/get", {"filter": "all"})
    params["filter"] = "live"  # changed after signing
    assert seller.call("/products/get", method="GET", params=params)["code"] == "IncompleteSignature"


def test_signature_over_the_wrong_path_is_refused(lazada):
    seller = open_seller(lazada).authorize()
    params = seller.params("/product/get", {"filter": "all"})
    assert seller.call("/products/get", method="GET", params=params)["code"] == "IncompleteSignature"


def test_stale_timestamp_is_refused(lazada):
    seller = open_seller(lazada).authorize()
    params = seller.params("/products/get", {"filter": "all", "timestamp": str(int((time.time() - 7300) * 1000))})
    assert seller.call("/products/get", method="GET", params=params)["code"] == "IncompleteSignature"


def test_authorisation_code_works_once(lazada):
    seller = open_seller(lazada)
    first = seller.call("/auth/token/create", {"code": seller.code}, token=False)
    assert first["code"] == "0"
    assert first["expires_in"] > 0 and first["refresh_expires_in"] > first["expires_in"]
    assert first["country_user_info"][0]["seller_id"] == seller.shop_id
    again = seller.call("/auth/token/create", {"code": seller.code}, token=False)
    assert again["code"] == "InvalidCode"


def test_a_code_for_an_existing_shop_has_lazadas_shape_and_works_once(lazada):
    seller = open_seller(lazada).authorize()
    seller.code = control(lazada, "POST", f"shops/{seller.shop_id}/code")["code"]
    assert seller.code.startswith(f"0_{seller.app_key}_")
    first = seller.call("/auth/token/create", {"code": seller.code}, token=False)
    again = seller.call("/auth/token/create", {"code": seller.code}, token=False)
    assert first["code"] == "0" and first["country_user_info"][0]["seller_id"] == seller.shop_id
    assert again["code"] == "InvalidCode"


def test_code_of_another_app_is_refused(lazada):
    mine, theirs = open_seller(lazada), open_seller(lazada, "HTX Miến dong Na Rì")
    assert mine.call("/auth/token/create", {"code": theirs.code}, token=False)["code"] == "InvalidCode"


def test_expired_access_token_is_refused_with_illegal_access_token(lazada_servers):
    server = lazada_servers(access_ttl_s=1)
    seller = open_seller(server).authorize()
    assert seller.call("/products/get", {"filter": "all"}, method="GET")["code"] == "0"
    time.sleep(1.1)
    assert seller.call("/products/get", {"filter": "all"}, method="GET")["code"] == "IllegalAccessToken"


def test_unknown_access_token_is_refused(lazada):
    seller = open_seller(lazada).authorize()
    seller.access_token = "50000000000notatoken"
    assert seller.call("/products/get", {"filter": "all"}, method="GET")["code"] == "IllegalAccessToken"


def test_refresh_token_is_spent_by_a_refresh(lazada):
    seller = open_seller(lazada).authorize()
    first = seller.call("/auth/token/refresh", {"refresh_token": seller.refresh_token}, token=False)
    assert first["code"] == "0" and first["country_user_info_list"][0]["seller_id"] == seller.shop_id
    again = seller.call("/auth/token/refresh", {"refresh_token": seller.refresh_token}, token=False)
    assert again["code"] == "IllegalRefreshToken"


def test_calls_over_the_rate_limit_get_api_call_limit(lazada_servers):
    server = lazada_servers(rate_limit_per_s=2)
    seller = open_seller(server).authorize()
    params = seller.params("/products/get", {"filter": "all"})
    url = f"{server.base_url}/rest/products/get"
    codes = [httpx.get(url, params=params, timeout=10).json()["code"] for _ in range(4)]
    assert codes[:2] == ["0", "0"]
    assert "ApiCallLimit" in codes[2:]


def test_create_answers_item_and_sku_ids(lazada):
    seller = open_seller(lazada).authorize()
    body = seller.create(tea())
    assert body["code"] == "0"
    [sku] = body["data"]["sku_list"]
    assert sku["seller_sku"] == "TN-TRA-200G" and sku["sku_id"] and body["data"]["item_id"]


def test_duplicate_seller_sku_is_refused_with_4105(lazada):
    seller = open_seller(lazada).authorize()
    assert seller.create(tea())["code"] == "0"
    assert seller.create(tea())["code"] == "4105"
    assert len(control(lazada, "GET", f"items?shop_id={seller.shop_id}")["items"]) == 1


def test_missing_category_attribute_is_refused_with_4110(lazada):
    seller = open_seller(lazada).authorize()
    product = {"PrimaryCategory": "10011", "Images": {"Image": [LAZADA_IMAGE]},
               "Attributes": {"name": "Chè búp Tân Cương đặc biệt", "description": "<p>Chè búp</p>",
                              "brand": "No Brand", "country_origin": "Việt Nam"},
               "Skus": {"Sku": [{"SellerSku": "TN-TRA-200G", "price": "120000", "quantity": "40",
                                 "package_weight": "0.2", "package_length": "18", "package_width": "10",
                                 "package_height": "5"}]}}
    body = seller.call("/product/create", {"payload": json.dumps({"Request": {"Product": product}})})
    assert body["code"] == "4110"
    assert body["detail"][0]["field"] == "shelf_life" and "Hạn sử dụng" in body["message"]


@pytest.mark.parametrize(
    ("price", "code"),
    [('"0"', "4118"), ('"120000.5"', "4104"), ("120000", "1001")],
    ids=["zero-price", "fractional-dong", "price-not-a-string"],
)
def test_bad_price_is_refused_with_lazadas_code(lazada, price, code):
    seller = open_seller(lazada).authorize()
    text = create_payload(tea(), [LAZADA_IMAGE]).replace('"price": "120000"', f'"price": {price}')
    assert seller.call("/product/create", {"payload": text})["code"] == code


def test_non_leaf_category_is_refused_with_4134(lazada):
    seller = open_seller(lazada).authorize()
    body = seller.create(tea(listing_category=tea_category(category_id="10010")))
    assert body["code"] == "4134"


def test_external_image_is_refused_with_4138(lazada):
    seller = open_seller(lazada).authorize()
    assert seller.create(tea(), ["https://htxchetancuong.vn/anh/che.jpg"])["code"] == "4138"


def test_xml_payload_is_accepted_like_json(lazada):
    seller = open_seller(lazada).authorize()
    xml = (
        "<Request><Product><PrimaryCategory>10022</PrimaryCategory>"
        f"<Images><Image>{LAZADA_IMAGE}</Image></Images>"
        "<Attributes><name>Miến dong Na Rì - Gói 500g</name><description>Miến dong Na Rì</description>"
        "<brand>No Brand</brand><shelf_life>12 tháng</shelf_life><country_origin>Việt Nam</country_origin>"
        "<net_weight>500</net_weight><ingredients>Tinh bột dong riềng</ingredients></Attributes>"
        "<Skus><Sku><SellerSku>BK-MIEN-500G</SellerSku><price>65000</price><quantity>30</quantity>"
        "<package_weight>0.5</package_weight><package_length>25</package_length><package_width>15</package_width>"
        "<package_height>4</package_height></Sku></Skus></Product></Request>"
    )
    assert seller.call("/product/create", {"payload": xml})["code"] == "0"


def test_batch_of_51_skus_is_refused_with_4171(lazada):
    seller = open_seller(lazada).authorize()
    created = seller.create(tea())["data"]
    row = {"ItemId": str(created["item_id"]), "SkuId": str(created["sku_list"][0]["sku_id"]), "Price": "125000"}
    body = seller.call("/product/price_quantity/update", {"payload": sku_batch_payload([row] * 51)})
    assert body["code"] == "4171"
    assert seller.call("/product/price_quantity/update", {"payload": sku_batch_payload([row] * 50)})["code"] == "0"


def test_price_update_keyed_by_seller_sku_alone_is_refused_with_4193(lazada):
    seller = open_seller(lazada).authorize()
    seller.create(tea())
    body = seller.call("/product/price_quantity/update",
                       {"payload": sku_batch_payload([{"SellerSku": "TN-TRA-200G", "Price": "125000"}])})
    assert body["code"] == "4193"


def test_unknown_sku_in_a_batch_is_named_in_detail_with_501(lazada):
    seller = open_seller(lazada).authorize()
    created = seller.create(tea())["data"]
    rows = [
        {"ItemId": str(created["item_id"]), "SkuId": str(created["sku_list"][0]["sku_id"]), "Price": "125000"},
        {"ItemId": "1", "SkuId": "999", "SellerSku": "TN-KHONG-CO", "Price": "90000"},
    ]
    body = seller.call("/product/price_quantity/update", {"payload": sku_batch_payload(rows)})
    assert body["code"] == "501"
    assert body["detail"] == [{"field": "SkuId", "message": "SKU_NOT_FOUND", "seller_sku": "TN-KHONG-CO",
                               "sku_id": "999"}]


def test_negative_quantity_is_refused_with_4152(lazada):
    seller = open_seller(lazada).authorize()
    created = seller.create(tea())["data"]
    row = {"ItemId": str(created["item_id"]), "SkuId": str(created["sku_list"][0]["sku_id"]), "Quantity": "-1"}
    assert seller.call("/product/price_quantity/update", {"payload": sku_batch_payload([row])})["code"] == "4152"


def test_products_page_is_at_most_50(lazada):
    seller = open_seller(lazada).authorize()
    assert seller.call("/products/get", {"filter": "all", "limit": "51"}, method="GET")["code"] == "19"


def test_deactivate_wants_api_request_body_not_payload(lazada):
    seller = open_seller(lazada).authorize()
    item_id = seller.create(tea())["data"]["item_id"]
    body = json.dumps({"Request": {"Product": {"ItemId": item_id}}})
    assert seller.call("/product/deactivate", {"payload": body})["code"] == "1"
    assert seller.call("/product/deactivate", {"apiRequestBody": body})["code"] == "0"


def test_every_write_call_is_counted_changed_or_not(lazada):
    seller = open_seller(lazada).authorize()
    seller.create(tea())
    seller.create(tea())  # refused as a duplicate, still a write call received
    seller.call("/products/get", {"filter": "all"}, method="GET")
    assert stats(lazada)["writes"] == 2
    assert stats(lazada)["requests"]["/rest/product/create"] == {"ok": 1, "4105": 1}


def test_shopper_order_is_one_item_per_unit_and_takes_stock(lazada):
    seller = open_seller(lazada).authorize()
    seller.create(tea())
    order = buy(lazada, seller.shop_id, ("TN-TRA-200G", 3))
    body = seller.call("/orders/items/get", {"order_ids": json.dumps([int(order["order_id"])])}, method="GET")
    units = body["data"][0]["order_items"]
    assert [unit["sku"] for unit in units] == ["TN-TRA-200G"] * 3
    assert len({unit["order_item_id"] for unit in units}) == 3
    assert {unit["status"] for unit in units} == {"pending"}
    product = seller.call("/products/get", {"filter": "all"}, method="GET")["data"]["products"][0]
    [inventory] = product["skus"][0]["multiWarehouseInventories"]
    assert (inventory["sellableQuantity"], inventory["occupyQuantity"], inventory["totalQuantity"]) == (37, 3, 40)


def test_cancelled_order_shows_as_canceled_and_gives_stock_back(lazada):
    seller = open_seller(lazada).authorize()
    seller.create(honey())
    order = buy(lazada, seller.shop_id, ("VN-MAT-ONG-500", 2))
    control(lazada, "POST", f"orders/{order['order_id']}/cancel")
    since = "2020-01-01T00:00:00+07:00"
    orders = seller.call("/orders/get", {"update_after": since}, method="GET")["data"]["orders"]
    assert orders[0]["statuses"] == ["canceled"]
    product = seller.call("/products/get", {"filter": "all"}, method="GET")["data"]["products"][0]
    assert product["skus"][0]["Available"] == 40


def test_orders_need_a_time_filter_in_lazada_format(lazada):
    seller = open_seller(lazada).authorize()
    assert seller.call("/orders/get", {}, method="GET")["code"] == "1"
    assert seller.call("/orders/get", {"update_after": "28/11/2026"}, method="GET")["code"] == "17"
    assert seller.call("/orders/get", {"update_after": "2026-11-28T00:00:00+07:00", "limit": "101"},
                       method="GET")["code"] == "19"


def test_order_beyond_stock_is_refused(lazada):
    seller = open_seller(lazada).authorize()
    seller.create(tea(stock=2))
    response = httpx.post(f"{lazada.base_url}/_sandbox/orders", timeout=10, json={
        "shop_id": seller.shop_id, "lines": [{"seller_sku": "TN-TRA-200G", "quantity": 3}]})
    assert response.status_code == 409


def test_product_page_shows_what_the_monitor_reads(lazada):
    seller = open_seller(lazada).authorize()
    item_id = seller.create(tea())["data"]["item_id"]
    buy(lazada, seller.shop_id, ("TN-TRA-200G", 2))
    page = httpx.get(f"{lazada.base_url}/shop/{seller.shop_id}/{item_id}", timeout=10)
    assert page.status_code == 200
    html = page.text
    ld = json.loads(html.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["@type"] == "Product" and ld["sku"] == "TN-TRA-200G"
    assert ld["name"] == "Chè búp Tân Cương đặc biệt - Gói 200g"
    assert ld["offers"] == {**ld["offers"], "price": 120000, "priceCurrency": "VND",
                            "availability": "https://schema.org/InStock"}
    assert "Đã bán 2" in html and "Còn 38 sản phẩm" in html and "120.000 ₫" in html


def test_deactivated_product_page_answers_404(lazada):
    seller = open_seller(lazada).authorize()
    item_id = seller.create(tea())["data"]["item_id"]
    seller.call("/product/deactivate", {"apiRequestBody": json.dumps({"Request": {"Product": {"ItemId": item_id}}})})
    assert httpx.get(f"{lazada.base_url}/shop/{seller.shop_id}/{item_id}", timeout=10).status_code == 404


def test_sold_out_product_page_says_so(lazada):
    seller = open_seller(lazada).authorize()
    item_id = seller.create(tea(stock=2))["data"]["item_id"]
    buy(lazada, seller.shop_id, ("TN-TRA-200G", 2))
    html = httpx.get(f"{lazada.base_url}/shop/{seller.shop_id}/{item_id}", timeout=10).text
    assert "https://schema.org/OutOfStock" in html and "Còn 0 sản phẩm" in html and "Đã bán 2" in html


def test_shipped_units_leave_the_occupied_stock_and_cannot_be_cancelled(lazada):
    seller = open_seller(lazada).authorize()
    seller.create(tea())
    order_id = buy(lazada, seller.shop_id, ("TN-TRA-200G", 3))["order_id"]
    control(lazada, "POST", f"orders/{order_id}/status", {"status": "shipped"})
    product = seller.call("/products/get", {"filter": "all"}, method="GET")["data"]["products"][0]
    [inventory] = product["skus"][0]["multiWarehouseInventories"]
    assert (inventory["sellableQuantity"], inventory["occupyQuantity"], inventory["totalQuantity"]) == (37, 0, 37)
    assert httpx.post(f"{lazada.base_url}/_sandbox/orders/{order_id}/cancel", timeout=10).status_code == 409
    items = seller.call("/order/items/get", {"order_id": order_id}, method="GET")["data"]
    assert {item["status"] for item in items} == {"shipped"}
