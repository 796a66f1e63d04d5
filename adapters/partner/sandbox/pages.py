"""The shopper's product page on a partner floor's sandbox, written by the floor's own page module."""

from __future__ import annotations

import importlib
from html import escape

from adapters.common.sandbox import SandboxItem, SandboxShop
from adapters.partner.sandbox.products import PartnerProducts
from catalog.money import format_vnd


class PartnerPages(PartnerProducts):
    """The public product page, which carries the item's floor record."""

    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        price = format_vnd(item.price)
        visible = (
            f'<h1 class="product-name">{escape(item.name)}</h1>'
            f'<div class="price">{price}</div>'
            f'<div class="sold">Đã bán {item.sold}</div>'
            f'<div class="stock">Còn {item.stock} sản phẩm</div>'
            f'<div class="sku">Mã SKU: <span class="seller-sku">{escape(item.seller_sku)}</span></div>'
            f'<div class="shop">{escape(shop.name)}</div>'
            f'<div class="description">{escape(item.description)}</div>'
        )
        write_markup = importlib.import_module(self.profile.page_module).product_markup
        body = write_markup(item, shop, visible, self.record(item))
        return (
            f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(item.name)} - P{item.item_id} | {escape(self.profile.display_name)}</title>"
            f'<meta property="og:title" content="{escape(item.name)}"></head><body>{body}</body></html>'
        )
