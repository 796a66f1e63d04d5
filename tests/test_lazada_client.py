"""The Lazada client against the Lazada sandbox over real HTTP: every Adapter operation."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from pydantic import BaseModel, SecretStr

from adapters.common.contract import ItemRef, PriceUpdate, ShopCredentials, StockUpdate
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings
from adapters.lazada.client import LazadaAdapter, auth_root, normalised_status
from tests.support.lazada import (  # noqa: F401 (fixtures)
    FAST,
    LosesTheFirstCreateAnswer,
    buy,
    connected,
    control,
    honey,
    items,
    lazada,
    lazada_servers,
    open_seller,
    photo,
    stats,
    tea,
    tea_category,
)

pytestmark = pytest.mark.anyio

MONDAY = datetime(2020, 1, 6, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_authorize_stores_tokens_and_the_lifetimes_lazada_returned(lazada):
    told = []
    seller = open_seller(lazada)
    async with LazadaAdapter(lazada.base_url, _credentials(seller), http=FAST, on_credentials=told.append) as adapter:
        credentials = await adapter.authorize(seller.code)
    assert told == [credentials] and credentials.shop_id == seller.shop_id
    assert credentials.access_token and credentials.refresh_token
    assert credentials.extra["expires_in"] == "864000" and credentials.extra["refresh_expires_in"] == "4320000"
    expected = datetime.now(UTC) + timedelta(days=10)
    assert abs((credentials.access_expires_at - expected).total_seconds()) < 60


async def test_reused_authorisation_code_is_rejected(lazada):
    seller = open_seller(lazada)
    seller.authorize()
    adapter = LazadaAdapter(lazada.base_url, _credentials(seller), http=FAST)
    async with adapter:
        with pytest.raises(MarketplaceError) as refused:
            await adapter.authorize(seller.code)
    assert refused.value.kind is ErrorKind.rejected and refused.value.info.code == "InvalidCode"


def _credentials(seller):
    return ShopCredentials(shop_id=seller.shop_id, app_key=seller.app_key, app_secret=seller.app_secret)


async def test_refused_token_is_refreshed_once_and_the_call_repeated(lazada):
    told = []
    async with await connected(lazada, on_credentials=told.append) as adapter:
        first_token = adapter.credentials.access_token.get_secret_value()
        control(lazada, "POST", "faults", {"expire_tokens": True})
        assert await adapter.list_items() is not None
        assert adapter.credentials.access_token.get_secret_value() != first_token
    assert len(told) == 2
    outcomes = stats(lazada)["requests"]
    assert outcomes["/rest/products/get"] == {"IllegalAccessToken": 1, "ok": 1}
    assert outcomes["/rest/auth/token/refresh"] == {"ok": 1}


async def test_token_close_to_expiry_is_refreshed_before_the_call(lazada):
    async with await connected(lazada) as adapter:
        adapter.credentials = adapter.credentials.model_copy(
            update={"access_expires_at": datetime.now(UTC) + timedelta(hours=3)})
        await adapter.list_items()
        assert adapter.credentials.access_expires_at > datetime.now(UTC) + timedelta(days=9)
    assert stats(lazada)["requests"]["/rest/auth/token/refresh"] == {"ok": 1}


async def test_dead_refresh_token_asks_for_authorisation_again(lazada):
    async with await connected(lazada) as adapter:
        control(lazada, "POST", "faults", {"expire_tokens": True})
        adapter.credentials = adapter.credentials.model_copy(update={"refresh_token": SecretStr("50001not-a-token")})
        with pytest.raises(MarketplaceError) as refused:
            await adapter.list_items()
    assert refused.value.info.code == "IllegalRefreshToken"


async def test_a_shop_without_a_refresh_token_must_be_authorised_again_and_nothing_is_sent(lazada):
    async with await connected(lazada) as adapter:
        adapter.credentials = adapter.credentials.model_copy(update={"refresh_token": None})
        with pytest.raises(MarketplaceError) as refused:
            await adapter.refresh_credentials()
    assert (refused.value.kind, refused.value.info.field) == (ErrorKind.auth_expired, "refresh_token")
    assert "/rest/auth/token/refresh" not in stats(lazada)["requests"]


async def test_create_listing_returns_item_and_sku_ids(lazada):
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(tea())
        found = await adapter.find_by_seller_sku("TN-TRA-200G")
    assert result.ok and result.ref.item_id and result.ref.sku_id
    assert found == ItemRef(seller_sku="TN-TRA-200G", item_id=result.ref.item_id, sku_id=result.ref.sku_id,
                            name="Chè búp Tân Cương đặc biệt - Gói 200g", price=120000, stock=40, status="live",
                            reserved_stock=0)


async def test_find_by_seller_sku_misses_unknown_sku(lazada):
    async with await connected(lazada) as adapter:
        await adapter.create_listing(tea())
        assert await adapter.find_by_seller_sku("TN-TRA") is None


async def test_create_of_a_sku_already_on_lazada_binds_instead_of_creating(lazada):
    async with await connected(lazada) as adapter:
        first = await adapter.create_listing(tea())
        again = await adapter.create_listing(tea())
    assert again.ok and again.ref.item_id == first.ref.item_id
    assert stats(lazada)["requests"]["/rest/product/create"] == {"ok": 1}


async def test_create_whose_answer_was_lost_is_not_duplicated(lazada):
    """The sandbox creates the product, then holds the answer past the client's read timeout."""
    settings = FAST.model_copy(update={"read_timeout_s": 0.3})
    network = LosesTheFirstCreateAnswer(lazada.base_url)
    async with await connected(lazada, http=settings, transport=network) as adapter:
        result = await adapter.create_listing(tea())
    assert result.ok
    shop_items = items(lazada, adapter.credentials.shop_id)
    assert [item["seller_sku"] for item in shop_items] == ["TN-TRA-200G"]
    assert result.ref.item_id == shop_items[0]["item_id"]
    await asyncio.sleep(1.0)  # the sandbox records the held-back answer once it has given up on it
    assert stats(lazada)["requests"]["/rest/product/create"] == {"timeout": 1}


