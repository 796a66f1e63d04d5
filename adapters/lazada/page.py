"""Lazada's public product page: JSON-LD ``Product`` (``productID`` is Lazada's item id), then the PDP's
own blocks for what a shopper reads (title, price, "Đã bán", "Còn N sản phẩm"). An item with several SKUs
has no single price: its ``offers`` is an ``AggregateOffer`` (lowPrice, highPrice) holding one ``Offer`` per
SKU, with the seller SKU as ``sku``, its price and its stock as ``inventoryLevel``."""

from __future__ import annotations

from adapters.common.page import PageObservation, PagePaths, VisibleParts, read_schema_page

PATHS = PagePaths(product="/shop/{shop_id}/{item_id}", storefront="/shop/{shop_id}")
VISIBLE = VisibleParts(title="h1.pdp-mod-product-badge-title", price=".pdp-product-price .pdp-price")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)
