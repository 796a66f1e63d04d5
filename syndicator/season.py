"""The demo's season: a year of shoppers' orders up to today, so every chart of the dashboards shows
something true to life.

Demand follows the co-ops' year: gift boxes and every product sell most in the four weeks before Tết (and
hardly at all while couriers stop for it); Tân Cương tea in its spring flush (March–April), honey in its
harvest (April–June), dried bamboo shoots after theirs (July–September) and La Hiên custard apples only in
their own (August–September). A few orders are cancelled and a few returned; recent ones are still open.

Each order is placed in its shop's sandbox as an order from the shop's past (its creation time, how it
ended and when), then pulled by the real order pull, which writes the ledger once: the demo's shops look
back to the season's start for their first orders. Seeded random: the same day gives the same season.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters.common.sandbox import SandboxServer
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, ListingVariant, Product, Sku, VariantState
from catalog.sample import PRODUCTS
from catalog.stock import stock_levels
from syndicator.access.sales import LOCAL_ZONE

SEASON_DAYS = 365
SEED = 2026
ORDERS_PER_PRODUCT_DAY = 0.06  # at ordinary demand: about two orders a day for each co-op
LUNAR_NEW_YEAR = (date(2025, 1, 29), date(2026, 2, 17), date(2027, 2, 6), date(2028, 1, 26), date(2029, 2, 13))
TET_RUSH_DAYS = range(3, 29)  # days before Tết when gifts are bought
TET_HOLIDAY_DAYS = range(-4, 3)  # couriers stop from two days before Tết to the fourth day after
# harvest peaks: (first month, last month, demand in season, demand out of season) by product code or category
HARVESTS = {
    "CHE": (3, 4, 2.5, 1.0),  # tea: the spring flush
    "MAT-ONG": (4, 6, 2.5, 0.8),  # honey: longan and forest flowers
    "MANG-KHO": (7, 9, 3.0, 0.7),  # dried bamboo shoots, after the rainy-season harvest
    "NA-LA-HIEN": (8, 9, 4.0, 0.0),  # fresh custard apples: only in their season
}
# shoppers per marketplace
MARKETPLACE_SHARE = {"shopee": 40, "lazada": 25, "voso": 15, "postmart": 10, "thainguyentrade": 10}
CANCELLED_SHARE, RETURNED_SHARE = 0.04, 0.02
DELIVERY, RETURN_AFTER = timedelta(days=3), timedelta(days=9)


@dataclass(frozen=True)
class OnSale:
    """One pack on sale on one shop."""

    marketplace: str
    shop_id: str
    product_code: str
    sku: str


@dataclass(frozen=True)
class SeasonOrder:
    marketplace: str
    shop_id: str
    sku: str
    quantity: int
    placed_at: datetime
    status: str  # open, completed, cancelled, returned
    settled_at: datetime | None


def nearest_tet(day: date) -> date:
    return min(LUNAR_NEW_YEAR, key=lambda tet: abs((tet - day).days))


def demand(product_code: str, category: str, day: date) -> float:
    """How much more (or less) a product sells on ``day`` than on an ordinary day."""
    to_tet = (nearest_tet(day) - day).days
    if to_tet in TET_HOLIDAY_DAYS:
        return 0.15
    gift = category == "DAC-SAN"
    factor = (10.0 if gift else 2.5) if to_tet in TET_RUSH_DAYS else (0.4 if gift else 1.0)
    harvest = HARVESTS.get(product_code) or HARVESTS.get(category)
    if harvest:
        first, last, in_season, off_season = harvest
        factor *= in_season if first <= day.month <= last else off_season
    return factor


def plan_season(on_sale: Sequence[OnSale], today: date, now: datetime, seed: int = SEED) -> list[SeasonOrder]:
    """The orders of the ``SEASON_DAYS`` up to ``today`` (Vietnam days), oldest first, none after ``now``."""
    rng = random.Random(seed)
    categories = {product.code: product.category for product in PRODUCTS}
    shops: dict[str, list[OnSale]] = {}
    for offer in on_sale:
        shops.setdefault(offer.product_code, []).append(offer)
    orders: list[SeasonOrder] = []
    for offset in range(SEASON_DAYS, -1, -1):
        day = today - timedelta(days=offset)
        for code in sorted(shops):
            expected = ORDERS_PER_PRODUCT_DAY * demand(code, categories.get(code, ""), day)
            for _ in range(_poisson(rng, expected)):
                order = _order(rng, shops[code], day, now)
                if order is not None:
                    orders.append(order)
    return sorted(orders, key=lambda order: order.placed_at)


def _poisson(rng: random.Random, expected: float) -> int:
    threshold, count, product = math.exp(-expected), 0, rng.random()
    while product > threshold:
        count += 1
        product *= rng.random()
    return count


def _order(rng: random.Random, offers: list[OnSale], day: date, now: datetime) -> SeasonOrder | None:
    shop_offers = sorted({(o.marketplace, o.shop_id) for o in offers})
    weights = [MARKETPLACE_SHARE.get(marketplace, 10) for marketplace, _ in shop_offers]
    marketplace, shop_id = rng.choices(shop_offers, weights)[0]
    packs = sorted(o.sku for o in offers if (o.marketplace, o.shop_id) == (marketplace, shop_id))
    sku = rng.choices(packs, [3, 2, 1][:len(packs)] + [1] * (len(packs) - 3))[0]
    quantity = rng.choices((1, 2, 3), (75, 20, 5))[0]
    local = datetime.combine(day, time(rng.randint(7, 22), rng.randint(0, 59)), LOCAL_ZONE)
    placed_at = local.astimezone(UTC)
    if placed_at > now:
        return None
    roll = rng.random()
    status, settled_at = ("cancelled", placed_at + timedelta(hours=rng.randint(1, 20))) if roll < CANCELLED_SHARE \
        else ("returned", placed_at + RETURN_AFTER) if roll < CANCELLED_SHARE + RETURNED_SHARE \
        else ("completed", placed_at + DELIVERY)
    if settled_at > now:
        status, settled_at = "open", None
    return SeasonOrder(marketplace, shop_id, sku, quantity, placed_at, status, settled_at)


def packs_on_sale(engine: Engine, base_urls: list[str]) -> list[OnSale]:
    """Every live pack of a live listing on the enabled shops at these addresses."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(ChannelAccount.marketplace, ChannelAccount.shop_id, Product.code, Sku.sku)
            .join(ListingVariant, ListingVariant.channel_account_id == ChannelAccount.id)
            .join(Listing, ListingVariant.listing_id == Listing.id)
            .join(Sku, ListingVariant.sku_id == Sku.id)
            .join(Product, Sku.product_id == Product.id)
            .where(ChannelAccount.enabled, Listing.state == ListingState.live,
                   ListingVariant.state == VariantState.live, ChannelAccount.base_url.in_(base_urls))
            .order_by(ChannelAccount.id, Sku.sku)
        ).all()
    return [OnSale(str(marketplace), shop_id, code, sku) for marketplace, shop_id, code, sku in rows]


