"""Shopee's pushes: read and signed as Shopee does (reference shopee.md §6), and the sandbox pushing a shop's
sales to the address the client registers, keeping what it could not deliver for get_lost_push_message, all
over real HTTP."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator

import pytest

from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.sandbox import SandboxServer
from adapters.shopee import SPEC
from adapters.shopee.client import ShopeeAdapter
from tests.support.push_receiver import PushReceiver, Received
from tests.support.shopee import (  # noqa: F401 (fixtures)
    Control,
    RawShop,
    anyio_backend,
    connected,
    shop,
    shopee_servers,
    tea,
    tea_photo,
)

PUSH = SPEC.push
assert PUSH is not None
REFERENCE_URL = "https://example.com/shopee/push"
REFERENCE_BODY = (b'{"code":3,"shop_id":14701711,"timestamp":1660123127,"data":{"ordersn":"220810QSK8S7BX",'
                  b'"status":"PROCESSED","completed_scenario":"","update_time":1660123127,"items":[]}}')


def pushed(code: int, data: dict, shop_id: int = 701234) -> bytes:
    return json.dumps({"shop_id": shop_id, "code": code, "timestamp": 1764738000, "data": data},
                      ensure_ascii=False).encode()


# --- the protocol ------------------------------------------------------------------------------------------
def test_the_signature_is_the_reference_hmac_of_url_bar_raw_body_with_the_partner_key():
    assert PUSH.sign(REFERENCE_URL, REFERENCE_BODY, "2001887", "test-partner-key") == (
        "eb4be60bdc31fb1f9a30e6482748c5993fe9b8f1875a54ac4336da166fb20138")


def test_the_signature_equals_an_hmac_computed_by_hand_over_the_raw_bytes():
    url, raw = "https://htx-tancuong.vn/push/shopee", pushed(3, {"ordersn": "241203TANCUONG01", "status": "COMPLETED"})
    by_hand = hmac.new(b"shpk-tan-cuong", url.encode() + b"|" + raw, hashlib.sha256).hexdigest()
    assert PUSH.sign(url, raw, "2001887", "shpk-tan-cuong") == by_hand
    reserialised = json.dumps(json.loads(raw), separators=(",", ":")).encode()
    assert PUSH.sign(url, reserialised, "2001887", "shpk-tan-cuong") != by_hand


def test_the_signature_a_push_carries_is_its_authorization_header():
    assert PUSH.signature({"authorization": "abc123"}) == "abc123"
    assert PUSH.signature({"Authorization": "abc123", "Content-Type": "application/json"}) == "abc123"
    assert PUSH.signature({"Content-Type": "application/json"}) is None


def test_shopee_registers_its_push_address_through_the_api():
    assert PUSH.registered_by_api


def test_an_order_status_push_names_the_shop_and_the_order():
    notice = PUSH.read(REFERENCE_BODY)
    assert (notice.kind, notice.code, notice.shop_ref, notice.order_ref) == ("order", "3", "14701711",
                                                                             "220810QSK8S7BX")


@pytest.mark.parametrize(("code", "kind"), [(8, "reserved_stock"), (7, "promotion"), (9, "promotion"),
                                            (12, "other")])
def test_each_code_is_read_as_its_kind(code, kind):
    notice = PUSH.read(pushed(code, {"item_id": 800123}))
    assert notice.kind == kind and notice.code == str(code) and notice.order_ref is None


def test_a_push_delivered_twice_has_one_message_key():
    sale = pushed(3, {"ordersn": "241203TANCUONG01", "status": "READY_TO_SHIP", "update_time": 1764738000})
    stock = pushed(8, {"item_id": 800123, "model_id": 0, "reserved_stock": 5})
    assert PUSH.read(sale).message_key == PUSH.read(bytes(sale)).message_key
    assert PUSH.read(stock).message_key == PUSH.read(bytes(stock)).message_key
    later = pushed(3, {"ordersn": "241203TANCUONG01", "status": "CANCELLED", "update_time": 1764738600})
    assert PUSH.read(later).message_key != PUSH.read(sale).message_key


def test_a_kept_push_read_back_has_the_key_it_had_when_pushed():
    stock = pushed(8, {"item_id": 800123, "reserved_stock": 5})
    read_back = json.dumps(json.loads(stock), separators=(",", ":"), sort_keys=True).encode()
    assert PUSH.read(read_back).message_key == PUSH.read(stock).message_key


@pytest.mark.parametrize("raw", [b"not json", b"[3]", b'{"code":3}', b'{"shop_id":701234,"code":3,"data":{}}',
                                 b'{"shop_id":"HTX","code":3,"data":{"ordersn":"1"}}'])
def test_a_body_that_is_not_a_shopee_push_is_refused(raw):
    with pytest.raises(ValueError, match=r"."):
        PUSH.read(raw)


# --- the sandbox pushes ---------------------------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as receiver:
        yield receiver


@pytest.fixture
def shopee(shopee_servers) -> SandboxServer:
    """A sandbox of its own per test: its push address is the sandbox's."""
    return shopee_servers()