async def test_rejected_create_names_lazadas_code_field_and_what_it_means_for_a_clerk(lazada):
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(tea(listing_category=tea_category(category_id="10010")))
    assert not result.ok
    assert (result.error.kind, result.error.code, result.error.field, result.error.reason) == (
        ErrorKind.rejected, "4134", "PrimaryCategory", "unknown_category")


async def test_a_draft_without_a_lazada_category_is_refused_before_any_call(lazada):
    async with await connected(lazada) as adapter:
        with pytest.raises(MarketplaceError) as refused:
            await adapter.create_listing(tea(listing_category=None))
    assert (refused.value.kind, refused.value.info.reason) == (ErrorKind.rejected, "unmapped_category")
    assert set(stats(lazada)["requests"]) == {"/rest/auth/token/create"}


def test_image_payload_broken_by_a_url_in_cdata_is_refused_as_lazada_does(lazada):
    seller = open_seller(lazada).authorize()
    broken = ('<?xml version="1.0" encoding="UTF-8"?><Request><Image><Url><![CDATA['
              "https://htxchetancuong.vn/anh/che.jpg?c=]]></Url>]]></Url></Image></Request>")
    body = seller.call("/image/migrate", {"payload": broken})
    assert (body["code"], body["message"]) == ("5", "E005: Invalid Request Format")


async def test_product_name_with_xml_markup_reaches_lazada_exactly_as_given(lazada):
    name = "Chè búp Tân Cương </Name><Evil>giá 1đ</Evil> ]]> & <![CDATA[đặc biệt"
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(tea(name=name))
        [item] = items(lazada, adapter.credentials.shop_id)
    assert result.ok and item["name"] == f"{name} - Gói 200g"


async def test_a_photo_from_the_catalogue_is_uploaded_and_its_hosted_url_reported(lazada, tmp_path):
    honey_photo = photo(tmp_path, colour=(212, 160, 23))
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(honey(images=[honey_photo]))
        product = await _raw_product(adapter)
    assert result.ok and result.photos == {honey_photo.digest: product["images"][0]}
    assert product["images"][0].startswith("https://vn-live-01.slatic.net/")
    assert stats(lazada)["requests"]["/rest/image/upload"] == {"ok": 1}


