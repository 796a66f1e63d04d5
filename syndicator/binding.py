"""The binder: the one writer of a listing's life (our listing ↔ their item, as the OCA connector's binder):
its state, its ids on the marketplace, what was last pushed there and its last error.

Each change is decided by a plain function of plain values (``after_outcome``, ``after_look_up``,
``after_read_back``, ``after_healing``): read together they are the state machine of
``docs/ARCHITECTURE.md``. Each is written by a thin function over the caller's session. The binder never
calls a marketplace.

One rule keeps a SKU from being published twice: a listing is marked ``creating`` before its create is
sent, and the plan never sends a ``creating`` listing again; only a look-up by its seller SKU
(``bind_found``, at the start of the next run) settles it: bound to the item found, or back to ``draft``.
A listing not yet bound may also be bound by adoption (``adopt``) to an item the shop already sold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from adapters.common.contract import ItemRef
from adapters.common.errors import ErrorKind
from catalog.i18n import t
from catalog.models import ChannelAccount, Listing, ListingState, Product, Sku, utcnow
from syndicator.actions import ActionKind, Outcome

PUSHED_COLUMN = {ActionKind.update_content: "pushed_content_hash", ActionKind.update_price: "pushed_price",
                 ActionKind.update_stock: "pushed_stock"}
UNKNOWN_PUSHED = {"pushed_content_hash": None, "pushed_price": None, "pushed_stock": None}
UNBOUND = {"external_item_id": None, "external_sku_id": None}
GONE = {"deleted"}  # an item status read back that means the marketplace no longer has it


def describe(outcome: Outcome) -> str:
    """A failed outcome's error as a listing keeps it; a failure nobody explained says so."""
    return t("apply_unknown_error") if outcome.error is None else outcome.error.summary


# --- the state machine, as plain functions ---------------------------------------------------------
def after_outcome(outcome: Outcome, now: datetime, awaiting_upload: bool) -> dict[str, Any]:
    """The listing's columns after one action's outcome; ``awaiting_upload`` when the change went into a
    workbook a clerk must upload rather than to a marketplace."""
    action = outcome.action
    change: dict[str, Any] = {"id": action.listing_id, "last_synced_at": now}
    if not outcome.ok:
        change["last_error"] = describe(outcome)
        if action.kind is ActionKind.create:  # an answer lost may still have created it: left to the look-up
            lost = outcome.error is not None and outcome.error.kind is not ErrorKind.rejected
            change["state"] = (ListingState.creating if lost else ListingState.error).value
        return change
    sent = (ListingState.awaiting_upload if awaiting_upload else ListingState.live).value
    change["last_error"] = None
    if action.kind is ActionKind.create:
        ref = outcome.ref
        change.update(state=sent, external_item_id=ref.item_id if ref else None,
                      external_sku_id=ref.sku_id if ref else None, pushed_content_hash=action.content_hash,
                      pushed_price=action.price, pushed_stock=action.stock)
    elif action.kind is ActionKind.update_content:
        change.update(state=sent, pushed_content_hash=action.content_hash)
    elif action.kind is ActionKind.update_price:
        change["pushed_price"] = action.price
    elif action.kind is ActionKind.update_stock:
        change["pushed_stock"] = action.stock
    else:
        change["state"] = ListingState.delisted.value
    if awaiting_upload and action.kind in (ActionKind.update_price, ActionKind.update_stock):
        change["state"] = sent  # a new price or stock reaches the floor only with the next upload
    return change


def after_look_up(ref: ItemRef | None, awaiting_upload: bool) -> dict[str, Any]:
    """A listing looked up by its seller SKU: bound to the item found, whose content is sent again (what
    an earlier attempt sent is unknown), or back to ``draft`` to be created."""
    if ref is None:
        return {"state": ListingState.draft.value, **UNBOUND}
    state = ListingState.awaiting_upload if awaiting_upload else ListingState.live
    return {"state": state.value, "external_item_id": ref.item_id, "external_sku_id": ref.sku_id,
            "pushed_content_hash": None, "pushed_price": ref.price, "pushed_stock": ref.stock}


def after_adoption(item: ItemRef, content_digest: str) -> dict[str, Any]:
    """A listing bound to an item the shop already sold: the item is taken as it is, its price and stock as
    last pushed and its content as ours, so nothing is rewritten until the catalogue changes."""
    return {"state": ListingState.live.value, "external_item_id": item.item_id, "external_sku_id": item.sku_id,
            "pushed_content_hash": content_digest, "pushed_price": item.price, "pushed_stock": item.stock,
            "last_error": None}


