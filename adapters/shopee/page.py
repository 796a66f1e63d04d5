"""Shopee's public product page: JSON-LD ``Product`` (``sku`` is the seller SKU), then the page's own
title, price ("120.000 ₫"), "Đã bán N" and "Còn N sản phẩm" lines. An item with variants has no single
price: its ``offers`` is an ``AggregateOffer`` (lowPrice, highPrice) holding one ``Offer`` per variant, with
the variant's seller SKU as ``sku``, its price and its stock as ``inventoryLevel``."""

from __future__ import annotations

from adapters.common.page import PageObservation, PagePaths, VisibleParts, read_schema_page

PATHS = PagePaths(product="/shop/{shop_id}/{item_id}", storefront="/shop/{shop_id}")
VISIBLE = VisibleParts(title="h1.product-name", price=".product-price .price")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)
