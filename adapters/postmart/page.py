"""Postmart's public product page: JSON-LD ``Product`` and ``Offer``, then the visible name, price,
"Đã bán" count, "Còn N sản phẩm" line and "Mã SKU"."""

from __future__ import annotations

from adapters.common.page import PageObservation, VisibleParts, read_schema_page

VISIBLE = VisibleParts(title="h1.product-name", price=".price", seller_sku=".sku .seller-sku")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)
