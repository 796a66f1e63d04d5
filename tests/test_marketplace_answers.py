"""Shopee and Lazada clients against a hostile marketplace on loopback: every answer that does not fit
the fields the client uses is a transient ``malformed_answer`` for that call, and nothing from it is
returned to the engine."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.common.contract import ItemRef, ShopCredentials, StockUpdate
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings
from adapters.lazada.client import LazadaAdapter
from adapters.shopee.client import ShopeeAdapter
from tests.support.hostile import HostileMarketplace, hostile  # noqa: F401 (fixture)

pytestmark = pytest.mark.anyio

QUICK = HttpSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=2, backoff_initial_s=0.01,
                     backoff_max_s=0.02, backoff_jitter_s=0.01)
LAST_WEEK = datetime.now(UTC) - timedelta(days=7)
FIVE_MILLION_DIGITS = b"9" * 5_000_000

SHOPEE = "/api/v2"
TEA_ITEM = {"item_id": 3000123456, "item_sku": "TN-CHE-200G", "item_name": "Chè búp Tân Cương - Gói 200g",
            "item_status": "NORMAL", "price_info": [{"original_price": 120000}],
            "stock_info_v2": {"summary_info": {"total_available_stock": 40}}}
TEA_LINE = {"item_id": 3000123456, "model_id": 0, "item_sku": "TN-CHE-200G", "model_sku": "",
            "model_quantity_purchased": 2, "model_original_price": 120000, "model_discounted_price": 120000}
TEA_ORDER = {"order_sn": "260302ABCD1234", "order_status": "READY_TO_SHIP", "create_time": 1772420000,
             "update_time": 1772420500, "total_amount": 240000, "item_list": [TEA_LINE]}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def shopee_ok(response: Any) -> dict[str, Any]:
    return {"error": "", "message": "", "request_id": "b937c5a3", "response": response}


def shopee_shop(marketplace: HostileMarketplace, told: list | None = None, http: HttpSettings = QUICK
                ) -> ShopeeAdapter:
    credentials = ShopCredentials(
        shop_id="322300222", app_key="2001887", app_secret=SecretStr("shpk-htx-tan-cuong"),
        access_token=SecretStr("6b5a4f3e2d1c0b9a"), refresh_token=SecretStr("4c72e1d0c9b8a796"),
        access_expires_at=datetime.now(UTC) + timedelta(hours=3),
    )
    return ShopeeAdapter(marketplace.base_url, credentials, http=http,
                         on_credentials=None if told is None else told.append)


async def malformed(call) -> MarketplaceError:
    with pytest.raises(MarketplaceError) as refused:
        await call
    assert (refused.value.kind, refused.value.info.code) == (ErrorKind.transient, "malformed_answer")
    return refused.value


# --- Shopee -----------------------------------------------------------------------------------------
async def test_shopee_all_null_answer_is_not_taken_for_no_orders(hostile):
    hostile.answer(f"{SHOPEE}/order/get_order_list", {"error": "", "message": "", "response": None})
    async with shopee_shop(hostile) as shop:
        await malformed(shop.orders_since(LAST_WEEK))


async def test_shopee_answer_with_every_field_null_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/product/get_item_list", {
        "error": None, "message": None, "request_id": None,
        "response": {"item": None, "total_count": None, "has_next_page": None, "next_offset": None}})
    async with shopee_shop(hostile) as shop:
        await malformed(shop.list_items())


async def test_shopee_item_id_of_five_million_digits_is_malformed_not_stored(hostile):
    hostile.answer(f"{SHOPEE}/product/get_item_list", b'{"error":"","message":"","response":{"item":[{"item_id":'
                   + FIVE_MILLION_DIGITS + b'}],"has_next_page":false,"next_offset":0}}')
    async with shopee_shop(hostile) as shop:
        await malformed(shop.list_items())
    assert not any(path.endswith("get_item_base_info") for _, path in hostile.received)


async def test_shopee_item_id_of_five_million_digit_text_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/product/get_item_list",
                   shopee_ok({"item": [{"item_id": "9" * 5_000_000}], "has_next_page": False, "next_offset": 0}))
    async with shopee_shop(hostile) as shop:
        refused = await malformed(shop.list_items())
    assert "item.0.item_id" in refused.info.message and len(refused.info.message) <= 300


async def test_shopee_negative_stock_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/product/get_item_list",
                   shopee_ok({"item": [{"item_id": 3000123456}], "has_next_page": False, "next_offset": 0}))
    below_zero = {**TEA_ITEM, "stock_info_v2": {"summary_info": {"total_available_stock": -50}}}
    hostile.answer(f"{SHOPEE}/product/get_item_base_info", shopee_ok({"item_list": [below_zero]}))
    async with shopee_shop(hostile) as shop:
        refused = await malformed(shop.list_items())
    assert "total_available_stock" in refused.info.message


async def test_shopee_order_line_without_its_quantity_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/order/get_order_list",
                   shopee_ok({"more": False, "next_cursor": "", "order_list": [{"order_sn": "260302ABCD1234"}]}))
    line = {key: value for key, value in TEA_LINE.items() if key != "model_quantity_purchased"}
    hostile.answer(f"{SHOPEE}/order/get_order_detail", shopee_ok({"order_list": [{**TEA_ORDER, "item_list": [line]}]}))
    async with shopee_shop(hostile) as shop:
        await malformed(shop.orders_since(LAST_WEEK))


async def test_shopee_well_formed_order_is_read(hostile):
    hostile.answer(f"{SHOPEE}/order/get_order_list",
                   shopee_ok({"more": False, "next_cursor": "", "order_list": [{"order_sn": "260302ABCD1234"}]}))
    hostile.answer(f"{SHOPEE}/order/get_order_detail", shopee_ok({"order_list": [TEA_ORDER]}))
    async with shopee_shop(hostile) as shop:
        [order] = await shop.orders_since(LAST_WEEK)
    assert (order.order_id, order.total, order.lines[0].seller_sku, order.lines[0].quantity) == \
        ("260302ABCD1234", 240000, "TN-CHE-200G", 2)


@pytest.mark.parametrize("body", [
    b"<html><body>502 Bad Gateway</body></html>",
    b'{"error":"","response":{"more":false,"order_list":[],"next_cursor":' + FIVE_MILLION_DIGITS + b"}}",
    b"[" * 100_000 + b"]" * 100_000,
], ids=["html", "five-million-digit-number", "nested-100000-deep"])
async def test_shopee_body_that_python_cannot_read_as_json_is_malformed(hostile, body):
    hostile.answer(f"{SHOPEE}/order/get_order_list", body)
    async with shopee_shop(hostile) as shop:
        await malformed(shop.orders_since(LAST_WEEK))


async def test_shopee_error_envelope_with_a_numeric_request_id_is_malformed_not_a_crash(hostile):
    hostile.answer(f"{SHOPEE}/product/get_item_list", {"error": "error_param", "message": "", "request_id": 5})
    async with shopee_shop(hostile) as shop:
        await malformed(shop.list_items())


async def test_shopee_page_that_points_back_at_itself_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/product/get_item_list",
                   shopee_ok({"item": [], "has_next_page": True, "next_offset": 0}))
    async with shopee_shop(hostile) as shop:
        await malformed(shop.list_items())


async def test_shopee_order_cursor_that_does_not_move_on_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/order/get_order_list",
                   shopee_ok({"more": True, "next_cursor": "", "order_list": [{"order_sn": "260302ABCD1234"}]}))
    async with shopee_shop(hostile) as shop:
        await malformed(shop.orders_since(LAST_WEEK))


async def test_shopee_stock_update_answered_with_empty_lists_is_not_a_success(hostile):
    hostile.answer(f"{SHOPEE}/product/update_stock", shopee_ok({"success_list": [], "failure_list": []}))
    ref = ItemRef(seller_sku="TN-CHE-200G", item_id="3000123456", stock=40)
    async with shopee_shop(hostile) as shop:
        [result] = await shop.update_stock([StockUpdate(ref=ref, stock=37)])
    assert not result.ok and result.error.code == "malformed_answer"


async def test_shopee_token_answer_with_an_oversized_token_changes_no_credentials(hostile):
    told: list[ShopCredentials] = []
    hostile.answer(f"{SHOPEE}/auth/access_token/get", {
        "error": "", "message": "", "access_token": "a" * 1_000_000, "refresh_token": "4c72e1d0", "expire_in": 14400})
    async with shopee_shop(hostile, told) as shop:
        await malformed(shop.refresh_credentials())
        assert shop.credentials.access_token.get_secret_value() == "6b5a4f3e2d1c0b9a"
    assert told == []


async def test_shopee_token_lifetime_out_of_range_is_malformed(hostile):
    hostile.answer(f"{SHOPEE}/auth/access_token/get", {
        "error": "", "message": "", "access_token": "9f8e7d6c", "refresh_token": "4c72e1d0", "expire_in": 10**30})
    async with shopee_shop(hostile) as shop:
        await malformed(shop.refresh_credentials())



# --- Lazada -----------------------------------------------------------------------------------------
LAZADA = "/rest"
TEA_PRODUCT = {"item_id": 1742512445, "status": "Active", "attributes": {"name": "Chè búp Tân Cương - Gói 200g"},
               "skus": [{"SkuId": 11781189655, "SellerSku": "TN-TRA-200G", "Status": "active", "price": "120000.00",
                         "multiWarehouseInventories": [{"sellableQuantity": 40}]}]}
LAZADA_ORDER = {"order_id": 205131648062345, "created_at": "2026-03-02 09:23:36 +0700",
                "updated_at": "2026-03-02 10:01:12 +0700", "price": "240000.00", "voucher": "0.00",
                "shipping_fee": "0.00", "statuses": ["pending"]}


def lazada_ok(data: Any) -> dict[str, Any]:
    return {"code": "0", "request_id": "0ba2887315178178017221014", "data": data}


def lazada_seller(marketplace: HostileMarketplace, told: list | None = None) -> LazadaAdapter:
    credentials = ShopCredentials(
        shop_id="200158723", app_key="112233", app_secret=SecretStr("lzd-htx-tan-cuong"),
        access_token=SecretStr("50000601c30atpedfgu3LVvik87Ixlsvle3mSoB7701ceb156fPunYZ43GBg"),
        refresh_token=SecretStr("50001601c30bSvx2fgu3LVvik87Ixlsvle3mSoB77"),
        access_expires_at=datetime.now(UTC) + timedelta(days=9),
    )
    return LazadaAdapter(marketplace.base_url, credentials, http=QUICK,
                         on_credentials=None if told is None else told.append)


async def test_lazada_all_null_answer_is_not_taken_for_no_orders(hostile):
    hostile.answer(f"{LAZADA}/orders/get", {"code": None, "message": None, "request_id": None, "data": None})
    async with lazada_seller(hostile) as seller:
        await malformed(seller.orders_since(LAST_WEEK))


async def test_lazada_success_without_data_is_not_taken_for_no_orders(hostile):
    hostile.answer(f"{LAZADA}/orders/get", {"code": "0", "request_id": "0ba28873", "data": None})
    async with lazada_seller(hostile) as seller:
        await malformed(seller.orders_since(LAST_WEEK))


async def test_lazada_sku_id_of_five_million_digits_is_malformed(hostile):
    hostile.answer(f"{LAZADA}/products/get", b'{"code":"0","data":{"products":[{"item_id":1742512445,"skus":'
                   b'[{"SellerSku":"TN-TRA-200G","price":"120000.00","SkuId":' + FIVE_MILLION_DIGITS + b"}]}]}}")
    async with lazada_seller(hostile) as seller:
        await malformed(seller.find_by_seller_sku("TN-TRA-200G"))


async def test_lazada_negative_sellable_stock_is_malformed(hostile):
    product = {**TEA_PRODUCT, "skus": [{**TEA_PRODUCT["skus"][0],
                                        "multiWarehouseInventories": [{"sellableQuantity": -40}]}]}
    hostile.answer(f"{LAZADA}/products/get", lazada_ok({"products": [product]}))
    async with lazada_seller(hostile) as seller:
        refused = await malformed(seller.list_items())
    assert "sellableQuantity" in refused.info.message


@pytest.mark.parametrize("price", ["Infinity", "NaN", "1e999999", "-120000.00", "một trăm nghìn"])
async def test_lazada_price_that_is_not_an_amount_in_range_is_malformed(hostile, price):
    product = {**TEA_PRODUCT, "skus": [{**TEA_PRODUCT["skus"][0], "price": price}]}
    hostile.answer(f"{LAZADA}/products/get", lazada_ok({"products": [product]}))
    async with lazada_seller(hostile) as seller:
        await malformed(seller.list_items())


async def test_lazada_order_time_that_is_not_a_time_is_malformed(hostile):
    hostile.answer(f"{LAZADA}/orders/get", lazada_ok({"orders": [{**LAZADA_ORDER, "created_at": "hôm qua"}]}))
    async with lazada_seller(hostile) as seller:
        await malformed(seller.orders_since(LAST_WEEK))


async def test_lazada_order_item_without_its_sku_is_malformed(hostile):
    hostile.answer(f"{LAZADA}/orders/get", lazada_ok({"orders": [LAZADA_ORDER]}))
    hostile.answer(f"{LAZADA}/orders/items/get", lazada_ok([{"order_id": 205131648062345, "order_items": [
        {"status": "pending", "paid_price": "120000.00"}]}]))
    async with lazada_seller(hostile) as seller:
        await malformed(seller.orders_since(LAST_WEEK))


async def test_lazada_well_formed_order_is_read(hostile):
    hostile.answer(f"{LAZADA}/orders/get", lazada_ok({"orders": [LAZADA_ORDER]}))
    unit = {"sku": "TN-TRA-200G", "status": "pending", "paid_price": "120000.00", "item_price": "120000.00"}
    hostile.answer(f"{LAZADA}/orders/items/get",
                   lazada_ok([{"order_id": 205131648062345, "order_items": [unit, unit]}]))
    async with lazada_seller(hostile) as seller:
        [order] = await seller.orders_since(LAST_WEEK)
    assert (order.order_id, order.total, order.lines[0].quantity, order.lines[0].unit_price) == \
        ("205131648062345", 240000, 2, 120000)


async def test_lazada_page_longer_than_asked_for_is_malformed(hostile):
    hostile.answer(f"{LAZADA}/products/get", lazada_ok({"products": [TEA_PRODUCT] * 51}))
    async with lazada_seller(hostile) as seller:
        await malformed(seller.list_items())


async def test_lazada_token_answer_with_a_negative_lifetime_changes_no_credentials(hostile):
    told: list[ShopCredentials] = []
    hostile.answer(f"{LAZADA}/auth/token/refresh", {
        "code": "0", "access_token": "50000601c30atpedfgu3new", "refresh_token": "50001601c30bSvx2new",
        "expires_in": -1, "refresh_expires_in": 2592000})
    async with lazada_seller(hostile, told) as seller:
        await malformed(seller.refresh_credentials())
        assert seller.credentials.access_token.get_secret_value().startswith("50000601c30atpedfgu3LVvik")
    assert told == []


async def test_lazada_success_code_as_null_is_not_a_success(hostile):
    hostile.answer(f"{LAZADA}/product/stock/sellable/update", {"code": None, "data": {}})
    ref = ItemRef(seller_sku="TN-TRA-200G", item_id="1742512445", sku_id="11781189655", stock=40)
    async with lazada_seller(hostile) as seller:
        await malformed(seller.update_stock([StockUpdate(ref=ref, stock=37)]))