@pytest.fixture
async def on_sale(shop: ShopeeAdapter, tea_photo) -> str:
    """Chè búp Tân Cương, 40 packs of 200 g at 120.000 ₫, on sale in the shop: its seller SKU."""
    result = await shop.create_listing(tea(tea_photo))
    assert result.ok, result.error
    return result.seller_sku


def verified(push: Received, shop: ShopeeAdapter, url: str) -> dict:
    """The push's body, once its signature is checked with the shop's partner key."""
    expected = PUSH.sign(url, push.body, shop.credentials.app_key, shop.credentials.app_secret.get_secret_value())
    assert hmac.compare_digest(PUSH.signature(push.headers) or "", expected)
    return json.loads(push.body)


def settle(server: SandboxServer) -> None:
    assert server.sandbox.pushes.wait_idle()


@pytest.mark.anyio
async def test_the_client_registers_the_push_address_with_set_app_push_config(shopee, shop, receiver):
    assert await shop.register_push(receiver.url) is True
    assert Control(shopee).send("GET", "push")["url"] == receiver.url
    assert Control(shopee).outcomes("push/set_app_push_config") == {"200": 1}


@pytest.mark.anyio
async def test_an_address_shopee_refuses_is_a_rejected_error_naming_callback_url(shopee, shop):
    with pytest.raises(MarketplaceError) as refused:
        await shop.register_push("htx-tancuong.vn/push/shopee")
    assert refused.value.kind is ErrorKind.rejected and refused.value.info.field == "callback_url"
    assert Control(shopee).send("GET", "push")["url"] is None


@pytest.mark.anyio
async def test_a_sale_is_pushed_to_the_registered_address_signed_with_the_partner_key(shopee, shop, on_sale,
                                                                                      receiver):
    await shop.register_push(receiver.url)
    order = Control(shopee).buy(shop.credentials.shop_id, (on_sale, 2))
    [push] = receiver.wait_for(1)
    body = verified(push, shop, receiver.url)
    assert body["code"] == 3 and body["shop_id"] == int(shop.credentials.shop_id)
    assert body["data"]["ordersn"] == order["order_id"] and body["data"]["status"] == "READY_TO_SHIP"
    notice = PUSH.read(push.body)
    assert notice.kind == "order" and notice.order_ref == order["order_id"]


@pytest.mark.anyio
async def test_a_cancelled_order_is_pushed_as_cancelled(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url})
    order = Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    Control(shopee).send("POST", f"orders/{order['order_id']}/cancel")
    placed, cancelled = receiver.wait_for(2)
    assert [verified(push, shop, receiver.url)["data"]["status"] for push in (placed, cancelled)] == [
        "READY_TO_SHIP", "CANCELLED"]


@pytest.mark.anyio
async def test_an_order_that_ended_is_pushed_placed_then_with_its_end(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url})
    for status in ("completed", "returned"):
        Control(shopee).send("POST", "orders", {"shop_id": shop.credentials.shop_id, "status": status,
                                                "lines": [{"seller_sku": on_sale, "quantity": 1}]})
    statuses = [verified(push, shop, receiver.url)["data"]["status"] for push in receiver.wait_for(4)]
    assert statuses == ["READY_TO_SHIP", "COMPLETED", "READY_TO_SHIP", "TO_RETURN"]


@pytest.mark.anyio
async def test_a_slow_receiver_does_not_slow_the_sandbox_answers(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url})
    receiver.delay_s = 2.0
    started = time.monotonic()
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    await shop.list_items()
    assert time.monotonic() - started < 1.0


@pytest.mark.anyio
async def test_without_a_registered_address_a_sale_pushes_nothing_and_keeps_nothing(shopee, shop, on_sale):
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    assert Control(shopee).send("GET", "push")["log"] == []
    assert await shop.lost_pushes() == []


