"""The Shopee client against the Shopee sandbox over real HTTP: every Adapter operation."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from adapters.common.contract import ItemRef, PriceUpdate, ShopCredentials, StockUpdate
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings
from adapters.shopee.client import ShopeeAdapter, order_status, window_starts
from tests.support.shopee import (  # noqa: F401 (fixtures)
    FAST,
    SHELF_LIFE,
    Control,
    anyio_backend,
    connected,
    honey,
    seed_failing_call,
    shop,
    shopee_servers,
    tea,
    tea_category,
    tea_photo,
)

pytestmark = pytest.mark.anyio
FAULT_RATE = 0.1


@pytest.fixture
def shopee(shopee_servers):
    """A sandbox of its own per test, so its request counts are this test's alone."""
    return shopee_servers()


async def listed(adapter: ShopeeAdapter, draft) -> ItemRef:
    result = await adapter.create_listing(draft)
    assert result.ok and result.ref is not None, result.error
    return result.ref


# --- authorisation ------------------------------------------------------------------------------
async def test_authorising_with_the_code_gives_four_hour_tokens_and_tells_the_listener(shopee):
    told: list[ShopCredentials] = []
    adapter = await connected(shopee, on_credentials=told.append)
    await adapter.aclose()
    [credentials] = told
    assert credentials.access_token and credentials.refresh_token
    lifetime = credentials.access_expires_at - datetime.now(UTC)
    assert timedelta(hours=3, minutes=59) < lifetime <= timedelta(hours=4)


async def test_a_used_code_cannot_authorise_again(shopee, shop):
    with pytest.raises(MarketplaceError) as refused:
        await shop.authorize("0" * 32)
    assert refused.value.info.code == "invalid_code"
    assert refused.value.kind is ErrorKind.rejected


async def test_token_is_refreshed_before_it_expires(shopee, shop):
    old = shop.credentials.access_token.get_secret_value()
    shop.credentials = shop.credentials.model_copy(
        update={"access_expires_at": datetime.now(UTC) + timedelta(minutes=10)})
    await shop.list_items()
    assert shop.credentials.access_token.get_secret_value() != old
    assert Control(shopee).outcomes("product/get_item_list") == {"200": 1}


async def test_an_expired_token_is_refreshed_once_and_the_call_succeeds(shopee, shop, tea_photo):
    await listed(shop, tea(tea_photo))
    told: list[ShopCredentials] = []
    shop.on_credentials = told.append
    Control(shopee).faults(expire_tokens=True)
    page = await shop.list_items()
    assert [ref.seller_sku for ref in page.items] == ["TN-CHE-200G"]
    assert len(told) == 1
    assert Control(shopee).outcomes("product/get_item_list") == {"invalid_acceess_token": 1, "200": 1}


async def test_an_unknown_token_is_refreshed_once_and_the_call_succeeds(shopee, shop):
    shop.credentials = shop.credentials.model_copy(update={"access_token": SecretStr("0" * 32)})
    assert (await shop.list_items()).items == []
    assert Control(shopee).outcomes("product/get_item_list") == {"error_auth": 1, "200": 1}


async def test_a_wrong_partner_key_is_refused_with_error_sign_and_not_retried(shopee, shop):
    shop.credentials = shop.credentials.model_copy(update={"app_secret": SecretStr("shpk-sai-khoa")})
    with pytest.raises(MarketplaceError) as refused:
        await shop.list_items()
    assert (refused.value.kind, refused.value.info.code) == (ErrorKind.rejected, "error_sign")
    assert Control(shopee).outcomes("product/get_item_list") == {"error_sign": 1}


async def test_a_refused_refresh_is_not_tried_twice(shopee, shop):
    shop.credentials = shop.credentials.model_copy(
        update={"access_token": SecretStr("0" * 32), "refresh_token": SecretStr("1" * 32)})
    with pytest.raises(MarketplaceError) as refused:
        await shop.list_items()
    assert refused.value.info.code == "error_shop_refresh_token"
    assert Control(shopee).outcomes("auth/access_token/get") == {"error_shop_refresh_token": 1}


async def test_a_shop_without_a_refresh_token_must_be_authorised_again_and_nothing_is_sent(shopee, shop):
    shop.credentials = shop.credentials.model_copy(update={"refresh_token": None})
    with pytest.raises(MarketplaceError) as refused:
        await shop.refresh_credentials()
    assert (refused.value.kind, refused.value.info.field) == (ErrorKind.auth_expired, "refresh_token")
    assert Control(shopee).outcomes("auth/access_token/get") == {}


