"""The shared HTTP layer with a swapped httpx transport: retries, backoff, giving up, refresh, redaction,
the deadline on a trickling answer and the cap on a huge one."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import time

import httpx
import pytest

from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings, MarketplaceHttp, redact

pytestmark = pytest.mark.anyio

QUICK = HttpSettings(max_attempts=3, backoff_initial_s=0.001, backoff_max_s=0.01, backoff_jitter_s=0.001)
TOKEN = "6b5a4c72f1e0d9c8b7a6"
SIGN = "faf4a60d51e5807794fd37d18f605d4e8d1370ba96d66245e23d22c77cb6f090"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Counter:
    """A marketplace stand-in answering from a script, one answer per request, counting requests."""

    def __init__(self, *answers: httpx.Response | Exception):
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def interpret(response: httpx.Response) -> dict:
    """A marketplace's reading of an answer: 5xx transient, 429 rate-limited, 401 token refused, 400 refused."""
    kinds = {429: ErrorKind.rate_limited, 401: ErrorKind.auth_expired, 400: ErrorKind.rejected}
    kind = ErrorKind.transient if response.status_code >= 500 else kinds.get(response.status_code)
    if kind is not None:
        raise MarketplaceError(ErrorInfo(kind=kind, marketplace="cho-phien", code=str(response.status_code),
                                         message=response.text, field="price" if kind is ErrorKind.rejected else None))
    return response.json()


def http_for(counter: Counter, settings: HttpSettings = QUICK) -> MarketplaceHttp:
    return MarketplaceHttp("cho-phien", "https://api.cho-phien.example", requests_per_second=100, settings=settings,
                           transport=httpx.MockTransport(counter))


def build(http: MarketplaceHttp):
    return lambda: http.client.build_request("GET", "/items", params={"access_token": TOKEN, "sign": SIGN})


async def failure_of(*answers: httpx.Response | Exception, refresh=None) -> tuple[MarketplaceError, int]:
    """The error a call to a scripted marketplace ends with, and how many requests it made."""
    counter = Counter(*answers)
    http = http_for(counter)
    with pytest.raises(MarketplaceError) as failed:
        await http.call(build(http), interpret, refresh=refresh)
    return failed.value, len(counter.requests)


class Refresher:
    def __init__(self) -> None:
        self.count = 0

    async def __call__(self) -> None:
        self.count += 1


async def test_a_server_error_is_retried_and_the_next_answer_returned():
    counter = Counter(httpx.Response(503, text="bận"), httpx.Response(200, json={"items": ["Miến dong Na Rì"]}))
    http = http_for(counter)
    assert await http.call(build(http), interpret) == {"items": ["Miến dong Na Rì"]}
    assert len(counter.requests) == 2


async def test_server_errors_are_given_up_after_max_attempts_with_a_clear_error():
    gave_up, requests = await failure_of(httpx.Response(502, text="Bad Gateway"))
    assert requests == 3 and gave_up.kind is ErrorKind.transient
    assert str(gave_up) == "cho-phien transient: 502: gave up after 3 attempts: Bad Gateway"


async def test_rate_limit_answers_are_retried_and_given_up_as_rate_limited():
    gave_up, requests = await failure_of(httpx.Response(429, text="chậm lại"))
    assert (requests, gave_up.kind) == (3, ErrorKind.rate_limited)


async def test_a_connection_failure_is_transient_and_retried():
    counter = Counter(httpx.ConnectError("connection refused"), httpx.Response(200, json={"ok": True}))
    http = http_for(counter)
    assert await http.call(build(http), interpret) == {"ok": True}
    assert len(counter.requests) == 2


async def test_a_read_timeout_is_given_up_as_transient_naming_the_timeout():
    gave_up, requests = await failure_of(httpx.ReadTimeout("no answer"))
    assert requests == 3 and gave_up.kind is ErrorKind.transient and "ReadTimeout" in str(gave_up)


async def test_a_refusal_is_not_retried_and_keeps_the_field():
    refused, requests = await failure_of(httpx.Response(400, text="giá phải là số nguyên"))
    assert requests == 1 and (refused.kind, refused.info.field) == (ErrorKind.rejected, "price")


async def test_a_refused_token_is_refreshed_once_and_the_call_repeated():
    counter = Counter(httpx.Response(401, text="token hết hạn"), httpx.Response(200, json={"ok": True}))
    http = http_for(counter)
    refresh = Refresher()
    assert await http.call(build(http), interpret, refresh=refresh) == {"ok": True}
    assert refresh.count == 1


async def test_a_token_refused_again_after_refreshing_is_not_refreshed_twice():
    refresh = Refresher()
    refused, requests = await failure_of(httpx.Response(401, text="token hết hạn"), refresh=refresh)
    assert refused.kind is ErrorKind.auth_expired
    assert (refresh.count, requests) == (1, 2)


def test_redact_blanks_every_secret_parameter():
    url = (f"/api/v2/product/add_item?partner_id=2001887&timestamp=1655714431&access_token={TOKEN}&shop_id=14701711"
           f"&sign={SIGN}&refresh_token=4c72aa&code=c0de11&partner_key=shpk99")
    assert redact(url) == ("/api/v2/product/add_item?partner_id=2001887&timestamp=1655714431&access_token=***"
                           "&shop_id=14701711&sign=***&refresh_token=***&code=***&partner_key=***")


async def test_httpx_request_logs_carry_no_token_or_signature(caplog):
    caplog.set_level(logging.DEBUG)
    http = http_for(Counter(httpx.Response(200, json={"ok": True})))
    await http.call(build(http), interpret)
    assert "access_token=***" in caplog.text
    assert TOKEN not in caplog.text and SIGN not in caplog.text


