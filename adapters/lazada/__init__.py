"""Lazada Vietnam: the Open Platform client, its payload mapping and a local sandbox."""

from __future__ import annotations

import httpx

from adapters.common.contract import Capabilities, MarketplaceSpec, SandboxShopGrant, ShopCredentials

CAPABILITIES = Capabilities(
    marketplace="lazada",
    price_batch_size=20,  # Lazada takes at most 50 SKUs a call and recommends 20 (§4.5)
    stock_batch_size=20,
    requests_per_second=5,  # one seller, at most 5 calls a second (§3.4)
    content_update_in_place=True,
    name_length=(10, 255),
    description_max_length=25000,
    max_images=8,
)


async def open_sandbox_shop(base_url: str, name: str) -> SandboxShopGrant:
    """Open a seller shop on a Lazada sandbox: app credentials and a one-time authorisation code."""
    async with httpx.AsyncClient(base_url=base_url, timeout=10) as client:
        response = await client.post("/_sandbox/shops", json={"name": name})
        response.raise_for_status()
        shop = response.json()
    credentials = ShopCredentials(shop_id=str(shop["shop_id"]), app_key=str(shop["app_key"]),
                                  app_secret=shop["app_secret"])
    return SandboxShopGrant(credentials=credentials, code=shop["code"])


SPEC = MarketplaceSpec(
    name="lazada",
    display_name="Lazada",
    adapter="adapters.lazada.client:LazadaAdapter",
    sandbox="adapters.lazada.sandbox:LazadaSandbox",
    default_port=8702,
    capabilities=CAPABILITIES,
    open_sandbox_shop=open_sandbox_shop,
)