async def test_a_photo_this_shop_already_holds_is_not_uploaded_again(lazada, tmp_path):
    held = photo(tmp_path, remote="https://vn-live-01.slatic.net/p/mat-ong-vo-nhai.jpg")
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(honey(images=[held]))
        product = await _raw_product(adapter)
    assert result.ok and result.photos == {}
    assert product["images"] == ["https://vn-live-01.slatic.net/p/mat-ong-vo-nhai.jpg"]
    assert "/rest/image/upload" not in stats(lazada)["requests"]


async def test_photos_uploaded_before_a_refusal_are_reported_so_a_retry_does_not_upload_them(lazada, tmp_path):
    first = photo(tmp_path, colour=(212, 160, 23))
    refused_category = tea_category(category_id="10010")
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(honey(images=[first], listing_category=refused_category))
    assert not result.ok and result.error.code == "4134"
    assert list(result.photos) == [first.digest]


async def test_too_small_image_is_a_rejection_of_the_images_field(lazada, tmp_path):
    small = photo(tmp_path, side=100)
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(honey(images=[small]))
    assert not result.ok and result.error.field == "images" and result.error.code == "301"
    assert result.error.reason == "photo_too_small"


async def test_a_photo_gone_from_the_store_is_refused_without_a_call(lazada, tmp_path):
    gone = photo(tmp_path)
    Path(gone.path).unlink()
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(honey(images=[gone]))
    assert not result.ok and result.error.reason == "photo_missing"
    assert "/rest/image/upload" not in stats(lazada)["requests"]


async def test_update_content_renames_and_reactivates(lazada):
    async with await connected(lazada) as adapter:
        created = (await adapter.create_listing(tea())).ref
        await adapter.delist(created)
        result = await adapter.update_content(created, tea(name="Chè búp Tân Cương thượng hạng"))
        found = await adapter.find_by_seller_sku("TN-TRA-200G")
    assert result.ok
    assert found.name == "Chè búp Tân Cương thượng hạng - Gói 200g" and found.status == "live"


async def test_update_content_finds_the_sku_id_when_missing(lazada):
    async with await connected(lazada) as adapter:
        created = (await adapter.create_listing(tea())).ref
        result = await adapter.update_content(ItemRef(seller_sku="TN-TRA-200G", item_id=created.item_id),
                                              tea(description="Vụ xuân 2026."))
    assert result.ok and result.ref.sku_id == created.sku_id


async def _seed(seller, count: int) -> list[ItemRef]:
    refs = []
    for number in range(count):
        data = seller.create(tea(f"TN-TRA-{number:03d}", name=f"Chè búp Tân Cương lô {number:03d}"))["data"]
        sku = data["sku_list"][0]
        refs.append(ItemRef(seller_sku=sku["seller_sku"], item_id=str(data["item_id"]), sku_id=str(sku["sku_id"])))
    return refs


async def test_prices_go_in_batches_of_20_keyed_by_sku_id(lazada):
    seller = open_seller(lazada).authorize()
    refs = await _seed(seller, 25)
    async with LazadaAdapter(lazada.base_url, _tokens(seller), http=FAST) as adapter:
        results = await adapter.update_prices([PriceUpdate(ref=ref, price=135000) for ref in refs])
    assert [r.seller_sku for r in results] == [ref.seller_sku for ref in refs]
    assert all(r.ok and r.ref.price == 135000 for r in results)
    assert {item["price"] for item in items(lazada, seller.shop_id)} == {135000}
    assert stats(lazada)["requests"]["/rest/product/price_quantity/update"] == {"ok": 2}


async def test_prices_for_70_skus_known_only_by_seller_sku_are_all_found_and_sent(lazada):
    seller = open_seller(lazada).authorize()
    refs = [ItemRef(seller_sku=ref.seller_sku, item_id=ref.item_id) for ref in await _seed(seller, 70)]
    async with LazadaAdapter(lazada.base_url, _tokens(seller), http=FAST) as adapter:
        results = await adapter.update_prices([PriceUpdate(ref=ref, price=142000) for ref in refs])
    assert [r.error for r in results if not r.ok] == []
    assert {item["price"] for item in items(lazada, seller.shop_id)} == {142000}


