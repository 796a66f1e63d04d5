"""The Đăng bán page: every SKU on each marketplace (its variant on its product's listing there), publishing,
delisting, a SKU's own price on one shop, and what a sync would send."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import (
    ChannelAccount,
    Listing,
    ListingState,
    ListingVariant,
    Product,
    Role,
    Sku,
    VariantState,
)
from catalog.validation import parse_price
from syndicator import binding
from syndicator.access.products import sku_page
from syndicator.access.roles import Page, require_editor_of, sync_scope
from syndicator.channels import lists_variants
from syndicator.plan import build_plan
from syndicator.users import Viewer


def shown_state(listing_state: str, variant_state: str) -> str:
    """The state a clerk reads for one SKU on one shop: its listing's, except that a pack not (or no longer)
    on its item reads as not published, though the item itself is on sale with its other packs."""
    if variant_state == VariantState.removed:
        return ListingState.delisted.value
    if variant_state == VariantState.pending and listing_state in (ListingState.live, ListingState.awaiting_upload):
        return ListingState.draft.value
    return str(listing_state)


def listing_matrix(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
                   offset: int = 0, limit: int = 50) -> Page:
    """A page of SKUs, each with its variant on every marketplace: state, last error, item id, own price and
    the variant id the page's actions take."""
    with session_scope(engine) as session:
        records, total = sku_page(session, viewer, query, coop_code, offset, limit)
        by_sku = {r["sku_id"]: r | {"listings": {}} for r in records}
        records = list(by_sku.values())
        if by_sku:
            variants = session.exec(
                select(ListingVariant.sku_id, ChannelAccount.marketplace, ListingVariant.id, Listing.state,
                       ListingVariant.state, ListingVariant.enabled, ListingVariant.last_error, Listing.last_error,
                       Listing.external_item_id, ListingVariant.price_override)
                .join(Listing, ListingVariant.listing_id == Listing.id)
                .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
                .where(ListingVariant.sku_id.in_(by_sku), ChannelAccount.enabled)
            ).all()
            for (sku_id, marketplace, variant_id, listing_state, variant_state, enabled, variant_error,
                 listing_error, item_id, override) in variants:
                by_sku[sku_id]["listings"][str(marketplace)] = {
                    "variant_id": variant_id, "state": shown_state(listing_state, variant_state),
                    "enabled": enabled, "last_error": variant_error or listing_error, "external_item_id": item_id,
                    "price_override": override,
                }
    return Page(records, total, offset, limit)


def publish(engine: Engine, viewer: Viewer, sku_ids: Iterable[int], marketplaces: Iterable[str]) -> int:
    """Ask for the SKUs to be listed on the marketplaces (on every connected shop of their co-op there).

    Re-enables the SKUs taken off a shop; on a shop missing one of them, every enabled SKU of the co-op not
    there yet is added as a pending variant (on Shopee and Lazada joining its product's listing). The next
    sync sends them. Returns how many of the asked SKUs were added to a shop or re-enabled on one.
    """
    sku_ids, marketplaces = list(sku_ids), [str(m) for m in marketplaces]
    with session_scope(engine) as session:
        pairs = set(session.exec(
            select(Sku.id, ChannelAccount.id, Product.coop_id)
            .join(Product, Sku.product_id == Product.id)
            .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
            .where(Sku.id.in_(sku_ids), ChannelAccount.marketplace.in_(marketplaces), ChannelAccount.enabled)
        ).all())
        for coop_id in {coop_id for _, _, coop_id in pairs} or _coops_of_skus(session, sku_ids):
            require_editor_of(viewer, coop_id)
        wanted = {(sku_id, account_id) for sku_id, account_id, _ in pairs}
        existing = _variants_of(session, wanted)
        taken_off = [variant for variant in existing if not variant.enabled]
        for variant in taken_off:
            variant.enabled = True
        on_shop = {(v.sku_id, v.channel_account_id) for v in existing}
        _add_missing(session, {account_id for _, account_id in wanted - on_shop})
        added = {(v.sku_id, v.channel_account_id) for v in _variants_of(session, wanted)} - on_shop
    return len(taken_off) + len(added)


def _variants_of(session: Session, pairs: set[tuple[int, int]]) -> list[ListingVariant]:
    """The variants of these (SKU id, account id) pairs that exist."""
    if not pairs:
        return []
    return list(session.exec(
        select(ListingVariant).where(sa.tuple_(ListingVariant.sku_id, ListingVariant.channel_account_id).in_(pairs))
    ).all())


def _add_missing(session: Session, account_ids: set[int]) -> None:
    if not account_ids:
        return
    accounts = session.exec(select(ChannelAccount).where(ChannelAccount.id.in_(account_ids))).all()
    binding.add_drafts(session, sorted(account_ids), {a.id for a in accounts if lists_variants(a)})


def delist(engine: Engine, viewer: Viewer, variant_ids: Iterable[int]) -> int:
    """Ask for SKUs to be taken off their shops at the next sync (``variant_ids``: one SKU on one shop each);
    returns how many were switched off."""
    variant_ids = list(variant_ids)
    with session_scope(engine) as session:
        found = session.exec(
            select(ListingVariant, ChannelAccount.coop_id)
            .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
            .where(ListingVariant.id.in_(variant_ids))
        ).all()
        for _, coop_id in found:
            require_editor_of(viewer, coop_id)
        changed = 0
        for variant, _ in found:
            if variant.enabled:
                variant.enabled = False
                changed += 1
    return changed


def set_price_override(engine: Engine, viewer: Viewer, variant_id: int, price: str | int | None,
                       lang: str | None = None) -> int | None:
    """Sell this one SKU on this one shop (``variant_id``) at ``price`` instead of its shop's price rule (own
    co-op or admin); blank clears it. A price that cannot be read raises ValueError and changes nothing."""
    override = None if price is None or str(price).strip() == "" else parse_price(price, lang)
    with session_scope(engine) as session:
        found = session.exec(
            select(ListingVariant, ChannelAccount.coop_id)
            .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
            .where(ListingVariant.id == variant_id)
        ).first()
        if found is None:
            raise LookupError(t("listing_variant_unknown", id=variant_id))
        variant, coop_id = found
        require_editor_of(viewer, coop_id)
        variant.price_override = override
    return override


def _coops_of_skus(session: Session, sku_ids: list[int]) -> set[int]:
    rows = session.exec(
        select(Product.coop_id).join(Sku, Sku.product_id == Product.id).where(Sku.id.in_(sku_ids))
    ).all()
    return set(rows)


def plan_preview(engine: Engine, viewer: Viewer, coop_code: str | None = None,
                 marketplace: str | None = None) -> Any:
    """What a sync would send for the viewer's scope; sends nothing."""
    if viewer.role is Role.coop:
        coop_code = sync_scope(viewer, coop_code)
    return build_plan(engine, coop_code=coop_code, marketplace=marketplace)
