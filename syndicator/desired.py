"""The mapper: catalog rows → what a listing should look like on a channel, and a hash of its content.

Content (name, description, pictures, pack, origin…) is hashed apart from price and stock, so the plan
can tell which part changed. One set-based query reads every row a plan or an apply needs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from adapters.common.contract import ListingDraft
from catalog.models import Category, ChannelAccount, Coop, Listing, Product, Sku

LISTING_COLUMNS = (
    Listing.id.label("listing_id"),
    Listing.channel_account_id.label("account_id"),
    Listing.state,
    Listing.enabled.label("listing_enabled"),
    Listing.external_item_id,
    Listing.external_sku_id,
    Listing.price_override,
    Listing.pushed_content_hash,
    Listing.pushed_price,
    Listing.pushed_stock,
    Sku.id.label("sku_id"),
    Sku.sku.label("seller_sku"),
    Sku.variant,
    Sku.price.label("base_price"),
    Sku.weight_g,
    Sku.length_cm,
    Sku.width_cm,
    Sku.height_cm,
    Sku.gtin,
    Sku.enabled.label("sku_enabled"),
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
    Category.code.label("category_code"),
    Category.name_vi.label("category_name"),
    Coop.name.label("coop_name"),
)


def listing_rows(session: Session, account_ids: Iterable[int], listing_ids: Iterable[int] | None = None):
    """Every listing of the given accounts with its SKU, product, category and co-op, in one query."""
    query = (
        sa.select(*LISTING_COLUMNS)
        .join(Sku, Sku.id == Listing.sku_id)
        .join(Product, Product.id == Sku.product_id)
        .join(Coop, Coop.id == Product.coop_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Listing.channel_account_id.in_(list(account_ids)))
        .order_by(Listing.channel_account_id, Listing.id)
    )
    if listing_ids is not None:
        query = query.where(Listing.id.in_(list(listing_ids)))
    return session.execute(query)


def content_of(row: Any, category_mapping: dict[str, Any]) -> dict[str, Any]:
    """The listing's content fields (everything but price and stock) as plain JSON values."""
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
        "trace_url": row.trace_url,
        "coop_name": row.coop_name,
        "category_mapping": category_mapping,
    }


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def draft_of(content: dict[str, Any], price: int, stock: int) -> ListingDraft:
    return ListingDraft(**content, price=price, stock=stock)


def category_mappings(session: Session, account_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        sa.select(ChannelAccount.id, ChannelAccount.category_mapping).where(ChannelAccount.id.in_(list(account_ids)))
    )
    return {account_id: mapping or {} for account_id, mapping in rows}
