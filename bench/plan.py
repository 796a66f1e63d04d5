"""The planning benchmark: ``python -m bench.plan --listings 100000 [--database-url URL] [--json]``.

Fills a scratch database with a province's worth of listed SKUs that look already pushed (co-ops × 40 SKUs ×
every marketplace, written with bulk inserts), then times planning a sync in which nothing has changed and
reads its peak memory. Planning runs in a fresh process so that the memory figure is planning's alone.
SQLite by default; with ``--database-url postgresql+psycopg://…`` a scratch database is created on that
server for the run and dropped afterwards.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.registry import MARKETPLACES, spec
from bench.common import add_common_options, build_catalog, peak_rss_mb, print_report, scratch_database
from catalog.chunks import chunked
from catalog.db import init_database, make_engine
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingState,
    ListingVariant,
    Product,
    Sku,
    VariantState,
)
from syndicator.actions import ActionKind

SKUS_PER_COOP = 40


def populate(engine: Engine, listings: int) -> int:
    """Co-ops with ``SKUS_PER_COOP`` SKUs each (a product each), a shop per co-op on every marketplace and
    every SKU live in each of its co-op's shops, bound to marketplace ids: a listing per product on the
    marketplaces with variants, one per SKU elsewhere, each SKU a variant of its listing. The number of
    SKUs listed."""
    coops = math.ceil(listings / (SKUS_PER_COOP * len(MARKETPLACES)))
    catalog = build_catalog(engine, coops, SKUS_PER_COOP)
    stamp = datetime.now(UTC)
    grouped = {name for name in MARKETPLACES if spec(name).capabilities.variants}
    with engine.begin() as conn:
        coop_ids = conn.execute(sa.select(Coop.id).where(Coop.code.in_(catalog.coop_codes))).scalars().all()
        conn.execute(
            sa.insert(ChannelAccount.__table__),
            [
                {"coop_id": coop_id, "marketplace": name, "shop_id": f"{coop_id}", "name": f"Gian hàng {coop_id}",
                 "base_url": f"http://127.0.0.1:{8701 + index}", "state": "connected", "enabled": True,
                 "price_rule": {}, "stock_policy": {}, "created_at": stamp}
                for coop_id in coop_ids
                for index, name in enumerate(MARKETPLACES)
            ],
        )
        listed = conn.execute(
            sa.select(Sku.id, Sku.product_id, ChannelAccount.id, ChannelAccount.marketplace)
            .join(Product, Product.id == Sku.product_id)
            .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
            .order_by(ChannelAccount.id, Sku.product_id, Sku.id)
        ).all()
        keys = list(dict.fromkeys(_listing_key(row, grouped) for row in listed))
        listing = Listing.__table__
        listing_ids: dict[tuple[int, ...], int] = {}
        for chunk in chunked(keys, 10_000):
            ids = conn.execute(sa.insert(listing).returning(listing.c.id, sort_by_parameter_order=True), [
                {"product_id": key[0], "channel_account_id": key[1], "state": ListingState.live.value,
                 "external_item_id": "-".join(map(str, key)), "has_variants": len(key) == 2,
                 "last_synced_at": stamp, "created_at": stamp}
                for key in chunk
            ]).scalars()
            listing_ids.update(zip(chunk, ids, strict=True))
        for chunk in chunked(listed, 10_000):
            conn.execute(sa.insert(ListingVariant.__table__), [
                {"listing_id": listing_ids[_listing_key(row, grouped)], "sku_id": sku_id,
                 "channel_account_id": account_id, "state": VariantState.live.value, "enabled": True,
                 "external_variant_id": f"{account_id}-{sku_id}", "created_at": stamp}
                for row in chunk
                for sku_id, _, account_id, _ in [row]
            ])
    mark_pushed(engine)
    return len(listed)


def _listing_key(row: Any, grouped: set[str]) -> tuple[int, ...]:
    """(product, shop) on a marketplace with variants, (product, shop, SKU) elsewhere."""
    sku_id, product_id, account_id, marketplace = row
    return (product_id, account_id) if marketplace in grouped else (product_id, account_id, sku_id)


def mark_pushed(engine: Engine) -> None:
    """Record, for every listing and variant, that what the plan wants now is what was last pushed: the
    engine's own plan supplies the content hashes (the item's and a variant's own), price and stock, so
    nothing here repeats how they are worked out."""
    from syndicator.plan import build_plan

    actions = build_plan(engine).actions
    contents = {action.listing_id: action.content_hash for action in actions}
    variants = [{"variant_id": action.variant_id, "price": action.price, "stock": action.stock,
                 "pack_hash": action.pack_hash}
                for action in actions if action.kind in (ActionKind.update_price, ActionKind.update_stock)]
    listing, variant = Listing.__table__, ListingVariant.__table__
    with engine.begin() as conn:
        for chunk in chunked([{"listing_id": key, "digest": digest} for key, digest in contents.items()], 10_000):
            conn.execute(sa.update(listing).where(listing.c.id == sa.bindparam("listing_id"))
                         .values(pushed_content_hash=sa.bindparam("digest")), chunk)
        for chunk in chunked(list({row["variant_id"]: row for row in variants}.values()), 10_000):
            conn.execute(sa.update(variant).where(variant.c.id == sa.bindparam("variant_id"))
                         .values(pushed_price=sa.bindparam("price"), pushed_stock=sa.bindparam("stock"),
                                 pushed_content_hash=sa.bindparam("pack_hash")), chunk)


def measure(url: str) -> dict:
    """In a fresh process: plan a sync over everything in the database; time, actions, peak memory."""
    from syndicator.plan import build_plan

    engine = make_engine(url)
    rss_before = peak_rss_mb()
    started = time.perf_counter()
    plan = build_plan(engine)
    wall = time.perf_counter() - started
    engine.dispose()
    return {
        "plan_wall_s": round(wall, 3),
        "plan_actions": len(plan.actions),
        "rss_before_plan_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def benchmark(listings: int, database_url: str | None) -> dict:
    with scratch_database(database_url) as url:
        engine = init_database(url)
        started = time.perf_counter()
        count = populate(engine, listings)
        populate_s = time.perf_counter() - started
        engine.dispose()
        child = subprocess.run(
            [sys.executable, "-m", "bench.plan", "--measure", url], capture_output=True, text=True, check=True
        )
    return {
        "backend": sa.engine.make_url(url).get_backend_name(),
        "listings": count,
        "populate_s": round(populate_s, 1),
        **json.loads(child.stdout.strip().splitlines()[-1]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.plan", description=__doc__.splitlines()[0])
    parser.add_argument("--listings", type=int, default=100_000)
    add_common_options(parser)
    parser.add_argument("--measure", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    report = benchmark(args.listings, args.database_url)
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
