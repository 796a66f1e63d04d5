"""Reconcile: read each shop's items back and forget what we pushed where the marketplace now differs
(an edit made by hand in the seller centre), so the next plan puts ours back."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.common.contract import Adapter, ItemRef
from adapters.common.http import HttpSettings
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, Product, Sku
from syndicator.channels import adapter_for
from syndicator.plan import AccountScope

GONE = {"deleted"}


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
                "pushed_content_hash": None, "pushed_price": None, "pushed_stock": None}
    change = {}
    if item.price is not None and item.price != ours["pushed_price"]:
        change["pushed_price"] = None
    if item.stock is not None and item.stock != ours["pushed_stock"]:
        change["pushed_stock"] = None
    renamed = item.name is not None and ours["name"] not in item.name
    if renamed or (item.status is not None and item.status != "live"):
        change["pushed_content_hash"] = None
    return change


async def _reconcile_shop(engine: Engine, account_id: int, http: HttpSettings | None) -> int:
    with Session(engine) as session:
        account = session.get(ChannelAccount, account_id)
        ours = {
            row.sku: row._asdict()
            for row in session.execute(
                sa.select(Listing.id, Sku.sku, Product.name, Listing.pushed_price, Listing.pushed_stock)
                .join(Sku, Sku.id == Listing.sku_id).join(Product, Product.id == Sku.product_id)
                .where(Listing.channel_account_id == account_id, Listing.external_item_id.is_not(None))
            )
        }
    async with adapter_for(engine, account, http) as adapter:
        items = await all_items(adapter)
    changes = []
    for item in items:
        listing = ours.get(item.seller_sku)
        change = drift_changes(listing, item) if listing else {}
        if change:
            changes.append({"id": listing["id"], **change})
    if changes:
        with session_scope(engine) as session:
            session.execute(sa.update(Listing), changes)
    return len(changes)


async def reconcile(engine: Engine, accounts: list[AccountScope], http: HttpSettings | None = None) -> dict[int, str]:
    """Mark drifted listings on every API shop; returns the shops that could not be read, with why."""
    shops = [a for a in accounts if a.has_api]
    results = await asyncio.gather(*(_reconcile_shop(engine, a.id, http) for a in shops), return_exceptions=True)
    return {a.id: f"{type(r).__name__}: {r}" for a, r in zip(shops, results, strict=True) if isinstance(r, BaseException)}
