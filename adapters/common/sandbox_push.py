"""A sandbox's push deliveries: where it pushes, the queue it delivers from, retries, faults and the log.

The marketplace's sandbox builds each push (``MarketplaceSandbox.push_for``: raw body and headers, signed as
the marketplace signs) and hands it to :meth:`PushDispatcher.send`; a background thread POSTs it to the
registered address, so no API answer waits on a delivery. A delivery answered other than 2xx (or not at
all) is tried again after ``base_delay_s``, then twice that, and so on, up to ``attempts`` tries in all
(Shopee 3, Lazada 12); then the sandbox's ``keep`` is told (Shopee keeps it for ``get_lost_push_message``).

Control API, under ``/_sandbox/``:
``POST push`` ``{"url": ..., "attempts": 3, "base_delay_s": 1.0}`` (each optional; ``"url": null`` stops
pushing), ``GET push`` (the address, settings, faults, deliveries pending and the delivery log),
``POST push/faults`` ``{"drop": 0.05, "duplicate": 0.05, "seed": 1}``: a dropped push never reaches the
receiver and is neither retried nor kept (the marketplace believes it delivered: only a poll finds the
change); a duplicated one is delivered twice. ``/_sandbox/reset`` empties the queue, the log and the faults
and keeps the address, the attempts and the delay, as a marketplace keeps an app's push settings.
"""

from __future__ import annotations

import heapq
import itertools
import json
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

LOG_SIZE = 1000
MAX_DELAY_S = 300.0
TIMEOUT_S = 5.0

Keep = Callable[[bytes], None]


class BadSetting(Exception):
    """A control call's body the dispatcher refuses (HTTP 400), nothing changed."""


@dataclass
class PushFaults:
    drop: float = 0.0
    duplicate: float = 0.0
    seed: int | None = None


@dataclass(order=True)
class _Delivery:
    due: float
    number: int
    url: str = field(compare=False)
    body: bytes = field(compare=False)
    headers: dict[str, str] = field(compare=False)
    attempts: int = field(compare=False)
    keep: Keep = field(compare=False)
    attempt: int = field(default=1, compare=False)


