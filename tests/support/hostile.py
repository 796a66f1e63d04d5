"""A broken or hostile marketplace on a real loopback socket: it answers each path with the exact bytes a
test gives it, whatever was asked, and remembers what it was sent.

Only the answers differ from a real marketplace; the client under test signs, sends and reads over real
HTTP as it would in production.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import pytest


class HostileMarketplace:
    """``answer(path, body)`` sets what a path answers (``body`` as bytes, or any value sent as JSON);
    a path with no answer is a 404. ``received`` holds ``(method, path)`` of every request."""

    def __init__(self) -> None:
        self.answers: dict[str, tuple[int, bytes]] = {}
        self.received: list[tuple[str, str]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, name="hostile-marketplace", daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def answer(self, path: str, body: Any, status: int = 200) -> None:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        self.answers[path] = (status, raw)

    def start(self) -> HostileMarketplace:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        marketplace = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path = urlsplit(self.path).path
                marketplace.received.append((self.command, path))
                status, body = marketplace.answers.get(path, (404, b"not found"))
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def hostile() -> Iterator[HostileMarketplace]:
    """A hostile marketplace on a free loopback port, stopped (its port closed) after the test."""
    marketplace = HostileMarketplace().start()
    yield marketplace
    marketplace.stop()
