"""Every marketplace sandbox in use on an ephemeral loopback port, a co-op catalogue written straight
into the tables, and connected shops: what the sync engine's end-to-end tests start from."""

from __future__ import annotations

import asyncio
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy.engine import Engine

from adapters import registry
from adapters.common.http import HttpSettings
from adapters.common.sandbox import SandboxServer
from catalog.categories import ensure_categories
from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, Product, Sku
from catalog.photos import store_photo
from catalog.sample_attributes import SAMPLE_ATTRIBUTES
from catalog.settings import env_name
from catalog.stock import record_movement
from syndicator.category_mapping import map_from_shop
from syndicator.channels import HTTP_SETTINGS_ENV, NETWORK, Reach, connect_sandbox, reads_setup
from syndicator.secrets import decrypt_credentials
from tests.support.in_process import SandboxRouter
from tests.support.web import WEB

# The sandboxes answer 500 calls a second per shop: the adapters need not keep to the marketplaces' pace.
FAST = HttpSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=3, backoff_initial_s=0.01,
                    backoff_max_s=0.05, backoff_jitter_s=0.01, requests_per_second=400)
COOP = "HTX-TANCUONG"
# Shopee takes an item's variants 5 s after add_item; the test sandboxes, and the clients (also in the programs
# the tests start), wait a twentieth of a second, set before any sandbox starts
os.environ.setdefault(env_name("variant_wait_s"), "0.05")


def product_picture() -> str:
    """A real JPEG on disk, as a clerk's photo folder holds one (the importer stores it in the catalogue)."""
    path = Path(tempfile.gettempdir()) / "syndicator-test-che-bup-tan-cuong.jpg"
    if not path.exists():
        Image.new("RGB", (600, 600), (46, 125, 50)).save(path, "JPEG")
    return str(path)


def stored_picture(session) -> str:
    """The tea photo in the catalogue's store: its digest, what ``Product.images`` holds."""
    return store_photo(session, Path(product_picture()).read_bytes()).digest


@dataclass
class Sandbox:
    """One marketplace's sandbox as a test drives it through the ``/_sandbox/`` control API."""

    marketplace: str
    server: SandboxServer

    @property
    def url(self) -> str:
        return self.server.base_url

    def _call(self, method: str, path: str, **kw) -> dict:
        response = WEB.request(method, self.url + path, **kw)
        response.raise_for_status()
        return response.json()

    def items(self) -> list[dict]:
        return self._call("GET", "/_sandbox/items")["items"]

    def item(self, seller_sku: str) -> dict:
        (found,) = [item for item in self.items() if item["seller_sku"] == seller_sku]
        return found

    def writes(self) -> int:
        return self._call("GET", "/_sandbox/stats")["writes"]

    def order(self, shop_id: str, seller_sku: str, quantity: int) -> dict:
        lines = [{"seller_sku": seller_sku, "quantity": quantity}]
        return self._call("POST", "/_sandbox/orders", json={"shop_id": shop_id, "lines": lines})

    def cancel(self, order_id: str) -> dict:
        return self._call("POST", f"/_sandbox/orders/{order_id}/cancel")

    def mark_returned(self, order_id: str) -> dict:
        """The parcel came back to the seller (Lazada's sandbox moves an order through fulfilment)."""
        return self._call("POST", f"/_sandbox/orders/{order_id}/status", json={"status": "returned"})

    def faults(self, **faults) -> dict:
        return self._call("POST", "/_sandbox/faults", json=faults)

    def edit(self, item_id: str, **values) -> dict:
        return self._call("PATCH", f"/_sandbox/items/{item_id}", json=values)

    def edit_sku(self, row: dict, **values) -> dict:
        """Edit what one seller SKU row of ``items()`` sells: its item, or its model on an item with variants."""
        model = {"model_id": row["model_id"]} if row.get("model_id") else {}
        return self.edit(row["item_id"], **model, **values)

    def reset(self) -> None:
        """Forget every shop, item, order, token, fault and count, as a freshly started sandbox."""
        self._call("POST", "/_sandbox/reset")