def _tokens(seller):
    return _credentials(seller).model_copy(update={"access_token": SecretStr(seller.access_token),
                                                    "refresh_token": SecretStr(seller.refresh_token)})


async def test_batch_refused_as_too_large_is_split_and_retried(lazada_servers):
    server = lazada_servers(max_skus_per_call=8)
    seller = open_seller(server).authorize()
    refs = await _seed(seller, 20)
    async with LazadaAdapter(server.base_url, _tokens(seller), http=FAST) as adapter:
        results = await adapter.update_prices([PriceUpdate(ref=ref, price=118000) for ref in refs])
    assert all(r.ok for r in results)
    assert {item["price"] for item in items(server, seller.shop_id)} == {118000}
    outcomes = stats(server)["requests"]["/rest/product/price_quantity/update"]
    assert outcomes["4171"] >= 1 and outcomes["ok"] >= 3


async def test_unknown_sku_fails_alone_from_detail_and_the_rest_is_read_back(lazada):
    seller = open_seller(lazada).authorize()
    refs = await _seed(seller, 2)
    ghost = ItemRef(seller_sku="TN-DA-XOA", item_id="1", sku_id="999")
    async with LazadaAdapter(lazada.base_url, _tokens(seller), http=FAST) as adapter:
        results = await adapter.update_prices([PriceUpdate(ref=ref, price=99000) for ref in [refs[0], ghost, refs[1]]])
    assert [r.ok for r in results] == [True, False, True]
    assert (results[1].error.code, results[1].error.message) == ("501", "SKU_NOT_FOUND")


async def test_price_for_a_sku_missing_on_lazada_fails_without_a_call(lazada):
    async with await connected(lazada) as adapter:
        [result] = await adapter.update_prices([PriceUpdate(ref=ItemRef(seller_sku="TN-KHONG-CO", item_id="0"),
                                                            price=99000)])
    assert not result.ok and result.error.field == "SkuId"
    assert "/rest/product/price_quantity/update" not in stats(lazada)["requests"]


async def test_stock_is_pushed_as_sellable_so_open_orders_are_not_counted_twice(lazada):
    async with await connected(lazada) as adapter:
        ref = (await adapter.create_listing(tea())).ref
        buy(lazada, adapter.credentials.shop_id, ("TN-TRA-200G", 3))
        # our ledger took the 3 sold units off as well: 40 - 3 = 37 available to sell
        [result] = await adapter.update_stock([StockUpdate(ref=ref, stock=37)])
        found = await adapter.find_by_seller_sku("TN-TRA-200G")
        seller_view = (await _raw_product(adapter))["skus"][0]["multiWarehouseInventories"][0]
    assert result.ok and found.stock == 37
    assert (seller_view["sellableQuantity"], seller_view["occupyQuantity"], seller_view["totalQuantity"]) == (37, 3, 40)
    assert stats(lazada)["requests"]["/rest/product/stock/sellable/update"] == {"ok": 1}


class _RawAnswer(BaseModel):
    data: dict[str, Any]


async def _raw_product(adapter):
    answer = await adapter._call("GET", "/products/get", _RawAnswer, {"filter": "all", "limit": "50"})
    return answer.data["products"][0]


async def test_list_items_pages_by_50(lazada):
    seller = open_seller(lazada).authorize()
    await _seed(seller, 55)
    async with LazadaAdapter(lazada.base_url, _tokens(seller), http=FAST) as adapter:
        first = await adapter.list_items()
        second = await adapter.list_items(first.next_cursor)
    assert len(first.items) == 50 and first.next_cursor
    assert len(second.items) == 5 and second.next_cursor is None
    assert len({ref.seller_sku for ref in first.items + second.items}) == 55


async def test_delist_takes_the_item_off_the_shop_and_twice_is_fine(lazada):
    async with await connected(lazada) as adapter:
        ref = (await adapter.create_listing(tea())).ref
        first = await adapter.delist(ref)
        again = await adapter.delist(ref)
        found = await adapter.find_by_seller_sku("TN-TRA-200G")
    assert first.ok and again.ok and found.status == "unlisted"
    async with httpx.AsyncClient(base_url=lazada.base_url) as shopper:
        page = await shopper.get(f"/shop/{adapter.credentials.shop_id}/{ref.item_id}")
    assert page.status_code == 404


