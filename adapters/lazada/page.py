"""Lazada's public product page: JSON-LD ``Product`` (``productID`` is Lazada's item id), then the PDP's
own blocks for what a shopper reads (title, price, "Đã bán", "Còn N sản phẩm")."""

from __future__ import annotations

from adapters.common.page import PageObservation, PagePaths, VisibleParts, read_schema_page

PATHS = PagePaths(product="/shop/{shop_id}/{item_id}", storefront="/shop/{shop_id}")
VISIBLE = VisibleParts(title="h1.pdp-mod-product-badge-title", price=".pdp-product-price .pdp-price")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)
