"""The HTTP layer every marketplace client shares, written once.

httpx with connect/read timeouts and an overall deadline on each attempt (a server trickling its answer
a byte at a time never trips a read timeout); answers read as a stream and refused past a size cap, so a
huge answer never reaches memory; tenacity retries with exponential backoff and jitter for transient
failures and rate-limit answers only; an aiolimiter bucket per shop, and, across workers, the budgets a
:class:`BudgetedTransport` takes from before each request; one refresh-and-retry on an expired token;
secrets (keys, tokens, signatures) kept out of logs, exceptions and reprs.

A client builds each attempt's request afresh (signatures carry a timestamp) and interprets the
answer itself (each marketplace has its own envelope); this module does everything around that.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import ssl
from collections.abc import Awaitable, Callable
from functools import cache
from typing import TypeVar

import certifi
import httpx
from aiolimiter import AsyncLimiter
from pydantic import BaseModel, Field
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception, stop_after_attempt
from tenacity.wait import wait_exponential_jitter

from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError, local_error

log = logging.getLogger("syndicator.http")

T = TypeVar("T")

SENSITIVE_PARAMS = (
    "sign",
    "signature",
    "access_token",
    "refresh_token",
    "app_secret",
    "partner_key",
    "code",
    "api_key",
    "x-signature",
)
_SENSITIVE_RE = re.compile(r"(?i)\b(" + "|".join(re.escape(p) for p in SENSITIVE_PARAMS) + r")=([^&\s\"']+)")


def redact(text: str) -> str:
    """Blank the value of every sensitive query or form parameter in ``text``."""
    return _SENSITIVE_RE.sub(lambda m: f"{m.group(1)}=***", text)


class _RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


# A logger's filters do not see its children's records, so each logger that may carry a URL is named.
_REDACTING = _RedactingFilter()
for _name in ("httpx", "httpcore", "syndicator", "syndicator.http"):
    logging.getLogger(_name).addFilter(_REDACTING)


class HttpSettings(BaseModel):
    connect_timeout_s: float = 5.0
    read_timeout_s: float = 20.0
    max_attempts: int = 4
    backoff_initial_s: float = 0.5
    backoff_max_s: float = 8.0
    backoff_jitter_s: float = 0.5
    call_deadline_s: float = 60.0  # one attempt, from sending to the last byte of the answer
    max_body_bytes: int = 16 * 1024 * 1024  # decoded: a compressed answer counts at its inflated size
    requests_per_second: float | None = Field(
        None, gt=0, description="every shop's call rate on every marketplace instead of the documented ones "
                                "(the tests' sandboxes; an operator whose apps are all granted more)")


# Headers that described the body as it came over the wire, not the decoded body handed on.
_WIRE_HEADERS = ("content-encoding", "content-length", "transfer-encoding")


@cache
def tls() -> ssl.SSLContext:
    """One TLS context for every client of the process: building one (loading the CA bundle) costs about
    50–100 ms, and every shop's adapter opens its own client in every run. ``SSL_CERT_FILE`` and
    ``SSL_CERT_DIR`` name a deployment's own authorities, as they do for httpx; otherwise certifi's bundle."""
    cafile, capath = os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR")
    if cafile or capath:
        return ssl.create_default_context(cafile=cafile, capath=capath)
    return ssl.create_default_context(cafile=certifi.where())


class BudgetedTransport(httpx.AsyncBaseTransport):
    """A transport that awaits ``take`` before each request it sends: the call budgets a shop shares with
    every other worker (``syndicator/budgets.py``). ``take`` waits for them, or raises to defer the job."""

    def __init__(self, take: Callable[[], Awaitable[None]], inner: httpx.AsyncBaseTransport | None = None):
        self.take = take
        self.inner = inner or httpx.AsyncHTTPTransport(verify=tls())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await self.take()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class MarketplaceHttp:
    """One shop's connection to one marketplace: timeouts, rate limit, retries, auth refresh."""

    def __init__(
        self,
        marketplace: str,
        base_url: str,
        *,
        requests_per_second: float,
        settings: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.marketplace = marketplace
        logging.getLogger(f"syndicator.{marketplace}").addFilter(_REDACTING)  # the adapter's own logger
        self.settings = settings or HttpSettings()
        timeout = httpx.Timeout(self.settings.read_timeout_s, connect=self.settings.connect_timeout_s)
        self.client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport, verify=tls())
        requests_per_second = self.settings.requests_per_second or requests_per_second
        if requests_per_second >= 1:
            self.limiter = AsyncLimiter(requests_per_second, 1.0)
        else:
            self.limiter = AsyncLimiter(1, 1.0 / requests_per_second)

    def __repr__(self) -> str:
        return f"MarketplaceHttp({self.marketplace!r}, {str(self.client.base_url)!r})"

    async def aclose(self) -> None:
        await self.client.aclose()

    def transport_error(self, exc: httpx.HTTPError | TimeoutError) -> MarketplaceError:
        if isinstance(exc, TimeoutError):
            return MarketplaceError(local_error(
                self.marketplace, "deadline", f"no complete answer within {self.settings.call_deadline_s:g} s",
                kind=ErrorKind.transient))
        return MarketplaceError(
            ErrorInfo(kind=ErrorKind.transient, marketplace=self.marketplace, message=type(exc).__name__)
        )

    async def send_once(
        self, build: Callable[[], httpx.Request], interpret: Callable[[httpx.Response], T], *,
        follow_redirects: bool = False,
    ) -> T:
        """One attempt: wait for the shop's rate limit, send and read within the deadline, interpret (which
        raises on failure)."""
        async with self.limiter:
            request = build()
            try:
                async with asyncio.timeout(self.settings.call_deadline_s):
                    response = await self._read(request, follow_redirects)
            except (httpx.HTTPError, TimeoutError) as exc:
                log.info("%s %s %s -> %s", self.marketplace, request.method, request.url.path, type(exc).__name__)
                raise self.transport_error(exc) from None
        log.debug("%s %s %s -> %s", self.marketplace, request.method, request.url.path, response.status_code)
        return interpret(response)

    async def _read(self, request: httpx.Request, follow_redirects: bool) -> httpx.Response:
        """The answer with its whole body read, or ``answer_too_large`` as soon as the body passes the cap."""
        streamed = await self.client.send(request, stream=True, follow_redirects=follow_redirects)
        try:
            declared = streamed.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.settings.max_body_bytes:
                raise self.too_large()
            chunks, size = [], 0
            async for chunk in streamed.aiter_bytes():
                size += len(chunk)
                if size > self.settings.max_body_bytes:
                    raise self.too_large()
                chunks.append(chunk)
        finally:
            await streamed.aclose()
        headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in _WIRE_HEADERS]
        return httpx.Response(streamed.status_code, headers=headers, content=b"".join(chunks), request=request,
                              extensions=streamed.extensions)

    def too_large(self) -> MarketplaceError:
        """Transient, not rejected: the marketplace may have done the work and only its answer is unread, as
        when an answer is lost (a create is then looked up before it is sent again)."""
        limit = self.settings.max_body_bytes
        return MarketplaceError(local_error(self.marketplace, "answer_too_large",
                                            f"answer too large: more than {limit:,} bytes", kind=ErrorKind.transient))

    async def call(
        self,
        build: Callable[[], httpx.Request],
        interpret: Callable[[httpx.Response], T],
        *,
        refresh: Callable[[], Awaitable[object]] | None = None,
    ) -> T:
        """Send with retries on transient and rate-limited failures; refresh once on an expired token."""
        try:
            return await self._with_retries(build, interpret)
        except MarketplaceError as exc:
            if exc.kind is not ErrorKind.auth_expired or refresh is None:
                raise
            log.info("%s: access token refused (%s); refreshing once", self.marketplace, exc.info.code)
            await refresh()
            return await self._with_retries(build, interpret)

    async def _with_retries(self, build: Callable[[], httpx.Request], interpret: Callable[[httpx.Response], T]) -> T:
        retrying = AsyncRetrying(
            retry=retry_if_exception(lambda e: isinstance(e, MarketplaceError) and e.retryable),
            stop=stop_after_attempt(self.settings.max_attempts),
            wait=self._wait,
            before_sleep=self._log_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self.send_once(build, interpret)
        except MarketplaceError as exc:
            if not exc.retryable:
                raise
            attempts = self.settings.max_attempts
            info = exc.info.model_copy(update={"message": f"gave up after {attempts} attempts: {exc.info.message}"})
            raise MarketplaceError(info) from None
        raise AssertionError("unreachable")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        backoff = wait_exponential_jitter(
            multiplier=self.settings.backoff_initial_s,
            max=self.settings.backoff_max_s,
            jitter=self.settings.backoff_jitter_s,
        )(state)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, MarketplaceError) and exc.info.retry_after_s:
            return max(backoff, min(exc.info.retry_after_s, self.settings.backoff_max_s))
        return backoff

    def _log_retry(self, state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        log.warning(
            "%s: attempt %d failed (%s); retrying", self.marketplace, state.attempt_number, exc
        )
