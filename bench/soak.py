"""The fault soak: ``python -m bench.soak [--minutes N] [--shops N] [--skus N] [--packs N] [--json]``.

The catalogue's products come in ``--packs`` packs each (SKUs), so Shopee and Lazada hold one item per
product with its packs as variants, and the floors one item per SKU. Shopee's wait between creating an item
and its variants is its real 5 s unless ``SYNDICATOR_VARIANT_WAIT_S`` says otherwise.

Before the clock starts, one sync runs with the faults off, so every listing is live and the shoppers have
something to buy from the first second. Then the sandboxes answer a share of calls with server errors,
rate-limit answers and timeouts, and expire every access token now and then; shoppers buy and cancel on
every marketplace at once; ``python -m syndicator sync`` runs again and again as a separate process, and now
and then is killed with SIGKILL part-way. At the end, with the faults off, one more sync runs, reading every
shop's items back as the nightly run does (``--reconcile``): a sync's stock push overwrites an order placed on
that marketplace after the sync pulled orders, and if that order is then cancelled the marketplace shows
more than the catalog, which only reading the items back can see.

Shopee's and Lazada's refresh tokens are single use: a sync killed, or a refresh whose answer is lost, after
the marketplace spent the old refresh token and before the new one was stored leaves the shop unable to
refresh, and the syncs mark it as needing re-authorisation. So after the last sync every shop so marked is
connected again, as its clerk would (``syndicator channels reconnect``), and one more sync pulls what it
missed. Then the books are checked against what the shoppers did: every order placed is recorded once (a
loss is counted by marketplace), the ledger counts every unit once, no seller SKU is held twice in a shop
(across items or models) and no product as two items, every pack shows the price and stock last pushed
(drift is counted pack by pack), and the worst time from a sale on one marketplace to the stock showing
it on the others.

With ``--push`` no sync is started by hand: ``python -m syndicator serve`` receives the marketplaces' pushes
(``SYNDICATOR_PUBLIC_URL`` pointing at it, registered with every sandbox at its start) and fans the stock out
within seconds; the sandboxes drop 5 % of their pushes and send 5 % twice; the scheduled pass runs only as
the slower safety net, every ``SAFETY_PASS_S``, never killed. The report then also gives the deliveries, and
the marketplace calls a shop costs a day with polling alone against pushes with the safety net.

Everything runs on loopback and is bounded: the soak's length, each sync's time, the shoppers' pace.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters.registry import spec
from bench.common import (
    MAX_PACKS,
    BenchCatalog,
    SandboxFleet,
    add_common_options,
    build_catalog,
    connect_shops,
    peak_rss_mb,
    print_report,
    scratch_database,
    use_scratch_data_dir,
)
from catalog.db import init_database
from catalog.models import (
    ChannelAccount,
    ChannelState,
    Listing,
    ListingVariant,
    MovementKind,
    Order,
    Product,
    Sku,
    StockMovement,
)
from catalog.settings import settings

FAULTS = {"error_rate": 0.05, "rate_limit_rate": 0.05, "timeout_rate": 0.01, "timeout_s": 6}
# The syncs give up waiting for an answer after 5 s (the product's default is 20 s) so that a soak of a few
# minutes sees many timeouts rather than a few; everything else is the product's default.
HTTP_SETTINGS = {"read_timeout_s": 5}
NO_FAULTS = {"latency_ms": 0, "error_rate": 0.0, "rate_limit_rate": 0.0, "timeout_rate": 0.0}
POLL_INTERVAL_S = 0.5
SYNC_TIMEOUT_S = 300
KILL_EVERY = 3  # every third sync is killed part-way
KILL_AFTER_S = (2.5, 8.0)  # the command takes 1.5–5 s to start; kill it mid-work
ORDER_INTERVAL_S = (0.3, 1.5)  # each shopper's pause between purchases
PUSH_FAULTS = {"drop": 0.05, "duplicate": 0.05, "seed": 11}
SAFETY_PASS_S = 60.0  # with --push: the scheduled pass, the safety net, this often
POLL_PASS_S = 15 * 60  # polling alone: the schedule's pass every 15 minutes
SALES_PER_SHOP_DAY = 20  # a busy co-op shop, for the day's call budget
CANCEL_SHARE = 0.2
OK_OUTCOMES = frozenset({"200", "ok"})  # a plain success: the HTTP status, or the Lazada sandbox's own word for it


@dataclass
class PlacedOrder:
    marketplace: str
    shop_id: str
    order_id: str
    seller_sku: str
    quantity: int
    placed_at: float
    cancelled_at: float | None = None


@dataclass
class Shoppers:
    """One shopper per marketplace, buying and now and then cancelling, until stopped."""

    fleet: SandboxFleet
    seed: int
    orders: list[PlacedOrder] = field(default_factory=list)
    refused: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> None:
        for index, name in enumerate(self.fleet.marketplaces):
            thread = threading.Thread(target=self._shop, args=(name, random.Random(self.seed + index)), daemon=True)
            thread.start()
            self._threads.append(thread)

    def finish(self) -> None:
        self.stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _shop(self, name: str, rng: random.Random) -> None:
        base = self.fleet.urls[name]
        mine: list[PlacedOrder] = []
        with httpx.Client(base_url=base, timeout=30) as client:
            while not self.stop.wait(rng.uniform(*ORDER_INTERVAL_S)):
                if mine and rng.random() < CANCEL_SHARE:
                    self._cancel(client, mine.pop(rng.randrange(len(mine))))
                    continue
                on_sale = [i for i in client.get("/_sandbox/items").json()["items"] if i["status"] == "live"]
                if on_sale:
                    placed = self._buy(client, name, rng.choice(on_sale), rng.randint(1, 3))
                    if placed is not None:
                        mine.append(placed)

    def _buy(self, client: httpx.Client, name: str, item: dict[str, Any], quantity: int) -> PlacedOrder | None:
        lines = [{"seller_sku": item["seller_sku"], "quantity": quantity}]
        response = client.post("/_sandbox/orders", json={"shop_id": item["shop_id"], "lines": lines})
        if response.status_code == 409:  # not enough stock left on this marketplace: the shopper goes away
            with self._lock:
                self.refused += 1
            return None
        response.raise_for_status()
        order = PlacedOrder(name, item["shop_id"], str(response.json()["order_id"]), item["seller_sku"], quantity,
                            time.monotonic())
        with self._lock:
            self.orders.append(order)
        return order

    @staticmethod
    def _cancel(client: httpx.Client, order: PlacedOrder) -> None:
        client.post(f"/_sandbox/orders/{order.order_id}/cancel").raise_for_status()
        order.cancelled_at = time.monotonic()


@dataclass
class StockWatch:
    """Samples what every marketplace shows for every seller SKU, every ``POLL_INTERVAL_S``."""

    fleet: SandboxFleet
    samples: dict[tuple[str, str], list[tuple[float, int]]] = field(default_factory=lambda: defaultdict(list))
    stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._thread.start()

    def finish(self) -> None:
        self.stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self.sample()

    def _watch(self) -> None:
        while not self.stop.wait(POLL_INTERVAL_S):
            self.sample()

    def sample(self) -> None:
        for name in self.fleet.marketplaces:
            stamp = time.monotonic()
            for item in self.fleet.items(name):
                self.samples[(name, item["seller_sku"])].append((stamp, int(item["stock"])))


def sale_lags_s(
    orders: list[PlacedOrder], samples: dict[tuple[str, str], list[tuple[float, int]]], received: dict[str, int]
) -> tuple[list[float], int]:
    """For every sale and every other marketplace, the time until that marketplace showed no more than was
    then really left; and how many never got there. What was really left of a SKU at a moment is what was received
    minus what was sold and not cancelled up to that moment."""
    changes: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for order in orders:
        changes[order.seller_sku].append((order.placed_at, -order.quantity))
        if order.cancelled_at is not None:
            changes[order.seller_sku].append((order.cancelled_at, order.quantity))
    left_at: dict[str, tuple[list[float], list[int]]] = {}
    for sku, events in changes.items():
        events.sort()
        running, totals = received.get(sku, 0), []
        for _, delta in events:
            running += delta
            totals.append(running)
        left_at[sku] = ([stamp for stamp, _ in events], totals)

    def left(sku: str, at: float) -> int:
        stamps, totals = left_at[sku]
        index = bisect.bisect_right(stamps, at) - 1
        return received.get(sku, 0) if index < 0 else totals[index]

    marketplaces = {name for name, _ in samples}
    stamps = {key: [stamp for stamp, _ in seen] for key, seen in samples.items()}
    lags, unresolved = [], 0
    for order in orders:
        left_after_sale = left(order.seller_sku, order.placed_at)
        for name in marketplaces - {order.marketplace}:
            key = (name, order.seller_sku)
            seen = samples.get(key, [])
            first = bisect.bisect_right(stamps.get(key, []), order.placed_at)
            caught_up = next(
                (stamp for stamp, stock in seen[first:]
                 if stock <= max(left_after_sale, left(order.seller_sku, stamp))),
                None,
            )
            if caught_up is None:
                unresolved += 1
                continue
            lags.append(caught_up - order.placed_at)
    return lags, unresolved


def lag_figures(lags: list[float]) -> dict[str, float | None]:
    if not lags:
        return {"median": None, "p95": None, "worst": None}
    ordered = sorted(lags)
    return {
        "median": round(statistics.median(ordered), 2),
        "p95": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))], 2),
        "worst": round(ordered[-1], 2),
    }


@dataclass
class SyncRunner:
    """Runs ``python -m syndicator sync`` again and again until told to stop, killing every
    ``KILL_EVERY``-th run part-way with SIGKILL."""

    env: dict[str, str]
    log_path: Path
    seed: int
    pause_s: float = 0.0  # between two syncs; with a pause (the safety net) no sync is killed
    runs: Counter = field(default_factory=Counter)
    stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _running: subprocess.Popen | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def finish(self) -> None:
        """Stop starting syncs; a sync still running when the soak's time is up is killed."""
        self.stop.set()
        running = self._running
        if running is not None and running.poll() is None:
            running.send_signal(signal.SIGKILL)
        if self._thread is not None:
            self._thread.join(timeout=SYNC_TIMEOUT_S + 30)

    def _loop(self) -> None:
        rng = random.Random(self.seed)
        number = 0
        while not self.stop.wait(self.pause_s):
            number += 1
            killed = not self.pause_s and number % KILL_EVERY == 0
            self.run_once(rng.uniform(*KILL_AFTER_S) if killed else None)

    def run_once(self, kill_after_s: float | None = None, *options: str) -> int | None:
        """One sync (with ``options``); its exit code, or ``None`` when it was killed."""
        with self.log_path.open("a", encoding="utf-8") as log:
            log.write(f"\n=== sync at {time.strftime('%H:%M:%S')} (kill after {kill_after_s}) ===\n")
            log.flush()
            process = self._running = subprocess.Popen(
                [sys.executable, "-m", "syndicator", "sync", *options], env=self.env, stdout=log, stderr=log,
            )
            try:
                code = process.wait(timeout=kill_after_s or SYNC_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                process.send_signal(signal.SIGKILL)
                process.wait()
                self.runs["killed" if kill_after_s else "timed_out"] += 1
                return None
        if code == -signal.SIGKILL:
            self.runs["killed"] += 1
            return None
        self.runs["ok" if code == 0 else "failed"] += 1
        return code


@dataclass
class ServeRunner:
    """``python -m syndicator serve`` on ``port``, the address the marketplaces push to."""

    env: dict[str, str]
    log_path: Path
    port: int
    _process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = self.env | {"SYNDICATOR_PUBLIC_URL": self.url}
        with self.log_path.open("a", encoding="utf-8") as log:
            self._process = subprocess.Popen([sys.executable, "-m", "syndicator", "serve", "--port", str(self.port)],
                                             env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if self._process.poll() is not None:
                break
            time.sleep(0.3)
        raise RuntimeError(f"syndicator serve did not start; see {self.log_path}")

    def finish(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(timeout=30)


def expire_tokens_now_and_then(
    fleet: SandboxFleet, every_s: float, stop: threading.Event, rounds: Counter
) -> threading.Thread:
    def loop() -> None:
        while not stop.wait(every_s):
            fleet.set_faults(expire_tokens=True)
            rounds["token_expiries"] += 1

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    return thread


def reauthorise_lost_shops(engine: Engine) -> int:
    """Connect again every shop the syncs left needing re-authorisation, as its clerk would; how many."""
    from syndicator.channels import list_channels, reconnect_sandbox

    lost = [shop.id for shop in list_channels(engine) if shop.state == ChannelState.needs_reauthorisation]
    for account_id in lost:
        reconnect_sandbox(engine, account_id)
    return len(lost)


# --- the books --------------------------------------------------------------------------------------


def order_report(engine: Engine, orders: list[PlacedOrder]) -> dict[str, int]:
    """Orders placed against orders recorded, and units sold against units the ledger took out."""
    with engine.connect() as conn:
        recorded = conn.execute(
            sa.select(ChannelAccount.marketplace, ChannelAccount.shop_id, Order.marketplace_order_id, Order.status)
            .join(ChannelAccount, ChannelAccount.id == Order.channel_account_id)
        ).all()
        ledger = dict(
            conn.execute(
                sa.select(Sku.sku, sa.func.sum(StockMovement.quantity))
                .join(Sku, Sku.id == StockMovement.sku_id)
                .where(StockMovement.kind != MovementKind.receipt.value)
                .where(StockMovement.kind != MovementKind.adjustment.value)
                .group_by(Sku.sku)
            ).all()
        )
    placed = {(o.marketplace, o.shop_id, o.order_id): o for o in orders}
    seen = Counter((str(m), s, o) for m, s, o, _ in recorded)
    lost = placed.keys() - seen.keys()
    status = {(str(m), s, o): st for m, s, o, st in recorded}
    sold: Counter = Counter()
    for order in orders:
        if order.cancelled_at is None:
            sold[order.seller_sku] += order.quantity
    return {
        "orders_placed": len(placed),
        "orders_cancelled": sum(1 for o in orders if o.cancelled_at is not None),
        "orders_recorded": len(seen),
        "orders_lost": len(lost),
        "orders_lost_by_marketplace": dict(Counter(marketplace for marketplace, _, _ in lost)),
        "orders_unknown": len(seen.keys() - placed.keys()),
        "orders_recorded_twice": sum(1 for count in seen.values() if count > 1),
        "orders_wrong_status": sum(
            1 for key, o in placed.items()
            if key in status and (status[key] == "cancelled") != (o.cancelled_at is not None)
        ),
        "skus_ledger_mismatch": sum(
            1 for sku in set(sold) | set(ledger) if -int(ledger.get(sku) or 0) != sold.get(sku, 0)
        ),
    }


def received_stock(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                sa.select(Sku.sku, sa.func.sum(StockMovement.quantity))
                .join(Sku, Sku.id == StockMovement.sku_id)
                .where(StockMovement.kind == MovementKind.receipt.value)
                .group_by(Sku.sku)
            ).all()
        )


def oversold_units(orders: list[PlacedOrder], received: dict[str, int]) -> int:
    sold: Counter = Counter()
    for order in orders:
        if order.cancelled_at is None:
            sold[order.seller_sku] += order.quantity
    return sum(max(0, units - received.get(sku, 0)) for sku, units in sold.items())


def listing_report(engine: Engine, fleet: SandboxFleet) -> dict[str, Any]:
    """What every marketplace holds against what the engine bound and last pushed, pack by pack: seller SKUs
    held more than once in a shop (across items or models), products held as more than one item (a SKU, on
    a floor), rows no pack of ours is bound to (on Shopee, an item left without its models shows as one row
    under the product code), and packs whose row differs from what was last pushed, with nothing left to
    push (drift, by marketplace)."""
    from syndicator.plan import build_plan

    with engine.connect() as conn:
        bindings = conn.execute(
            sa.select(ChannelAccount.marketplace, ChannelAccount.shop_id, Sku.sku, Product.code,
                      ListingVariant.pushed_price, ListingVariant.pushed_stock)
            .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .join(Product, Product.id == Sku.product_id)
        ).all()
        listings = conn.execute(sa.select(sa.func.count()).select_from(Listing)).scalar_one()
    pushed = {(str(m), shop, sku): (price, stock) for m, shop, sku, _, price, stock in bindings}
    product_of = {(str(m), shop, sku): code for m, shop, sku, code, _, _ in bindings}
    held: Counter = Counter()
    items_of: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    drift: list[tuple[str, str]] = []
    for name in fleet.marketplaces:
        one_item_per_product = spec(name).capabilities.variants
        for row in fleet.items(name):
            key = (name, row["shop_id"], row["seller_sku"])
            held[key] += 1
            owner = product_of.get(key, row["seller_sku"]) if one_item_per_product else row["seller_sku"]
            items_of[(name, row["shop_id"], owner)].add(str(row["item_id"]))
            wanted = pushed.get(key)
            if wanted is not None and wanted != (row["price"], row["stock"]):
                shows = f"shows price {row['price']} stock {row['stock']}"
                drift.append((name, f"{name} {row['seller_sku']}: {shows}, last pushed {wanted[0]} / {wanted[1]}"))
    drift += [(name, f"{name} {sku}: not on the marketplace") for name, shop, sku in pushed
              if (name, shop, sku) not in held]
    plan = build_plan(engine)
    marketplace_of = {account.id: account.marketplace for account in plan.accounts}
    drift += [(marketplace_of[action.account_id], f"{action.kind.value} {action.seller_sku} still planned")
              for action in plan.actions]
    return {
        "listings": listings,
        "packs": len(pushed),
        "duplicate_skus": sum(count - 1 for count in held.values() if count > 1),
        "duplicate_items": sum(len(items) - 1 for items in items_of.values() if len(items) > 1),
        "unbound_rows": sum(1 for key in held if key not in pushed),
        "drift": len(drift),
        "drift_by_marketplace": dict(Counter(name for name, _ in drift)),
        "drift_details": [text for _, text in drift[:10]],
    }


# --- the run ----------------------------------------------------------------------------------------


def soak(minutes: float, shops: int, skus: int, packs: int, stock: int, database_url: str | None,
         seed: int = 7, push: bool = False, api_faults: bool = True) -> dict:
    workdir = use_scratch_data_dir()
    with scratch_database(database_url) as url, SandboxFleet() as fleet:
        os.environ["SYNDICATOR_DATABASE_URL"] = url
        os.environ["SYNDICATOR_HTTP_SETTINGS"] = json.dumps(HTTP_SETTINGS)
        engine = init_database(url)
        try:
            catalog = build_catalog(engine, shops, skus // packs, packs=packs, stock=stock)
            return run_soak(engine, fleet, catalog, minutes, workdir, seed, push, FAULTS if api_faults else NO_FAULTS)
        finally:
            engine.dispose()


def run_soak(engine: Engine, fleet: SandboxFleet, catalog: BenchCatalog, minutes: float, workdir: Path,
             seed: int, push: bool = False, faults: dict[str, Any] = FAULTS) -> dict:
    started = time.monotonic()
    connect_shops(engine, catalog, fleet)
    syncs = SyncRunner(dict(os.environ), workdir / "sync.log", seed, pause_s=SAFETY_PASS_S if push else 0.0)
    first_exit = syncs.run_once()
    serve = ServeRunner(dict(os.environ), workdir / "serve.log", free_port()) if push else None
    if serve is not None:
        serve.start()
        set_push_faults(fleet, PUSH_FAULTS)
    fleet.set_faults(**faults)
    shoppers, watch = Shoppers(fleet, seed), StockWatch(fleet)
    stop_expiring = threading.Event()
    calls_before = total_calls(fleet)
    for part in (syncs, shoppers, watch):
        part.start()
    expiries: Counter = Counter()
    expire_tokens_now_and_then(fleet, max(5.0, minutes * 60 / 4), stop_expiring, expiries)
    time.sleep(minutes * 60)
    stop_expiring.set()
    shoppers.finish()
    syncs.finish()
    calls_during = total_calls(fleet) - calls_before
    fleet.set_faults(**NO_FAULTS)
    if serve is not None:
        set_push_faults(fleet, {"drop": 0.0, "duplicate": 0.0})
    final_exit = syncs.run_once(None, "--reconcile")
    reauthorised = reauthorise_lost_shops(engine)
    if reauthorised:
        final_exit = syncs.run_once(None, "--reconcile")
    watch.finish()
    pushed = push_report(fleet, serve, syncs, calls_during, len(shoppers.orders), catalog) if serve else {}
    if serve is not None:
        serve.finish()
    received = received_stock(engine)
    lags, unresolved = sale_lags_s(shoppers.orders, watch.samples, received)
    if serve is not None:  # a floor does not push: its sales reach the others by the safety pass
        pushers = set(pushing(fleet))
        pushed_lags, _ = sale_lags_s([o for o in shoppers.orders if o.marketplace in pushers], watch.samples, received)
        polled_lags, _ = sale_lags_s([o for o in shoppers.orders if o.marketplace not in pushers], watch.samples,
                                     received)
        pushed |= {"sale_on_a_pushing_marketplace_to_stock_update_s": lag_figures(pushed_lags),
                   "sale_on_a_floor_to_stock_update_s": lag_figures(polled_lags)}
    return {
        "minutes": minutes,
        "mode": "push" if push else "back-to-back syncs",
        "marketplaces": fleet.marketplaces,
        "shops": len(catalog.coop_codes),
        "skus": catalog.skus_per_coop,
        "packs_per_product": catalog.packs,
        "sync_runs": dict(syncs.runs),
        "faults": faults | ({"pushes": PUSH_FAULTS} if push else {}),
        "token_expiries": expiries["token_expiries"],
        "first_sync_exit": first_exit,
        "shops_reauthorised": reauthorised,
        "final_sync_exit": final_exit,
        **order_report(engine, shoppers.orders),
        "orders_refused_short_stock": shoppers.refused,
        **listing_report(engine, fleet),
        "oversold_units": oversold_units(shoppers.orders, received),
        "worst_sale_to_stock_update_s": lag_figures(lags)["worst"],
        "sale_to_stock_update_s": lag_figures(lags),
        "sales_never_reflected": unresolved,
        **pushed,
        **request_outcomes(fleet),
        "wall_s": round(time.monotonic() - started, 1),
        "peak_rss_mb": peak_rss_mb(),
        "log": str(workdir / ("serve.log" if push else "sync.log")),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def pushing(fleet: SandboxFleet) -> list[str]:
    """The marketplaces of the fleet that push."""
    return [name for name in fleet.marketplaces if spec(name).push is not None]


def set_push_faults(fleet: SandboxFleet, faults: dict[str, Any]) -> None:
    for name in pushing(fleet):
        fleet.control(name, "POST", "push/faults", faults)


def total_calls(fleet: SandboxFleet) -> int:
    return sum(sum(by_path.values()) for by_path in fleet.calls().values())


def push_report(fleet: SandboxFleet, serve: ServeRunner, syncs: SyncRunner, calls_during: int, sales: int,
                catalog: BenchCatalog) -> dict[str, Any]:
    """The sandboxes' deliveries, and a shop's marketplace calls a day: polling alone (a pass every 15
    minutes) against pushes with the safety net (a pass every ``SYNDICATOR_SAFETY_PULL_MINUTES``), each plus
    what ``SALES_PER_SHOP_DAY`` sales cost. A pass with nothing to do is measured on its own, after the soak;
    a sale's cost is the soak's calls less its safety passes', per sale."""
    deliveries: Counter = Counter()
    for name in pushing(fleet):
        deliveries.update(entry["outcome"] for entry in fleet.control(name, "GET", "push")["log"])
    shops = len(catalog.coop_codes) * len(fleet.marketplaces)
    before = total_calls(fleet)
    syncs.run_once()
    idle_pass = (total_calls(fleet) - before) / shops
    safety_passes = sum(syncs.runs.values()) - 3  # less the first sync, the final one and the idle one
    per_sale = max(0.0, calls_during - safety_passes * idle_pass * shops) / max(1, sales)
    day = 24 * 3600
    return {
        "push_deliveries": dict(sorted(deliveries.items())),
        "calls_per_shop_idle_pass": round(idle_pass, 1),
        "calls_per_sale": round(per_sale, 1),
        "calls_per_shop_day_polling": round(idle_pass * day / POLL_PASS_S + SALES_PER_SHOP_DAY * per_sale),
        "calls_per_shop_day_push": round(idle_pass * day / (settings().safety_pull_minutes * 60)
                                         + SALES_PER_SHOP_DAY * per_sale),
    }


def request_outcomes(fleet: SandboxFleet) -> dict[str, Any]:
    """Every call the marketplaces' own APIs received, and the answers that were not a plain success
    (injected faults, rate-limit answers, expired-token refusals, by each marketplace's own code)."""
    outcomes: Counter = Counter()
    for name in fleet.marketplaces:
        for by_outcome in fleet.control(name, "GET", "stats")["requests"].values():
            outcomes.update(by_outcome)
    return {
        "marketplace_requests": sum(outcomes.values()),
        "answers_other_than_ok": {outcome: count for outcome, count in sorted(outcomes.items()) if outcome not in OK_OUTCOMES},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--shops", type=int, default=2)
    parser.add_argument("--skus", type=int, default=12, help="SKUs per shop, a multiple of --packs")
    parser.add_argument("--packs", type=int, default=3, choices=range(1, MAX_PACKS + 1), metavar="N",
                        help=f"SKUs (packs) per product, 1 to {MAX_PACKS}")
    parser.add_argument("--stock", type=int, default=150, help="units received of each SKU")
    parser.add_argument("--push", action="store_true",
                        help="no hand-started syncs: `syndicator serve` takes the pushes, a safety pass now and then")
    parser.add_argument("--no-api-faults", dest="api_faults", action="store_false",
                        help="the marketplaces' APIs answer without injected faults (pushes still drop and repeat)")
    add_common_options(parser)
    args = parser.parse_args(argv)
    if args.skus % args.packs:
        parser.error("--skus must be a multiple of --packs")
    report = soak(args.minutes, args.shops, args.skus, args.packs, args.stock, args.database_url, push=args.push,
                  api_faults=args.api_faults)
    print_report(report, args.json)
    clean = (
        report["orders_lost"] == report["orders_recorded_twice"] == report["orders_unknown"] == 0
        and report["skus_ledger_mismatch"] == report["duplicate_skus"] == report["duplicate_items"] == 0
        and report["drift"] == 0
    )
    return 0 if clean else 1


if __name__ == "__main__":
    sys.exit(main())
