"""``syndicator demo``: the sample co-ops on all five sandboxes, synced, with shoppers' orders pulled.

Steps, each through the same code an operator's commands use: seed the sample catalogue (when the
database has none), create demo logins, start every built-in sandbox on its own port (8701…), connect
every sample co-op's shop on each, sync, let a few shoppers buy, sync again (which pulls the orders and
fans the new stock out to the other marketplaces).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from adapters import registry
from adapters.common.sandbox import SandboxServer
from catalog.db import data_dir, session_scope
from catalog.i18n import t
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingState,
    ListingVariant,
    Lot,
    Product,
    Role,
    Sku,
    VariantState,
)
from catalog.sample import COOPS, seed_sample_catalog
from catalog.sample_attributes import SAMPLE_ATTRIBUTES
from catalog.trace import trace_url
from syndicator.apply import Progress
from syndicator.category_mapping import map_from_shop
from syndicator.channels import connect_sandbox, reads_setup
from syndicator.engine import SyncReport, run_sync
from syndicator.season import place_season
from syndicator.users import add_user

DEMO_PASSWORD = "demo-2026"
FIRST_PORT = 8701
SHOPPERS_PER_SHOP = 2


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: Role
    coop_code: str | None = None


@dataclass
class DemoSummary:
    seeded: dict | None = None
    logins: list[DemoLogin] = field(default_factory=list)
    sandboxes: dict[str, str] = field(default_factory=dict)
    retired_shops: int = 0
    shops: int = 0
    first_sync: str = ""
    orders_placed: int = 0
    orders_pulled: int = 0
    second_sync: str = ""
    live: dict[str, int] = field(default_factory=dict)
    blocked: int = 0  # packs the second sync held back as not ready (the reasons are in its log)
    errors: list[str] = field(default_factory=list)
    trace_url: str = ""  # one lot's public trace page
    labels: str = ""  # a sample sheet of the first co-op's labels

    @property
    def ok(self) -> bool:
        return sum(self.live.values()) > 0 and self.orders_pulled > 0


def demo_logins() -> list[DemoLogin]:
    """One clerk per sample co-op (``HTX-TANCUONG`` → ``tancuong``), an officer and an admin."""
    clerks = [DemoLogin(coop.code.removeprefix("HTX-").lower(), Role.coop, coop.code) for coop in COOPS]
    return [*clerks, DemoLogin("canbo", Role.officer), DemoLogin("quantri", Role.admin)]


def ensure_demo_logins(engine: Engine) -> list[DemoLogin]:
    """Create the demo logins that do not exist yet (an existing one keeps its password)."""
    from catalog.models import User

    with session_scope(engine) as session:
        taken = set(session.exec(select(User.username)).all())
    for login in demo_logins():
        if login.username not in taken:
            add_user(engine, login.username, DEMO_PASSWORD, login.role, coop_code=login.coop_code)
    return demo_logins()


def start_sandboxes(host: str = "127.0.0.1", first_port: int = FIRST_PORT) -> dict[str, SandboxServer]:
    """Every built-in marketplace's sandbox, in DESIGN order, on consecutive ports from ``first_port`` (one
    switched off in its spec is left out)."""
    servers: dict[str, SandboxServer] = {}
    try:
        for name, port in registry.sandbox_ports(first_port, registry.MARKETPLACES).items():
            servers[name] = SandboxServer(registry.sandbox_class(name)(), host=host, port=port).start()
    except BaseException:
        stop_sandboxes(servers)
        raise
    return servers


def stop_sandboxes(servers: dict[str, SandboxServer]) -> None:
    for server in servers.values():
        server.stop()


def retire_restarted_shops(engine: Engine, base_urls: list[str]) -> int:
    """Switch off shops an earlier demo opened on these sandbox addresses.

    Sandboxes keep their shops in memory, so after a restart those shops are gone and the sandbox hands
    out the same shop ids again. The old accounts keep their listings and orders as history, under an
    address marked retired, so the fresh shops are new accounts and nothing is counted twice.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    with session_scope(engine) as session:
        stale = session.exec(
            select(ChannelAccount).where(ChannelAccount.base_url.in_(base_urls), ChannelAccount.enabled)
        ).all()
        for account in stale:
            account.enabled = False
            account.state = "retired"
            account.base_url = f"{account.base_url}#retired-{stamp}"
        return len(stale)


def connect_demo_shops(engine: Engine, servers: dict[str, SandboxServer]) -> int:
    """Open and authorise every sample co-op's shop on every sandbox, and through the first shop on each
    marketplace with a category tree map the catalogue's categories to the leaves it suggests (as an admin does
    once; the other shops' setup is read at the first sync); returns how many shops."""
    count = 0
    mapped: set[str] = set()
    for coop in COOPS:
        for name, server in servers.items():
            account = connect_sandbox(engine, coop.code, name, server.base_url, publish_all=True)
            count += 1
            if reads_setup(account) and name not in mapped:
                map_from_shop(engine, account.id, SAMPLE_ATTRIBUTES, actor="demo")
                mapped.add(name)
    return count


