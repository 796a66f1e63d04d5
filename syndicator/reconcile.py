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
from catalog.models import ChannelAccount, Listing, Product, Sku
from syndicator import binding
from syndicator.apply import valid_ids
from syndicator.channels import NETWORK, Reach, adapter_for
from syndicator.plan import AccountScope


async def all_items(adapter: Adapter) -> list[ItemRef]:
    items: list[ItemRef] = []
    cursor: str | None = None
    while True:
        page = await adapter.list_items(cursor)
        items.extend(page.items)
        if not page.next_cursor:
            return items
        cursor = page.next_cursor


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
    changes = binding.after_healing(invalid, items)
    for item in items:
        listing = ours.get(item.seller_sku)
        change = binding.after_read_back(listing, item) if listing else {}
        if change:
            changes.append({"id": listing["id"], **change})
    with session_scope(engine) as session:
        binding.drift_seen(session, changes)
    return len(changes)


async def reconcile(engine: Engine, accounts: list[AccountScope], reach: Reach = NETWORK) -> dict[int, str]:
    """Mark drifted listings on every shop; returns the shops that could not be read, with why."""
    results = await asyncio.gather(*(_reconcile_shop(engine, a.id, reach) for a in accounts), return_exceptions=True)
    return {a.id: f"{type(r).__name__}: {r}" for a, r in zip(accounts, results, strict=True)
            if isinstance(r, BaseException)}
