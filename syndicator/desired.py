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

BINDING_COLUMNS = (
    Listing.id.label("listing_id"),
    Listing.channel_account_id.label("account_id"),
    Listing.sku_id,
    Listing.state,
    Listing.enabled.label("listing_enabled"),
    Listing.external_item_id,
    Listing.price_override,
    Listing.pushed_content_hash,
    Listing.pushed_price,
    Listing.pushed_stock,
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
    Category.code.label("category_code"),
    Category.name_vi.label("category_name"),
    Coop.name.label("coop_name"),
)


def binding_rows(session: Session, account_ids: Iterable[int]):
    """Every listing of the given accounts with what the plan compares (no content), in one query."""
    query = (
        sa.select(*BINDING_COLUMNS)
        .join(Sku, Sku.id == Listing.sku_id)
        .where(Listing.channel_account_id.in_(list(account_ids)))
        .order_by(Listing.channel_account_id, Listing.id)
    )
    return session.connection().execute(query)


def _content_query():
    return (
        sa.select(*CONTENT_COLUMNS)
        .join(Product, Product.id == Sku.product_id)
        .join(Coop, Coop.id == Product.coop_id)
        .outerjoin(Category, Category.id == Product.category_id)
    )


def sku_content_digests(session: Session, account_ids: Iterable[int]) -> dict[int, str]:
    """The content hash of every SKU of the accounts' co-ops: each SKU read and hashed once."""
    coops = sa.select(ChannelAccount.coop_id).where(ChannelAccount.id.in_(list(account_ids)))
    rows = session.connection().execute(_content_query().where(Product.coop_id.in_(coops)))
    return {row.sku_id: content_hash(sku_content(row)) for row in rows}


def listing_digest(sku_digest: str, mapping_digest: str) -> str:
    """One listing's content hash: its SKU's content under its account's category mapping."""
    return hashlib.sha256(f"{sku_digest}:{mapping_digest}".encode()).hexdigest()


def listing_drafts(session: Session, account_id: int, wanted: dict[int, Any]) -> dict[int, ListingDraft]:
    """Drafts of some listings of one account; ``wanted`` maps a listing id to what carries its planned
    ``price`` and ``stock``."""
    mapping = category_mappings(session, [account_id])[account_id]
    rows = session.connection().execute(
        _content_query().add_columns(Listing.id.label("listing_id")).join(Listing, Listing.sku_id == Sku.id)
        .where(Listing.channel_account_id == account_id, Listing.id.in_(list(wanted)))
    )
    return {
        row.listing_id: ListingDraft(**sku_content(row), category_mapping=mapping,
                                     price=wanted[row.listing_id].price, stock=wanted[row.listing_id].stock)
        for row in rows
    }


def sku_content(row: Any) -> dict[str, Any]:
    """A SKU's listing content (everything but price, stock and the channel's mapping) as JSON values."""
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
    }


def content_hash(content: dict[str, Any]) -> str:
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def category_mappings(session: Session, account_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    rows = session.execute(
        sa.select(ChannelAccount.id, ChannelAccount.category_mapping).where(ChannelAccount.id.in_(list(account_ids)))
    )
    return {account_id: mapping or {} for account_id, mapping in rows}
