"""The shopper's product page on the Shopee sandbox, shaped like shopee.vn's."""

from __future__ import annotations

import json
from html import escape

from adapters.common.sandbox import (
    MarketplaceSandbox,
    SandboxItem,
    SandboxShop,
    price_range,
    schema_offers,
    total_sold,
    total_stock,
    variants_html,
)


class ShopeePages(MarketplaceSandbox):
    """The public product page."""

    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        """Shaped like shopee.vn's product page: JSON-LD Product, price (a range over the variants), the
        variants to pick from, "Đã bán", stock left."""
        stock_left = total_stock(item)
        data = {
            "@context": "https://schema.org", "@type": "Product", "name": item.name, "sku": item.seller_sku,
            "productID": item.item_id, "image": item.images, "description": item.description,
            "offers": {**schema_offers(item, f"/shop/{shop.shop_id}/{item.item_id}"),
                       "seller": {"@type": "Organization", "name": shop.name}},
        }
        ld = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        stock = f"Còn {stock_left} sản phẩm" if stock_left > 0 else "Hết hàng (Còn 0 sản phẩm)"
        picture = f'<img class="product-image" src="{escape(item.images[0])}" alt="{escape(item.name)}">' \
            if item.images else ""
        return (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(item.name)} | Shopee Việt Nam</title>"
            f'<script type="application/ld+json">{ld}</script></head><body>'
            '<div class="page-product"><div class="breadcrumb">Shopee › Bách Hóa Online</div>'
            f'<div class="product-briefing"><div class="gallery">{picture}</div><section class="info">'
            f'<h1 class="product-name">{escape(item.name)}</h1>'
            f'<div class="product-rating"><span class="sold">Đã bán {total_sold(item)}</span></div>'
            f'<div class="product-price"><span class="price">{price_range(item)}</span></div>'
            f"{variants_html(item)}"
            f'<div class="product-quantity"><span class="stock">{stock}</span></div>'
            "</section></div>"
            f'<div class="shop-info">Shop: <a href="/shop/{shop.shop_id}">{escape(shop.name)}</a></div>'
            f'<div class="product-detail"><h2>MÔ TẢ SẢN PHẨM</h2><p style="white-space:pre-line">{escape(item.description)}</p></div>'
            "</div></body></html>"
        )