def after_read_back(ours: dict[str, Any], item: ItemRef) -> dict[str, Any]:
    """What to forget about one listing, given the item its shop shows (an edit by hand, a deletion): the
    plan then sends ours again, or creates it again when the item is gone."""
    if item.status in GONE:
        return {"state": ListingState.draft.value, **UNBOUND, **UNKNOWN_PUSHED}
    change = {}
    if item.price is not None and item.price != ours["pushed_price"]:
        change["pushed_price"] = None
    if item.stock is not None and item.stock != ours["pushed_stock"]:
        change["pushed_stock"] = None
    renamed = item.name is not None and ours["name"] not in item.name
    if renamed or (item.status is not None and item.status != "live"):
        change["pushed_content_hash"] = None
    return change


def after_healing(invalid: dict[str, int], items: list[ItemRef]) -> list[dict[str, Any]]:
    """New ids for listings whose stored ids are not ids (seller SKU → listing id), from the items read
    back; those not read back go to ``creating``, for the look-up to settle. What was pushed is unknown."""
    read_back = {item.seller_sku: item for item in items if item.status not in GONE}
    changes = []
    for seller_sku, listing_id in invalid.items():
        item = read_back.get(seller_sku)
        ids = ({"external_item_id": item.item_id, "external_sku_id": item.sku_id} if item else
               {"state": ListingState.creating.value, **UNBOUND})
        changes.append({"id": listing_id, **ids, **UNKNOWN_PUSHED})
    return changes


# --- writing ----------------------------------------------------------------------------------------
def add_drafts(session: Session, account_ids: list[int]) -> int:
    """A ``draft`` listing for every enabled SKU of each shop's co-op that has none yet (one INSERT … SELECT)."""
    if not account_ids:
        return 0
    missing = (
        sa.select(Sku.id, ChannelAccount.id, sa.literal(ListingState.draft.value), sa.true(), sa.literal(utcnow()))
        .select_from(Sku)
        .join(Product, Product.id == Sku.product_id)
        .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
        .where(ChannelAccount.id.in_(account_ids), Sku.enabled == sa.true())
        .where(~sa.exists().where(Listing.sku_id == Sku.id, Listing.channel_account_id == ChannelAccount.id))
    )
    insert = sa.insert(Listing).from_select(["sku_id", "channel_account_id", "state", "enabled", "created_at"], missing)
    return session.execute(insert).rowcount or 0


def add_draft(session: Session, sku_id: int, account_id: int) -> None:
    """One SKU asked for on one shop: a ``draft`` listing the next sync creates."""
    session.add(Listing(sku_id=sku_id, channel_account_id=account_id, state=ListingState.draft))


def mark_creating(session: Session, listing_ids: list[int]) -> None:
    """Before their creates are sent: from here on only a look-up may settle them."""
    if listing_ids:
        session.execute(sa.update(Listing).where(Listing.id.in_(listing_ids))
                        .values(state=ListingState.creating.value))


def forget_pushed(session: Session, kind: ActionKind, listing_ids: list[int]) -> None:
    """Before an update is sent, what the marketplace shows is unknown: a lost answer or a crash mid-call
    leaves the value empty, so the next plan sends it again even if the catalog has come back to the old
    value in the meantime."""
    session.execute(sa.update(Listing).where(Listing.id.in_(listing_ids)).values({PUSHED_COLUMN[kind]: None}))


def record_outcomes(session: Session, outcomes: list[Outcome], now: datetime, awaiting_upload: bool) -> None:
    session.execute(sa.update(Listing), [after_outcome(o, now, awaiting_upload) for o in outcomes])


def bind_found(session: Session, listing_id: int, ref: ItemRef | None, awaiting_upload: bool) -> None:
    session.execute(sa.update(Listing), [{"id": listing_id, **after_look_up(ref, awaiting_upload)}])


def adopt(session: Session, listing_id: int, item: ItemRef, content_digest: str) -> None:
    """Bind a listing to an item the shop already sold, unless it was bound meanwhile."""
    session.execute(sa.update(Listing).where(Listing.id == listing_id, Listing.external_item_id.is_(None))
                    .values(after_adoption(item, content_digest)))


def drift_seen(session: Session, changes: list[dict[str, Any]]) -> None:
    """Write what reading a shop back found (``after_read_back``, ``after_healing``)."""
    if changes:
        session.execute(sa.update(Listing), changes)


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
