"""ListingDraft → Shopee ``product/add_item`` and ``update_item`` bodies (reference shopee.md §3.1, §7);
ProductDraft → the item its packs are models of, and the tier and model bodies (marketplace-gaps.md §d1).

Where the item goes and what it carries there (leaf, attribute values, brand, logistics channels) is
``draft.listing_category``, resolved by the engine from the mapping and the shop's setup read from Shopee; a
draft without one is not sent. Pictures are Shopee image ids, uploaded by the client first.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from adapters.common.contract import AttributeValue, ListingCategory, ListingDraft, ProductDraft
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.readiness import Reason
from adapters.shopee import CAPABILITIES, envelope
from catalog.text import clean

NAME_MAX = CAPABILITIES.name_length[1]
DESCRIPTION_MAX = CAPABILITIES.description_max_length
NO_BRAND = {"brand_id": 0, "original_brand_name": "No Brand"}
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
# "200 g", "0,5kg": a quantity and its unit, sent apart (value_unit) for attributes with format_type 2
_QUANTITY = re.compile(r"^(\d+(?:[.,]\d+)?)\s*([a-zA-Z]{1,4})$")
_DATES = ("%d/%m/%Y", "%Y-%m-%d")


def listing_category(draft: ListingDraft) -> ListingCategory:
    """The draft's leaf and values; without one nothing is sent (the engine's readiness check blocks such a
    listing before it gets here)."""
    if draft.listing_category is None:
        raise MarketplaceError(ErrorInfo(
            kind=ErrorKind.rejected, marketplace=envelope.MARKETPLACE, code="unmapped_category", field="category_id",
            message=f"{draft.category_name or draft.category_code or draft.seller_sku}: no Shopee category chosen",
            reason=Reason.unmapped_category.value))
    return draft.listing_category


def item_name(draft: ListingDraft) -> str:
    """Name and pack, cut at a word to Shopee's limit."""
    return draft.name_with_variant(NAME_MAX)


def description(draft: ListingDraft) -> str:
    """Plain text (Shopee shows no HTML): the co-op's words, then the facts a shopper checks."""
    ocop = f"OCOP {draft.ocop_stars} sao" if draft.ocop_stars else ""
    if ocop and draft.ocop_valid_to:
        ocop += f", hiệu lực đến {draft.ocop_valid_to:%d/%m/%Y}"
    facts = [
        ("Quy cách", draft.variant),
        ("Nơi sản xuất", draft.origin),
        ("Chứng nhận", ", ".join(draft.certifications)),
        ("Sản phẩm", ocop),
        ("Hạn sử dụng", f"{draft.shelf_life_days} ngày" if draft.shelf_life_days else ""),
        ("Đơn vị sản xuất", draft.coop_name),
        ("Truy xuất nguồn gốc", draft.trace_url or ""),
    ]
    lines = [clean(line) for line in draft.description.splitlines() if line.strip()]
    lines += [f"- {label}: {value}" for label, value in facts if value]
    text = "\n".join(lines)
    return text if len(text) <= DESCRIPTION_MAX else text[: DESCRIPTION_MAX - 1].rstrip() + "…"


