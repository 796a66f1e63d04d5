"""The binder: the one writer of a listing's life (our product on a shop ↔ their item, as the OCA
connector's binder) and of its variants' (our SKU ↔ their model or SKU id): states, marketplace ids, what
was last pushed and the last error.

Each change is decided by a plain function of plain values (``after_outcome``, ``after_look_up``,
``after_adoption``, ``after_read_back``, ``after_healing``): read together they are the state machine of
``docs/ARCHITECTURE.md``. Each is written by a thin function over the caller's session. The binder never
calls a marketplace.

One rule keeps a product from being published twice: a listing is marked ``creating`` before its create is
sent, and the plan never sends a ``creating`` listing again; only a look-up of its packs by seller SKU
(``bind_found``, at the start of the next run) settles it: bound to the item found, or back to ``draft``.
A listing not yet bound may also be bound by adoption (``adopt``) to an item the shop already sold.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from adapters.common.contract import ItemRef
from adapters.common.errors import ErrorKind
from catalog.i18n import t
from catalog.models import (
    ChannelAccount,
    Listing,
    ListingState,
    ListingVariant,
    PhotoUpload,
    Product,
    Sku,
    VariantState,
    utcnow,
)
from syndicator.actions import LISTING_KINDS, ActionKind, Outcome

UNKNOWN_PUSHED = {"pushed_content_hash": None, "pushed_price": None, "pushed_stock": None}
UNBOUND_VARIANT = {"state": VariantState.pending.value, "external_variant_id": None, **UNKNOWN_PUSHED}
UNBOUND_LISTING = {"state": ListingState.draft.value, "external_item_id": None, "pushed_content_hash": None}
RETIRED_STATES = (ListingState.retiring.value, ListingState.retired.value)
GONE = {"deleted"}  # an item status read back that means the marketplace no longer has it
Change = dict[str, Any]


def describe(outcome: Outcome) -> str:
    """A failed outcome's error as a listing keeps it; a failure nobody explained says so."""
    return t("apply_unknown_error") if outcome.error is None else outcome.error.summary


def _sent(awaiting_upload: bool) -> str:
    return (ListingState.awaiting_upload if awaiting_upload else ListingState.live).value


# --- the state machine, as plain functions ---------------------------------------------------------
def after_outcome(outcome: Outcome, now: datetime, awaiting_upload: bool) -> tuple[Change | None, Change | None]:
    """The listing's and the variant's columns after one action's outcome (``None``: untouched);
    ``awaiting_upload`` when the change went into a workbook a clerk must upload rather than to a
    marketplace."""
    action, kind = outcome.action, outcome.action.kind
    listing: Change = {"id": action.listing_id, "last_synced_at": now}
    variant: Change = {"id": action.variant_id}
    if not outcome.ok:
        error = describe(outcome)
        if kind is ActionKind.create:  # an answer lost may still have created it: left to the look-up
            lost = outcome.error is not None and outcome.error.kind is not ErrorKind.rejected
            listing["state"] = (ListingState.creating if lost else ListingState.error).value
        if kind is ActionKind.create or kind in LISTING_KINDS:
            listing["last_error"] = error
        return listing, (None if kind in LISTING_KINDS else {**variant, "last_error": error})
    ref = outcome.ref
    if kind is ActionKind.create:
        listing.update(state=_sent(awaiting_upload), external_item_id=ref.item_id if ref else None,
                       pushed_content_hash=action.content_hash, last_error=None)
    if kind in (ActionKind.create, ActionKind.add_variant):
        variant.update(state=VariantState.live.value, external_variant_id=ref.sku_id if ref else None,
                       pushed_content_hash=action.pack_hash, pushed_price=action.price, pushed_stock=action.stock,
                       stock_pushed_at=now)
    elif kind is ActionKind.update_variant:
        variant["pushed_content_hash"] = action.pack_hash
    elif kind is ActionKind.update_content:
        listing.update(state=_sent(awaiting_upload), pushed_content_hash=action.content_hash, last_error=None)
        return listing, None
    elif kind is ActionKind.delist:
        listing.update(state=ListingState.delisted.value, last_error=None)
        return listing, None
    elif kind is ActionKind.retire:
        listing.update(state=ListingState.retired.value, last_error=None)
        return listing, None
    elif kind is ActionKind.regroup:  # its rows were moved by ``begin_regroup`` before anything was sent
        return listing, None
    elif kind is ActionKind.update_price:
        variant["pushed_price"] = action.price
    elif kind is ActionKind.update_stock:
        variant.update(pushed_stock=action.stock, stock_pushed_at=now)
    elif kind is ActionKind.remove_variant:
        variant.update(state=VariantState.removed.value, external_variant_id=None, **UNKNOWN_PUSHED)
    if awaiting_upload and kind in (ActionKind.update_price, ActionKind.update_stock):
        listing["state"] = _sent(True)  # a new price or stock reaches the floor only with the next upload
    variant["last_error"] = None
    return listing, variant


