"""Voso's public product page (vn-context §1.2): the inline ``var product = {...};`` record first (it has
everything, including the seller's ``merchantProductId`` and ``sold``), then schema.org RDFa, then the
visible parts. ``product_markup`` writes such a page for the sandbox; ``parse_product_page`` reads it."""

from __future__ import annotations

import json
from html import escape
from typing import TYPE_CHECKING, Any

from adapters.common.page import (
    PageObservation,
    PagePaths,
    VisibleParts,
    inline_record,
    price_from,
    read_schema_page,
    schema_availability,
    text_or_none,
)

if TYPE_CHECKING:
    from adapters.common.sandbox import SandboxItem, SandboxShop

PATHS = PagePaths(product="/shop/{shop_id}/{item_id}", storefront="/shop/{shop_id}")
VISIBLE = VisibleParts(title="h1.product-name", price=".price", seller_sku=".seller-sku")
ACTIVE = "ACTIVE"


def parse_product_page(html: str, url: str) -> PageObservation:
    rendered = read_schema_page(html, url, VISIBLE)
    record = inline_record(html, "product")
    if record is None:
        return rendered
    return rendered.model_copy(update=_from_record(record, rendered))


def _from_record(record: dict[str, Any], rendered: PageObservation) -> dict[str, Any]:
    stock = _count(record.get("available"))
    return {
        "visible": record.get("status", ACTIVE) == ACTIVE,
        "title": text_or_none(record.get("name")) or rendered.title,
        "price": price_from(record.get("price")) or rendered.price,
        "stock": stock if stock is not None else rendered.stock,
        "availability": rendered.availability if stock is None else ("in_stock" if stock > 0 else "out_of_stock"),
        "sold_count": _count(record.get("sold")) if record.get("sold") is not None else rendered.sold_count,
        "seller_sku": text_or_none(record.get("merchantProductId")) or rendered.seller_sku,
        "item_id": text_or_none(record.get("id")) or rendered.item_id,
    }


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


# --- the page as Voso's sandbox writes it -----------------------------------------------------------------
def product_markup(item: SandboxItem, shop: SandboxShop, visible: str, record: dict[str, Any]) -> str:
    """The visible parts inside schema.org RDFa, then the inline record: ``record`` is the item as the
    floor's API returns it, with the fields only the page carries added."""
    return _rdfa(item, visible) + _inline_record(item, shop, record)


def _rdfa(item: SandboxItem, visible: str) -> str:
    return (
        f'<div prefix="schema: http://schema.org/" typeof="schema:Product" resource="#product">'
        f'<meta property="schema:name" content="{escape(item.name)}">'
        f'<meta property="schema:sku" content="{escape(item.seller_sku)}">'
        f'<meta property="schema:mpn" content="P{item.item_id}">'
        f'<meta property="schema:description" content="{escape(item.description)}">'
        f'<div property="schema:offers" typeof="schema:Offer">'
        f'<meta property="schema:price" content="{item.price}">'
        f'<meta property="schema:priceCurrency" content="VND">'
        f'<link property="schema:availability" href="{schema_availability(item.stock)}"></div>'
        f"{visible}</div>"
    )


def _inline_record(item: SandboxItem, shop: SandboxShop, record: dict[str, Any]) -> str:
    shown = record | {
        "productCode": f"P{item.item_id}",
        "merchantId": shop.shop_id,
        "buyCount": item.sold,
        "updateTime": int(item.updated_at.timestamp()),
    }
    text = json.dumps(shown, ensure_ascii=False).replace("</", "<\\/")
    return f"<script>var product = {text};</script>"
