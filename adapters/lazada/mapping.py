"""ListingDraft → Lazada product payload (reference lazada.md §4.3, §4.4, §7), and the other payloads.

Payloads are built by a serialiser, never by pasting text into a template: JSON by ``json.dumps``, the
one XML payload (``/image/migrate``, which takes XML only) by ElementTree, which escapes every text node.

The channel's editable category mapping may give, for the whole account or per catalog category code:
``primary_category`` (Lazada leaf id), ``brand`` / ``brand_id``, ``attributes`` (extra product
attributes) and ``sku_attributes`` (extra SKU fields). Every SKU value is sent as a string (code 1001).
"""

from __future__ import annotations

import json
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from typing import Any
from xml.etree import ElementTree

from adapters.common.contract import ListingDraft, ProductDraft
from adapters.lazada import categories

NAME_MAX = 255
DEFAULT_BRAND = "No Brand"
DEFAULT_PACKAGE_CM = 10
DEFAULT_SHELF_LIFE = "12 tháng"
DEFAULT_COUNTRY = "Việt Nam"
XML_PROLOG = '<?xml version="1.0" encoding="UTF-8"?>'


def channel_mapping(draft: ListingDraft) -> dict[str, Any]:
    """The mapping entry for the draft's category, else the account-wide mapping."""
    mapping = draft.category_mapping
    entry = mapping.get(draft.category_code or "") if draft.category_code else None
    return entry if isinstance(entry, dict) else mapping


def primary_category(draft: ListingDraft) -> str:
    mapping = channel_mapping(draft)
    chosen = mapping.get("primary_category") or mapping.get("category_id")
    if chosen:
        return str(chosen)
    return categories.guess(draft.category_code, draft.category_name, draft.name).category_id


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
    mapping = channel_mapping(draft)
    shelf_life = f"{draft.shelf_life_days} ngày" if draft.shelf_life_days else DEFAULT_SHELF_LIFE
    values: dict[str, Any] = {
        "name": listing_name(draft),
        "description": description_html(draft),
        "short_description": html_list(facts(draft)),
        "brand": str(mapping.get("brand") or DEFAULT_BRAND),
        "shelf_life": shelf_life,
        "country_origin": DEFAULT_COUNTRY,
    }
    if mapping.get("brand_id"):
        values["brand_id"] = str(mapping["brand_id"])
    values.update({key: str(value) for key, value in (mapping.get("attributes") or {}).items()})
    return {key: value for key, value in values.items() if value != ""}


def package_fields(draft: ListingDraft) -> dict[str, str]:
    return {
        "package_weight": kilograms(draft.weight_g),
        "package_length": str(draft.length_cm or DEFAULT_PACKAGE_CM),
        "package_width": str(draft.width_cm or DEFAULT_PACKAGE_CM),
        "package_height": str(draft.height_cm or DEFAULT_PACKAGE_CM),
        "package_content": draft.variant or draft.name,
    }


def sku_extras(draft: ListingDraft) -> dict[str, str]:
    return {key: str(value) for key, value in (channel_mapping(draft).get("sku_attributes") or {}).items()}


def product_payload(product: dict[str, Any]) -> str:
    return json.dumps({"Request": {"Product": product}}, ensure_ascii=False)


def new_sku(draft: ListingDraft) -> dict[str, Any]:
    """One SKU of a new product: seller SKU, stock, price and package."""
    return {
        "SellerSku": draft.seller_sku,
        "quantity": str(draft.stock),
        "price": str(draft.price),
        **package_fields(draft),
        **sku_extras(draft),
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
        "Skus": {"Sku": [{**sku, **sku_extras(draft)}]},
    }
    if image_urls:
        product["Images"] = {"Image": image_urls}
    return product_payload(product)


def pack_sku(sku_id: str, pack: ListingDraft, variation_name: str, option: str) -> dict[str, Any]:
    """One existing SKU of a product with its pack's content: seller SKU, package and its option."""
    return {"SkuId": sku_id, "SellerSku": pack.seller_sku, **package_fields(pack), **sku_extras(pack),
            "saleProp": {variation_name: option}}


def packs_update_payload(item_id: str, skus: list[dict[str, Any]]) -> str:
    """The ``payload`` of ``/product/update`` for some SKUs of a product, its own content left as it is."""
    return product_payload({"ItemId": item_id, "Skus": {"Sku": skus}})


def sku_batch_payload(rows: list[dict[str, str]]) -> str:
    """The ``payload`` of the price and sellable-stock batch calls (PascalCase fields)."""
    return product_payload({"Skus": {"Sku": rows}})


def image_migrate_payload(url: str) -> str:
    """The ``payload`` of ``/image/migrate``: ``<Request><Image><Url>…</Url></Image></Request>``, the URL
    escaped (``&`` as ``&amp;``), so no URL can close the element or add one."""
    request = ElementTree.Element("Request")
    ElementTree.SubElement(ElementTree.SubElement(request, "Image"), "Url").text = url
    return XML_PROLOG + ElementTree.tostring(request, encoding="unicode")