@pytest.mark.anyio
async def test_a_push_refused_three_times_is_kept_for_get_lost_push_message_until_confirmed(shopee, shop, on_sale,
                                                                                         receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url, "base_delay_s": 0.01})
    receiver.fail(500, 502, 503)
    order = Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    settle(shopee)
    assert len(receiver.received) == 3
    assert [entry["outcome"] for entry in Control(shopee).send("GET", "push")["log"]] == [
        "failed", "failed", "failed", "kept"]
    [lost] = await shop.lost_pushes()
    assert (lost.kind, lost.order_ref, lost.shop_ref) == ("order", order["order_id"], shop.credentials.shop_id)
    assert lost.message_key == PUSH.read(receiver.received[0].body).message_key
    assert await shop.lost_pushes() == [lost]  # kept until confirmed
    await shop.confirm_lost_pushes([lost])
    assert await shop.lost_pushes() == []


@pytest.mark.anyio
async def test_a_push_delivered_on_a_retry_is_not_kept(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url, "base_delay_s": 0.01})
    receiver.fail(500)
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    settle(shopee)
    assert len(receiver.received) == 2 and await shop.lost_pushes() == []


@pytest.mark.anyio
async def test_the_duplicate_fault_delivers_a_push_twice_under_one_message_key(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url})
    Control(shopee).send("POST", "push/faults", {"duplicate": 1, "seed": 1})
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    first, second = receiver.wait_for(2)
    assert first.body == second.body
    assert PUSH.read(first.body).message_key == PUSH.read(second.body).message_key


@pytest.mark.anyio
async def test_the_drop_fault_loses_a_push_for_good(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url})
    Control(shopee).send("POST", "push/faults", {"drop": 1, "seed": 1})
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    settle(shopee)
    assert receiver.received == [] and await shop.lost_pushes() == []
    assert [entry["outcome"] for entry in Control(shopee).send("GET", "push")["log"]] == ["dropped"]


@pytest.mark.anyio
async def test_reset_forgets_the_delivery_log_and_keeps_the_address(shopee, shop, on_sale, receiver):
    Control(shopee).send("POST", "push", {"url": receiver.url, "attempts": 1})
    receiver.fail(500)
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    settle(shopee)
    Control(shopee).send("POST", "reset")
    shown = Control(shopee).send("GET", "push")
    assert shown["url"] == receiver.url and shown["log"] == [] and shown["attempts"] == 1


@pytest.mark.anyio
async def test_order_pushes_switched_off_are_not_sent(shopee, shop, on_sale, receiver):
    raw = RawShop.of(shopee, shop)
    answer = raw.public("push/set_app_push_config", {"callback_url": receiver.url, "set_push_config_off": [3]})
    assert answer["error"] == ""
    Control(shopee).buy(shop.credentials.shop_id, (on_sale, 1))
    settle(shopee)
    assert receiver.received == []


# --- the push calls refuse what Shopee refuses ------------------------------------------------------------
@pytest.mark.anyio
@pytest.mark.parametrize(("body", "field"), [({}, "callback_url"),
                                             ({"callback_url": "htx-tancuong.vn/push"}, "callback_url"),
                                             ({"callback_url": "https://htx-tancuong.vn/push",
                                               "set_push_config_on": [3, 99]}, "set_push_config_on")])
async def test_set_app_push_config_refuses_a_missing_or_wrong_field_naming_it(shopee, shop, body, field):
    answer = RawShop.of(shopee, shop).public("push/set_app_push_config", body)
    assert answer["error"] == "push.error_param" and field in answer["message"]
    assert Control(shopee).send("GET", "push")["url"] is None


@pytest.mark.anyio
async def test_the_push_calls_refuse_a_wrong_sign(shopee, shop, receiver):
    raw = RawShop.of(shopee, shop)
    params = {"partner_id": str(raw.partner_id), "timestamp": str(int(time.time())), "sign": "0" * 64}
    answer = raw.send("POST", "push/set_app_push_config", params, {"callback_url": receiver.url}).json()
    assert answer["error"] == "error_sign"
    assert raw.send("GET", "push/get_lost_push_message", params).json()["error"] == "error_sign"
    assert Control(shopee).send("GET", "push")["url"] is None


@pytest.mark.anyio
async def test_confirming_lost_pushes_needs_the_last_message_id(shopee, shop):
    answer = RawShop.of(shopee, shop).public("push/confirm_consumed_lost_push_message", {})
    assert answer["error"] == "push.error_param" and "last_message_id" in answer["message"]
