"""One HTTP client for the tests' own calls to the sandboxes (each new httpx client costs ~40 ms of TLS set-up),
and a free port for a server a test starts."""

from __future__ import annotations

import socket

import httpx

WEB = httpx.Client(timeout=10)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