def merged_by_id(changes: Iterable[Change | None]) -> list[Change]:
    """One change per row: a listing several outcomes touched (the packs of one create) takes them in order,
    a failure first and a success over it, so one item created whole is live even if a pack failed."""
    rows: dict[int, Change] = {}
    for change in sorted((c for c in changes if c), key=lambda c: "last_error" in c and c["last_error"] is None):
        rows.setdefault(change["id"], {}).update(change)
    return list(rows.values())


def after_look_up(found: dict[int, ItemRef | None], awaiting_upload: bool) -> tuple[Change, list[Change]]:
    """A ``creating`` listing whose packs (variant id → what the look-up by its seller SKU found) were looked
    up: bound to the item found, its content to be sent again (what an earlier attempt sent is unknown) and
    the packs not found to be added to it; or, when no pack was found, back to ``draft`` to be created."""
    refs = [ref for ref in found.values() if ref is not None]
    if not refs:
        return (dict(UNBOUND_LISTING),
                [{"id": variant_id, **UNBOUND_VARIANT} for variant_id in found])
    item_id = refs[0].item_id
    variants = []
    for variant_id, ref in found.items():
        if ref is not None and ref.item_id == item_id:
            variants.append({"id": variant_id, "state": VariantState.live.value, "external_variant_id": ref.sku_id,
                             "pushed_price": ref.price, "pushed_stock": ref.stock})
        else:
            variants.append({"id": variant_id, **UNBOUND_VARIANT})
    return ({"state": _sent(awaiting_upload), "external_item_id": item_id, "pushed_content_hash": None}, variants)


def after_adoption(item: ItemRef, content_digest: str, pack_digest: str | None) -> tuple[Change, Change]:
    """A listing and one pack bound to an item the shop already sold: the item is taken as it is, its price
    and stock as last pushed and its content (and the pack's own, on an item with variants) as ours, so
    nothing is rewritten until the catalogue changes."""
    return ({"state": ListingState.live.value, "external_item_id": item.item_id,
             "pushed_content_hash": content_digest, "last_error": None},
            {"state": VariantState.live.value, "external_variant_id": item.sku_id, "pushed_content_hash": pack_digest,
             "pushed_price": item.price, "pushed_stock": item.stock, "last_error": None})


def after_read_back(ours: dict[str, Any], item: ItemRef) -> tuple[Change, Change]:
    """What to forget about one pack and its listing, given the item or model its shop shows (an edit by
    hand, a deletion): the plan then sends ours again, or adds it again when it is gone (``after_gone``
    when its whole item is). What a promotion or campaign holds, where the marketplace says, is kept: the plan
    never sends less. ``ours`` holds the pack's ``pushed_price``, ``pushed_stock``, ``reserved_stock`` and its
    product's ``name``."""
    if item.status in GONE:
        return {}, dict(UNBOUND_VARIANT)
    variant: Change = {}
    if item.reserved_stock is not None and item.reserved_stock != ours.get("reserved_stock"):
        variant["reserved_stock"] = item.reserved_stock
    if item.price is not None and item.price != ours["pushed_price"]:
        variant["pushed_price"] = None
    if item.stock is not None and item.stock != ours["pushed_stock"]:
        variant["pushed_stock"] = None
    renamed = item.name is not None and ours["name"] not in item.name
    listing = {"pushed_content_hash": None} if renamed or (item.status is not None and item.status != "live") \
        else {}
    return listing, variant


