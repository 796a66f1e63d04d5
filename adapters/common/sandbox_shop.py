"""Opening a seller shop on any marketplace sandbox, and authorising an existing one again, through its
control API (``POST /_sandbox/shops``, ``POST /_sandbox/shops/{shop_id}/code``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from adapters.common.contract import SandboxShopGrant
from adapters.common.http import tls


async def open_sandbox_shop(base_url: str, name: str, grant: Callable[[dict[str, Any]], SandboxShopGrant], *,
                            transport: httpx.AsyncBaseTransport | None = None) -> SandboxShopGrant:
    """Ask the sandbox at ``base_url`` for a new shop called ``name``; ``grant`` reads the answer in the
    marketplace's own field names. ``transport`` replaces the network (tests reach the sandbox in-process)."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10, verify=tls(), transport=transport) as client:
        response = await client.post("/_sandbox/shops", json={"name": name})
        response.raise_for_status()
        return grant(response.json())


async def sandbox_code(base_url: str, shop_id: str, *, transport: httpx.AsyncBaseTransport | None = None
                       ) -> str | None:
    """A new one-time authorisation code for the existing shop ``shop_id`` on the sandbox at ``base_url``
    (``None`` on a floor, which authorises by key); ``httpx.HTTPStatusError`` from a host that is no sandbox."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10, verify=tls(), transport=transport) as client:
        response = await client.post(f"/_sandbox/shops/{shop_id}/code")
        response.raise_for_status()
        return response.json()["code"]