def weight_kg(grams: int) -> float:
    """Grams as kg to 3 decimals (a 200 g pack weighs 0.2)."""
    return float((Decimal(grams) / 1000).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


def dimension(draft: ListingDraft) -> dict[str, int] | None:
    sides = (draft.length_cm, draft.width_cm, draft.height_cm)
    if not all(sides):
        return None
    length, width, height = sides
    return {"package_length": length, "package_width": width, "package_height": height}


def date_timestamp(text: str) -> str | None:
    """A date (``31/12/2026`` or ``2026-12-31``) as Shopee takes it: Unix seconds of that day in Vietnam."""
    for pattern in _DATES:
        try:
            return str(int(datetime.strptime(text, pattern).replace(tzinfo=VIETNAM).timestamp()))
        except ValueError:
            continue
    return None


def attribute_value(value: AttributeValue) -> dict[str, Any]:
    """An option by its id; free text as ``original_value_name`` with ``value_id`` 0, a quantity with its unit
    apart (``value_unit``), a date as a Unix timestamp (GUIDE Creating-product)."""
    if value.value_id is not None:
        return {"value_id": int(value.value_id), "original_value_name": value.value}
    text = clean(value.value)
    if (quantity := _QUANTITY.match(text)) is not None:
        return {"value_id": 0, "original_value_name": quantity.group(1).replace(",", "."),
                "value_unit": quantity.group(2).lower()}
    return {"value_id": 0, "original_value_name": date_timestamp(text) or text}


def attribute_list(chosen: ListingCategory) -> list[dict[str, Any]]:
    """One entry per attribute, its values in the order given (a multi-select has several)."""
    values: dict[str, list[dict[str, Any]]] = {}
    for value in chosen.attributes:
        values.setdefault(value.attribute_id, []).append(attribute_value(value))
    return [{"attribute_id": int(attribute_id), "attribute_value_list": entries}
            for attribute_id, entries in values.items()]


def logistic_info(chosen: ListingCategory) -> list[dict[str, Any]]:
    return [{"logistic_id": int(logistic_id), "enabled": True, "is_free": False} for logistic_id in chosen.logistics]


def brand(chosen: ListingCategory) -> dict[str, Any]:
    if chosen.brand_id is None or chosen.brand_id == "0":
        return NO_BRAND
    return {"brand_id": int(chosen.brand_id), "original_brand_name": chosen.brand_name}


def content(draft: ListingDraft, image_ids: list[str]) -> dict[str, Any]:
    """What add_item and update_item share: everything but price and stock."""
    chosen = listing_category(draft)
    body: dict[str, Any] = {
        "item_name": item_name(draft),
        "description": description(draft),
        "item_sku": draft.seller_sku,
        "weight": weight_kg(draft.weight_g),
        "category_id": int(chosen.category_id),
        "attribute_list": attribute_list(chosen),
        "brand": brand(chosen),
        "condition": "NEW",
    }
    if image_ids:
        body["image"] = {"image_id_list": image_ids}
    if (box := dimension(draft)) is not None:
        body["dimension"] = box
    if draft.gtin:
        body["gtin_code"] = draft.gtin
    return body


def add_item_body(draft: ListingDraft, image_ids: list[str]) -> dict[str, Any]:
    """One item without variants: whole-đồng price, seller stock, the shop's logistics channels."""
    return {
        **content(draft, image_ids),
        "original_price": int(draft.price),
        "seller_stock": [{"stock": draft.stock}],
        "logistic_info": logistic_info(listing_category(draft)),
        "item_status": "NORMAL",
    }


def update_item_body(item_id: int, draft: ListingDraft, image_ids: list[str]) -> dict[str, Any]:
    """Content only (price and stock have their own calls); ``NORMAL`` brings an unlisted item back."""
    return {"item_id": item_id, **content(draft, image_ids), "item_status": "NORMAL"}


# --- a product with its packs as models (one tier) --------------------------------------------------
def product_item(draft: ProductDraft) -> ListingDraft:
    """The item the packs become models of: the product's name and content without a pack, its code as
    ``item_sku``, and no barcode (each model carries its own)."""
    product = draft.product
    return product.model_copy(update={"seller_sku": product.product_code, "variant": "", "gtin": None})


def add_product_body(draft: ProductDraft, image_ids: list[str]) -> dict[str, Any]:
    """add_item wants a price and stock on every item: the cheapest pack's price, and no stock, so that
    nothing is sold under the product code until the models carry the stock."""
    return {**add_item_body(product_item(draft), image_ids),
            "original_price": min(pack.price for pack in draft.packs), "seller_stock": [{"stock": 0}]}


def tier(name: str, options: list[str]) -> dict[str, Any]:
    """One ``standardise_tier_variation`` entry with custom options (id 0: not one of Shopee's own)."""
    return {"variation_id": 0, "variation_name": name, "variation_option_list": [
        {"variation_option_id": 0, "variation_option_name": option} for option in options]}


def model_content(pack: ListingDraft) -> dict[str, Any]:
    """What a model holds of its pack besides option, price and stock: SKU, weight, package, barcode."""
    entry: dict[str, Any] = {"model_sku": pack.seller_sku, "weight": weight_kg(pack.weight_g)}
    if (box := dimension(pack)) is not None:
        entry["dimension"] = box
    if pack.gtin:
        entry["gtin_code"] = pack.gtin
    return entry


def model(pack: ListingDraft, option_index: int) -> dict[str, Any]:
    """One pack as the model at option ``option_index`` of the single tier."""
    return {"tier_index": [option_index], **model_content(pack),
            "original_price": int(pack.price), "seller_stock": [{"stock": pack.stock}]}


def update_model_entry(model_id: str, pack: ListingDraft) -> dict[str, Any]:
    """One ``update_model`` entry: the pack's content on its model (price and stock are not set there)."""
    return {"model_id": int(model_id), **model_content(pack)}


def init_tier_variation_body(item_id: int, draft: ProductDraft) -> dict[str, Any]:
    """One tier named ``variant_kind`` whose options are the packs, one model per pack."""
    return {"item_id": item_id, "standardise_tier_variation": [tier(draft.variant_kind, draft.options)],
            "model": [model(pack, index) for index, pack in enumerate(draft.packs)]}