def after_gone(packs: int, gone: int) -> Change:
    """A listing of ``packs`` live packs of which ``gone`` were read back deleted: when all are, the item is
    gone and the listing is created again."""
    return dict(UNBOUND_LISTING) if packs and gone == packs else {}


def after_healing(invalid: dict[str, int], items: list[ItemRef]) -> list[tuple[Change, Change]]:
    """New ids for packs whose stored ids are not ids (seller SKU → variant id), from the items read back;
    those not read back leave their listing ``creating``, for the look-up to settle. What was pushed is
    unknown. Each pair is (the listing's change, the variant's)."""
    read_back = {item.seller_sku: item for item in items if item.status not in GONE}
    changes = []
    for seller_sku, variant_id in invalid.items():
        item = read_back.get(seller_sku)
        if item:
            changes.append(({"external_item_id": item.item_id, "pushed_content_hash": None},
                            {"id": variant_id, "external_variant_id": item.sku_id, **UNKNOWN_PUSHED}))
        else:
            changes.append(({**UNBOUND_LISTING, "state": ListingState.creating.value},
                            {"id": variant_id, **UNBOUND_VARIANT}))
    return changes


# --- writing ----------------------------------------------------------------------------------------
def _unpublished(account_ids: list[int], sku_ids: Collection[int] | None = None) -> sa.Select:
    """(SKU id, product id, account id) of every enabled SKU of each shop's co-op (or only ``sku_ids``) that
    has no variant on the shop: never published there, nor published and then taken off."""
    query = (
        sa.select(Sku.id, Sku.product_id, ChannelAccount.id)
        .join(Product, Product.id == Sku.product_id)
        .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
        .where(ChannelAccount.id.in_(account_ids), Sku.enabled == sa.true())
        .where(~sa.exists().where(ListingVariant.sku_id == Sku.id,
                                  ListingVariant.channel_account_id == ChannelAccount.id))
    )
    return query if sku_ids is None else query.where(Sku.id.in_(list(sku_ids)))


def unpublished_counts(session: Session, account_ids: list[int]) -> dict[int, int]:
    """How many SKUs :func:`add_drafts` would add to each shop (only shops with some)."""
    if not account_ids:
        return {}
    found = _unpublished(account_ids).subquery()
    rows = session.execute(sa.select(found.c[2], sa.func.count()).group_by(found.c[2])).all()
    return {account_id: count for account_id, count in rows}


