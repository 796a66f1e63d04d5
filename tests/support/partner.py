"""Partner-floor test support: a floor's sandbox on a real loopback socket, its shops and clients,
signed calls made by hand, and catalogue-like drafts and feed rows."""

from __future__ import annotations

import importlib
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from adapters.common.contract import ListingDraft, Photo, ShopCredentials
from adapters.common.http import HttpSettings
from adapters.common.sandbox import SandboxServer
from adapters.partner import signing
from adapters.partner.client import PartnerAdapter
from adapters.partner.feed import FeedRow
from adapters.partner.floor import open_sandbox_shop
from adapters.partner.profile import FloorProfile
from adapters.partner.sandbox import PartnerSandbox
from tests.support.web import WEB

FAST = HttpSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=4, backoff_initial_s=0.01,
                    backoff_max_s=0.05, backoff_jitter_s=0.01)
FLOORS = ("voso", "postmart", "thainguyentrade")


def floor_profile(name: str) -> FloorProfile:
    """The profile a floor's folder ships (``adapters.<name>.PROFILE``)."""
    return importlib.import_module(f"adapters.{name}").PROFILE


def unthrottled(profile: FloorProfile, requests_per_second: float = 500) -> FloorProfile:
    """The same floor with a generous call rate, so tests that are not about rate limits run fast."""
    limits = profile.limits.model_copy(update={"requests_per_second": requests_per_second})
    return profile.model_copy(update={"limits": limits})


def with_batch_limit(profile: FloorProfile, limit: int) -> FloorProfile:
    batches = profile.batches.model_copy(update={"price_limit": limit, "stock_limit": limit})
    return profile.model_copy(update={"batches": batches})


