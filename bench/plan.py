"""The planning benchmark: ``python -m bench.plan --listings 100000 [--database-url URL] [--json]``.

Fills a scratch database with a province's worth of listings that look already pushed (co-ops × 40 SKUs ×
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

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.registry import MARKETPLACES
from bench.common import add_common_options, build_catalog, peak_rss_mb, print_report, scratch_database
from catalog.db import init_database, make_engine
from catalog.models import ChannelAccount, Coop, Listing, ListingState, Product, Sku

SKUS_PER_COOP = 40


def populate(engine: Engine, listings: int) -> int:
    """Co-ops with ``SKUS_PER_COOP`` SKUs each, a shop per co-op on every marketplace and a live listing
    of every SKU in each of its co-op's shops, bound to marketplace ids; the number of listings."""
    coops = math.ceil(listings / (SKUS_PER_COOP * len(MARKETPLACES)))
    catalog = build_catalog(engine, coops, SKUS_PER_COOP)
    stamp = datetime.now(UTC)
    with engine.begin() as conn:
        coop_ids = conn.execute(sa.select(Coop.id).where(Coop.code.in_(catalog.coop_codes))).scalars().all()
        conn.execute(
            sa.insert(ChannelAccount.__table__),
            [
                {"coop_id": coop_id, "marketplace": name, "shop_id": f"{coop_id}", "name": f"Gian hàng {coop_id}",
                 "base_url": f"http://127.0.0.1:{8701 + index}", "state": "connected", "enabled": True,
                 "price_rule": {}, "stock_policy": {}, "category_mapping": {}, "created_at": stamp}
                for coop_id in coop_ids
                for index, name in enumerate(MARKETPLACES)
            ],
        )
        pairs = conn.execute(
            sa.select(Sku.id, ChannelAccount.id)
            .join(Product, Product.id == Sku.product_id)
            .join(ChannelAccount, ChannelAccount.coop_id == Product.coop_id)
            .order_by(ChannelAccount.id, Sku.id)
        ).all()
        for start in range(0, len(pairs), 10_000):
            conn.execute(
                sa.insert(Listing.__table__),
                [
                    {"sku_id": sku_id, "channel_account_id": account_id, "state": ListingState.live.value,
                     "enabled": True, "external_item_id": f"{account_id}-{sku_id}", "last_synced_at": stamp,
                     "created_at": stamp}
                    for sku_id, account_id in pairs[start : start + 10_000]
                ],
            )
    mark_pushed(engine)
    return len(pairs)


def mark_pushed(engine: Engine) -> None:
    """Record, for every listing, that what the plan wants now is what was last pushed: the engine's own
    plan supplies the content hash, price and stock, so nothing here repeats how they are worked out."""
    from syndicator.plan import build_plan

    wanted = {action.listing_id: action for action in build_plan(engine).actions}
    update = (
        sa.update(Listing.__table__)
        .where(Listing.__table__.c.id == sa.bindparam("listing_id"))
        .values(pushed_content_hash=sa.bindparam("digest"), pushed_price=sa.bindparam("price"),
                pushed_stock=sa.bindparam("stock"))
    )
    rows = [
        {"listing_id": listing_id, "digest": action.content_hash, "price": action.price, "stock": action.stock}
        for listing_id, action in wanted.items()
    ]
    with engine.begin() as conn:
        for start in range(0, len(rows), 10_000):
            conn.execute(update, rows[start : start + 10_000])


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