def add_drafts(session: Session, account_ids: list[int], grouped: set[int],
               sku_ids: Collection[int] | None = None) -> int:
    """Publish: a pending variant for every enabled SKU of each shop's co-op (or only ``sku_ids``) that is
    not on the shop yet. On a shop in ``grouped`` (a marketplace with variants) it joins its product's
    listing there (never one whose packs were regrouped away), made as a ``draft`` if there is none;
    elsewhere each SKU gets a ``draft`` listing of its own. A listing of a ``grouped`` shop not on the
    marketplace yet will carry its packs as variants. Returns how many variants were added."""
    if not account_ids:
        return 0
    if grouped:
        session.execute(sa.update(Listing).where(
            Listing.channel_account_id.in_(list(grouped)), Listing.external_item_id.is_(None),
            Listing.state.in_([ListingState.draft.value, ListingState.error.value]), Listing.has_variants == sa.false(),
        ).values(has_variants=True))
    missing = session.execute(
        _unpublished(account_ids, sku_ids).order_by(ChannelAccount.id, Sku.product_id, Sku.id)
    ).all()
    if not missing:
        return 0
    existing: dict[tuple[int, ...], int] = {
        (product_id, account_id): listing_id for product_id, account_id, listing_id in session.execute(
            sa.select(Listing.product_id, Listing.channel_account_id, sa.func.min(Listing.id))
            .where(Listing.channel_account_id.in_(list(grouped)), Listing.state.not_in(RETIRED_STATES))
            .group_by(Listing.product_id, Listing.channel_account_id))
    } if grouped else {}
    new_keys = list(dict.fromkeys(
        key for sku_id, product_id, account_id in missing
        if (key := (product_id, account_id) if account_id in grouped else (product_id, account_id, sku_id))
        not in existing))
    if new_keys:
        now = utcnow()
        ids = session.scalars(
            sa.insert(Listing).returning(Listing.id, sort_by_parameter_order=True),
            [{"product_id": key[0], "channel_account_id": key[1], "state": ListingState.draft.value,
              "has_variants": key[1] in grouped, "created_at": now} for key in new_keys],
        ).all()
        existing.update(zip(new_keys, ids, strict=True))
    session.execute(sa.insert(ListingVariant), [
        {"listing_id": existing[(p, a) if a in grouped else (p, a, s)], "sku_id": s, "channel_account_id": a,
         "state": VariantState.pending.value, "enabled": True, "created_at": utcnow()}
        for s, p, a in missing
    ])
    return len(missing)


def mark_creating(session: Session, listing_ids: list[int]) -> None:
    """Before their creates are sent: from here on only a look-up may settle them."""
    if listing_ids:
        session.execute(sa.update(Listing).where(Listing.id.in_(listing_ids))
                        .values(state=ListingState.creating.value))


def forget_pushed(session: Session, kind: ActionKind, ids: list[int]) -> None:
    """Before an update is sent, what the marketplace shows is unknown: a lost answer or a crash mid-call
    leaves the value empty, so the next plan sends it again even if the catalog has come back to the old
    value in the meantime. ``ids`` are listing ids for a content update, variant ids otherwise."""
    if kind is ActionKind.update_content:
        session.execute(sa.update(Listing).where(Listing.id.in_(ids)).values(pushed_content_hash=None))
    else:
        column = {ActionKind.update_price: "pushed_price", ActionKind.update_stock: "pushed_stock",
                  ActionKind.update_variant: "pushed_content_hash"}[kind]
        session.execute(sa.update(ListingVariant).where(ListingVariant.id.in_(ids)).values({column: None}))


def record_outcomes(session: Session, outcomes: list[Outcome], now: datetime, awaiting_upload: bool) -> None:
    pairs = [after_outcome(o, now, awaiting_upload) for o in outcomes]
    _write(session, merged_by_id(listing for listing, _ in pairs), merged_by_id(variant for _, variant in pairs))
    keep_uploads(session, {(o.action.account_id, digest): remote for o in outcomes for digest, remote in o.photos.items()},
                 now)


def keep_uploads(session: Session, uploads: dict[tuple[int, str], str], now: datetime) -> None:
    """Each photo's id on the shop it was uploaded to, so the next create or update sends it without uploading."""
    for (account_id, digest), remote in uploads.items():
        session.merge(PhotoUpload(channel_account_id=account_id, digest=digest, remote=remote, uploaded_at=now))


def _write(session: Session, listings: list[Change], variants: list[Change]) -> None:
    if listings:
        session.execute(sa.update(Listing), listings)
    if variants:
        session.execute(sa.update(ListingVariant), variants)


def bind_found(session: Session, listing_id: int, found: dict[int, ItemRef | None], awaiting_upload: bool) -> None:
    listing, variants = after_look_up(found, awaiting_upload)
    _write(session, [{"id": listing_id, **listing}], variants)


