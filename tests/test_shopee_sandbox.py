"""The Shopee sandbox refuses what Shopee refuses, with Shopee's codes, over real HTTP."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import time

import extruct
import pytest

from adapters.common.contract import ItemRef
from adapters.common.sandbox import SandboxServer
from adapters.shopee import SPEC, mapping
from adapters.shopee.sandbox import ShopeeSandbox
from tests.support.shopee import (  # noqa: F401 (fixtures)
    WEB,
    Control,
    RawShop,
    anyio_backend,
    connected,
    shared_shopee,
    shopee,
    shopee_servers,
    tea,
    tea_photo,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
async def shop(shopee):
    adapter = await connected(shopee)
    yield adapter
    await adapter.aclose()


@pytest.fixture
def raw(shopee, shop) -> RawShop:
    return RawShop.of(shopee, shop)


@pytest.fixture
async def listed(shop, tea_photo) -> ItemRef:
    result = await shop.create_listing(tea(tea_photo))
    assert result.ok and result.ref is not None
    return result.ref


def item_list_query(**overrides):
    return {"offset": "0", "page_size": "10", "item_status": ["NORMAL"], **overrides}


async def test_a_wrong_signature_is_refused_with_error_sign(raw):
    answer = raw.get("product/get_item_list", item_list_query(), sign="0" * 64)
    assert answer["error"] == "error_sign" and answer["message"] == "Wrong sign."
    assert answer["request_id"]


async def test_a_timestamp_over_five_minutes_old_is_refused_as_expired(raw):
    answer = raw.get("product/get_item_list", item_list_query(), timestamp=int(time.time()) - 301)
    assert (answer["error"], answer["message"]) == ("error_param", "Timestamp is expired.")


async def test_a_timestamp_within_five_minutes_is_accepted(raw):
    assert raw.get("product/get_item_list", item_list_query(), timestamp=int(time.time()) - 240)["error"] == ""


async def test_an_unknown_access_token_is_refused_with_error_auth(raw):
    raw.access_token = "0" * 32
    answer = raw.get("product/get_item_list", item_list_query())
    assert (answer["error"], answer["message"]) == ("error_auth", "Invalid access_token.")


async def test_an_expired_access_token_is_refused_as_invalid(shopee, raw):
    Control(shopee).faults(expire_tokens=True)
    assert raw.get("product/get_item_list", item_list_query())["error"] == "invalid_acceess_token"


async def test_a_shop_call_without_shop_id_is_refused(raw):
    params = raw.signed("product/get_item_list")
    del params["shop_id"]
    answer = raw.send("GET", "product/get_item_list", {**item_list_query(), **params}).json()
    assert (answer["error"], answer["message"]) == ("error_param", "There is no shop_id in query.")


async def test_a_missing_required_field_is_refused_naming_the_field(raw, tea_photo):
    body = mapping.add_item_body(tea(tea_photo), [])
    del body["weight"]
    answer = raw.post("product/add_item", body)
    assert answer["error"] == "product.error_param"
    assert "weight" in answer["message"]


async def test_an_image_never_uploaded_is_refused(raw, tea_photo):
    answer = raw.post("product/add_item", mapping.add_item_body(tea(tea_photo), ["vn-11134207-made-up"]))
    assert answer["error"] == "product.error_param" and "image.image_id_list" in answer["message"]


async def test_a_vnd_price_with_a_fraction_is_refused(raw, listed):
    answer = raw.post("product/update_price", {"item_id": int(listed.item_id),
                                               "price_list": [{"original_price": 120000.5}]})
    assert answer["error"] == "product.error_param" and "original_price" in answer["message"]


async def test_a_price_below_shopees_minimum_is_refused(raw, listed):
    answer = raw.post("product/update_price", {"item_id": int(listed.item_id), "price_list": [{"original_price": 500}]})
    assert answer["error"] == "product.error_price_exceed_min_limitt"


async def test_an_unknown_model_is_reported_in_failure_list_with_a_warning(raw, listed):
    answer = raw.post("product/update_stock", {"item_id": int(listed.item_id), "stock_list": [
        {"model_id": 0, "seller_stock": [{"stock": 12}]}, {"model_id": 777, "seller_stock": [{"stock": 3}]}]})
    assert answer["error"] == "" and answer["warning"]
    assert answer["response"]["success_list"] == [{"model_id": 0, "location_id": "VNZ", "stock": 12}]
    assert [entry["model_id"] for entry in answer["response"]["failure_list"]] == [777]


async def test_more_than_50_ids_for_base_info_are_refused(raw):
    answer = raw.get("product/get_item_base_info", {"item_id_list": ",".join(str(n) for n in range(1, 52))})
    assert answer["error"] == "product.error_param" and "item_id_list" in answer["message"]


async def test_page_size_above_100_is_refused(raw):
    answer = raw.get("product/get_item_list", item_list_query(page_size="101"))
    assert answer["error"] == "product.error_param" and "page_size" in answer["message"]


async def test_an_order_window_over_15_days_is_refused(raw):
    now = int(time.time())
    answer = raw.get("order/get_order_list", {"time_range_field": "update_time", "time_from": str(now - 16 * 86400),
                                              "time_to": str(now), "page_size": "20"})
    assert answer["error"] == "order.order_list_invalid_time"


async def test_order_items_come_only_when_asked_for(shopee, raw, listed, shop):
    order = Control(shopee).buy(shop.credentials.shop_id, (listed.seller_sku, 2))
    plain = raw.get("order/get_order_detail", {"order_sn_list": order["order_id"]})["response"]["order_list"][0]
    asked = raw.get("order/get_order_detail", {"order_sn_list": order["order_id"],
                                               "response_optional_fields": "item_list"})["response"]["order_list"][0]
    assert "item_list" not in plain
    assert asked["item_list"][0]["model_quantity_purchased"] == 2
    assert asked["currency"] == "VND" and asked["order_status"] == "READY_TO_SHIP"


async def test_an_authorisation_code_works_once(shopee):
    grant = await SPEC.open_sandbox_shop(shopee.base_url, "HTX Miến dong Na Rì")
    credentials = grant.credentials
    raw = RawShop(shopee.base_url, int(credentials.app_key), credentials.app_secret.get_secret_value(),
                  int(credentials.shop_id), access_token="")
    body = {"code": grant.code, "partner_id": raw.partner_id, "shop_id": raw.shop_id}
    first, second = raw.public("auth/token/get", body), raw.public("auth/token/get", body)
    assert first["error"] == "" and first["expire_in"] == 14400 and first["access_token"]
    assert second["error"] == "invalid_code"


async def test_a_code_for_an_existing_shop_authorises_it_again_once(shopee, shop, raw):
    code = await SPEC.sandbox_code(shopee.base_url, shop.credentials.shop_id)
    body = {"code": code, "partner_id": raw.partner_id, "shop_id": raw.shop_id}
    first, second = raw.public("auth/token/get", body), raw.public("auth/token/get", body)
    assert first["error"] == "" and first["refresh_token"] != shop.credentials.refresh_token.get_secret_value()
    assert second["error"] == "invalid_code"


async def test_a_refresh_token_is_spent_by_its_first_use(shop, raw):
    spent = shop.credentials.refresh_token.get_secret_value()
    await shop.refresh_credentials()
    answer = raw.public("auth/access_token/get", {"refresh_token": spent, "partner_id": raw.partner_id,
                                                   "shop_id": raw.shop_id})
    assert answer["error"] == "error_shop_refresh_token"


async def test_a_caller_over_the_rate_limit_gets_error_rate_limit(shopee_servers):
    server = shopee_servers(rate_limit_per_s=2)
    adapter = await connected(server)
    raw = RawShop.of(server, adapter)
    await adapter.aclose()
    answers = [raw.send("GET", "product/get_item_list", {**item_list_query(), **raw.signed("product/get_item_list")})
               for _ in range(5)]
    refused = [answer for answer in answers if answer.status_code == 429]
    assert refused and refused[0].json()["error"] == "error_rate_limit"


async def test_writes_are_counted_whether_or_not_they_succeed(shopee, raw, listed):
    control = Control(shopee)
    before = control.writes()
    raw.post("product/update_price", {"item_id": int(listed.item_id), "price_list": [{"original_price": 1.5}]})
    raw.post("product/update_price", {"item_id": int(listed.item_id), "price_list": [{"original_price": 130000}]})
    assert control.writes() == before + 2


async def test_an_order_placed_by_a_shopper_reduces_the_items_stock(shopee, shop, listed):
    control = Control(shopee)
    control.buy(shop.credentials.shop_id, (listed.seller_sku, 3))
    [item] = control.items(shop.credentials.shop_id)
    assert (item["stock"], item["sold"]) == (37, 3)


async def test_an_order_for_more_than_is_left_is_refused_and_leaves_the_stock(shopee, shop, listed):
    control = Control(shopee)

    refused = WEB.post(f"{control.base_url}/_sandbox/orders", json={
        "shop_id": shop.credentials.shop_id, "lines": [{"seller_sku": listed.seller_sku, "quantity": 41}]})

    [item] = control.items(shop.credentials.shop_id)
    assert refused.status_code == 409 and "only 40" in refused.json()["error"]
    assert (item["stock"], item["sold"]) == (40, 0)


async def test_a_reset_forgets_every_shop_item_and_order(tea_photo):
    with SandboxServer(ShopeeSandbox()) as own:  # not the module's shared sandbox: a reset would wipe it
        control = Control(own)
        async with await connected(own) as adapter:
            listed = (await adapter.create_listing(tea(tea_photo))).ref
        shop_id = adapter.credentials.shop_id
        control.buy(shop_id, (listed.seller_sku, 1))

        control.send("POST", "reset")

        assert control.items(shop_id) == [] and control.send("GET", "orders")["orders"] == []
        assert WEB.post(f"{control.base_url}/_sandbox/shops/{shop_id}/code").status_code == 404


async def test_product_page_shows_what_the_monitor_reads(shopee, shop, listed):
    Control(shopee).buy(shop.credentials.shop_id, (listed.seller_sku, 3))
    page = Control(shopee).page(shop.credentials.shop_id, listed.item_id)
    assert page.status_code == 200
    [product] = extruct.extract(page.text, syntaxes=["json-ld"])["json-ld"]
    assert product["@type"] == "Product"
    assert product["name"] == "Chè búp Tân Cương đặc biệt - Gói 200g" and product["sku"] == "TN-CHE-200G"
    assert product["offers"] == {**product["offers"], "price": 120000, "priceCurrency": "VND",
                                 "availability": "https://schema.org/InStock"}
    assert "Đã bán 3" in page.text and "Còn 37 sản phẩm" in page.text and "120.000 ₫" in page.text


async def test_product_page_says_out_of_stock_when_sold_out(shopee, shop, listed):
    Control(shopee).buy(shop.credentials.shop_id, (listed.seller_sku, 40))
    page = Control(shopee).page(shop.credentials.shop_id, listed.item_id).text
    [product] = extruct.extract(page, syntaxes=["json-ld"])["json-ld"]
    assert product["offers"]["availability"] == "https://schema.org/OutOfStock"
    assert "Còn 0 sản phẩm" in page


@pytest.mark.parametrize("status", ["unlisted", "hidden", "deleted"])
async def test_an_item_off_sale_has_no_public_page(shopee, shop, listed, status):
    Control(shopee).send("PATCH", f"items/{listed.item_id}", {"status": status})
    page = Control(shopee).page(shop.credentials.shop_id, listed.item_id)
    assert page.status_code == 404
