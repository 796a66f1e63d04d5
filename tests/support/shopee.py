"""Shopee test support: sandboxes on real loopback sockets, connected shops, hand-signed raw calls."""

from __future__ import annotations

import hashlib
import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from adapters.common.contract import AttributeValue, ListingCategory, ListingDraft, Photo
from adapters.common.http import HttpSettings
from adapters.common.sandbox import SandboxServer
from adapters.shopee import SPEC
from adapters.shopee.client import ShopeeAdapter
from adapters.shopee.sandbox import ShopeeSandbox
from adapters.shopee.signing import common_params
from tests.support.web import WEB

FAST = HttpSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=3, backoff_initial_s=0.01,
                    backoff_max_s=0.05, backoff_jitter_s=0.01)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def shopee_servers() -> Iterator[Any]:
    """A factory of Shopee sandboxes (``ShopeeSandbox`` keyword arguments), each stopped afterwards."""
    servers: list[SandboxServer] = []

    def start(**options: Any) -> SandboxServer:
        server = SandboxServer(ShopeeSandbox(**options)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def shared_shopee() -> Iterator[SandboxServer]:
    with SandboxServer(ShopeeSandbox()) as server:
        yield server


@pytest.fixture
def shopee(shared_shopee: SandboxServer) -> Iterator[SandboxServer]:
    """One sandbox per test module (each test opens its own shop); faults are cleared after each test."""
    yield shared_shopee
    Control(shared_shopee).faults(latency_ms=0, error_rate=0, rate_limit_rate=0, timeout_rate=0)


# the sandbox's leaves (adapters/shopee/sandbox/data/) and their mandatory attributes, as the engine resolves them
TEA_LEAF, HONEY_LEAF = "101561", "101641"
SHELF_LIFE = AttributeValue(attribute_id="100095", name="Hạn sử dụng", value="12 tháng", value_id="6704")
ORIGIN = AttributeValue(attribute_id="100037", name="Xuất xứ", value="Việt Nam", value_id="5180")
NET_WEIGHT = AttributeValue(attribute_id="100999", name="Khối lượng tịnh", value="200 g")
GREEN_TEA = AttributeValue(attribute_id="101010", name="Loại trà", value="Trà xanh", value_id="7301")
SHIPPING = ["50018", "50011"]  # SPX Express, Giao Hàng Nhanh


@pytest.fixture
async def shop(shopee):
    """A connected shop on the test's ``shopee`` sandbox (a module may give each test a sandbox of its own)."""
    adapter = await connected(shopee)
    yield adapter
    await adapter.aclose()


def tea_category(*left_out: str, **overrides: Any) -> ListingCategory:
    """The tea leaf with its four mandatory attributes, less those whose ids are ``left_out``."""
    values = [value for value in (SHELF_LIFE, ORIGIN, NET_WEIGHT, GREEN_TEA) if value.attribute_id not in left_out]
    return ListingCategory(**{"category_id": TEA_LEAF, "attributes": values, "logistics": SHIPPING, **overrides})


def honey_category() -> ListingCategory:
    return ListingCategory(category_id=HONEY_LEAF, attributes=[SHELF_LIFE, ORIGIN], logistics=SHIPPING)


def photo_of(path: Path, colour: tuple[int, int, int] = (46, 125, 50), size: int = 500) -> Photo:
    """A real JPEG written at ``path``, as the catalogue's store holds it (named by content, measured)."""
    Image.new("RGB", (size, size), colour).save(path, "JPEG")
    content = path.read_bytes()
    return Photo(digest=hashlib.sha256(content).hexdigest(), path=str(path), format="JPEG", width=size,
                 height=size, size=len(content))


@pytest.fixture
def tea_photo(tmp_path: Path) -> Photo:
    """The tea's photo in a catalogue store of the test's own."""
    return photo_of(tmp_path / "che-bup-tan-cuong.jpg")


def tea(photo: Photo, seller_sku: str = "TN-CHE-200G", **overrides: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "seller_sku": seller_sku, "product_code": "CHE-TAN-CUONG", "name": "Chè búp Tân Cương đặc biệt",
        "description": "Chè búp một tôm hai lá, sao suốt thủ công trên chảo gang.", "category_code": "CHE",
        "category_name": "Chè", "variant": "Gói 200g", "price": 120000, "stock": 40, "weight_g": 200,
        "length_cm": 18, "width_cm": 10, "height_cm": 5, "images": [photo], "ocop_stars": 4,
        "certifications": ["VietGAP"], "origin_commune": "Phường Tân Cương", "shelf_life_days": 365,
        "coop_name": "HTX Chè Tân Cương", "listing_category": tea_category(),
    }
    return ListingDraft(**{**values, **overrides})


def honey(photo: Photo, seller_sku: str = "VN-MAT-ONG-500", **overrides: Any) -> ListingDraft:
    return tea(photo, seller_sku, **{"product_code": "MAT-ONG-VO-NHAI", "name": "Mật ong rừng Võ Nhai",
                                     "category_code": "MAT-ONG", "category_name": "Mật ong",
                                     "variant": "Chai 500ml", "price": 250000, "weight_g": 700,
                                     "coop_name": "HTX Mật ong Võ Nhai", "listing_category": honey_category(),
                                     **overrides})


class Control:
    """The sandbox's ``/_sandbox/`` control API, as a test or the demo plays the other side."""

    def __init__(self, server: SandboxServer):
        self.base_url = server.base_url

    def send(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = WEB.request(method, f"{self.base_url}/_sandbox/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def buy(self, shop_id: str, *lines: tuple[str, int]) -> dict[str, Any]:
        return self.send("POST", "orders", {
            "shop_id": shop_id, "lines": [{"seller_sku": sku, "quantity": quantity} for sku, quantity in lines]})

    def items(self, shop_id: str) -> list[dict[str, Any]]:
        return self.send("GET", f"items?shop_id={shop_id}")["items"]

    def writes(self) -> int:
        return self.send("GET", "stats")["writes"]

    def outcomes(self, api: str) -> dict[str, int]:
        return self.send("GET", "stats")["requests"].get(f"/api/v2/{api}", {})

    def faults(self, **faults: Any) -> None:
        self.send("POST", "faults", faults)

    def page(self, shop_id: str, item_id: str) -> httpx.Response:
        """The public product page a shopper (or the monitor) opens."""
        return WEB.get(f"{self.base_url}/shop/{shop_id}/{item_id}")


async def connected(server: SandboxServer, *, http: HttpSettings = FAST, on_credentials: Any = None,
                    name: str = "HTX Chè Tân Cương") -> ShopeeAdapter:
    """A client for a new shop, authorised with the sandbox's one-time code."""
    grant = await SPEC.open_sandbox_shop(server.base_url, name)
    adapter = ShopeeAdapter(server.base_url, grant.credentials, http=http, on_credentials=on_credentials)
    await adapter.authorize(grant.code or "")
    return adapter


@dataclass
class RawShop:
    """A shop called by hand, to send what a careless client would."""

    base_url: str
    partner_id: int
    partner_key: str
    shop_id: int
    access_token: str

    @classmethod
    def of(cls, server: SandboxServer, adapter: ShopeeAdapter) -> RawShop:
        credentials = adapter.credentials
        assert credentials.access_token is not None
        return cls(server.base_url, int(credentials.app_key), credentials.app_secret.get_secret_value(),
                   int(credentials.shop_id), credentials.access_token.get_secret_value())

    def signed(self, api: str, **overrides: Any) -> dict[str, str]:
        params = common_params(self.partner_key, self.partner_id, f"/api/v2/{api}", access_token=self.access_token,
                               shop_id=self.shop_id, timestamp=overrides.pop("timestamp", int(time.time())))
        return {**params, **overrides}

    def post(self, api: str, body: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        return self.send("POST", api, self.signed(api, **overrides), body).json()

    def get(self, api: str, query: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        return self.send("GET", api, {**query, **self.signed(api, **overrides)}).json()

    def send(self, method: str, api: str, params: dict[str, Any], body: dict[str, Any] | None = None
             ) -> httpx.Response:
        """Exactly these query parameters (signed or not) and JSON body."""
        return WEB.request(method, f"{self.base_url}/api/v2/{api}", params=params, json=body)

    def public(self, api: str, body: dict[str, Any]) -> dict[str, Any]:
        """A public call (auth), signed without token and shop."""
        params = common_params(self.partner_key, self.partner_id, f"/api/v2/{api}")
        return self.send("POST", api, params, body).json()


def seed_failing_call(number: int, rate: float, calls: int = 12) -> int:
    """A sandbox seed under which, with one fault rate set (``error_rate`` or ``timeout_rate``), API call
    ``number`` (from 0) fails and the following ``calls`` do not: the sandbox draws once per API call."""
    for seed in range(10_000):
        draws = random.Random(seed).random
        losses = [draws() < rate for _ in range(number + 1 + calls)]
        if losses == [index == number for index in range(len(losses))]:
            return seed
    raise AssertionError("no such seed")