async def test_orders_since_counts_one_unit_per_order_item(lazada):
    async with await connected(lazada) as adapter:
        await adapter.create_listing(tea())
        await adapter.create_listing(honey())
        shop = adapter.credentials.shop_id
        placed = buy(lazada, shop, ("TN-TRA-200G", 3), ("VN-MAT-ONG-500", 1))
        [order] = await adapter.orders_since(MONDAY)
    assert order.order_id == placed["order_id"] and order.status == "open"
    assert order.marketplace_status == "pending" and order.total == 3 * 120000 + 250000
    assert {(line.seller_sku, line.quantity, line.unit_price) for line in order.lines} == {
        ("TN-TRA-200G", 3, 120000), ("VN-MAT-ONG-500", 1, 250000)}
    assert order.placed_at.utcoffset() == timedelta(hours=7)


async def test_cancelled_order_comes_back_cancelled(lazada):
    async with await connected(lazada) as adapter:
        await adapter.create_listing(honey())
        placed = buy(lazada, adapter.credentials.shop_id, ("VN-MAT-ONG-500", 2))
        control(lazada, "POST", f"orders/{placed['order_id']}/cancel")
        [order] = await adapter.orders_since(MONDAY)
    assert (order.status, order.marketplace_status) == ("cancelled", "canceled")
    assert [(line.seller_sku, line.quantity) for line in order.lines] == [("VN-MAT-ONG-500", 2)]


@pytest.mark.parametrize(("lazada_status", "ours"), [("ready_to_ship", "open"), ("delivered", "completed"),
                                                     ("returned", "returned"), ("failed_delivery", "cancelled")])
async def test_fulfilled_order_status_is_ours(lazada, lazada_status, ours):
    async with await connected(lazada) as adapter:
        await adapter.create_listing(tea())
        placed = buy(lazada, adapter.credentials.shop_id, ("TN-TRA-200G", 2))
        control(lazada, "POST", f"orders/{placed['order_id']}/status", {"status": lazada_status})
        [order] = await adapter.orders_since(MONDAY)
    assert (order.status, order.marketplace_status) == (ours, lazada_status)
    assert [(line.seller_sku, line.quantity) for line in order.lines] == [("TN-TRA-200G", 2)]


async def test_orders_after_the_watermark_only(lazada):
    async with await connected(lazada) as adapter:
        await adapter.create_listing(honey())
        buy(lazada, adapter.credentials.shop_id, ("VN-MAT-ONG-500", 1))
        assert await adapter.orders_since(datetime.now(UTC) + timedelta(minutes=5)) == []


async def test_orders_past_the_offset_cap_move_the_watermark(lazada):
    async with await connected(lazada) as adapter:
        await adapter.create_listing(honey(stock=100))
        placed = []
        for count in (3, 2, 2):  # three seconds of updated_at
            placed += [buy(lazada, adapter.credentials.shop_id, ("VN-MAT-ONG-500", 1))["order_id"]
                       for _ in range(count)]
            await asyncio.sleep(1.05)
        adapter.orders_page_limit, adapter.orders_max_offset = 2, 2
        orders = await adapter.orders_since(MONDAY)
    assert sorted(order.order_id for order in orders) == sorted(placed)
    assert stats(lazada)["requests"]["/rest/orders/get"]["ok"] >= 4


async def test_api_call_limit_is_waited_out(lazada_servers):
    server = lazada_servers(rate_limit_per_s=1)
    patient = FAST.model_copy(update={"backoff_max_s": 1.5})
    async with await connected(server, http=patient) as adapter:
        await adapter.create_listing(tea())
    refused = [path for path, outcomes in stats(server)["requests"].items() if "rate_limited" in outcomes]
    assert refused
    assert len(items(server, adapter.credentials.shop_id)) == 1


