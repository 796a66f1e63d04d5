"""One HTTP client for the tests' own calls to the sandboxes: each new httpx client costs ~40 ms of TLS set-up."""

from __future__ import annotations

import httpx

WEB = httpx.Client(timeout=10)
