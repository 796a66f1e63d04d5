"""Lazada test support: sandboxes on real loopback sockets, connected sellers, signed raw calls."""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

from adapters.common.contract import AttributeValue, ListingCategory, ListingDraft, Photo
from adapters.common.http import HttpSettings
from adapters.common.sandbox import SandboxServer
from adapters.lazada import SPEC
from adapters.lazada.client import LazadaAdapter
from adapters.lazada.sandbox import LazadaSandbox
from adapters.lazada.signing import sign, system_params
from tests.support.web import WEB

FAST = HttpSettings(connect_timeout_s=2, read_timeout_s=5, max_attempts=4, backoff_initial_s=0.01,
                    backoff_max_s=0.05, backoff_jitter_s=0.01)
LAZADA_IMAGE = "https://vn-live-01.slatic.net/p/che-bup-tan-cuong.jpg"
TEA_LEAF, HONEY_LEAF = "10011", "10031"  # the sandbox's Trà and Mật ong (adapters/lazada/sandbox/data)


def photo(folder: Path, colour: tuple[int, int, int] = (86, 130, 3), side: int = 600,
          remote: str | None = None) -> Photo:
    """A real JPEG in ``folder`` as the catalogue's store would hold it, named by its content."""
    picture = folder / "anh.jpg"
    Image.new("RGB", (side, side), colour).save(picture, "JPEG")
    content = picture.read_bytes()
    digest = hashlib.sha256(content).hexdigest()
    stored = picture.rename(folder / f"{digest}.jpg")
    return Photo(digest=digest, path=str(stored), format="JPEG", width=side, height=side, size=len(content),
                 remote=remote)


@cache
def hosted_photo() -> Photo:
    """A tea photo this shop already holds on Lazada (``remote`` set): used as it is, never uploaded."""
    return photo(Path(tempfile.mkdtemp(prefix="lazada-photos-")), remote=LAZADA_IMAGE)


def tea_category(**overrides: Any) -> ListingCategory:
    """The sandbox's tea leaf with each of its mandatory attributes filled."""
    values = [
        AttributeValue(attribute_id="shelf_life", name="Hạn sử dụng", value="12 tháng", value_id="3003"),
        AttributeValue(attribute_id="country_origin", name="Xuất xứ", value="Việt Nam", value_id="7001"),
        AttributeValue(attribute_id="net_weight", name="Khối lượng tịnh", value="200"),
        AttributeValue(attribute_id="tea_type", name="Loại trà", value="Trà búp", value_id="7102"),
    ]
    return ListingCategory(**{"category_id": TEA_LEAF, "attributes": values, **overrides})


def honey_category() -> ListingCategory:
    values = [
        AttributeValue(attribute_id="shelf_life", name="Hạn sử dụng", value="24 tháng", value_id="3005"),
        AttributeValue(attribute_id="country_origin", name="Xuất xứ", value="Việt Nam", value_id="7001"),
        AttributeValue(attribute_id="net_weight", name="Khối lượng tịnh", value="700"),
        AttributeValue(attribute_id="honey_type", name="Loại mật ong", value="Mật ong rừng", value_id="7501"),
    ]
    return ListingCategory(category_id=HONEY_LEAF, attributes=values)


@pytest.fixture
def lazada_servers() -> Iterator[Any]:
    """A factory of Lazada sandboxes (``LazadaSandbox`` keyword arguments), each stopped afterwards."""
    servers: list[SandboxServer] = []

    def start(**options: Any) -> SandboxServer:
        server = SandboxServer(LazadaSandbox(**options)).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def lazada(lazada_servers) -> SandboxServer:
    return lazada_servers()


def tea(seller_sku: str = "TN-TRA-200G", **overrides: Any) -> ListingDraft:
    values: dict[str, Any] = {
        "seller_sku": seller_sku, "product_code": "TRA-TAN-CUONG", "name": "Chè búp Tân Cương đặc biệt",
        "description": "Chè búp một tôm hai lá, sao suốt thủ công.", "category_code": "TRA",
        "category_name": "Chè", "variant": "Gói 200g", "price": 120000, "stock": 40, "weight_g": 200,
        "length_cm": 18, "width_cm": 10, "height_cm": 5, "images": [hosted_photo()], "ocop_stars": 4,
        "certifications": ["VietGAP"], "origin_commune": "Phường Tân Cương", "shelf_life_days": 365,
        "coop_name": "HTX Chè Tân Cương", "listing_category": tea_category(),
    }
    return ListingDraft(**{**values, **overrides})