async def test_internal_errors_are_retried(lazada_servers):
    lazada = lazada_servers(seed=20261128)
    async with await connected(lazada) as adapter:
        control(lazada, "POST", "faults", {"error_rate": 0.5})
        results = [await adapter.find_by_seller_sku("TN-TRA-200G") for _ in range(4)]
    assert results == [None] * 4
    assert stats(lazada)["requests"]["/rest/products/get"].get("injected_5xx", 0) >= 1


async def test_unreachable_lazada_is_a_transient_failure():
    settings = HttpSettings(connect_timeout_s=0.2, read_timeout_s=0.2, max_attempts=2, backoff_initial_s=0.01,
                            backoff_max_s=0.01, backoff_jitter_s=0)
    credentials = ShopCredentials(shop_id="1", app_key="100001", app_secret="bí-mật", access_token="t")
    async with LazadaAdapter("http://127.0.0.1:9", credentials, http=settings) as adapter:
        with pytest.raises(MarketplaceError) as failed:
            await adapter.find_by_seller_sku("TN-TRA-200G")
    assert failed.value.kind is ErrorKind.transient


async def test_no_secret_reaches_the_logs(lazada, caplog):
    caplog.set_level(logging.DEBUG)
    grant_seller = open_seller(lazada)
    async with LazadaAdapter(lazada.base_url, _credentials(grant_seller), http=FAST) as adapter:
        await adapter.authorize(grant_seller.code)
        control(lazada, "POST", "faults", {"expire_tokens": True})
        await adapter.create_listing(tea())
        credentials = adapter.credentials
    secrets = [grant_seller.app_secret, grant_seller.code, credentials.access_token.get_secret_value(),
               credentials.refresh_token.get_secret_value()]
    assert "IllegalAccessToken" in caplog.text
    assert not [secret for secret in secrets if secret in caplog.text]
    assert "sign=" not in caplog.text.replace("sign=***", "")


@pytest.mark.parametrize(
    ("statuses", "expected"),
    [
        (["unpaid"], "open"),
        (["pending", "ready_to_ship"], "open"),
        (["shipped", "delivered"], "open"),
        (["delivered"], "completed"),
        (["delivered", "canceled"], "completed"),
        (["canceled"], "cancelled"),
        (["failed_delivery", "shipped_back_success"], "cancelled"),
        (["returned"], "returned"),
        (["returned", "canceled"], "returned"),
    ],
)
def test_order_status_is_normalised_from_its_item_statuses(statuses, expected):
    assert normalised_status(statuses) == expected


@pytest.mark.parametrize(
    ("base_url", "auth"),
    [
        ("https://api.lazada.vn/rest", "https://auth.lazada.com"),
        ("https://api.lazada.vn", "https://auth.lazada.com"),
        ("http://127.0.0.1:8702", "http://127.0.0.1:8702"),
    ],
)
def test_token_calls_go_to_the_auth_host_of_real_lazada_only(base_url, auth):
    credentials = ShopCredentials(shop_id="1", app_key="100132", app_secret="bí-mật")
    assert auth_root(base_url, credentials) == auth


async def test_concurrent_refusals_refresh_the_token_once(lazada):
    async with await connected(lazada) as adapter:
        control(lazada, "POST", "faults", {"expire_tokens": True})
        found = await asyncio.gather(*(adapter.find_by_seller_sku(f"TN-TRA-{n}") for n in range(3)))
    assert found == [None, None, None]
    assert stats(lazada)["requests"]["/rest/auth/token/refresh"] == {"ok": 1}


async def test_create_failing_with_server_errors_is_sent_again_and_made_once(lazada_servers):
    lazada = lazada_servers(seed=7)
    patient = FAST.model_copy(update={"max_attempts": 6})
    async with await connected(lazada, http=patient) as adapter:
        control(lazada, "POST", "faults", {"error_rate": 0.5})
        result = await adapter.create_listing(honey())
        control(lazada, "POST", "faults", {"error_rate": 0})
        shop_items = items(lazada, adapter.credentials.shop_id)
    assert result.ok and [item["item_id"] for item in shop_items] == [result.ref.item_id]
    assert stats(lazada)["requests"]["/rest/product/create"].get("injected_5xx", 0) >= 1