def adopt(session: Session, variant_id: int, item: ItemRef, content_digest: str, pack_digest: str | None) -> None:
    """Bind one pack to an item (or model) the shop already sold, unless it was bound meanwhile. Its listing
    takes the item if it has none; a pack found on another item than its listing's (packs listed as
    separate items) moves to that item's listing, made for it if need be."""
    variant = session.get(ListingVariant, variant_id)
    if variant is None or variant.state == VariantState.live.value:
        return
    listing = session.get(Listing, variant.listing_id)
    listing_change, variant_change = after_adoption(item, content_digest, pack_digest)
    if listing.external_item_id not in (None, item.item_id):
        other = session.scalar(sa.select(Listing).where(Listing.channel_account_id == listing.channel_account_id,
                                                        Listing.external_item_id == item.item_id))
        if other is None:
            other = Listing(product_id=listing.product_id, channel_account_id=listing.channel_account_id)
            session.add(other)
            session.flush()
        variant_change["listing_id"], listing = other.id, other
    if listing.external_item_id is None:
        session.execute(sa.update(Listing).where(Listing.id == listing.id).values(listing_change))
    session.execute(sa.update(ListingVariant).where(ListingVariant.id == variant_id).values(variant_change))


def begin_regroup(session: Session, listing_ids: list[int]) -> int | None:
    """Group the packs of one product's listings on a shop (several items of one pack each, or one such item
    a new pack joined) onto one new ``draft`` listing whose item, created next, carries them as variants, and
    leave the old listings ``retiring``, keeping their item ids so their items can be taken off sale and are
    never taken for the grouped one. Returns the new listing's id, or ``None`` when the listings were
    regrouped meanwhile. Nothing is sent: a crash after it leaves a grouped listing the plan creates and old
    items the plan retires, each once."""
    old = session.scalars(sa.select(Listing).where(Listing.id.in_(listing_ids), Listing.has_variants == sa.false(),
                                                   Listing.state.not_in(RETIRED_STATES))).all()
    if not old:
        return None
    grouped = Listing(product_id=old[0].product_id, channel_account_id=old[0].channel_account_id, has_variants=True)
    session.add(grouped)
    session.flush()
    session.execute(sa.update(ListingVariant).where(ListingVariant.listing_id.in_([o.id for o in old]))
                    .values(listing_id=grouped.id, **UNBOUND_VARIANT, last_error=None))
    for listing in old:
        # a listing never sent has no item to retire
        listing.state = (ListingState.retiring if listing.external_item_id else ListingState.retired).value
    return grouped.id


def retired_item_ids(session: Session, account_id: int) -> set[str]:
    """The items of a shop whose packs were regrouped: never bound, read back or adopted as ours again."""
    return set(session.scalars(sa.select(Listing.external_item_id).where(
        Listing.channel_account_id == account_id, Listing.state.in_(RETIRED_STATES),
        Listing.external_item_id.is_not(None))))


def drift_seen(session: Session, listings: list[Change], variants: list[Change]) -> None:
    """Write what reading a shop back found (``after_read_back``, ``after_healing``)."""
    _write(session, merged_by_id(listings), merged_by_id(variants))


def confirm_upload(session: Session, account_id: int) -> int:
    """The clerk uploaded the shop's feed: its awaiting listings are live. Returns how many."""
    confirmed = session.execute(
        sa.update(Listing)
        .where(Listing.channel_account_id == account_id, Listing.state == ListingState.awaiting_upload.value)
        .values(state=ListingState.live.value, last_synced_at=utcnow())
    )
    return confirmed.rowcount


def seen_on_sale(session: Session, listing_id: int, item_id: str | None) -> None:
    """The monitor found an awaiting listing on sale on the floor's public page: it is live, with that item id."""
    session.execute(
        sa.update(Listing).where(Listing.id == listing_id, Listing.state == ListingState.awaiting_upload.value)
        .values(state=ListingState.live.value, external_item_id=item_id)
    )
