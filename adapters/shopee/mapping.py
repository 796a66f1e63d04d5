"""ListingDraft → Shopee ``product/add_item`` and ``update_item`` bodies (reference shopee.md §3.1, §7);
ProductDraft → the item its packs are models of, and the tier and model bodies (marketplace-gaps.md §d1).

The channel's editable category mapping (``draft.category_mapping``), for the whole account or per
catalog category code, may give ``category_id`` (a Shopee leaf), ``attributes`` (``{attribute_id:
value}``, overriding the defaults), ``logistic_ids`` (enabled channels of the shop) and ``brand``.
Without one, the farm category's default below is used.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from adapters.common.contract import ListingDraft, ProductDraft
from adapters.shopee import CAPABILITIES, categories
from catalog.text import clean

NAME_MAX = CAPABILITIES.name_length[1]
DESCRIPTION_MAX = CAPABILITIES.description_max_length
NO_BRAND = {"brand_id": 0, "original_brand_name": "No Brand"}
COUNTRY = "Việt Nam"


def channel_mapping(draft: ListingDraft) -> dict[str, Any]:
    """The mapping entry for the draft's catalog category, else the account-wide mapping."""
    entry = draft.category_mapping.get(draft.category_code or "")
    return entry if isinstance(entry, dict) else draft.category_mapping


def category(draft: ListingDraft) -> categories.ShopeeCategory:
    chosen = channel_mapping(draft).get("category_id")
    if chosen is not None:
        known = categories.BY_ID.get(int(chosen))
        return known or categories.ShopeeCategory(int(chosen), "", mandatory=())
    return categories.for_catalog_code(draft.category_code)


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


def default_attribute_value(attribute: categories.ShopeeAttribute, draft: ListingDraft) -> str | None:
    if attribute == categories.SHELF_LIFE and draft.shelf_life_days:
        return f"{draft.shelf_life_days} ngày"
    if attribute == categories.ORIGIN:
        return COUNTRY
    return None


def attribute_list(draft: ListingDraft) -> list[dict[str, Any]]:
    """Mandatory attributes of the leaf with values from the draft, then the mapping's own values.
    A mandatory value the draft cannot give is left out, so Shopee names the attribute missing."""
    values: dict[int, str] = {}
    for attribute in category(draft).mandatory:
        if (value := default_attribute_value(attribute, draft)) is not None:
            values[attribute.attribute_id] = value
    for attribute_id, value in (channel_mapping(draft).get("attributes") or {}).items():
        values[int(attribute_id)] = str(value)
    return [
        {"attribute_id": attribute_id, "attribute_value_list": [{"value_id": 0, "original_value_name": value}]}
        for attribute_id, value in values.items()
    ]


def logistic_info(draft: ListingDraft) -> list[dict[str, Any]]:
    chosen = channel_mapping(draft).get("logistic_ids") or categories.DEFAULT_LOGISTIC_IDS
    return [{"logistic_id": int(logistic_id), "enabled": True, "is_free": False} for logistic_id in chosen]


def brand(draft: ListingDraft) -> dict[str, Any]:
    chosen = channel_mapping(draft).get("brand")
    if isinstance(chosen, dict):
        return chosen
    return {"brand_id": 0, "original_brand_name": str(chosen)} if chosen else NO_BRAND


def content(draft: ListingDraft, image_ids: list[str]) -> dict[str, Any]:
    """What add_item and update_item share: everything but price and stock."""
    body: dict[str, Any] = {
        "item_name": item_name(draft),
        "description": description(draft),
        "item_sku": draft.seller_sku,
        "weight": weight_kg(draft.weight_g),
        "category_id": category(draft).category_id,
        "attribute_list": attribute_list(draft),
        "brand": brand(draft),
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
        "logistic_info": logistic_info(draft),
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
