"""The sync benchmark: ``python -m bench.sync [--shops N] [--skus N] [--packs N] [--latency-ms N] [--json]``.

Starts every marketplace's sandbox on loopback with the given latency and the marketplace's own rate limit
(and Shopee's wait between creating an item and its variants: 5 s unless ``SYNDICATOR_VARIANT_WAIT_S`` says
otherwise), builds a catalog of N co-ops × N SKUs, in products of ``--packs`` SKUs each, with one shop per
co-op on every marketplace, and measures one phase after another: the first push; a price change on every
SKU; a sync with nothing changed. Shopee and Lazada list a product as one item with its packs as variants,
the floors each SKU as an item of its own.

For the first push and the price change it also works out the least time the marketplaces' rate limits allow,
from every call the phase needs (``create_calls``, ``price_calls_min``), and for the price change the fewest
write calls the batch limits allow; and it times a naive client making the same change one SKU at a time.

The first push's bound, per shop (shops are independent, so the slowest marketplace decides):

    calls = products × (lookup + photos + creates) on Shopee and Lazada, SKUs × 1 on a floor
    bound = max(0, calls − burst) / rate + wait + one round trip

where ``burst`` is one second's calls (the bucket's size) and ``wait`` Shopee's wait between ``add_item`` and
``init_tier_variation``, counted once: the engine sends up to 50 products' creates at once, so their waits
overlap (with more than 50 products a shop, each further 50 waits again and the bound is low).
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
    MAX_PACKS,
    BenchCatalog,
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
from catalog.models import ChannelAccount, Listing, ListingVariant, Sku

PRICE_STEP = 5000  # đồng added to every SKU's base price in the price-change phase
def create_calls(marketplace: str, catalog: BenchCatalog) -> int:
    """Every call one shop's first push makes to create the co-op's catalogue there."""
    capabilities = spec(marketplace).capabilities
    if not capabilities.variants:
        return catalog.skus_per_coop
    photos = min(catalog.photos_per_product, capabilities.max_images)
    return catalog.products_per_coop * (capabilities.product_create_calls + photos)


def create_wait_s(marketplace: str) -> float:
    """The wait a create makes between its calls (Shopee's before the variants), counted once (see the module)."""
    return spec(marketplace).capabilities.variant_wait()


def rate_bound_s(marketplace: str, calls: int, latency_ms: int, wait_s: float = 0.0) -> float:
    """The least time one shop needs for ``calls`` at the marketplace's rate: the bucket holds one second's
    calls, the rest wait for it to refill; plus ``wait_s`` and the last answer's round trip."""
    rate = spec(marketplace).capabilities.requests_per_second
    burst = max(1, math.floor(rate))
    return max(0, calls - burst) / rate + wait_s + latency_ms / 1000


def first_push_bounds(marketplaces: list[str], catalog: BenchCatalog, latency_ms: int) -> dict[str, dict]:
    """Per marketplace: one shop's create calls, its rate, the wait counted and the bound in seconds."""
    bounds = {}
    for name in marketplaces:
        calls, wait = create_calls(name, catalog), create_wait_s(name)
        bounds[name] = {"calls": calls, "per_s": spec(name).capabilities.requests_per_second, "wait_s": wait,
                        "bound_s": round(rate_bound_s(name, calls, latency_ms, wait), 3)}
    return bounds


def create_formula(marketplace: str, catalog: BenchCatalog) -> str:
    """``create_calls`` in words, for the report."""
    if not spec(marketplace).capabilities.variants:
        return f"{catalog.skus_per_coop} SKUs × 1 create"
    photos = min(catalog.photos_per_product, spec(marketplace).capabilities.max_images)
    text = f"{catalog.products_per_coop} products × ({spec(marketplace).capabilities.product_create_calls} + {photos} photo)"
    wait = create_wait_s(marketplace)
    return text + (f" + one {wait:g} s wait" if wait else "")


def price_calls_min(marketplace: str, catalog: BenchCatalog) -> int:
    """The fewest price-update calls that change every SKU of one shop, by the declared batch size: on
    Shopee one call per item for up to that many of its models, elsewhere that many SKUs a call."""
    capabilities = spec(marketplace).capabilities
    size = capabilities.price_batch_size
    if capabilities.batch_one_item:
        return catalog.products_per_coop * math.ceil(catalog.packs / size)
    return math.ceil(catalog.skus_per_coop / size)


def update_write_calls_min(marketplaces: list[str], catalog: BenchCatalog) -> int:
    """The fewest price-update calls that change every SKU in each shop on every marketplace."""
    return sum(len(catalog.coop_codes) * price_calls_min(name, catalog) for name in marketplaces)


def update_bound_s(marketplaces: list[str], catalog: BenchCatalog, latency_ms: int) -> float:
    """The least time the price change can take under the rate limits: the slowest shop decides."""
    return round(max(rate_bound_s(name, price_calls_min(name, catalog), latency_ms) for name in marketplaces), 3)


@dataclass
class Phase:
    wall_s: float
    writes: dict[str, int]
    calls: dict[str, int]
    ok: bool

    @property
    def write_calls(self) -> int:
        return sum(self.writes.values())


def calls_during(fleet: SandboxFleet, before: dict[str, dict[str, int]]) -> dict[str, int]:
    """Every API call each marketplace answered since ``before`` (``SandboxFleet.calls``)."""
    after = fleet.calls()
    return {name: sum(count - before[name].get(path, 0) for path, count in paths.items())
            for name, paths in after.items()}


def writes_during(fleet: SandboxFleet, before: dict[str, int]) -> dict[str, int]:
    after = fleet.writes()
    return {name: after[name] - before[name] for name in after}


def timed_sync(engine: Engine, fleet: SandboxFleet) -> Phase:
    """One engine sync over every shop, with the write calls and all calls the sandboxes counted during it."""
    from syndicator.engine import run_sync

    writes, calls = fleet.writes(), fleet.calls()
    started = time.perf_counter()
    report = run_sync(engine, trigger="bench")
    wall = time.perf_counter() - started
    return Phase(round(wall, 3), writes_during(fleet, writes), calls_during(fleet, calls), report.succeeded)


async def naive_price_push(engine: Engine) -> int:
    """What a hand-written script would do: for every SKU listed, one price call for that SKU alone,
    waiting for each answer before the next. Goes through the same adapters; the number of calls made."""
    from catalog.pricing import channel_price
    from syndicator.channels import adapter_for, price_rule

    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(ListingVariant.channel_account_id, Sku.sku, Sku.price, Listing.external_item_id,
                      ListingVariant.external_variant_id)
            .join(Listing, Listing.id == ListingVariant.listing_id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .where(Listing.external_item_id.is_not(None))
            .order_by(ListingVariant.channel_account_id, Sku.sku)
        ).all()
    with Session(engine) as session:
        accounts = {account.id: account for account in session.exec(select(ChannelAccount))}
    calls = 0
    adapters = {}
    try:
        for account_id, seller_sku, base_price, item_id, variant_id in rows:
            account = accounts[account_id]
            if account_id not in adapters:
                adapters[account_id] = adapter_for(engine, account)
            update = PriceUpdate(
                ref=ItemRef(seller_sku=seller_sku, item_id=item_id, sku_id=variant_id),
                price=channel_price(base_price, price_rule(account)),
            )
            await adapters[account_id].update_prices([update])
            calls += 1
    finally:
        for adapter in adapters.values():
            await adapter.aclose()
    return calls


def benchmark(shops: int, skus: int, latency_ms: int, database_url: str | None = None,
              marketplaces: list[str] | None = None, packs: int = 1) -> dict:
    use_scratch_data_dir()
    fleet = SandboxFleet(marketplaces or list(names()), latency_ms=latency_ms)
    with scratch_database(database_url) as url, fleet:
        engine = init_database(url)
        catalog = build_catalog(engine, shops, skus // packs, packs=packs)
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
    bounds = first_push_bounds(marketplaces, catalog, latency_ms)
    first_bound = max(bound["bound_s"] for bound in bounds.values())
    bound = update_bound_s(marketplaces, catalog, latency_ms)
    with_variants = [name for name in marketplaces if spec(name).capabilities.variants]
    return {
        "marketplaces": marketplaces,
        "shops": shops,
        "skus_per_shop": catalog.skus_per_coop,
        "packs": packs,
        "products_per_shop": catalog.products_per_coop,
        "listed_skus": catalog.sku_count * len(marketplaces),
        "items": shops * (catalog.products_per_coop * len(with_variants)
                          + catalog.skus_per_coop * (len(marketplaces) - len(with_variants))),
        "latency_ms": latency_ms,
        "variant_wait_s": max(spec(name).capabilities.variant_wait() for name in marketplaces),
        "first_push_wall_s": first.wall_s,
        "first_push_bound_s": first_bound,
        "first_push_vs_bound": round(first.wall_s / first_bound, 2) if first_bound else None,
        "first_push_bound_formula": {name: create_formula(name, catalog) for name in marketplaces},
        "first_push_bound_by_marketplace": bounds,
        "first_push_calls_by_marketplace": {
            name: {"sent": first.calls[name], "creates_need": shops * bounds[name]["calls"]} for name in marketplaces
        },
        "first_push_write_calls": first.write_calls,
        "first_push_ok": first.ok,
        "update_write_calls": update.write_calls,
        "update_write_calls_min": update_write_calls_min(marketplaces, catalog),
        "update_write_calls_by_marketplace": {
            name: {"sent": update.writes[name], "min": shops * price_calls_min(name, catalog)}
            for name in marketplaces
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
    parser.add_argument("--skus", type=int, default=40, help="SKUs per shop, a multiple of --packs")
    parser.add_argument("--packs", type=int, default=1, choices=range(1, MAX_PACKS + 1), metavar="N",
                        help=f"SKUs (packs) per product, 1 to {MAX_PACKS}")
    parser.add_argument("--latency-ms", type=int, default=40)
    parser.add_argument("--marketplaces", nargs="+", choices=names(), default=None,
                        help="default: every marketplace in use")
    add_common_options(parser)
    args = parser.parse_args(argv)
    if args.skus % args.packs:
        parser.error("--skus must be a multiple of --packs")
    report = benchmark(args.shops, args.skus, args.latency_ms, args.database_url, args.marketplaces, args.packs)
    print_report(report, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