def place_shopper_orders(engine: Engine, servers: dict[str, SandboxServer], per_shop: int = SHOPPERS_PER_SHOP
                         ) -> int:
    """Shoppers buy one unit of the first SKUs on sale in every shop (a live pack of a live listing);
    returns the orders the sandboxes took."""
    placed = 0
    with session_scope(engine) as session:
        on_sale = session.exec(
            select(ChannelAccount.marketplace, ChannelAccount.shop_id, Sku.sku)
            .join(ListingVariant, ListingVariant.channel_account_id == ChannelAccount.id)
            .join(Listing, ListingVariant.listing_id == Listing.id)
            .join(Sku, ListingVariant.sku_id == Sku.id)
            .where(ChannelAccount.enabled, Listing.state == ListingState.live,
                   ListingVariant.state == VariantState.live,
                   ChannelAccount.base_url.in_([s.base_url for s in servers.values()]))
            .order_by(ChannelAccount.id, Sku.sku)
        ).all()
    chosen: dict[tuple[str, str], list[str]] = {}
    for marketplace, shop_id, sku in on_sale:
        skus = chosen.setdefault((str(marketplace), shop_id), [])
        if len(skus) < per_shop:
            skus.append(sku)
    with httpx.Client(timeout=10) as client:
        for (marketplace, shop_id), skus in chosen.items():
            for sku in skus:
                answer = client.post(f"{servers[marketplace].base_url}/_sandbox/orders",
                                     json={"shop_id": shop_id, "lines": [{"seller_sku": sku, "quantity": 1}]})
                placed += answer.is_success
    return placed


def live_listings(engine: Engine) -> dict[str, int]:
    """Live listings (products on sale, one item each however many packs it offers) per marketplace over
    enabled shops."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(ChannelAccount.marketplace, sa.func.count(Listing.id))
            .join(Listing, Listing.channel_account_id == ChannelAccount.id)
            .where(ChannelAccount.enabled, Listing.state == ListingState.live)
            .group_by(ChannelAccount.marketplace)
        ).all()
    return {str(marketplace): count for marketplace, count in rows}


def _errors(report: SyncReport) -> list[str]:
    found = [f"{shop.account.marketplace}/{shop.account.coop_code}: {error}"
             for shop in report.shops for error in shop.errors]
    found += [f"orders {shop.marketplace}/{shop.coop_code}: {shop.error}" for shop in report.orders.shops if shop.error]
    return found


def run_demo(engine: Engine, servers: dict[str, SandboxServer], say: Callable[[str], None] = print,
             progress: Progress | None = None) -> DemoSummary:
    """Everything but the app, against sandboxes already started; a summary of what happened."""
    summary = DemoSummary(sandboxes={name: server.base_url for name, server in servers.items()})
    with session_scope(engine) as session:
        empty = session.exec(select(sa.func.count()).select_from(Coop)).one() == 0
    if empty:
        say(t("demo_seeding"))
        summary.seeded = seed_sample_catalog(engine)
    summary.logins = ensure_demo_logins(engine)
    summary.retired_shops = retire_restarted_shops(engine, list(summary.sandboxes.values()))
    say(t("demo_connecting", count=len(servers)))
    summary.shops = connect_demo_shops(engine, servers)
    say(t("demo_first_sync"))
    first = run_sync(engine, trigger="demo", progress=progress)
    summary.first_sync = first.status
    summary.errors += _errors(first)
    say(t("demo_orders"))
    summary.orders_placed = place_shopper_orders(engine, servers)
    summary.orders_placed += place_season(engine, servers)
    say(t("demo_second_sync"))
    second = run_sync(engine, trigger="demo", progress=progress)
    summary.second_sync = second.status
    summary.orders_pulled = sum(shop.orders_new for shop in second.orders.shops)
    summary.blocked = len(second.plan.blocked)
    summary.errors += _errors(second)
    summary.live = live_listings(engine)
    summary.trace_url, summary.labels = write_sample_labels(engine)
    return summary


def write_sample_labels(engine: Engine) -> tuple[str, str]:
    """A sheet of the first sample co-op's labels, with prices, in the data folder; returns one of its lots'
    trace page and the sheet's path."""
    from syndicator.labels import LAYOUTS, Selection, load_labels, render_labels

    coop = COOPS[0].code
    path = data_dir() / f"tem-mau-{coop}.pdf"
    with session_scope(engine) as session:
        labels = load_labels(session, Selection(coop=coop, price=True))
        lot = session.exec(select(Lot).join(Product, Product.id == Lot.product_id).join(Coop, Coop.id == Product.coop_id)
                           .where(Coop.code == coop).order_by(Lot.id)).first()
    path.write_bytes(render_labels(labels, LAYOUTS["3x8"]))
    return (trace_url(lot.trace_code) if lot else ""), str(path)
