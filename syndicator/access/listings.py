"""The Đăng bán page: every SKU on each marketplace (its variant on its product's listing there), publishing
and unpublishing (``syndicator.publishing``), a SKU's own price on one shop, what a sync would send, and why a
published pack is not ready to be sent (``syndicator.readiness``)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingState,
    ListingVariant,
    Product,
    Role,
    Sku,
    VariantState,
)
from catalog.validation import parse_price
from syndicator import publishing
from syndicator.access.products import matching_sku_ids, sku_page
from syndicator.access.roles import Page, require_editor_of, sync_scope
from syndicator.plan import build_plan
from syndicator.readiness import blocked_packs, explain
from syndicator.users import Viewer


class Publication(StrEnum):
    """What a clerk reads for one SKU on one shop: whether it is published there, and how far it got."""

    not_published = "not_published"  # never chosen for this shop
    auto = "auto"  # not chosen, but the shop publishes new products by itself: the next sync lists it
    pending = "pending"  # published, not on sale yet: the next sync (or a feed upload) sends it
    live = "live"
    failed = "failed"  # published, and the marketplace refused it (the reason is its last error)
    unpublishing = "unpublishing"  # taken off by the clerk, still on sale until the next sync
    unpublished = "unpublished"  # taken off, the binding kept: publishing it again relists the same item
    retiring = "retiring"  # an item of one pack, being replaced by its product's item with variants
    retired = "retired"
    blocked = "blocked"  # published, not on sale yet, and readiness holds it back (its reasons say why)


def publication(listing_state: str, variant_state: str, enabled: bool, failed: bool) -> Publication:
    """One SKU on one shop: its variant's wish and state and its listing's state, in the clerk's words."""
    if listing_state in (ListingState.retiring, ListingState.retired):
        return Publication(str(listing_state))
    on_sale = variant_state == VariantState.live and listing_state in (ListingState.live, ListingState.awaiting_upload)
    if not enabled:
        return Publication.unpublishing if on_sale else Publication.unpublished
    if failed:
        return Publication.failed
    return Publication.live if on_sale and listing_state == ListingState.live else Publication.pending


def listing_matrix(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
                   offset: int = 0, limit: int = 50) -> Page:
    """A page of SKUs, each with its publication on every marketplace where its co-op has a shop: state,
    last error, item id, own price and the variant id the page's actions take."""
    with session_scope(engine) as session:
        records, total = sku_page(session, viewer, query, coop_code, offset, limit)
        by_sku = {r["sku_id"]: r | {"listings": {}} for r in records}
        records = list(by_sku.values())
        if by_sku:
            shops = session.exec(
                select(Coop.code, ChannelAccount.marketplace, ChannelAccount.auto_publish)
                .join(Coop, Coop.id == ChannelAccount.coop_id)
                .where(Coop.code.in_({r["coop_code"] for r in records}), ChannelAccount.enabled)
            ).all()
            for record in records:
                record["listings"] = {
                    str(marketplace): _unchosen(Publication.auto if auto else Publication.not_published)
                    for code, marketplace, auto in shops if code == record["coop_code"]}
            variants = session.exec(
                select(ListingVariant.sku_id, ChannelAccount.marketplace, ListingVariant.id, ChannelAccount.id,
                       Listing.state,
                       ListingVariant.state, ListingVariant.enabled, ListingVariant.last_error, Listing.last_error,
                       Listing.external_item_id, ListingVariant.price_override)
                .join(Listing, ListingVariant.listing_id == Listing.id)
                .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
                .where(ListingVariant.sku_id.in_(by_sku), ChannelAccount.enabled)
            ).all()
            waiting: dict[int, dict[int, dict[str, Any]]] = {}  # shop → variant → its cell, not on sale yet
            for (sku_id, marketplace, variant_id, account_id, listing_state, variant_state, enabled, variant_error,
                 listing_error, item_id, override) in variants:
                error = variant_error or listing_error
                cell = by_sku[sku_id]["listings"][str(marketplace)] = {
                    "variant_id": variant_id, "enabled": enabled, "external_item_id": item_id,
                    "state": publication(listing_state, variant_state, enabled, error is not None),
                    "last_error": error, "price_override": override, "reasons": [],
                }
                if cell["state"] in (Publication.pending, Publication.failed):
                    waiting.setdefault(account_id, {})[variant_id] = cell
            mark_blocked(session, waiting)
    return Page(records, total, offset, limit)


def mark_blocked(session: Session, waiting: dict[int, dict[int, dict[str, Any]]]) -> None:
    """The cells of packs published but not on sale that readiness holds back: ``blocked``, with its reasons."""
    for account_id, cells in waiting.items():
        for listing in blocked_packs(session, session.get(ChannelAccount, account_id), cells):
            cell = cells[listing.variant_id]
            cell["state"], cell["reasons"] = Publication.blocked, [explain(blocker) for blocker in listing.blockers]


def _unchosen(state: Publication) -> dict[str, Any]:
    return {"variant_id": None, "enabled": False, "external_item_id": None, "state": state, "last_error": None,
            "price_override": None, "reasons": []}


def publish(engine: Engine, viewer: Viewer, sku_ids: Iterable[int], marketplaces: Iterable[str]) -> int:
    """Publish the SKUs on their co-op's shops of these marketplaces (own co-op, or admin); the next sync
    lists them. Returns how many SKU-on-shop pairs were published."""
    return _change(engine, viewer, publishing.publish, list(sku_ids), marketplaces)


def unpublish(engine: Engine, viewer: Viewer, sku_ids: Iterable[int], marketplaces: Iterable[str]) -> int:
    """Take the SKUs off their co-op's shops of these marketplaces at the next sync, keeping the bindings.
    Returns how many SKU-on-shop pairs were switched off."""
    return _change(engine, viewer, publishing.unpublish, list(sku_ids), marketplaces)


def publish_matching(engine: Engine, viewer: Viewer, query: str, coop_code: str | None,
                     marketplaces: Iterable[str]) -> int:
    """Publish every SKU the matrix's filter (search text and co-op) finds, on every page of it."""
    with session_scope(engine) as session:
        sku_ids = matching_sku_ids(session, viewer, query, coop_code)
    return publish(engine, viewer, sku_ids, marketplaces)


def _change(engine: Engine, viewer: Viewer, change: Any, sku_ids: list[int], marketplaces: Iterable[str]) -> int:
    with session_scope(engine) as session:
        for coop_id in _coops_of_skus(session, sku_ids):
            require_editor_of(viewer, coop_id)
        account_ids = session.exec(
            select(ChannelAccount.id).where(ChannelAccount.marketplace.in_([str(m) for m in marketplaces]),
                                            ChannelAccount.enabled)
        ).all()
        return change(session, sku_ids, account_ids)


def delist(engine: Engine, viewer: Viewer, variant_ids: Iterable[int]) -> int:
    """Take single SKUs off single shops at the next sync (``variant_ids``: one SKU on one shop each);
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