# --- items --------------------------------------------------------------------------------------
async def test_create_listing_uploads_the_photo_and_creates_one_live_item(shopee, shop, tea_photo):
    ref = await listed(shop, tea(tea_photo))
    [item] = Control(shopee).items(shop.credentials.shop_id)
    assert (item["item_id"], item["seller_sku"], item["price"], item["stock"], item["status"]) == (
        ref.item_id, "TN-CHE-200G", 120000, 40, "live")
    assert Control(shopee).outcomes("media_space/upload_image") == {"200": 1}


async def test_creating_a_seller_sku_already_on_shopee_binds_to_it_without_a_write(shopee, shop, tea_photo):
    first = await listed(shop, tea(tea_photo))
    writes = Control(shopee).writes()
    again = await listed(shop, tea(tea_photo))
    assert again.item_id == first.item_id
    assert Control(shopee).writes() == writes


async def test_a_create_refused_for_a_missing_attribute_names_it(shop, tea_photo):
    result = await shop.create_listing(tea(tea_photo, listing_category=tea_category(SHELF_LIFE.attribute_id)))
    assert not result.ok
    assert (result.error.code, result.error.field) == ("product.error_less_required_attribute", "attribute_list")
    assert "Hạn sử dụng" in result.error.message


async def test_a_create_refused_for_a_short_name_names_the_field(shop, tea_photo):
    result = await shop.create_listing(tea(tea_photo, name="Chè", variant=""))
    assert (result.ok, result.error.code, result.error.field) == (
        False, "product.error_item_name_is_too_short", "item_name")


async def test_a_photo_no_longer_in_the_store_fails_the_item_before_add_item(shopee, shop, tea_photo, tmp_path):
    gone = tea_photo.model_copy(update={"path": str(tmp_path / "khong-co.jpg")})
    result = await shop.create_listing(tea(gone))
    assert (result.ok, result.error.field, result.error.reason) == (False, "images", "photo_missing")
    assert Control(shopee).outcomes("product/add_item") == {}


async def test_find_by_seller_sku_matches_the_whole_sku_not_a_prefix(shop, tea_photo):
    await listed(shop, tea(tea_photo, seller_sku="TN-CHE-200G-HOP"))
    assert await shop.find_by_seller_sku("TN-CHE-200G") is None
    ref = await listed(shop, tea(tea_photo))
    found = await shop.find_by_seller_sku("TN-CHE-200G")
    assert (found.item_id, found.price, found.stock, found.status) == (ref.item_id, 120000, 40, "live")


async def test_list_items_pages_through_the_shop(shop, tea_photo):
    for sku in ("TN-CHE-100G", "TN-CHE-200G", "TN-CHE-500G"):
        await listed(shop, tea(tea_photo, seller_sku=sku))
    shop.items_page_size = 2
    first = await shop.list_items()
    second = await shop.list_items(first.next_cursor)
    assert [ref.seller_sku for ref in first.items + second.items] == ["TN-CHE-100G", "TN-CHE-200G", "TN-CHE-500G"]
    assert first.next_cursor and second.next_cursor is None


async def test_update_content_renames_the_item_and_brings_an_unlisted_one_back(shopee, shop, tea_photo):
    ref = await listed(shop, tea(tea_photo))
    await shop.delist(ref)
    result = await shop.update_content(ref, tea(tea_photo, name="Chè búp Tân Cương thượng hạng"))
    assert result.ok
    [item] = Control(shopee).items(shop.credentials.shop_id)
    assert (item["name"], item["status"]) == ("Chè búp Tân Cương thượng hạng - Gói 200g", "live")


async def test_update_prices_sets_each_items_whole_dong_price(shopee, shop, tea_photo):
    che, mat_ong = await listed(shop, tea(tea_photo)), await listed(shop, honey(tea_photo))
    results = await shop.update_prices([PriceUpdate(ref=che, price=125000), PriceUpdate(ref=mat_ong, price=260000)])
    assert [(result.ok, result.ref.price) for result in results] == [(True, 125000), (True, 260000)]
    prices = {item["seller_sku"]: item["price"] for item in Control(shopee).items(shop.credentials.shop_id)}
    assert prices == {"TN-CHE-200G": 125000, "VN-MAT-ONG-500": 260000}