def honey(seller_sku: str = "VN-MAT-ONG-500", **overrides: Any) -> ListingDraft:
    return tea(seller_sku, **{"product_code": "MAT-ONG-VO-NHAI", "name": "Mật ong rừng Võ Nhai",
                              "category_code": "MAT-ONG", "category_name": "Mật ong", "variant": "Chai 500ml",
                              "price": 250000, "weight_g": 700, "listing_category": honey_category(), **overrides})


@dataclass
class Seller:
    """A shop on a sandbox and its tokens, for calls made by hand (what a careless client would send)."""

    base_url: str
    shop_id: str
    app_key: str
    app_secret: str
    code: str
    access_token: str | None = None
    refresh_token: str | None = None

    def params(self, path: str, business: dict[str, str], *, token: bool = True,
               signed: bool = True) -> dict[str, str]:
        params = {**system_params(self.app_key, self.access_token if token else None), **business}
        if signed:
            params["sign"] = sign(self.app_secret, path, params)
        return params

    def call(self, path: str, business: dict[str, str] | None = None, *, method: str = "POST",
             token: bool = True, params: dict[str, str] | None = None) -> dict[str, Any]:
        """Sign and send like the official Python SDK (everything in the form body for POST)."""
        sent = params if params is not None else self.params(path, business or {}, token=token)
        url = f"{self.base_url}/rest{path}"
        if method == "GET":
            response = httpx.get(url, params=sent, timeout=10)
        else:
            response = httpx.post(url, data=sent, timeout=10)
        assert response.status_code == 200, "Lazada answers errors inside HTTP 200"
        return response.json()

    def authorize(self) -> Seller:
        body = self.call("/auth/token/create", {"code": self.code}, token=False)
        assert body["code"] == "0", body
        self.access_token, self.refresh_token = body["access_token"], body["refresh_token"]
        return self

    def create(self, draft: ListingDraft, image_urls: list[str] | None = None) -> dict[str, Any]:
        """``/product/create`` of ``draft`` with its photos' hosted URLs (or ``image_urls``)."""
        from adapters.lazada.mapping import create_payload

        urls = [photo.remote or "" for photo in draft.images] if image_urls is None else image_urls
        return self.call("/product/create", {"payload": create_payload(draft, urls)})


def open_seller(server: SandboxServer, name: str = "HTX Chè Tân Cương") -> Seller:
    shop = WEB.post(f"{server.base_url}/_sandbox/shops", json={"name": name}).json()
    return Seller(server.base_url, shop["shop_id"], shop["app_key"], shop["app_secret"], shop["code"])


async def connected(server: SandboxServer, *, http: HttpSettings = FAST, on_credentials: Any = None,
                    transport: httpx.AsyncBaseTransport | None = None,
                    name: str = "HTX Chè Tân Cương") -> LazadaAdapter:
    """A client for a new shop, authorised through the sandbox's own code flow."""
    grant = await SPEC.open_sandbox_shop(server.base_url, name)
    adapter = LazadaAdapter(server.base_url, grant.credentials, http=http, on_credentials=on_credentials,
                            transport=transport)
    await adapter.authorize(grant.code or "")
    return adapter


def control(server: SandboxServer, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    response = WEB.request(method, f"{server.base_url}/_sandbox/{path}", content=json.dumps(body or {}))
    response.raise_for_status()
    return response.json()


def buy(server: SandboxServer, shop_id: str, *lines: tuple[str, int]) -> dict[str, Any]:
    return control(server, "POST", "orders", {
        "shop_id": shop_id, "lines": [{"seller_sku": sku, "quantity": quantity} for sku, quantity in lines],
    })


def stats(server: SandboxServer) -> dict[str, Any]:
    return control(server, "GET", "stats")


def items(server: SandboxServer, shop_id: str) -> list[dict[str, Any]]:
    return control(server, "GET", f"items?shop_id={shop_id}")["items"]


class LosesTheFirstCreateAnswer(httpx.AsyncHTTPTransport):
    """The real network, with the sandbox's timeout fault switched on for the first create only."""

    def __init__(self, base_url: str):
        super().__init__()
        self.base_url = base_url
        self.lost = False

    def fault(self, rate: float) -> None:
        httpx.post(f"{self.base_url}/_sandbox/faults", json={"timeout_rate": rate, "timeout_s": 1.0}, timeout=5)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        losing = request.url.path == "/rest/product/create" and not self.lost
        if losing:
            self.lost = True
            self.fault(1.0)
        try:
            return await super().handle_async_request(request)
        finally:
            if losing:
                self.fault(0.0)
