"""Voso's public product page (vn-context §1.2): the inline ``var product = {...};`` record first (it has
everything, including the seller's ``merchantProductId`` and ``sold``), then schema.org RDFa, then the
visible parts."""

from __future__ import annotations

from typing import Any

from adapters.common.page import (
    PageObservation,
    VisibleParts,
    inline_record,
    price_from,
    read_schema_page,
    text_or_none,
)

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
