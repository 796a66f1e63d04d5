"""Lazada Vietnam: the Open Platform client, its payload mapping and a local sandbox."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from adapters.common import sandbox_shop
from adapters.common.contract import (
    Capabilities,
    MarketplaceSpec,
    SandboxShopGrant,
    ShopAuthorisation,
    ShopCredentials,
)
from adapters.lazada import authorisation, push
from catalog.pricing import PriceRule

CAPABILITIES = Capabilities(
    marketplace="lazada",
    price_batch_size=20,  # Lazada takes at most 50 SKUs a call and recommends 20 (§4.5)
    stock_batch_size=20,
    requests_per_second=5,  # one seller, at most 5 calls a second (§3.4)
    app_calls_per_day=10_000_000,  # a live app; a test app has 10,000 (marketplace-gaps §2, rate limits)
    content_update_in_place=True,
    name_length=(10, 255),
    description_max_length=25000,
    max_images=8,
    variants=True,  # a product's packs as SKUs along one sale property (marketplace-gaps.md §d1)
    max_variants=50,  # options of one variation
    product_create_calls=2,  # /products/get for the packs' seller SKUs, one /product/create with them all
    seller_sku_unique=True,  # a second product with a SellerSku already in the shop is refused (E4105)
    setup=True,  # a leaf of Lazada's tree with its mandatory attributes and a brand (§4.1)
    photo_required=True,  # E4139: Main image is required
)

# Fees from vn-context §4 (2025 figures); the fixed fee per order is per category and contract, so a
# shop starts without one and is edited.
PRICE_RULE = PriceRule(percentage_fees={"phi_thanh_toan": Decimal("2.497"), "phi_co_dinh": Decimal(4)})


def _grant(shop: dict[str, Any]) -> SandboxShopGrant:
    credentials = ShopCredentials(shop_id=str(shop["shop_id"]), app_key=str(shop["app_key"]),
                                  app_secret=shop["app_secret"])
    return SandboxShopGrant(credentials=credentials, code=shop["code"])


async def open_sandbox_shop(base_url: str, name: str, *, transport: Any = None) -> SandboxShopGrant:
    """Open a seller shop on a Lazada sandbox: app credentials and a one-time authorisation code."""
    return await sandbox_shop.open_sandbox_shop(base_url, name, _grant, transport=transport)


SPEC = MarketplaceSpec(
    name="lazada",
    display_name="Lazada",
    adapter="adapters.lazada.client:LazadaAdapter",
    sandbox="adapters.lazada.sandbox:LazadaSandbox",
    default_port=8702,
    capabilities=CAPABILITIES,
    open_sandbox_shop=open_sandbox_shop,
    sandbox_code=sandbox_shop.sandbox_code,
    price_rule=PRICE_RULE,
    authorisation=ShopAuthorisation(url=authorisation.authorisation_url, returned=authorisation.returned),
    token_refresh_ahead=timedelta(hours=48),  # access tokens live days; the adapter and the schedule renew 2 days ahead
    push=push.PROTOCOL,
)
