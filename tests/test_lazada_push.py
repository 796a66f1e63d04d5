"""Lazada's push: read and signed as Lazada does (reference lazada.md §6), and the sandbox pushing its orders
that way to a registered address, retrying a failed delivery up to 12 times."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from adapters.common.sandbox import SandboxServer
from adapters.lazada import SPEC
from tests.support.lazada import buy, control, lazada, lazada_servers, open_seller, tea  # noqa: F401 (fixtures)

PUSH = SPEC.push
# The example of lazada.md §6: app key 123456, secret helloworld
SAMPLE = (b'{"seller_id":"1234567","message_type":0,"data":{"order_status":"pending","trade_order_id":"260422900198363",'
          b'"trade_order_line_id":"260422900298363","status_update_time":1603698638},"timestamp":1603766859530,'
          b'"site":"lazada_vn"}')


def message(message_type: int, data: dict[str, Any], *, timestamp: int = 1764750000000) -> bytes:
    body = {"seller_id": "200100123", "message_type": message_type, "data": data, "timestamp": timestamp,
            "site": "lazada_vn"}
    return json.dumps(body, separators=(",", ":")).encode()


# --- signature ------------------------------------------------------------------------------------------------
def test_the_signature_is_the_hmac_of_the_app_key_and_the_raw_body_keyed_with_the_app_secret():
    by_hand = hmac.new(b"helloworld", b"123456" + SAMPLE, hashlib.sha256).hexdigest()

    assert PUSH.sign("https://htx.example.vn/push/lazada", SAMPLE, "123456", "helloworld") == by_hand
    assert by_hand == "3cb11a521d7196a3475339c411178f258bea8da744c84d497633759ce3572c0d"  # Lazada's own example


def test_the_signature_does_not_depend_on_the_address_pushed_to():
    assert PUSH.sign("https://a.example.vn/push/lazada", SAMPLE, "123456", "helloworld") == PUSH.sign(
        "https://b.example.vn/push/lazada", SAMPLE, "123456", "helloworld")


def test_the_same_json_spaced_differently_has_another_signature():
    respaced = json.dumps(json.loads(SAMPLE)).encode()

    assert PUSH.sign("", respaced, "123456", "helloworld") != PUSH.sign("", SAMPLE, "123456", "helloworld")


def test_the_signature_is_read_from_the_authorization_header_in_any_case():
    assert PUSH.signature({"authorization": "3cb11a52"}) == "3cb11a52"
    assert PUSH.signature({"Authorization": "3cb11a52"}) == "3cb11a52"
    assert PUSH.signature({"Content-Type": "application/json"}) is None


def test_the_push_address_is_set_by_hand_in_the_app_console():
    assert PUSH.registered_by_api is False
    assert "App Console" in PUSH.console_hint and "Push Mechanism" in PUSH.console_hint


# --- reading ---------------------------------------------------------------------------------------------------
def test_a_trade_order_message_names_the_seller_and_the_order():
    notice = PUSH.read(SAMPLE)

    assert (notice.shop_ref, notice.kind, notice.code, notice.order_ref) == (
        "1234567", "order", "0", "260422900198363")


def test_a_trade_order_delivered_twice_has_one_key_even_with_a_new_envelope_timestamp():
    data = {"order_status": "pending", "trade_order_id": "300100", "trade_order_line_id": "30010001001",
            "status_update_time": 1764749990}

    assert PUSH.read(message(0, data)).message_key == PUSH.read(message(0, data, timestamp=1764750060000)).message_key


def test_the_next_status_of_the_same_order_line_is_another_message():
    pending = {"order_status": "pending", "trade_order_id": "300100", "trade_order_line_id": "30010001001"}
    canceled = {**pending, "order_status": "canceled"}

    assert PUSH.read(message(0, pending)).message_key != PUSH.read(message(0, canceled)).message_key


def test_a_reverse_order_message_names_the_order_it_reverses():
    data = {"order_status": "returned", "trade_order_id": "300100", "trade_order_line_id": "30010001001",
            "reverse_order_id": "900100", "reverse_order_line_id": "90010001"}

    notice = PUSH.read(message(10, data))

    assert (notice.kind, notice.code, notice.order_ref) == ("order", "10", "300100")


def test_a_reverse_order_delivered_twice_has_one_key():
    data = {"trade_order_id": "300100", "reverse_order_id": "900100", "reverse_order_line_id": "90010001"}

    assert PUSH.read(message(10, data)).message_key == PUSH.read(message(10, data, timestamp=1)).message_key


def test_a_shallow_stock_message_is_kept_as_other_news_naming_no_order():
    notice = PUSH.read(message(6, {"seller_sku": "TN-TRA-200G", "sellable_quantity": 3}))

    assert (notice.kind, notice.code, notice.order_ref, notice.shop_ref) == ("other", "6", None, "200100123")


def test_a_token_expiry_warning_is_other_news():
    assert PUSH.read(message(8, {"expire_time": 1764922800})).kind == "other"


@pytest.mark.parametrize("raw", [
    b"not json", b"\xff\xfe", b"[]", b'{"message_type":0,"data":{}}', b'{"seller_id":"1","data":{}}',
    b'{"seller_id":"1","message_type":"0","data":{}}', b'{"seller_id":"1","message_type":0}',
])
def test_a_body_that_is_not_a_lazada_push_is_refused(raw: bytes):
    with pytest.raises(ValueError):
        PUSH.read(raw)


# --- the sandbox pushing ----------------------------------------------------------------------------------------
@dataclass
class Receiver:
    """An address pushes are sent to: it keeps every request and answers with ``answers`` in turn, then
    ``status``."""

    status: int = 200
    answers: list[int] = field(default_factory=list)
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}/push/lazada"

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw, _ in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    kept = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            kept.received.append((raw, dict(self.headers.items())))
            self.send_response(kept.answers.pop(0) if kept.answers else kept.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    kept.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=kept.server.serve_forever, daemon=True)
    thread.start()
    yield kept
    kept.server.shutdown()
    thread.join(timeout=5)


def selling_tea(server: SandboxServer, receiver: Receiver, **push_settings: Any):
    """A Lazada shop selling tea, its sandbox pushing to ``receiver``."""
    seller = open_seller(server).authorize()
    assert seller.create(tea())["code"] == "0"
    control(server, "POST", "push", {"url": receiver.url, "base_delay_s": 0, **push_settings})
    return seller


def seconds(moment: str) -> int:
    return int(datetime.fromisoformat(moment).timestamp())


def delivered(server: SandboxServer) -> None:
    assert server.sandbox.pushes.wait_idle(10), "pushes still pending"


def test_a_sale_is_pushed_signed_with_the_shops_app_key_and_secret(lazada, receiver):
    seller = selling_tea(lazada, receiver)

    order = buy(lazada, seller.shop_id, ("TN-TRA-200G", 1))
    delivered(lazada)

    [(raw, headers)] = receiver.received
    assert PUSH.signature(headers) == PUSH.sign(receiver.url, raw, seller.app_key, seller.app_secret)
    notice = PUSH.read(raw)
    assert (notice.shop_ref, notice.kind, notice.order_ref) == (seller.shop_id, "order", order["order_id"])
    body = json.loads(raw)
    assert (body["message_type"], body["site"], body["data"]["order_status"]) == (0, "lazada_vn", "pending")


def test_each_unit_sold_is_its_own_order_item_and_its_own_message(lazada, receiver):
    seller = selling_tea(lazada, receiver)

    buy(lazada, seller.shop_id, ("TN-TRA-200G", 2))
    delivered(lazada)

    lines = {body["data"]["trade_order_line_id"] for body in receiver.bodies()}
    assert len(receiver.received) == 2 and len(lines) == 2


def test_a_cancellation_and_lazadas_status_changes_are_pushed_with_lazadas_statuses(lazada, receiver):
    seller = selling_tea(lazada, receiver)
    first = buy(lazada, seller.shop_id, ("TN-TRA-200G", 1))["order_id"]
    second = buy(lazada, seller.shop_id, ("TN-TRA-200G", 1))["order_id"]

    control(lazada, "POST", f"orders/{first}/cancel")
    control(lazada, "POST", f"orders/{second}/status", {"status": "packed"})
    control(lazada, "POST", f"orders/{second}/status", {"status": "delivered"})
    delivered(lazada)

    statuses = [(body["data"]["trade_order_id"], body["data"]["order_status"]) for body in receiver.bodies()]
    assert statuses == [(first, "pending"), (second, "pending"), (first, "canceled"), (second, "packed"),
                        (second, "delivered")]


def test_an_order_from_the_past_is_pushed_as_placed_then_as_it_ended(lazada, receiver):
    seller = selling_tea(lazada, receiver)

    placed, returned = "2026-11-02T09:00:00+07:00", "2026-11-09T15:30:00+07:00"

    control(lazada, "POST", "orders", {"shop_id": seller.shop_id, "status": "returned", "created_at": placed,
                                       "updated_at": returned,
                                       "lines": [{"seller_sku": "TN-TRA-200G", "quantity": 1}]})
    delivered(lazada)

    assert [(body["data"]["order_status"], body["data"]["status_update_time"]) for body in receiver.bodies()] == [
        ("pending", seconds(placed)), ("returned", seconds(returned))]


def test_a_push_the_receiver_keeps_failing_is_tried_12_times(lazada, receiver):
    receiver.status = 503
    seller = selling_tea(lazada, receiver)

    buy(lazada, seller.shop_id, ("TN-TRA-200G", 1))
    delivered(lazada)

    shown = control(lazada, "GET", "push")
    assert shown["attempts"] == 12
    assert len(receiver.received) == 12 and len({raw for raw, _ in receiver.received}) == 1
    assert [entry["outcome"] for entry in shown["log"]] == ["failed"] * 12 + ["kept"]


def test_a_push_that_fails_twice_is_delivered_on_the_third_try(lazada, receiver):
    receiver.answers = [500, 502]
    seller = selling_tea(lazada, receiver)

    buy(lazada, seller.shop_id, ("TN-TRA-200G", 1))
    delivered(lazada)

    outcomes = [entry["outcome"] for entry in control(lazada, "GET", "push")["log"]]
    assert outcomes == ["failed", "failed", "delivered"] and len(receiver.received) == 3
