"""The shopper's product page on the Lazada sandbox, shaped like lazada.vn's."""

from __future__ import annotations

import json
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

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


class LazadaPages(MarketplaceSandbox):
    """The public product page."""

    async def _product_page(self, request: Request) -> Response:
        """An item the seller deactivated is gone for shoppers too."""
        item = self.state.items.get(request.path_params["item_id"])
        if item is not None and item.status == "unlisted":
            return HTMLResponse("<html><body><h1>Sản phẩm không tồn tại</h1></body></html>", status_code=404)
        return await super()._product_page(request)

    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        """Shaped like lazada.vn's: JSON-LD Product, price (a range over the variants), the variants to pick
        from, "Đã bán", stock left."""
        stock = total_stock(item)
        offer = schema_offers(item, f"/shop/{shop.shop_id}/{item.item_id}")
        data = {"@context": "https://schema.org", "@type": "Product", "name": item.name, "sku": item.seller_sku,
                "productID": item.item_id, "image": item.images, "brand": {"@type": "Brand", "name": "No Brand"},
                "offers": offer}
        ld = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        stock_line = f"Còn {stock} sản phẩm" + ("" if stock > 0 else " · Hết hàng")
        picture = f'<img class="gallery-preview-panel__image" src="{escape(item.images[0])}" alt="">' \
            if item.images else ""
        return (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(item.name)} | Lazada.vn</title>"
            f'<script type="application/ld+json">{ld}</script></head><body>'
            '<div id="pdp"><div class="breadcrumb">Lazada Việt Nam › Bách Hóa Online</div>'
            f'<div class="pdp-block__gallery">{picture}</div>'
            f'<h1 class="pdp-mod-product-badge-title">{escape(item.name)}</h1>'
            f'<div class="pdp-review-summary"><span class="pdp-sold">Đã bán {total_sold(item)}</span></div>'
            f'<div class="pdp-product-price"><span class="pdp-price">{price_range(item)}</span></div>'
            f"{variants_html(item)}"
            f'<div class="pdp-mod-stock"><span class="quantity-content-default">{stock_line}</span></div>'
            f'<div class="seller-name">Nhà bán: <a href="/shop/{shop.shop_id}">{escape(shop.name)}</a></div>'
            f'<div class="pdp-product-detail">{item.description}</div>'
            "</div></body></html>"
        )