async def test_a_price_refused_for_one_item_does_not_stop_the_others(shopee, shop, tea_photo):
    che, mat_ong = await listed(shop, tea(tea_photo)), await listed(shop, honey(tea_photo))
    Control(shopee).send("PATCH", f"items/{che.item_id}", {"status": "deleted"})
    results = await shop.update_prices([PriceUpdate(ref=che, price=125000), PriceUpdate(ref=mat_ong, price=260000)])
    assert [result.ok for result in results] == [False, True]
    assert (results[0].error.code, results[0].error.field) == ("product.error_item_not_found", "item_id")


async def test_update_stock_sets_seller_stock(shopee, shop, tea_photo):
    ref = await listed(shop, tea(tea_photo))
    [result] = await shop.update_stock([StockUpdate(ref=ref, stock=25)])
    assert result.ok and result.ref.stock == 25
    assert Control(shopee).items(shop.credentials.shop_id)[0]["stock"] == 25


async def test_a_model_shopee_does_not_know_fails_only_that_update(shop, tea_photo):
    ref = await listed(shop, tea(tea_photo))
    results = await shop.update_stock([StockUpdate(ref=ref, stock=25),
                                       StockUpdate(ref=ref.model_copy(update={"sku_id": "9"}), stock=5)])
    assert [result.ok for result in results] == [True, False]
    assert "model_id 9" in results[1].error.message


async def test_delist_unlists_the_item_and_its_page_is_gone(shopee, shop, tea_photo):
    ref = await listed(shop, tea(tea_photo))
    result = await shop.delist(ref)
    assert result.ok and result.ref.status == "unlisted"
    assert (await shop.find_by_seller_sku("TN-CHE-200G")).status == "unlisted"
    assert Control(shopee).page(shop.credentials.shop_id, ref.item_id).status_code == 404


# --- orders -------------------------------------------------------------------------------------
async def test_orders_since_maps_lines_totals_and_statuses(shopee, shop, tea_photo):
    che, mat_ong = await listed(shop, tea(tea_photo)), await listed(shop, honey(tea_photo))
    control = Control(shopee)
    kept = control.buy(shop.credentials.shop_id, (che.seller_sku, 2), (mat_ong.seller_sku, 1))
    cancelled = control.buy(shop.credentials.shop_id, (che.seller_sku, 1))
    control.send("POST", f"orders/{cancelled['order_id']}/cancel")
    orders = {order.order_id: order for order in await shop.orders_since(datetime.now(UTC) - timedelta(hours=1))}
    placed = orders[kept["order_id"]]
    assert (placed.status, placed.marketplace_status, placed.total) == ("open", "READY_TO_SHIP", 490000)
    assert [(line.seller_sku, line.quantity, line.unit_price) for line in placed.lines] == [
        ("TN-CHE-200G", 2, 120000), ("VN-MAT-ONG-500", 1, 250000)]
    assert orders[cancelled["order_id"]].status == "cancelled"


async def test_orders_since_a_month_ago_asks_in_windows_of_at_most_15_days(shopee, shop, tea_photo):
    che = await listed(shop, tea(tea_photo))
    order = Control(shopee).buy(shop.credentials.shop_id, (che.seller_sku, 1))
    orders = await shop.orders_since(datetime.now(UTC) - timedelta(days=40))
    assert [record.order_id for record in orders] == [order["order_id"]]
    assert Control(shopee).outcomes("order/get_order_list") == {"200": 3}


async def test_orders_are_paged_by_cursor(shopee, shop, tea_photo):
    che = await listed(shop, tea(tea_photo))
    placed = [Control(shopee).buy(shop.credentials.shop_id, (che.seller_sku, 1))["order_id"] for _ in range(3)]
    shop.orders_page_size = 1
    orders = await shop.orders_since(datetime.now(UTC) - timedelta(hours=1))
    assert sorted(record.order_id for record in orders) == sorted(placed)
    assert Control(shopee).outcomes("order/get_order_list") == {"200": 3}


async def test_order_details_are_asked_for_50_orders_at_a_time(shopee, shop, tea_photo):
    che = await listed(shop, tea(tea_photo, stock=60))
    for _ in range(51):
        Control(shopee).buy(shop.credentials.shop_id, (che.seller_sku, 1))
    orders = await shop.orders_since(datetime.now(UTC) - timedelta(hours=1))
    assert len(orders) == 51
    assert Control(shopee).outcomes("order/get_order_detail") == {"200": 2}


def test_shopee_order_statuses_in_our_words():
    assert [order_status(status) for status in ("UNPAID", "READY_TO_SHIP", "IN_CANCEL", "CANCELLED", "TO_RETURN",
                                                "COMPLETED")] == ["open", "open", "open", "cancelled", "returned",
                                                                  "completed"]