@pytest.mark.parametrize("logger", ["syndicator.http", "syndicator.cho-phien"])
def test_a_secret_in_a_url_logged_by_our_own_loggers_is_redacted(caplog, logger):
    http_for(Counter(httpx.Response(200)))
    caplog.set_level(logging.DEBUG)
    logging.getLogger(logger).warning("gọi lại %s", f"/items?access_token={TOKEN}&sign={SIGN}")
    assert caplog.records[-1].getMessage() == "gọi lại /items?access_token=***&sign=***"


def test_the_client_repr_names_the_marketplace_and_host_only():
    assert repr(http_for(Counter(httpx.Response(200)))) == "MarketplaceHttp('cho-phien', 'https://api.cho-phien.example')"


class Clock:
    """A marketplace stand-in that notes when each request reached it, and for which shop."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, float]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.arrivals.append((request.url.params["shop_id"], time.monotonic()))
        return httpx.Response(200, json={"ok": True})

    def times_of(self, shop_id: str) -> list[float]:
        return [at for shop, at in self.arrivals if shop == shop_id]


def shop_http(clock: Clock, shop_id: str) -> tuple[MarketplaceHttp, object]:
    http = MarketplaceHttp("cho-phien", "https://api.cho-phien.example", requests_per_second=5, settings=QUICK,
                           transport=httpx.MockTransport(clock))
    return http, lambda: http.client.build_request("GET", "/items", params={"shop_id": shop_id})


async def test_one_shops_calls_are_held_to_its_rate_limit():
    clock = Clock()
    http, request = shop_http(clock, "HTX-TANCUONG")

    await asyncio.gather(*(http.call(request, interpret) for _ in range(15)))

    times = clock.times_of("HTX-TANCUONG")
    # 5 a second: after a burst of 5, the other 10 need two more seconds however fast we ask
    assert len(times) == 15 and times[-1] - times[0] >= 1.9


async def test_another_shop_is_not_held_back_by_a_busy_shops_limit():
    clock = Clock()
    busy, busy_request = shop_http(clock, "HTX-TANCUONG")
    quiet, quiet_request = shop_http(clock, "HTX-VONHAI")

    await asyncio.gather(*(busy.call(busy_request, interpret) for _ in range(15)), quiet.call(quiet_request, interpret))

    order = [shop for shop, _ in clock.arrivals]
    assert order.index("HTX-VONHAI") < 10  # the busy shop's 10th call waits a second for its own limit


MiB = 1024 * 1024
GUARDED = QUICK.model_copy(update={"max_attempts": 1, "max_body_bytes": MiB, "call_deadline_s": 0.3})


class Endless(httpx.AsyncByteStream):
    """An answer body of ``total`` bytes made as it is read; counts the bytes the client took."""

    def __init__(self, total: int, chunk: bytes = b"[" * 65536, pause_s: float = 0) -> None:
        self.total, self.chunk, self.pause_s, self.taken = total, chunk, pause_s, 0

    async def __aiter__(self):
        while self.taken < self.total:
            await asyncio.sleep(self.pause_s)
            self.taken += len(self.chunk)
            yield self.chunk


async def guarded_failure(response: httpx.Response) -> MarketplaceError:
    http = http_for(Counter(response), GUARDED)
    with pytest.raises(MarketplaceError) as failed:
        await http.call(build(http), interpret)
    return failed.value


async def test_an_answer_past_the_size_cap_is_refused_and_read_no_further():
    body = Endless(total=64 * MiB)

    refused = await guarded_failure(httpx.Response(200, stream=body))

    assert (refused.kind, refused.info.code) == (ErrorKind.transient, "answer_too_large")
    assert body.taken <= GUARDED.max_body_bytes + len(body.chunk)


async def test_an_answer_announcing_a_length_past_the_cap_is_refused_unread():
    body = Endless(total=64 * MiB)

    refused = await guarded_failure(httpx.Response(200, headers={"Content-Length": str(2 * 1024 * MiB)}, stream=body))

    assert refused.info.code == "answer_too_large" and body.taken == 0


async def test_a_compressed_answer_is_capped_at_its_inflated_size():
    bomb = gzip.compress(b"0" * (64 * MiB))  # 64 KiB on the wire

    refused = await guarded_failure(httpx.Response(200, headers={"Content-Encoding": "gzip"},
                                                   stream=httpx.ByteStream(bomb)))

    assert len(bomb) < GUARDED.max_body_bytes and refused.info.code == "answer_too_large"


async def test_a_compressed_answer_within_the_cap_reaches_the_interpreter_inflated():
    orders = {"orders": [{"id": "DH-2611-0042", "sku": "TC-CHE-200G", "quantity": 3}]}
    packed = gzip.compress(json.dumps(orders).encode())
    http = http_for(Counter(httpx.Response(200, headers={"Content-Encoding": "gzip"}, content=packed)), GUARDED)

    assert await http.call(build(http), interpret) == orders


async def test_an_answer_trickling_in_ends_at_the_deadline_as_a_transient_error():
    trickle = Endless(total=1000, chunk=b" ", pause_s=0.01)  # 10 s of spaces, each byte far inside the read timeout

    refused = await guarded_failure(httpx.Response(200, stream=trickle))

    assert (refused.kind, refused.info.code) == (ErrorKind.transient, "deadline")
    assert "no complete answer within 0.3 s" in refused.info.message
