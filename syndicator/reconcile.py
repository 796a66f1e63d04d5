"""Reconcile: read each shop's items back and forget what we pushed where the marketplace now differs
(an edit made by hand in the seller centre), so the next plan puts ours back.

It also heals listings whose stored ids are not ids (an older version stored what a broken marketplace
answered): they take the ids of the item read back under their seller SKU, or, when none was read back,
go back to ``creating`` so the look-up by seller SKU that starts every sync binds or creates them.
"""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.common.contract import Adapter, ItemRef
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, Product, Sku
from syndicator.apply import valid_ids
from syndicator.channels import NETWORK, Reach, adapter_for
from syndicator.plan import AccountScope

GONE = {"deleted"}
UNKNOWN_PUSHED = {"pushed_content_hash": None, "pushed_price": None, "pushed_stock": None}


async def all_items(adapter: Adapter) -> list[ItemRef]:
    items: list[ItemRef] = []
    cursor: str | None = None
    while True:
        page = await adapter.list_items(cursor)
        items.extend(page.items)
        if not page.next_cursor:
            return items
        cursor = page.next_cursor


def drift_changes(ours: dict, item: ItemRef) -> dict:
    """What to forget about one listing, given what its shop shows."""
    if item.status in GONE:
        return {"state": ListingState.draft.value, "external_item_id": None, "external_sku_id": None,
                **UNKNOWN_PUSHED}
    change = {}
    if item.price is not None and item.price != ours["pushed_price"]:
        change["pushed_price"] = None
    if item.stock is not None and item.stock != ours["pushed_stock"]:
        change["pushed_stock"] = None
    renamed = item.name is not None and ours["name"] not in item.name
    if renamed or (item.status is not None and item.status != "live"):
        change["pushed_content_hash"] = None
    return change


def healing_changes(invalid: dict[str, int], items: list[ItemRef]) -> list[dict]:
    """New ids for listings whose stored ids are invalid (by seller SKU → listing id), from the items read
    back; those not read back are left to the look-up by seller SKU. What was pushed there is unknown."""
    read_back = {item.seller_sku: item for item in items if item.status not in GONE}
    changes = []
    for seller_sku, listing_id in invalid.items():
        item = read_back.get(seller_sku)
        ids = ({"external_item_id": item.item_id, "external_sku_id": item.sku_id} if item else
               {"state": ListingState.creating.value, "external_item_id": None, "external_sku_id": None})
        changes.append({"id": listing_id, **ids, **UNKNOWN_PUSHED})
    return changes


async def _reconcile_shop(engine: Engine, account_id: int, reach: Reach) -> int:
    with Session(engine) as session:
        account = session.get(ChannelAccount, account_id)
        rows = session.execute(
            sa.select(Listing.id, Sku.sku, Product.name, Listing.pushed_price, Listing.pushed_stock,
                      Listing.external_item_id, Listing.external_sku_id)
            .join(Sku, Sku.id == Listing.sku_id).join(Product, Product.id == Sku.product_id)
            .where(Listing.channel_account_id == account_id, Listing.external_item_id.is_not(None))
        )
        ours, invalid = {}, {}
        for row in rows:
            if valid_ids(row.external_item_id, row.external_sku_id):
                ours[row.sku] = row._asdict()
            else:
                invalid[row.sku] = row.id
    async with adapter_for(engine, account, reach.http, reach.transport) as adapter:
        items = await all_items(adapter)
    changes = healing_changes(invalid, items)
    for item in items:
        listing = ours.get(item.seller_sku)
        change = drift_changes(listing, item) if listing else {}
        if change:
            changes.append({"id": listing["id"], **change})
    if changes:
        with session_scope(engine) as session:
            session.execute(sa.update(Listing), changes)
    return len(changes)


async def reconcile(engine: Engine, accounts: list[AccountScope], reach: Reach = NETWORK) -> dict[int, str]:
    """Mark drifted listings on every shop; returns the shops that could not be read, with why."""
    results = await asyncio.gather(*(_reconcile_shop(engine, a.id, reach) for a in accounts), return_exceptions=True)
    return {a.id: f"{type(r).__name__}: {r}" for a, r in zip(accounts, results, strict=True)
            if isinstance(r, BaseException)}
