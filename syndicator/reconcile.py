"""Reconcile: read each shop's items back and forget what we pushed where the marketplace now differs
(an edit made by hand in the seller centre), so the next plan puts ours back.

It also heals packs whose stored ids are not ids (an older version stored what a broken marketplace
answered): they take the ids of the item read back under their seller SKU, or, when none was read back,
their listing goes back to ``creating`` so the look-up by seller SKU that starts every sync binds or
creates it.
"""

from __future__ import annotations

import asyncio
from collections import Counter

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.common.contract import Adapter, ItemRef
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingVariant, Product, Sku, VariantState
from syndicator import binding
from syndicator.apply import valid_ids
from syndicator.budgets import raise_spent
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
            sa.select(ListingVariant.id, ListingVariant.listing_id, Sku.sku, Product.name, ListingVariant.pushed_price,
                      ListingVariant.pushed_stock, ListingVariant.reserved_stock, Listing.external_item_id,
                      ListingVariant.external_variant_id)
            .join(Listing, Listing.id == ListingVariant.listing_id)
            .join(Sku, Sku.id == ListingVariant.sku_id).join(Product, Product.id == Sku.product_id)
            .where(ListingVariant.channel_account_id == account_id, Listing.external_item_id.is_not(None),
                   ListingVariant.state == VariantState.live.value)
        )
        retired = binding.retired_item_ids(session, account_id)
        ours, invalid, listing_of = {}, {}, {}
        for row in rows:
            listing_of[row.id] = row.listing_id
            if valid_ids(row.external_item_id, row.external_variant_id):
                ours[row.sku] = row._asdict()
            else:
                invalid[row.sku] = row.id
    async with adapter_for(engine, account, reach.http, reach.transport) as adapter:
        items = [item for item in await all_items(adapter) if item.item_id not in retired]
    listings, variants = [], []
    for listing, variant in binding.after_healing(invalid, items):
        listings.append({"id": listing_of[variant["id"]], **listing})
        variants.append(variant)
    packs = Counter(listing_of.values())
    gone: Counter[int] = Counter()
    for item in items:
        pack = ours.get(item.seller_sku)
        if pack is None:
            continue
        gone[pack["listing_id"]] += item.status in binding.GONE
        listing, variant = binding.after_read_back(pack, item)
        if listing:
            listings.append({"id": pack["listing_id"], **listing})
        if variant:
            variants.append({"id": pack["id"], **variant})
    listings += [{"id": listing_id, **change} for listing_id in gone
                 if (change := binding.after_gone(packs[listing_id], gone[listing_id]))]
    with session_scope(engine) as session:
        binding.drift_seen(session, listings, variants)
    return len(listings) + len(variants)


async def reconcile(engine: Engine, accounts: list[AccountScope], reach: Reach = NETWORK) -> dict[int, str]:
    """Mark drifted listings on every shop; returns the shops that could not be read, with why."""
    results = await asyncio.gather(*(_reconcile_shop(engine, a.id, reach) for a in accounts), return_exceptions=True)
    raise_spent(results)
    return {a.id: f"{type(r).__name__}: {r}" for a, r in zip(accounts, results, strict=True)
            if isinstance(r, BaseException)}
