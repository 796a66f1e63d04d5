"""Shopee Vietnam: the Open Platform v2 client, its payload mapping and a local sandbox."""

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
from adapters.shopee import authorisation, push
from catalog.pricing import PriceRule

CAPABILITIES = Capabilities(
    marketplace="shopee",
    # update_price/update_stock take one item and up to 50 of its models a call (reference shopee.md §3,
    # marketplace-gaps.md §d1): update_prices is handed up to 50 packs and sends one call per item among them
    price_batch_size=50,
    stock_batch_size=50,
    batch_one_item=True,
    requests_per_second=10,  # not published; the reference's starting point per shop (§5)
    content_update_in_place=True,
    name_length=(5, 100),  # get_item_limit sample (§3.2)
    description_max_length=2000,
    max_images=9,
    variants=True,  # one item per product, its packs as models of one tier (marketplace-gaps.md §d1)
    max_variants=50,
    # search_item for the product's code (an item a crash left without models), add_item, init_tier_variation
    product_create_calls=3,
    variant_wait_s=5.0,  # "Please wait at least 5 seconds after creating an item before creating variants."
    max_price_ratio=5,  # the dearest model at most 5 times the cheapest in VN (shopee.md §7)
    setup=True,  # a leaf of get_category with its mandatory attributes, brand and logistics (gaps §d5)
    photo_required=True,  # add_item refuses an item without an image (error_image_num_min)
)

# Fees from vn-context §4 (2025 figures): payment 5 %, fixed 4 % and 3.000 ₫ an order; edited per shop.
PRICE_RULE = PriceRule(percentage_fees={"phi_thanh_toan": Decimal(5), "phi_co_dinh": Decimal(4)},
                       fixed_fee_per_order=3000)


def _grant(shop: dict[str, Any]) -> SandboxShopGrant:
    credentials = ShopCredentials(
        shop_id=str(shop["shop_id"]), app_key=str(shop["partner_id"]), app_secret=shop["partner_key"]
    )
    return SandboxShopGrant(credentials=credentials, code=shop["code"])


async def open_sandbox_shop(base_url: str, name: str, *, transport: Any = None) -> SandboxShopGrant:
    """Open a seller shop on a Shopee sandbox: partner credentials and a one-time authorisation code."""
    return await sandbox_shop.open_sandbox_shop(base_url, name, _grant, transport=transport)


SPEC = MarketplaceSpec(
    name="shopee",
    display_name="Shopee",
    adapter="adapters.shopee.client:ShopeeAdapter",
    sandbox="adapters.shopee.sandbox:ShopeeSandbox",
    default_port=8701,
    capabilities=CAPABILITIES,
    open_sandbox_shop=open_sandbox_shop,
    sandbox_code=sandbox_shop.sandbox_code,
    price_rule=PRICE_RULE,
    authorisation=ShopAuthorisation(url=authorisation.authorisation_url, returned=authorisation.returned),
    push=push.PROTOCOL,
    token_refresh_ahead=timedelta(hours=1),  # access tokens live 4 hours; the adapter and the schedule renew 1 h ahead
)