def test_order_windows_cover_the_range_without_gaps():
    since = datetime(2026, 10, 1, tzinfo=UTC)
    windows = list(window_starts(since, since + timedelta(days=40)))
    assert [end - start for start, end in windows] == [timedelta(days=15), timedelta(days=15), timedelta(days=10)]
    assert all(windows[index][1] == windows[index + 1][0] for index in range(len(windows) - 1))


# --- failures -----------------------------------------------------------------------------------
async def test_a_server_error_is_retried_and_the_call_succeeds(shopee_servers):
    server = shopee_servers(seed=seed_failing_call(0, FAULT_RATE))
    adapter = await connected(server)
    Control(server).faults(error_rate=FAULT_RATE)
    assert (await adapter.list_items()).items == []
    await adapter.aclose()
    assert Control(server).outcomes("product/get_item_list") == {"injected_5xx": 1, "200": 1}


async def test_server_errors_are_given_up_after_the_last_attempt_with_a_clear_error(shopee, shop):
    Control(shopee).faults(error_rate=1.0)
    with pytest.raises(MarketplaceError) as gave_up:
        await shop.list_items()
    assert gave_up.value.kind is ErrorKind.transient
    assert "gave up after 3 attempts" in str(gave_up.value) and "error_server" in str(gave_up.value)
    assert Control(shopee).outcomes("product/get_item_list") == {"injected_5xx": 3}


async def test_rate_limit_answers_are_retried_then_given_up(shopee, shop):
    Control(shopee).faults(rate_limit_rate=1.0)
    with pytest.raises(MarketplaceError) as gave_up:
        await shop.list_items()
    assert (gave_up.value.kind, gave_up.value.info.code) == (ErrorKind.rate_limited, "error_rate_limit")
    assert Control(shopee).outcomes("product/get_item_list") == {"rate_limited": 3}


async def test_a_create_whose_answer_was_lost_is_found_by_seller_sku_not_made_twice(shopee_servers, tea_photo):
    # calls: search_item, upload_image, add_item (answer lost), then the look-up
    server = shopee_servers(seed=seed_failing_call(2, FAULT_RATE))
    short = HttpSettings(**{**FAST.model_dump(), "read_timeout_s": 0.3})
    adapter = await connected(server, http=short)
    control = Control(server)
    control.faults(timeout_rate=FAULT_RATE, timeout_s=1.0)
    result = await adapter.create_listing(tea(tea_photo))
    await adapter.aclose()
    [item] = control.items(adapter.credentials.shop_id)
    assert result.ok and result.ref.item_id == item["item_id"]
    assert control.writes() == 1
    await asyncio.sleep(1.0)  # the sandbox records the lost answer once its delay is over
    assert control.outcomes("product/add_item") == {"timeout": 1}


async def test_no_secret_reaches_logs_errors_or_reprs_in_a_run_with_failures(shopee, shop, tea_photo, caplog):
    caplog.set_level(logging.DEBUG)
    seen: list[ShopCredentials] = [shop.credentials]
    shop.on_credentials = seen.append
    control = Control(shopee)
    await listed(shop, tea(tea_photo))
    control.faults(expire_tokens=True)
    await shop.list_items()
    control.faults(error_rate=1.0)
    with pytest.raises(MarketplaceError) as gave_up:
        await shop.find_by_seller_sku("TN-CHE-200G")
    control.faults(error_rate=0)
    refused = await shop.create_listing(tea(tea_photo, seller_sku="TN-CHE-KHONG-HSD",
                                            listing_category=tea_category(SHELF_LIFE.attribute_id)))
    secrets = {shop.credentials.app_secret.get_secret_value()}
    for credentials in seen:
        secrets |= {credentials.access_token.get_secret_value(), credentials.refresh_token.get_secret_value()}
    shown = "\n".join([caplog.text, str(gave_up.value), repr(gave_up.value), repr(shop), repr(shop.credentials),
                       repr(shop.http), str(refused), repr(refused)])
    assert "sign=***" in caplog.text and len(secrets) == 5  # signed URLs were logged, redacted
    assert not [secret for secret in secrets if secret in shown]
    # a photo's name in the catalogue's store is 64 hex digits too, and no secret
    assert not re.search(r"[0-9a-f]{64}", shown.replace(tea_photo.digest, "")), "a signature reached the logs"
