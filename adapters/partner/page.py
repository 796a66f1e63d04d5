"""The public product page of a floor served from its profile alone: JSON-LD ``Product`` and ``Offer``, then
what the partner sandbox writes for people (name, price, "Đã bán", "Còn N sản phẩm", "Mã SKU").
``product_markup`` writes such a page for the sandbox; ``parse_product_page`` reads it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from adapters.common.page import (
    PageObservation,
    PagePaths,
    VisibleParts,
    read_schema_page,
    schema_availability,
)

if TYPE_CHECKING:
    from adapters.common.sandbox import SandboxItem, SandboxShop

PATHS = PagePaths(product="/shop/{shop_id}/{item_id}", storefront="/shop/{shop_id}")
VISIBLE = VisibleParts(title="h1.product-name", price=".price", seller_sku=".sku .seller-sku")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)


def product_markup(item: SandboxItem, shop: SandboxShop, visible: str, record: dict[str, Any]) -> str:
    """The visible parts, then the item as JSON-LD (``shop`` and ``record`` are for floors whose page
    carries more)."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": item.name,
        "sku": item.seller_sku,
        "description": item.description,
        "image": item.images,
        "offers": {
            "@type": "Offer",
            "price": str(item.price),
            "priceCurrency": "VND",
            "availability": schema_availability(item.stock).replace("http:", "https:"),
        },
    }
    text = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
    return f'{visible}<script type="application/ld+json">{text}</script>'