@dataclass
class Floor:
    """One floor's sandbox, served over HTTP, and what a test does with it."""

    profile: FloorProfile
    server: SandboxServer
    adapters: list[PartnerAdapter] = field(default_factory=list)

    @classmethod
    def start(cls, floor: FloorProfile | PartnerSandbox, **sandbox_options: Any) -> Floor:
        """Serve a sandbox, or one built from a profile (``PartnerSandbox`` options as keywords)."""
        sandbox = floor if isinstance(floor, PartnerSandbox) else PartnerSandbox(floor, **sandbox_options)
        return cls(sandbox.profile, SandboxServer(sandbox).start())

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def sandbox(self) -> PartnerSandbox:
        return self.server.sandbox  # type: ignore[return-value]

    async def open_shop(self, name: str = "HTX Chè Tân Cương") -> ShopCredentials:
        return (await open_sandbox_shop(self.base_url, name)).credentials

    def client(self, credentials: ShopCredentials, *, profile: FloorProfile | None = None,
               **options: Any) -> PartnerAdapter:
        adapter = PartnerAdapter(self.base_url, credentials, profile=profile or self.profile,
                                 http=options.pop("http", FAST), **options)
        self.adapters.append(adapter)
        return adapter

    async def connected(self, name: str = "HTX Chè Tân Cương", **options: Any) -> PartnerAdapter:
        adapter = self.client(await self.open_shop(name), **options)
        await adapter.authorize("")
        return adapter

    def control(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = WEB.request(method, f"{self.base_url}/_sandbox/{path}", content=json.dumps(body or {}))
        response.raise_for_status()
        return response.json()

    def items(self, shop_id: str) -> list[dict[str, Any]]:
        return self.control("GET", f"items?shop_id={shop_id}")["items"]

    def stats(self) -> dict[str, Any]:
        return self.control("GET", "stats")

    def outcomes(self, path: str) -> dict[str, int]:
        return self.stats()["requests"].get(path, {})

    def buy(self, shop_id: str, *lines: tuple[str, int]) -> dict[str, Any]:
        return self.control("POST", "orders", {
            "shop_id": shop_id, "lines": [{"seller_sku": sku, "quantity": quantity} for sku, quantity in lines],
        })

    def signed(self, credentials: ShopCredentials, method: str, path: str, body: Any = None, *,
               at: float | None = None, secret: str | None = None) -> httpx.Response:
        """A call signed by hand, as a careless or slow client would send it."""
        auth = self.profile.auth
        content = b"" if body is None else json.dumps(body).encode()
        stamp = signing.timestamp(auth, at)
        text = signing.signed_text(credentials.app_key, stamp, method, path, content)
        headers = {
            auth.key_header: credentials.app_key,
            auth.timestamp_header: stamp,
            auth.signature_header: signing.sign(auth, secret or credentials.app_secret.get_secret_value(), text),
            "Content-Type": "application/json",
        }
        return self.send(method, path, content, headers)

    def send(self, method: str, path: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
        return httpx.request(method, f"{self.base_url}{path}", content=content, headers=headers, timeout=10)

    def error_code(self, response: httpx.Response) -> str | None:
        from adapters.partner.wire import error_code

        return error_code(self.profile, response.json())

    async def close(self) -> None:
        for adapter in self.adapters:
            await adapter.aclose()
        self.server.stop()


# a photo of the catalogue's store as the service shows it: the floors fetch pictures by their public address
TEA_PHOTO = Photo(digest="3f" * 32, path="/srv/syndicator/photos/3f/" + "3f" * 32 + ".jpg", format="JPEG",
                  width=800, height=800, size=96_000, url="https://htx.thainguyen.vn/photos/" + "3f" * 32 + ".jpg")


def tea(seller_sku: str = "TN-CHE-200G", **overrides: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "seller_sku": seller_sku, "product_code": "CHE-TAN-CUONG", "name": "Chè búp Tân Cương đặc biệt",
        "description": "Chè búp một tôm hai lá, sao suốt thủ công.", "category_code": "CHE",
        "category_name": "Chè", "variant": "Gói 200g", "price": 120000, "stock": 40, "weight_g": 200,
        "length_cm": 18, "width_cm": 10, "height_cm": 5, "images": [TEA_PHOTO],
        "ocop_stars": 4, "certifications": ["VietGAP"], "origin_commune": "Phường Tân Cương",
        "shelf_life_days": 365, "coop_name": "HTX Chè Tân Cương",
    }
    return ListingDraft(**{**values, **overrides})


def honey(seller_sku: str = "TN-MAT-ONG-500", **overrides: Any) -> ListingDraft:
    return tea(seller_sku, **{"product_code": "MAT-ONG-VO-NHAI", "name": "Mật ong rừng Võ Nhai",
                              "category_code": "MAT-ONG", "variant": "Chai 500ml", "price": 250000,
                              "weight_g": 700, **overrides})


def vermicelli(seller_sku: str = "TN-MIEN-500", **overrides: Any) -> ListingDraft:
    return tea(seller_sku, **{"product_code": "MIEN-DONG-NA-RI", "name": "Miến dong Na Rì loại 1",
                              "category_code": "THUC-PHAM-KHO", "variant": "Gói 500g", "price": 65000,
                              "weight_g": 500, "ocop_stars": 3, **overrides})


def feed_row(sku: str = "TN-CHE-200G", **overrides: Any) -> FeedRow:
    values: dict[str, Any] = {
        "sku": sku, "name_vi": "Chè búp Tân Cương đặc biệt", "category": "Chè", "unit": "Gói", "net_qty": 200,
        "net_unit": "g", "price_vnd": 120000, "stock": 40, "weight_g": 220, "ocop_stars": 4,
        "cooperative_name": "HTX Chè Tân Cương", "origin_address": "Phường Tân Cương, Thái Nguyên",
        "image_urls": ["https://anh.htx.vn/che-bup.jpg"],
    }
    return FeedRow(**{**values, **overrides})


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def start_floor() -> AsyncIterator[Callable[..., Floor]]:
    """Start floors from profiles or sandboxes (see ``Floor.start``); all stopped after the test."""
    started: list[Floor] = []

    def start(floor: FloorProfile | PartnerSandbox, **options: Any) -> Floor:
        started.append(Floor.start(floor, **options))
        return started[-1]

    yield start
    for floor in started:
        await floor.close()


@pytest.fixture(params=FLOORS)
def floor(request, start_floor) -> Floor:
    """Each of the three floors in turn, at a generous call rate."""
    return start_floor(unthrottled(floor_profile(request.param)))
