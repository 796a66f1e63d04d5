"""A sandbox's push dispatcher, whatever the marketplace: it delivers to the registered address in the
background, retries with backoff, hands over what it could not deliver, drops or duplicates on request with a
seed, and keeps a log; its control API is ``/_sandbox/push``."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from adapters.common.sandbox_push import PushDispatcher
from tests.support.push_receiver import PushReceiver
from tests.support.shopee import anyio_backend  # noqa: F401 (fixture)

SALE = json.dumps({"shop_id": 701234, "code": 3, "data": {"ordersn": "241203TANCUONG01", "status": "READY_TO_SHIP"}},
                  separators=(",", ":")).encode()
HEADERS = {"Content-Type": "application/json", "Authorization": "chu-ky-thu"}


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as receiver:
        yield receiver


@pytest.fixture
def dispatcher(receiver: PushReceiver) -> Iterator[PushDispatcher]:
    dispatcher = PushDispatcher(attempts=3, base_delay_s=0.05)
    dispatcher.register(receiver.url)
    yield dispatcher
    dispatcher.close()


def outcomes(dispatcher: PushDispatcher) -> list[str]:
    return [entry["outcome"] for entry in dispatcher.log]


def test_a_push_reaches_the_registered_address_with_its_raw_body_and_headers(dispatcher, receiver):
    dispatcher.send(SALE, HEADERS, keep=lambda body: None)
    [push] = receiver.wait_for(1)
    assert push.path == "/push/shopee" and push.body == SALE
    assert push.headers["Authorization"] == "chu-ky-thu" and push.headers["Content-Type"] == "application/json"
    assert dispatcher.wait_idle() and outcomes(dispatcher) == ["delivered"]


def test_without_a_registered_address_nothing_is_queued():
    dispatcher = PushDispatcher()
    assert dispatcher.send(SALE, HEADERS, keep=lambda body: None) is None
    assert dispatcher.pending() == 0 and not dispatcher.log


def test_sending_does_not_wait_for_a_slow_receiver(dispatcher, receiver):
    receiver.delay_s = 1.0
    started = time.monotonic()
    dispatcher.send(SALE, HEADERS, keep=lambda body: None)
    assert time.monotonic() - started < 0.2
    assert dispatcher.pending() == 1


def test_a_push_refused_every_time_is_retried_with_growing_waits_then_handed_to_keep(dispatcher, receiver):
    receiver.fail(500, 500, 500)
    kept: list[bytes] = []
    dispatcher.send(SALE, HEADERS, keep=kept.append)
    first, second, third = receiver.wait_for(3)
    assert dispatcher.wait_idle()
    assert second.at - first.at >= 0.05 and third.at - second.at >= 0.1
    assert kept == [SALE]
    assert outcomes(dispatcher) == ["failed", "failed", "failed", "kept"]
    assert [entry["status"] for entry in dispatcher.log][:3] == [500, 500, 500]


def test_a_push_that_gets_through_on_a_retry_is_not_kept(dispatcher, receiver):
    receiver.fail(503)
    kept: list[bytes] = []
    dispatcher.send(SALE, HEADERS, keep=kept.append)
    receiver.wait_for(2)
    assert dispatcher.wait_idle()
    assert outcomes(dispatcher) == ["failed", "delivered"] and kept == []


def test_an_address_nobody_answers_at_counts_as_a_failed_attempt():
    with PushReceiver() as gone:
        url = gone.url
    dispatcher = PushDispatcher(attempts=2, base_delay_s=0.01)
    dispatcher.register(url)
    kept: list[bytes] = []
    dispatcher.send(SALE, HEADERS, keep=kept.append)
    assert dispatcher.wait_idle()
    assert outcomes(dispatcher) == ["failed", "failed", "kept"] and kept == [SALE]
    assert dispatcher.log[0]["status"] is None and dispatcher.log[0]["error"]
    dispatcher.close()


def test_a_dropped_push_never_arrives_and_is_neither_retried_nor_kept(dispatcher, receiver):
    dispatcher.faults.drop = 1.0
    kept: list[bytes] = []
    dispatcher.send(SALE, HEADERS, keep=kept.append)
    assert dispatcher.wait_idle()
    assert outcomes(dispatcher) == ["dropped"] and kept == [] and receiver.received == []


def test_a_duplicated_push_arrives_twice_with_the_same_body_and_signature(dispatcher, receiver):
    dispatcher.faults.duplicate = 1.0
    dispatcher.send(SALE, HEADERS, keep=lambda body: None)
    first, second = receiver.wait_for(2)
    assert first.body == second.body == SALE
    assert first.headers["Authorization"] == second.headers["Authorization"]
    assert dispatcher.wait_idle() and outcomes(dispatcher) == ["delivered", "duplicate"]


def control_api(dispatcher: PushDispatcher) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=Starlette(routes=dispatcher.routes())),
                             base_url="http://sandbox.test")


@pytest.mark.anyio
async def test_the_same_seed_drops_and_duplicates_the_same_pushes(receiver):
    async def pattern() -> list[tuple[int, str]]:
        dispatcher = PushDispatcher(attempts=1)
        dispatcher.register(receiver.url)
        async with control_api(dispatcher) as app:
            answer = await app.post("/_sandbox/push/faults", json={"drop": 0.3, "duplicate": 0.3, "seed": 19})
        assert answer.status_code == 200
        for _ in range(20):
            dispatcher.send(SALE, HEADERS, keep=lambda body: None)
        assert dispatcher.wait_idle()
        dispatcher.close()
        return [(entry["message"], entry["outcome"]) for entry in dispatcher.log]

    first = await pattern()
    assert {"dropped", "duplicate", "delivered"} <= {outcome for _, outcome in first}
    assert await pattern() == first


def test_reset_forgets_the_queue_the_log_and_the_faults_and_keeps_the_address(dispatcher, receiver):
    dispatcher.send(SALE, HEADERS, keep=lambda body: None)
    receiver.wait_for(1)
    assert dispatcher.wait_idle()
    dispatcher.faults.drop = 1.0
    dispatcher.reset()
    assert not dispatcher.log and dispatcher.faults.drop == 0 and dispatcher.pending() == 0
    assert dispatcher.url == receiver.url and dispatcher.attempts == 3


def test_a_push_being_retried_when_the_sandbox_is_reset_is_forgotten(receiver):
    receiver.fail(500)
    dispatcher = PushDispatcher(attempts=3, base_delay_s=0.5)
    dispatcher.register(receiver.url)
    kept: list[bytes] = []
    dispatcher.send(SALE, HEADERS, keep=kept.append)
    receiver.wait_for(1)
    dispatcher.reset()
    time.sleep(0.7)
    assert len(receiver.received) == 1 and kept == [] and dispatcher.pending() == 0
    dispatcher.close()


# --- the control API ------------------------------------------------------------------------------------
@pytest.fixture
async def control() -> AsyncIterator[tuple[PushDispatcher, httpx.AsyncClient]]:
    dispatcher = PushDispatcher(attempts=12, base_delay_s=1.0)
    async with control_api(dispatcher) as app:
        yield dispatcher, app
    dispatcher.close()


@pytest.mark.anyio
async def test_the_control_api_registers_the_address_and_the_retry_settings(control, receiver):
    dispatcher, app = control
    answer = await app.post("/_sandbox/push", json={"url": receiver.url, "attempts": 2, "base_delay_s": 0.01})
    shown = answer.json()
    assert shown["url"] == receiver.url and shown["attempts"] == 2 and shown["base_delay_s"] == 0.01
    dispatcher.send(SALE, HEADERS, keep=lambda body: None)
    receiver.wait_for(1)
    assert dispatcher.wait_idle()
    [entry] = (await app.get("/_sandbox/push")).json()["log"]
    assert entry["outcome"] == "delivered" and entry["status"] == 200 and json.loads(entry["body"])["code"] == 3


@pytest.mark.anyio
async def test_a_null_address_stops_pushing(control, receiver):
    dispatcher, app = control
    await app.post("/_sandbox/push", json={"url": receiver.url})
    assert (await app.post("/_sandbox/push", json={"url": None})).json()["url"] is None
    assert dispatcher.send(SALE, HEADERS, keep=lambda body: None) is None


@pytest.mark.anyio
@pytest.mark.parametrize("body", [{"url": "ftp://htx-tancuong.vn/push"}, {"attempts": 0}, {"attempts": "ba"},
                                  {"base_delay_s": -1}])
async def test_the_control_api_refuses_a_bad_setting_and_changes_nothing(control, receiver, body):
    dispatcher, app = control
    answer = await app.post("/_sandbox/push", json={"url": receiver.url, **body})
    assert answer.status_code == 400 and answer.json()["error"]
    assert dispatcher.url is None and dispatcher.attempts == 12 and dispatcher.base_delay_s == 1.0


@pytest.mark.anyio
@pytest.mark.parametrize("body", [{"drop": 1.5}, {"duplicate": -0.1}, {"drop": "nhiều"}, {"seed": "một"}])
async def test_the_fault_switch_refuses_a_rate_outside_zero_to_one(control, body):
    dispatcher, app = control
    answer = await app.post("/_sandbox/push/faults", json=body)
    assert answer.status_code == 400 and answer.json()["error"]
    assert dispatcher.faults.drop == 0 and dispatcher.faults.duplicate == 0
