"""ListingDraft → Lazada product payload (reference lazada.md §4.3, §4.4, §7), and the other payloads.

Payloads are built by ``json.dumps``, never by pasting text into a template. Every SKU value is sent as a
string (code 1001).

The leaf, its attribute values and the brand come from ``draft.listing_category``, resolved by the engine
from the people-edited mapping and the shop's setup read from Lazada: ``PrimaryCategory`` is its leaf,
each attribute goes under ``Attributes`` by its key (a select's option name as its value), the brand as
``brand`` and, where known, ``brand_id``. A draft without one cannot be mapped.
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any

from adapters.common.contract import ListingCategory, ListingDraft, ProductDraft
from adapters.common.errors import MarketplaceError, local_error
from adapters.common.readiness import Reason

NAME_MAX = 255
DEFAULT_PACKAGE_CM = 10


def listing_category(draft: ListingDraft) -> ListingCategory:
    """The draft's Lazada leaf with its values; a draft without one is refused before any call (the engine's
    readiness check blocks it first: this is a guard)."""
    if draft.listing_category is None:
        category = draft.category_name or draft.category_code or draft.seller_sku
        info = local_error("lazada", "unmapped_category", f"no Lazada category chosen for {category}",
                           "PrimaryCategory")
        raise MarketplaceError(info.model_copy(update={"reason": Reason.unmapped_category.value}))
    return draft.listing_category


def primary_category(draft: ListingDraft) -> str:
    return listing_category(draft).category_id


def listing_name(draft: ListingDraft) -> str:
    return draft.name_with_variant(NAME_MAX)


def kilograms(grams: int) -> str:
    """Grams as kg with at most 2 decimals, never below 0.01 (a 200 g pack is ``"0.2"``)."""
    kg = max(Decimal(grams) / 1000, Decimal("0.01")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return format(kg.normalize(), "f")


def facts(draft: ListingDraft) -> list[str]:
    """The short facts a Vietnamese shopper looks for: pack, origin, OCOP, certifications, traceability."""
    lines = []
    if draft.variant:
        lines.append(f"Quy cách: {draft.variant}")
    if draft.origin:
        lines.append(f"Xuất xứ: {draft.origin}")
    if draft.ocop_stars:
        valid = f" (hiệu lực đến {draft.ocop_valid_to:%d/%m/%Y})" if draft.ocop_valid_to else ""
        lines.append(f"Sản phẩm OCOP {draft.ocop_stars} sao{valid}")
    if draft.certifications:
        lines.append("Chứng nhận: " + ", ".join(draft.certifications))
    if draft.shelf_life_days:
        lines.append(f"Hạn sử dụng: {draft.shelf_life_days} ngày")
    if draft.coop_name:
        lines.append(f"Sản xuất bởi: {draft.coop_name}")
    if draft.trace_url:
        lines.append(f"Truy xuất nguồn gốc: {draft.trace_url}")
    return lines


def html_list(lines: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>" if lines else ""


def description_html(draft: ListingDraft) -> str:
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in draft.description.split("\n") if p.strip())
    return paragraphs + html_list(facts(draft))


def attributes(draft: ListingDraft) -> dict[str, Any]:
    """The leaf's attribute values, then the item's own name, description and brand (which no mapped value
    may replace)."""
    chosen = listing_category(draft)
    values: dict[str, Any] = {value.attribute_id: value.value for value in chosen.attributes}
    values.update({
        "name": listing_name(draft),
        "description": description_html(draft),
        "short_description": html_list(facts(draft)),
        "brand": chosen.brand_name,
    })
    if chosen.brand_id:
        values["brand_id"] = chosen.brand_id
    return {key: value for key, value in values.items() if value != ""}


def package_fields(draft: ListingDraft) -> dict[str, str]:
    return {
        "package_weight": kilograms(draft.weight_g),
        "package_length": str(draft.length_cm or DEFAULT_PACKAGE_CM),
        "package_width": str(draft.width_cm or DEFAULT_PACKAGE_CM),
        "package_height": str(draft.height_cm or DEFAULT_PACKAGE_CM),
        "package_content": draft.variant or draft.name,
    }


def product_payload(product: dict[str, Any]) -> str:
    return json.dumps({"Request": {"Product": product}}, ensure_ascii=False)


def new_sku(draft: ListingDraft) -> dict[str, Any]:
    """One SKU of a new product: seller SKU, stock, price and package."""
    return {
        "SellerSku": draft.seller_sku,
        "quantity": str(draft.stock),
        "price": str(draft.price),
        **package_fields(draft),
    }


def new_product(draft: ListingDraft, image_urls: list[str], skus: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "PrimaryCategory": primary_category(draft),
        "Images": {"Image": image_urls},
        "Attributes": attributes(draft),
        "Skus": {"Sku": skus},
    }


def create_payload(draft: ListingDraft, image_urls: list[str]) -> str:
    """The ``payload`` of ``/product/create``: one product, one SKU, Lazada-hosted images only."""
    return product_payload(new_product(draft, image_urls, [new_sku(draft)]))


def product_content(draft: ProductDraft) -> ListingDraft:
    """The product as its item shows it: the first pack's content with no pack named (name, facts)."""
    return draft.product.model_copy(update={"variant": ""})