def start_sandbox(marketplace: str) -> Sandbox:
    sandbox_class = registry.sandbox_class(marketplace)
    return Sandbox(marketplace, SandboxServer(sandbox_class(rate_limit_per_s=500)).start())


def use_test_settings(monkeypatch) -> None:
    """Short HTTP timeouts and backoff, a quick monitor, and a fixed key to encrypt shop credentials with."""
    monkeypatch.setenv(HTTP_SETTINGS_ENV, FAST.model_dump_json())
    monkeypatch.setenv("SYNDICATOR_MONITOR_PACE_S", "0.05")  # the sandboxes need no politeness
    monkeypatch.setenv("SYNDICATOR_SECRET_KEY", "Vk9TT19UQU5fQ1VPTkdfU0VDUkVUX0tFWV9URVNUXzE=")


@contextmanager
def every_sandbox() -> Iterator[dict[str, Sandbox]]:
    """Every marketplace's sandbox, by name, each on its own ephemeral port, until the block ends."""
    running = {name: start_sandbox(name) for name in registry.names()}
    try:
        yield running
    finally:
        for sandbox in running.values():
            sandbox.server.stop()


@pytest.fixture(scope="module")
def running_sandboxes() -> Iterator[dict[str, Sandbox]]:
    """Every marketplace's sandbox, started once per test module."""
    with every_sandbox() as running:
        yield running


# the create calls of the marketplaces that check an item against its category before taking it
CREATE_PATHS = {"shopee": "/api/v2/product/add_item", "lazada": "/rest/product/create"}
# what a create answered that is not the marketplace refusing it
NOT_REFUSED = frozenset({"200", "ok", "injected_5xx", "rate_limited", "timeout"})


def refused_creates(running: dict[str, Sandbox]) -> dict[str, dict[str, int]]:
    """Creates each sandbox refused (by its refusal code): a listing the readiness check should have held."""
    refused = {}
    for name, path in CREATE_PATHS.items():
        if name in running and running[name].server.thread.is_alive():
            outcomes = running[name]._call("GET", "/_sandbox/stats")["requests"].get(path, {})
            if found := {code: count for code, count in outcomes.items() if code not in NOT_REFUSED}:
                refused[name] = found
    return refused


@pytest.fixture
def sandboxes(running_sandboxes, monkeypatch, request) -> Iterator[dict[str, Sandbox]]:
    """The module's sandboxes, emptied for this test. One that an earlier test stopped, to play a
    marketplace that is down, is started afresh. After the test, no create was refused: whatever the sync
    sent had passed the readiness check (a test that sends refused creates on purpose is marked
    ``refused_creates``)."""
    use_test_settings(monkeypatch)
    for name, sandbox in running_sandboxes.items():
        if sandbox.server.thread.is_alive():
            sandbox.reset()
        else:
            running_sandboxes[name] = start_sandbox(name)
    yield running_sandboxes
    if request.node.get_closest_marker("refused_creates") is None:
        assert refused_creates(running_sandboxes) == {}, "a create was refused: readiness let it through"


@pytest.fixture(scope="module")
def sandbox_router(running_sandboxes) -> SandboxRouter:
    return SandboxRouter(running_sandboxes)


@pytest.fixture
def in_process(sandboxes, sandbox_router) -> Reach:
    """How a test's syncs reach the module's sandboxes (emptied for it) without a socket: through their
    apps, in-process (``connect_all`` connects the shops the same way)."""
    return Reach(http=FAST, transport=sandbox_router)


