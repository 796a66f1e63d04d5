"""Opening a seller shop on any marketplace sandbox through its control API (``POST /_sandbox/shops``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from adapters.common.contract import SandboxShopGrant


async def open_sandbox_shop(base_url: str, name: str,
                            grant: Callable[[dict[str, Any]], SandboxShopGrant]) -> SandboxShopGrant:
    """Ask the sandbox at ``base_url`` for a new shop called ``name``; ``grant`` reads the answer in the
    marketplace's own field names."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post("/_sandbox/shops", json={"name": name})
        response.raise_for_status()
        return grant(response.json())
