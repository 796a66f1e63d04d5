"""The mapper: catalog rows → what a listing should look like on a channel, and a hash of its content.

Content (name, description, pictures, pack, origin…) is hashed apart from price and stock, so the plan
can tell which part changed. A listing of one SKU hashes the SKU's content; a listing of a product whose
packs are variants hashes the product's content only (its packs come and go by their own actions). One
set-based query reads every row a plan or an apply needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from adapters.common.contract import ListingDraft
from catalog.models import Category, ChannelAccount, Coop, Listing, ListingVariant, Product, Sku
from catalog.trace import public_base, trace_url

BINDING_COLUMNS = (
    ListingVariant.id.label("variant_id"),
    Listing.id.label("listing_id"),
    Listing.channel_account_id.label("account_id"),
    ListingVariant.sku_id,
    Sku.product_id,
    Listing.state,
    ListingVariant.state.label("variant_state"),
    ListingVariant.enabled.label("variant_enabled"),
    Listing.external_item_id,
    Listing.has_variants,
    ListingVariant.external_variant_id,
    ListingVariant.pushed_content_hash.label("pushed_pack_hash"),
    ListingVariant.price_override,
    Listing.pushed_content_hash,
    ListingVariant.pushed_price,
    ListingVariant.pushed_stock,
    ListingVariant.stock_pushed_at,
    ListingVariant.created_at.label("variant_created_at"),
    ListingVariant.reserved_stock,
    Sku.sku.label("seller_sku"),
    Sku.price.label("base_price"),
    Sku.enabled.label("sku_enabled"),
)
CONTENT_COLUMNS = (
    Sku.id.label("sku_id"),
    Sku.sku.label("seller_sku"),
    Sku.variant,
    Sku.weight_g,
    Sku.length_cm,
    Sku.width_cm,
    Sku.height_cm,
    Sku.gtin,
    Product.code.label("product_code"),
    Product.name,
    Product.description,
    Product.images,
    Product.ocop_stars,
    Product.ocop_valid_to,
    Product.certifications,
    Product.origin_commune_name,
    Product.origin_province,
    Product.shelf_life_days,
    Product.trace_url,
    Product.trace_code,
    Category.code.label("category_code"),
    Category.name_vi.label("category_name"),
    Coop.name.label("coop_name"),
)
PACK_FIELDS = ("seller_sku", "variant", "weight_g", "length_cm", "width_cm", "height_cm", "gtin")


def binding_rows(session: Session, account_ids: Iterable[int]):
    """Every listing variant of the given accounts with its listing and what the plan compares (no
    content), in one query, a listing's variants together."""
    query = (
        sa.select(*BINDING_COLUMNS)
        .join(Listing, Listing.id == ListingVariant.listing_id)
        .join(Sku, Sku.id == ListingVariant.sku_id)
        .where(ListingVariant.channel_account_id.in_(list(account_ids)))
        .order_by(Listing.channel_account_id, Listing.id, Sku.id)
    )
    return session.connection().execute(query)


def _content_query():
    return (
        sa.select(*CONTENT_COLUMNS)
        .join(Product, Product.id == Sku.product_id)
        .join(Coop, Coop.id == Product.coop_id)
        .outerjoin(Category, Category.id == Product.category_id)
    )


def sku_content_digests(session: Session, account_ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    """Every SKU of the accounts' co-ops → the hash of its content, of its product's content (without the
    pack) and of the pack's own (option name, weight, size, barcode): each SKU read and hashed once."""
    coops = sa.select(ChannelAccount.coop_id).where(ChannelAccount.id.in_(list(account_ids)))
    rows = session.connection().execute(_content_query().where(Product.coop_id.in_(coops)))
    digests, public = {}, public_base()
    for row in rows:
        content = sku_content(row, public)
        product = {key: value for key, value in content.items() if key not in PACK_FIELDS}
        pack = {key: content[key] for key in PACK_FIELDS}
        digests[row.sku_id] = (content_hash(content), content_hash(product), content_hash(pack))
    return digests


def listing_digest(sku_digest: str, mapping_digest: str) -> str:
    """One listing's content hash: its SKU's content under its account's category mapping."""
    return hashlib.sha256(f"{sku_digest}:{mapping_digest}".encode()).hexdigest()


def listing_drafts(session: Session, account_id: int, wanted: dict[int, tuple[int, int]]) -> dict[int, ListingDraft]:
    """Drafts of some listing variants of one account; ``wanted`` maps a variant id to its ``(price, stock)``."""
    mapping = category_mappings(session, [account_id])[account_id]
    rows = session.connection().execute(
        _content_query().add_columns(ListingVariant.id.label("variant_id"))
        .join(ListingVariant, ListingVariant.sku_id == Sku.id)
        .where(ListingVariant.channel_account_id == account_id, ListingVariant.id.in_(list(wanted)))
    )
    return {
        row.variant_id: ListingDraft(**sku_content(row, public_base()), category_mapping=mapping,
                                     price=wanted[row.variant_id][0], stock=wanted[row.variant_id][1])
        for row in rows
    }


def sku_content(row: Any, public: str | None) -> dict[str, Any]:
    """A SKU's listing content (everything but price, stock and the channel's mapping) as JSON values;
    ``public`` is the trace pages' public address (``catalog.trace.public_base``), read once by the caller."""
    return {
        "seller_sku": row.seller_sku,
        "product_code": row.product_code,
        "name": row.name,
        "description": row.description or "",
        "category_code": row.category_code,
        "category_name": row.category_name,
        "variant": row.variant or "",
        "weight_g": row.weight_g,
        "length_cm": row.length_cm,
        "width_cm": row.width_cm,
        "height_cm": row.height_cm,
        "gtin": row.gtin,
        "images": list(row.images or []),
        "ocop_stars": row.ocop_stars,
        "ocop_valid_to": row.ocop_valid_to.isoformat() if row.ocop_valid_to else None,
        "certifications": list(row.certifications or []),
        "origin_commune": row.origin_commune_name,
        "origin_province": row.origin_province,
        "shelf_life_days": row.shelf_life_days,
        # the product's own link, else its page here once the service has a public address
        "trace_url": row.trace_url or (trace_url(row.trace_code, public) if public else None),
        "coop_name": row.coop_name,
    }


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def category_mappings(session: Session, account_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        sa.select(ChannelAccount.id, ChannelAccount.category_mapping).where(ChannelAccount.id.in_(list(account_ids)))
    )
    return {account_id: mapping or {} for account_id, mapping in rows}
