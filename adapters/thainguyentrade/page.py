"""thainguyentrade.vn's public product page: JSON-LD ``Product`` and ``Offer``, then the visible
product block (name, price, "Đã bán", "Còn N sản phẩm", "Mã SKU")."""

from __future__ import annotations

from adapters.common.page import PageObservation, PagePaths, VisibleParts, read_schema_page

PATHS = PagePaths(product="/shop/{shop_id}/{item_id}", storefront="/shop/{shop_id}")
VISIBLE = VisibleParts(title=".product-name", price="div.price", seller_sku="span.seller-sku")


def parse_product_page(html: str, url: str) -> PageObservation:
    return read_schema_page(html, url, VISIBLE)