def place_season(engine: Engine, servers: dict[str, SandboxServer], today: date | None = None) -> int:
    """Place the season's orders in the sandboxes as orders from the shops' past, and have the shops' next
    order pull look back to the season's start; returns the orders the sandboxes took.

    A pack is sold only while units of it remain (a shopper takes the last ones): the ledger's available
    stock, less what the sandboxes already sold and nobody pulled yet (the season is placed before the sync
    that pulls)."""
    now = datetime.now(UTC)
    today = today or now.astimezone(LOCAL_ZONE).date()
    base_urls = [server.base_url for server in servers.values()]
    left = _units_left(engine, servers)
    placed = 0
    with httpx.Client(timeout=10) as client:
        for planned in plan_season(packs_on_sale(engine, base_urls), today, now):
            if left[planned.sku] <= 0:
                continue
            order = replace(planned, quantity=min(planned.quantity, left[planned.sku]))  # the last units go
            answer = client.post(f"{servers[order.marketplace].base_url}/_sandbox/orders", json={
                "shop_id": order.shop_id, "lines": [{"seller_sku": order.sku, "quantity": order.quantity}],
                "created_at": order.placed_at.isoformat(), "status": order.status,
                "updated_at": order.settled_at.isoformat() if order.settled_at else None,
            })
            if answer.is_success:
                placed += 1
                left[order.sku] -= order.quantity if order.status in ("open", "completed") else 0
    _look_back(engine, base_urls, datetime.combine(today - timedelta(days=SEASON_DAYS), time(), LOCAL_ZONE))
    return placed


def _units_left(engine: Engine, servers: dict[str, SandboxServer]) -> Counter[str]:
    with session_scope(engine) as session:
        skus = dict(session.exec(select(Sku.id, Sku.sku)).all())
        left = Counter({skus[sku_id]: level.available for sku_id, level in stock_levels(session).items()})
    with httpx.Client(timeout=10) as client:
        for server in servers.values():
            for order in client.get(f"{server.base_url}/_sandbox/orders").json()["orders"]:
                if order["status"] == "open":
                    for line in order["lines"]:
                        left[line["seller_sku"]] -= line["quantity"]
    return left


def _look_back(engine: Engine, base_urls: list[str], since: datetime) -> None:
    with session_scope(engine) as session:
        for account in session.exec(select(ChannelAccount).where(ChannelAccount.base_url.in_(base_urls),
                                                                 ChannelAccount.enabled)).all():
            account.orders_watermark = since
            session.add(account)