CATALOGUE = (
    # product code, name, category, variant, sku, price, weight g, stock
    ("CHE-TAN-CUONG", "Chè búp Tân Cương đặc biệt", "CHE", "Gói 200g", "TC-CHE-200G", 120000, 200, 40),
    ("CHE-TAN-CUONG", "Chè búp Tân Cương đặc biệt", "CHE", "Hộp 500g", "TC-CHE-500G", 280000, 500, 15),
    ("MAT-ONG-VO-NHAI", "Mật ong rừng Võ Nhai", "MAT-ONG", "Chai 500ml", "TC-MATONG-500", 250000, 700, 12),
    ("MIEN-NA-RI", "Miến dong Na Rì loại 1", "THUC-PHAM-KHO", "Gói 500g", "TC-MIEN-500G", 65000, 500, 30),
)


def seed_catalogue(engine: Engine, coop_code: str = COOP) -> dict[str, int]:
    """A tea co-op's catalogue with opening stock; returns SKU ids by seller SKU."""
    ids: dict[str, int] = {}
    with session_scope(engine) as session:
        categories = ensure_categories(session)
        coop = Coop(code=coop_code, name="HTX Chè Tân Cương", commune_name="Phường Tân Cương")
        session.add(coop)
        session.flush()
        products: dict[str, Product] = {}
        for code, name, category, variant, sku, price, weight, stock in CATALOGUE:
            if code not in products:
                products[code] = Product(
                    coop_id=coop.id, code=code, name=name, category_id=categories[category],
                    description=f"{name}, sản xuất tại Thái Nguyên.", origin_commune_name="Phường Tân Cương",
                    images=[stored_picture(session)], shelf_life_days=365, certifications=["VietGAP"],
                )
                session.add(products[code])
                session.flush()
            row = Sku(product_id=products[code].id, sku=sku, variant=variant, price=price, weight_g=weight,
                      length_cm=18, width_cm=10, height_cm=6)
            session.add(row)
            session.flush()
            record_movement(session, row.id, "receipt", stock, f"opening:{sku}", "tồn đầu kỳ")
            ids[sku] = row.id
    return ids


def connect_all(engine: Engine, sandboxes: dict[str, Sandbox], coop_code: str = COOP, publish_all: bool = True
                ) -> dict[str, str]:
    """Connect the co-op to a new shop on every sandbox, in-process; returns shop ids by marketplace. By
    default each shop publishes every product (``channels connect --publish-all``), as most tests want."""
    reach = Reach(http=FAST, transport=SandboxRouter(sandboxes))
    return {name: connect_shop(engine, coop_code, name, sandbox.url, reach, publish_all).shop_id
            for name, sandbox in sandboxes.items()}


def connect_shop(engine: Engine, coop_code: str, marketplace: str, url: str, reach: Reach = NETWORK,
                 publish_all: bool = True) -> ChannelAccount:
    """Connect one shop on a sandbox; on a marketplace with a category tree, read its setup and map the
    catalogue's categories by the marketplace's suggestions, as an admin does once (``mapping suggest --all
    --save``) with the sample catalogue's constant attributes."""
    shop = connect_sandbox(engine, coop_code, marketplace, url, reach, publish_all=publish_all)
    if reads_setup(shop):
        map_from_shop(engine, shop.id, SAMPLE_ATTRIBUTES, reach=reach)
    return shop


def publish_new(engine: Engine) -> int:
    """What a sync does before it plans: shops that publish new products automatically (connected with
    ``publish_all``) publish every SKU not yet on them."""
    from sqlmodel import select

    from syndicator import publishing

    with session_scope(engine) as session:
        return publishing.publish_new(session, session.exec(select(ChannelAccount.id)).all())


def spend_refresh_token(account: ChannelAccount, reach: Reach = NETWORK) -> None:
    """A refresh whose new tokens never reach our database: the marketplace has spent the stored one."""
    factory = registry.load(registry.spec(account.marketplace).adapter)
    credentials = decrypt_credentials(account.credentials_encrypted)

    async def refresh() -> None:
        async with factory(account.base_url, credentials, http=reach.http, transport=reach.transport) as shop:
            await shop.refresh_credentials()

    asyncio.run(refresh())


def as_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)