class PushDispatcher:
    """One sandbox's pushes: the registered address, a queue delivered on a background thread with retry and
    backoff, a fault switch and the log of every attempt."""

    def __init__(self, *, attempts: int = 3, base_delay_s: float = 1.0, timeout_s: float = TIMEOUT_S):
        self.url: str | None = None
        self.attempts = attempts
        self.base_delay_s = base_delay_s
        self.timeout_s = timeout_s
        self.faults = PushFaults()
        self.log: deque[dict[str, Any]] = deque(maxlen=LOG_SIZE)
        self._random = random.Random()
        self._queue: list[_Delivery] = []
        self._numbers = itertools.count(1)
        self._in_flight = 0
        self._generation = 0  # a reset while a delivery is in flight: its outcome is forgotten
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    # --- what a sandbox calls -------------------------------------------------------------------------
    def send(self, body: bytes, headers: Mapping[str, str], keep: Keep) -> int | None:
        """Queue one push for the registered address; its number, or ``None`` when no address is registered.
        ``keep(body)`` is called if every attempt fails. Never waits on the delivery."""
        with self._changed:
            if self.url is None or self._closed:
                return None
            number = next(self._numbers)
            heapq.heappush(self._queue, _Delivery(time.monotonic(), number, self.url, body, dict(headers),
                                                  self.attempts, keep))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, daemon=True, name="sandbox-push")
                self._thread.start()
            self._changed.notify_all()
            return number

    def register(self, url: str | None) -> None:
        with self._changed:
            self.url = url

    def reset(self) -> None:
        """Forget the queue, the log and the faults; the address and settings stay."""
        with self._changed:
            self._queue.clear()
            self.log.clear()
            self.faults = PushFaults()
            self._random = random.Random()
            self._generation += 1
            self._changed.notify_all()

    def pending(self) -> int:
        """Pushes queued, waiting to be retried or being delivered."""
        with self._changed:
            return len(self._queue) + self._in_flight

    def wait_idle(self, timeout_s: float = 10.0) -> bool:
        """Wait until nothing is pending (tests); False if still busy after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while self._queue or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(left)
            return True

    def close(self) -> None:
        with self._changed:
            self._closed = True
            self._queue.clear()
            self._changed.notify_all()

    # --- the delivery thread ------------------------------------------------------------------------
    def _run(self) -> None:
        with httpx.Client(timeout=self.timeout_s) as client:
            while (taken := self._next()) is not None:
                delivery, generation = taken
                try:
                    self._deliver(client, delivery, generation)
                finally:
                    with self._changed:
                        self._in_flight -= 1
                        self._changed.notify_all()

    def _next(self) -> tuple[_Delivery, int] | None:
        """The next delivery due, waiting for it; ``None`` once closed."""
        with self._changed:
            while not self._closed:
                if self._queue and (wait := self._queue[0].due - time.monotonic()) <= 0:
                    self._in_flight += 1
                    return heapq.heappop(self._queue), self._generation
                self._changed.wait(wait if self._queue else None)
            return None

    def _deliver(self, client: httpx.Client, delivery: _Delivery, generation: int) -> None:
        if delivery.attempt == 1:
            with self._changed:
                dropped = self._random.random() < self.faults.drop
                duplicated = self._random.random() < self.faults.duplicate
            if dropped:
                self._record(delivery, generation, "dropped")
                return
        else:
            duplicated = False
        status, error = self._post(client, delivery)
        if status is not None and 200 <= status < 300:
            self._record(delivery, generation, "delivered", status)
            if duplicated:
                self._record(delivery, generation, "duplicate", *self._post(client, delivery))
            return
        self._record(delivery, generation, "failed", status, error)
        with self._changed:
            if generation != self._generation or self._closed:
                return
            if delivery.attempt < delivery.attempts:
                delay = min(MAX_DELAY_S, self.base_delay_s * 2 ** (delivery.attempt - 1))
                delivery.attempt += 1
                delivery.due = time.monotonic() + delay
                heapq.heappush(self._queue, delivery)
                return
        self._record(delivery, generation, "kept")
        delivery.keep(delivery.body)

    def _post(self, client: httpx.Client, delivery: _Delivery) -> tuple[int | None, str | None]:
        try:
            answer = client.post(delivery.url, content=delivery.body, headers=delivery.headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return answer.status_code, None

    def _record(self, delivery: _Delivery, generation: int, outcome: str, status: int | None = None,
                error: str | None = None) -> None:
        with self._changed:
            if generation != self._generation:
                return
            self.log.append({
                "message": delivery.number, "attempt": delivery.attempt, "outcome": outcome, "url": delivery.url,
                "status": status, "error": error, "at": datetime.now(UTC).isoformat(),
                "headers": delivery.headers, "body": delivery.body.decode("utf-8", "replace"),
            })

    # --- control API ----------------------------------------------------------------------------------
    def routes(self) -> list[BaseRoute]:
        return [
            Route("/_sandbox/push", self._push, methods=["GET", "POST"]),
            Route("/_sandbox/push/faults", self._faults, methods=["GET", "POST"]),
        ]

    def shown(self) -> dict[str, Any]:
        with self._changed:
            return {"url": self.url, "attempts": self.attempts, "base_delay_s": self.base_delay_s,
                    "faults": asdict(self.faults), "pending": len(self._queue) + self._in_flight,
                    "log": list(self.log)}

    async def _push(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                self._configure(await _json_object(request))
            except BadSetting as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
        return JSONResponse(self.shown())

    def _configure(self, body: dict[str, Any]) -> None:
        """Check every setting given before changing any."""
        url = body.get("url", self.url)
        if url is not None and not (isinstance(url, str) and url.startswith(("http://", "https://"))):
            raise BadSetting("url must be an http:// or https:// address, or null")
        attempts = body.get("attempts", self.attempts)
        if not isinstance(attempts, int) or isinstance(attempts, bool) or attempts < 1:
            raise BadSetting("attempts must be a whole number of at least 1")
        delay = body.get("base_delay_s", self.base_delay_s)
        if not isinstance(delay, int | float) or isinstance(delay, bool) or delay < 0:
            raise BadSetting("base_delay_s must be a number of seconds, 0 or more")
        with self._changed:
            self.url, self.attempts, self.base_delay_s = url, attempts, float(delay)

    async def _faults(self, request: Request) -> Response:
        if request.method == "POST":
            try:
                faults = _faults_from(await _json_object(request), self.faults)
            except BadSetting as exc:
                return JSONResponse({"error": str(exc)}, status_code=400)
            with self._changed:
                self.faults = faults
                self._random = random.Random(faults.seed)
        return JSONResponse(asdict(self.faults))


def _faults_from(body: dict[str, Any], current: PushFaults) -> PushFaults:
    rates = {}
    for name in ("drop", "duplicate"):
        rate = body.get(name, getattr(current, name))
        if not isinstance(rate, int | float) or isinstance(rate, bool) or not 0 <= rate <= 1:
            raise BadSetting(f"{name} must be a rate between 0 and 1")
        rates[name] = float(rate)
    seed = body.get("seed", current.seed)
    if seed is not None and (not isinstance(seed, int) or isinstance(seed, bool)):
        raise BadSetting("seed must be a whole number")
    return PushFaults(rates["drop"], rates["duplicate"], seed)


async def _json_object(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(await request.body() or b"{}")
    except ValueError:
        raise BadSetting("body is not JSON") from None
    if not isinstance(body, dict):
        raise BadSetting("body must be a JSON object")
    return body
