"""A local HTTP server standing for the app's push address: it records every POST as received (path, headers,
raw body) and answers 200, or first the statuses a test queues (a receiver that is down or failing)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float


class PushReceiver:
    def __init__(self, path: str = "/push/shopee"):
        self.path = path
        self.received: list[Received] = []
        self.failures: deque[int] = deque()  # statuses answered first, one per push
        self.delay_s = 0.0
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(receiver.delay_s)
                with receiver._arrived:
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body,
                                                      time.monotonic()))
                    status = receiver.failures.popleft() if receiver.failures else 200
                    receiver._arrived.notify_all()
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True,
                                       name="push-receiver")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}{self.path}"

    def fail(self, *statuses: int) -> None:
        """Answer the next pushes with these statuses, one each, before answering 200 again."""
        self.failures.extend(statuses)

    def wait_for(self, count: int, timeout_s: float = 10.0) -> list[Received]:
        """The first ``count`` pushes received, waiting for them; fails the test if they do not come."""
        deadline = time.monotonic() + timeout_s
        with self._arrived:
            while len(self.received) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self.received)} pushes received, {count} expected"
                self._arrived.wait(left)
            return list(self.received[:count])

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