def product_name(draft: ProductDraft) -> str:
    return listing_name(product_content(draft))


def variation(name: str, options: list[str]) -> dict[str, Any]:
    """One custom sale property whose options are the packs. Photos are the product's, so no SKU carries
    images (Lazada wants them on every SKU or on none, 4153)."""
    return {"variation1": {"name": name, "hasImage": False, "customize": True, "options": {"option": options}}}


def variant_skus(packs: list[ListingDraft], variation_name: str, options: list[str]) -> list[dict[str, Any]]:
    """Each pack as a SKU whose ``saleProp`` names its option."""
    return [{**new_sku(pack), "saleProp": {variation_name: option}}
            for pack, option in zip(packs, options, strict=True)]


def product_create_payload(draft: ProductDraft, image_urls: list[str]) -> str:
    """The ``payload`` of ``/product/create`` for one product with its packs as SKUs along the sale
    property ``draft.variant_kind`` (marketplace-gaps.md §d1)."""
    skus = variant_skus(draft.packs, draft.variant_kind, draft.options)
    product = new_product(product_content(draft), image_urls, skus)
    return product_payload({**product, "variation": variation(draft.variant_kind, draft.options)})


def add_packs_payload(associated_sku: str, variation_name: str, options: list[str], packs: list[ListingDraft],
                      pack_options: list[str]) -> str:
    """The ``payload`` of ``/product/create`` adding ``packs`` to the product that holds ``associated_sku``;
    ``options`` are all the product's options afterwards, those in use included."""
    return product_payload({
        "AssociatedSku": associated_sku,
        "variation": variation(variation_name, options),
        "Skus": {"Sku": variant_skus(packs, variation_name, pack_options)},
    })


def remove_keys(item_id: str, sku_ids: list[str]) -> str:
    """The ``sku_id_list`` of ``/product/remove``: ``SkuId_<item_id>_<sku_id>`` for each SKU (§4.9)."""
    return json.dumps([f"SkuId_{item_id}_{sku_id}" for sku_id in sku_ids])


def sku_remove_payload(item_id: str, sku_id: str) -> str:
    """The ``payload`` of ``/product/sku/remove``: one SKU off its product."""
    return product_payload({"ItemId": item_id, "Skus": {"Sku": [{"SkuId": sku_id}]}})


def update_payload(item_id: str, sku_id: str, draft: ListingDraft, image_urls: list[str]) -> str:
    """The ``payload`` of ``/product/update``: content only (price and stock have their own calls);
    the SKU is set ``active`` so a delisted item comes back."""
    sku = {"SkuId": sku_id, "SellerSku": draft.seller_sku, "Status": "active", **package_fields(draft)}
    product: dict[str, Any] = {
        "ItemId": item_id,
        "PrimaryCategory": primary_category(draft),
        "Attributes": attributes(draft),
        "Skus": {"Sku": [sku]},
    }
    if image_urls:
        product["Images"] = {"Image": image_urls}
    return product_payload(product)


def pack_sku(sku_id: str, pack: ListingDraft, variation_name: str, option: str) -> dict[str, Any]:
    """One existing SKU of a product with its pack's content: seller SKU, package and its option."""
    return {"SkuId": sku_id, "SellerSku": pack.seller_sku, **package_fields(pack),
            "saleProp": {variation_name: option}}


def packs_update_payload(item_id: str, skus: list[dict[str, Any]]) -> str:
    """The ``payload`` of ``/product/update`` for some SKUs of a product, its own content left as it is."""
    return product_payload({"ItemId": item_id, "Skus": {"Sku": skus}})


def sku_batch_payload(rows: list[dict[str, str]]) -> str:
    """The ``payload`` of the price and sellable-stock batch calls (PascalCase fields)."""
    return product_payload({"Skus": {"Sku": rows}})

