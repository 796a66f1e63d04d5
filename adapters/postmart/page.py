"""Postmart's public product page is the partner floors' own, at their addresses: JSON-LD ``Product`` and
``Offer``, then the visible name, price, "Đã bán" count, "Còn N sản phẩm" line and "Mã SKU"
(adapters/partner/page.py)."""

from adapters.partner.page import PATHS, parse_product_page

__all__ = ["PATHS", "parse_product_page"]
