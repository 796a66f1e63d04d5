"""The public product page of a floor served from its profile alone: JSON-LD ``Product`` and ``Offer``, then
what the partner sandbox writes for people (name, price, "Đã bán", "Còn N sản phẩm", "Mã SKU")."""

from __future__ import annotations

from adapters.common.page import PageObservation, VisibleParts, read_schema_page

VISIBLE = VisibleParts(title="h1.product-name", price=".price", seller_sku=".sku .seller-sku")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)
