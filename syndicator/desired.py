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

from adapters.common.contract import ListingDraft, Photo
from catalog.models import Category, ChannelAccount, Coop, Listing, ListingVariant, PhotoUpload, Product, Sku
from catalog.models import Photo as StoredPhoto
from catalog.photos import is_digest, photo_file
from catalog.trace import public_base, trace_url
from syndicator.category_mapping import effective_mappings, resolve
from syndicator.channels import reads_setup
from syndicator.setup import shop_setups

BINDING_COLUMNS = (
    ListingVariant.id.label("variant_id"),
    Listing.id.label("listing_id"),
    Listing.channel_account_id.label("account_id"),
    ListingVariant.sku_id,
    Sku.product_id,
    Product.category_id,
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
    Product.category_id,
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
        .join(Product, Product.id == Sku.product_id)
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
    """One listing's content hash: its SKU's content under its category's mapping on the shop."""
    return hashlib.sha256(f"{sku_digest}:{mapping_digest}".encode()).hexdigest()


def mapping_digests(session: Session, accounts: Iterable[ChannelAccount]) -> dict[int, dict[int | None, str]]:
    """Per shop, catalogue category id → the hash of the mapping its products use there, so a listing whose
    mapping changes (another leaf, attribute rule or brand) has its content sent again."""
    digests: dict[int, dict[int | None, str]] = {}
    for account in accounts:
        mappings = effective_mappings(session, account.marketplace, account.coop_id) if reads_setup(account) else {}
        digests[account.id] = {category_id: content_hash({
            "leaf": row.leaf_id, "brand": [row.brand_id, row.brand_name], "attributes": row.attributes,
        }) for category_id, row in mappings.items()}
    return digests


def draft_photos(session: Session, account_id: int, images_by_row: Iterable[list[str]]) -> dict[str, Photo]:
    """Every stored photo named by the rows, as the shop's ``Photo`` values, by digest."""
    digests = {image for images in images_by_row for image in images if is_digest(image)}
    if not digests:
        return {}
    stored = session.execute(sa.select(StoredPhoto).where(StoredPhoto.digest.in_(digests))).scalars().all()
    remote = dict(session.execute(sa.select(PhotoUpload.digest, PhotoUpload.remote).where(
        PhotoUpload.channel_account_id == account_id, PhotoUpload.digest.in_(digests))).all())
    public = public_base()
    photos = {}
    for row in stored:
        photo = Photo(digest=row.digest, path=str(photo_file(row.digest, row.format)), format=row.format,
                      width=row.width, height=row.height, size=row.size_bytes, remote=remote.get(row.digest))
        photos[row.digest] = photo.model_copy(update={"url": f"{public}/photos/{photo.filename}"}) if public else photo
    return photos


def drafts_with_gaps(session: Session, account_id: int, wanted: dict[int, tuple[int, int]]
                     ) -> dict[int, tuple[ListingDraft, list[str]]]:
    """Drafts of some listing variants of one account, each with the photo entries not in the store; ``wanted``
    maps a variant id to its ``(price, stock)``. The draft carries its category on the shop's marketplace,
    resolved from the mapping and the shop's cached setup."""
    account = session.get(ChannelAccount, account_id)
    setup = shop_setups(session, [account_id])[account_id] if reads_setup(account) else None
    mappings = effective_mappings(session, account.marketplace, account.coop_id) if setup is not None else {}
    rows = list(session.connection().execute(
        _content_query().add_columns(ListingVariant.id.label("variant_id"))
        .join(ListingVariant, ListingVariant.sku_id == Sku.id)
        .where(ListingVariant.channel_account_id == account_id, ListingVariant.id.in_(list(wanted)))
    ))
    photos = draft_photos(session, account_id, (row.images or [] for row in rows))
    public, drafts = public_base(), {}
    for row in rows:
        content = sku_content(row, public)
        images = content.pop("images")
        price, stock = wanted[row.variant_id]
        draft = ListingDraft(**content, images=[photos[image] for image in images if image in photos],
                             price=price, stock=stock)
        if setup is not None:
            draft = draft.model_copy(update={"listing_category": resolve(draft, mappings.get(row.category_id), setup)})
        drafts[row.variant_id] = (draft, [image for image in images if image not in photos])
    return drafts


def listing_drafts(session: Session, account_id: int, wanted: dict[int, tuple[int, int]]) -> dict[int, ListingDraft]:
    """Drafts of some listing variants of one account; ``wanted`` maps a variant id to its ``(price, stock)``."""
    return {variant_id: draft for variant_id, (draft, _) in drafts_with_gaps(session, account_id, wanted).items()}


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
