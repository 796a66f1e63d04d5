"""The Đăng bán page: every SKU's listing on each marketplace, publishing, delisting, a listing's own price,
and what a sync would send."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, Listing, Product, Role, Sku
from catalog.validation import parse_price
from syndicator import binding
from syndicator.access.products import sku_page
from syndicator.access.roles import Page, require_editor_of, sync_scope
from syndicator.plan import build_plan
from syndicator.users import Viewer


def listing_matrix(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
                   offset: int = 0, limit: int = 50) -> Page:
    """A page of SKUs, each with its listing on every marketplace: state, last error, listing id."""
    with session_scope(engine) as session:
        records, total = sku_page(session, viewer, query, coop_code, offset, limit)
        by_sku = {r["sku_id"]: r | {"listings": {}} for r in records}
        records = list(by_sku.values())
        if by_sku:
            listings = session.exec(
                select(Listing.sku_id, ChannelAccount.marketplace, Listing.id, Listing.state, Listing.enabled,
                       Listing.last_error, Listing.external_item_id, Listing.price_override)
                .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id)
                .where(Listing.sku_id.in_(by_sku), ChannelAccount.enabled)
            ).all()
            for sku_id, marketplace, listing_id, state, enabled, error, item_id, override in listings:
                by_sku[sku_id]["listings"][str(marketplace)] = {
                    "listing_id": listing_id, "state": str(state), "enabled": enabled,
                    "last_error": error, "external_item_id": item_id, "price_override": override,
                }
    return Page(records, total, offset, limit)


def publish(engine: Engine, viewer: Viewer, sku_ids: Iterable[int], marketplaces: Iterable[str]) -> int:
    """Ask for the SKUs to be listed on the marketplaces (on every connected shop of their co-op there).

    Creates draft listings (or re-enables delisted ones); the next sync sends them. Returns how many
    listings were created or re-enabled.
    """
    sku_ids, marketplaces = list(sku_ids), [str(m) for m in marketplaces]
    changed = 0
    with session_scope(engine) as session:
        pairs = session.exec(
            select(Sku.id, ChannelAccount.id, Product.coop_id)
            .join(Product, Sku.product_id == Product.id)
            .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
            .where(Sku.id.in_(sku_ids), ChannelAccount.marketplace.in_(marketplaces), ChannelAccount.enabled)
        ).all()
        for coop_id in {coop_id for _, _, coop_id in pairs} or _coops_of_skus(session, sku_ids):
            require_editor_of(viewer, coop_id)
        for sku_id, account_id, _ in pairs:
            listing = session.exec(
                select(Listing).where(Listing.sku_id == sku_id, Listing.channel_account_id == account_id)
            ).first()
            if listing is None:
                binding.add_draft(session, sku_id, account_id)
                changed += 1
            elif not listing.enabled:
                listing.enabled = True
                changed += 1
    return changed


def delist(engine: Engine, viewer: Viewer, listing_ids: Iterable[int]) -> int:
    """Ask for listings to be taken down at the next sync; returns how many were switched off."""
    listing_ids = list(listing_ids)
    with session_scope(engine) as session:
        found = session.exec(
            select(Listing, ChannelAccount.coop_id)
            .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id)
            .where(Listing.id.in_(listing_ids))
        ).all()
        for _, coop_id in found:
            require_editor_of(viewer, coop_id)
        changed = 0
        for listing, _ in found:
            if listing.enabled:
                listing.enabled = False
                changed += 1
    return changed


def set_price_override(engine: Engine, viewer: Viewer, listing_id: int, price: str | int | None,
                       lang: str | None = None) -> int | None:
    """Sell this one listing at ``price`` instead of its shop's price rule (own co-op or admin); blank clears it.
    A price that cannot be read raises ValueError and changes nothing."""
    override = None if price is None or str(price).strip() == "" else parse_price(price, lang)
    with session_scope(engine) as session:
        found = session.exec(
            select(Listing, ChannelAccount.coop_id)
            .join(ChannelAccount, Listing.channel_account_id == ChannelAccount.id).where(Listing.id == listing_id)
        ).first()
        if found is None:
            raise LookupError(t("listing_unknown", id=listing_id))
        listing, coop_id = found
        require_editor_of(viewer, coop_id)
        listing.price_override = override
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
