"""The sync benchmark: ``python -m bench.sync [--shops N] [--skus N] [--latency-ms N] [--json]``.

Starts every marketplace's sandbox on loopback with the given latency and the marketplace's own
rate limit, builds a catalog of N co-ops × N SKUs with one shop per co-op on every marketplace, and measures
one phase after another: the first push; a price change on every SKU; a sync with nothing changed. For the
price change it also works out the fewest write calls the marketplaces' batch limits allow and the time
their rate limits impose, and times a naive client making the same change one SKU at a time.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import sys
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.common.contract import ItemRef, PriceUpdate
from adapters.registry import names, spec
from bench.common import (
    SandboxFleet,
    add_common_options,
    build_catalog,
    connect_shops,
    peak_rss_mb,
    print_report,
    raise_prices,
    scratch_database,
    use_scratch_data_dir,
)
from catalog.db import init_database
from catalog.models import ChannelAccount, Listing, Sku

PRICE_STEP = 5000  # đồng added to every SKU's base price in the price-change phase


def price_calls_min(marketplace: str, skus: int) -> int:
    """The fewest price-update calls that change ``skus`` SKUs in one shop, by the declared batch size."""
    return math.ceil(skus / spec(marketplace).capabilities.price_batch_size)


def update_write_calls_min(marketplaces: list[str], shops: int, skus: int) -> int:
    """The fewest price-update calls that change ``skus`` SKUs in each of ``shops`` shops on every
    marketplace, given each marketplace's price batch size."""
    return sum(shops * price_calls_min(name, skus) for name in marketplaces)


def update_bound_s(marketplaces: list[str], skus: int, latency_ms: int) -> float:
    """The least time the price change can take under the rate limits: shops are independent, so the
    slowest shop decides. A shop's bucket holds one second's calls; the rest wait for it to refill; the
    last answer takes one round trip."""
    slowest = 0.0
    for name in marketplaces:
        rate = spec(name).capabilities.requests_per_second
        burst = max(1, math.floor(rate))
        slowest = max(slowest, max(0, price_calls_min(name, skus) - burst) / rate + latency_ms / 1000)
    return round(slowest, 3)


@dataclass
class Phase:
    wall_s: float
    writes: dict[str, int]
    ok: bool

    @property
    def write_calls(self) -> int:
        return sum(self.writes.values())


def writes_during(fleet: SandboxFleet, before: dict[str, int]) -> dict[str, int]:
    after = fleet.writes()
    return {name: after[name] - before[name] for name in after}


def timed_sync(engine: Engine, fleet: SandboxFleet) -> Phase:
    """One engine sync over every shop, with the write calls the sandboxes counted during it."""
    from syndicator.engine import run_sync

    before = fleet.writes()
    started = time.perf_counter()
    report = run_sync(engine, trigger="bench")
    wall = time.perf_counter() - started
    return Phase(round(wall, 3), writes_during(fleet, before), report.succeeded)


async def naive_price_push(engine: Engine) -> int:
    """What a hand-written script would do: for every listing, one price call for one SKU, waiting for
    each answer before the next. Goes through the same adapters; the number of calls made."""
    from catalog.pricing import channel_price
    from syndicator.channels import adapter_for, price_rule

    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(Listing.channel_account_id, Sku.sku, Sku.price, Listing.external_item_id,
                      Listing.external_sku_id)
            .join(Sku, Sku.id == Listing.sku_id)
            .where(Listing.external_item_id.is_not(None))
            .order_by(Listing.channel_account_id, Sku.sku)
        ).all()
    with Session(engine) as session:
        accounts = {account.id: account for account in session.exec(select(ChannelAccount))}
    calls = 0
    adapters = {}
    try:
        for account_id, seller_sku, base_price, item_id, sku_id in rows:
            account = accounts[account_id]
            if account_id not in adapters:
                adapters[account_id] = adapter_for(engine, account)
            update = PriceUpdate(
                ref=ItemRef(seller_sku=seller_sku, item_id=item_id, sku_id=sku_id),
                price=channel_price(base_price, price_rule(account)),
            )
            await adapters[account_id].update_prices([update])
            calls += 1
    finally:
        for adapter in adapters.values():
            await adapter.aclose()
    return calls


def benchmark(shops: int, skus: int, latency_ms: int, database_url: str | None = None,
              marketplaces: list[str] | None = None) -> dict:
    use_scratch_data_dir()
    fleet = SandboxFleet(marketplaces or list(names()), latency_ms=latency_ms)
    with scratch_database(database_url) as url, fleet:
        engine = init_database(url)
        catalog = build_catalog(engine, shops, skus)
        marketplaces = fleet.marketplaces
        connect_shops(engine, catalog, fleet)
        first = timed_sync(engine, fleet)
        raise_prices(engine, catalog.coop_codes, PRICE_STEP)
        update = timed_sync(engine, fleet)
        noop = timed_sync(engine, fleet)
        before = fleet.writes()
        started = time.perf_counter()
        naive_calls = asyncio.run(naive_price_push(engine))
        baseline = time.perf_counter() - started
        baseline_writes = sum(writes_during(fleet, before).values())
        engine.dispose()
    bound = update_bound_s(marketplaces, skus, latency_ms)
    return {
        "marketplaces": marketplaces,
        "shops": shops,
        "skus_per_shop": skus,
        "listings": shops * skus * len(marketplaces),
        "latency_ms": latency_ms,
        "first_push_wall_s": first.wall_s,
        "first_push_write_calls": first.write_calls,
        "first_push_ok": first.ok,
        "update_write_calls": update.write_calls,
        "update_write_calls_min": update_write_calls_min(marketplaces, shops, skus),
        "update_write_calls_by_marketplace": {
            name: {"sent": update.writes[name], "min": shops * price_calls_min(name, skus)} for name in marketplaces
        },
        "update_wall_s": update.wall_s,
        "update_bound_s": bound,
        "update_ok": update.ok,
        "update_vs_bound": round(update.wall_s / bound, 2) if bound else None,
        "baseline_wall_s": round(baseline, 3),
        "baseline_write_calls": baseline_writes,
        "baseline_calls": naive_calls,
        "speedup_vs_baseline": round(baseline / update.wall_s, 1) if update.wall_s else None,
        "noop_write_calls": noop.write_calls,
        "noop_wall_s": noop.wall_s,
        "noop_ok": noop.ok,
        "peak_rss_mb": peak_rss_mb(),
        "load_average_1m": round(os.getloadavg()[0], 1),
        "cpus": os.cpu_count(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync", description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=10)
    parser.add_argument("--skus", type=int, default=40, help="SKUs per shop")
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument("--marketplaces", nargs="+", choices=names(), default=None,
                        help="default: every marketplace in use")
    add_common_options(parser)
    args = parser.parse_args(argv)
    report = benchmark(args.shops, args.skus, args.latency_ms, args.database_url, args.marketplaces)
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
