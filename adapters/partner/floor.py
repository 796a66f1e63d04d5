"""A floor's ``MarketplaceSpec`` from its profile, and opening a shop on a partner sandbox."""

from __future__ import annotations

from typing import Any

from adapters.common import sandbox_shop
from adapters.common.contract import MarketplaceSpec, SandboxShopGrant, ShopCredentials
from adapters.partner.profile import FloorProfile


def _grant(shop: dict[str, Any]) -> SandboxShopGrant:
    credentials = ShopCredentials(
        shop_id=str(shop["shop_id"]), app_key=shop["api_key"], app_secret=shop["api_secret"]
    )
    return SandboxShopGrant(credentials=credentials)


async def open_sandbox_shop(base_url: str, name: str, *, transport: Any = None) -> SandboxShopGrant:
    """``POST /_sandbox/shops``: the floor hands the new shop its id, API key and secret (no code)."""
    return await sandbox_shop.open_sandbox_shop(base_url, name, _grant, transport=transport)


def floor_spec(profile: FloorProfile, *, adapter: str, sandbox: str) -> MarketplaceSpec:
    return MarketplaceSpec(
        name=profile.name,
        display_name=profile.display_name,
        adapter=adapter,
        sandbox=sandbox,
        default_port=profile.default_port,
        capabilities=profile.capabilities(),
        open_sandbox_shop=open_sandbox_shop,
        sandbox_code=sandbox_shop.sandbox_code,
    )
