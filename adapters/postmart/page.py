"""Postmart's public product page is the partner floors' own: JSON-LD ``Product`` and ``Offer``, then the
visible name, price, "Đã bán" count, "Còn N sản phẩm" line and "Mã SKU" (adapters/partner/page.py)."""

from adapters.partner.page import parse_product_page

__all__ = ["parse_product_page"]
