"""What every marketplace sandbox shares: shops, items, orders, tokens, faults, stats, control API.

A marketplace's sandbox (``adapters/<name>/sandbox/``) subclasses :class:`MarketplaceSandbox` and adds
its own API routes at its own paths, its own envelope and error codes (a :class:`Refusal` subclass), its
rate-limit answer and its public product page. This module holds no marketplace's knowledge.

Control API (DESIGN.md, *Sandbox control API*), under ``/_sandbox/``:
``POST shops``, ``POST shops/{shop_id}/code`` (a new one-time authorisation code for an existing shop, as
when its seller authorises the app again), ``GET items`` (one row per seller SKU: an item with variants
gives one row per model), ``PATCH items/{item_id}`` (a seller's hand edit or a moderator's hiding; with
``model_id``, of one model; ``reserved_stock`` for what a promotion holds), ``POST campaigns`` (a promotion or
campaign holds ``reserved`` units of one seller SKU: read back, a stock push below it refused, and pushed where
the marketplace pushes it),
``POST orders`` (a shopper's order; for an order from the shop's past, its ``created_at`` and how it
ended: ``status`` completed, cancelled or returned, at ``updated_at``), ``POST orders/{id}/cancel``,
``POST orders/{id}/settle`` (an open order completed, cancelled or returned now),
``POST faults``, ``GET stats`` (calls by path and outcome, writes, and each app's ``busiest_second``: the most
calls it made in one calendar second), ``POST reset``,
``POST robots`` (what robots.txt disallows), ``GET``/``POST push`` and ``POST push/faults`` (the push address,
its delivery log and faults: sandbox_push.py); public pages under ``/shop/{shop_id}/{item_id}``.
"""

from __future__ import annotations

import abc
import asyncio
import random
import secrets
import socket
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any, Self

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox_push import PushDispatcher
from catalog.money import format_vnd

SETTLED_STATUSES = ("completed", "cancelled", "returned")


def now() -> datetime:
    return datetime.now(UTC)


def _moment(text: object) -> datetime | None:
    """A control-API time (ISO 8601 with its zone), or None when not given; a time without a zone is refused."""
    if not text:
        return None
    moment = datetime.fromisoformat(str(text))
    if moment.tzinfo is None:
        raise ValueError(f"{text} has no time zone")
    return moment.astimezone(UTC)


class Refusal(Exception):
    """A sandbox refuses a call: the marketplace's code, a message, the HTTP status and the field at fault.

    Each marketplace subclasses it to render the refusal in its own envelope.
    """

    def __init__(self, code: str, message: str, status: int = 200, field: str | None = None):
        super().__init__(message)
        self.code, self.message, self.status, self.field = code, message, status, field


@dataclass
class SandboxVariation:
    """One dimension of an item's variants (Shopee's tier, Lazada's variation): its name and its options."""

    name: str
    options: list[str]


@dataclass
class SandboxModel:
    """One variant of an item (Shopee's model, a SKU of Lazada's multi-SKU product), sold under its own
    seller SKU; ``tier_index`` picks one option of each of the item's variations. ``reserved_stock`` is the
    part of ``stock`` a promotion holds."""

    model_id: str
    seller_sku: str
    tier_index: list[int]
    price: int
    stock: int
    reserved_stock: int = 0
    sold: int = 0
    images: list[str] = field(default_factory=list)


@dataclass
class SandboxItem:
    shop_id: str
    item_id: str
    seller_sku: str
    name: str
    price: int
    stock: int
    sku_id: str | None = None
    description: str = ""
    status: str = "live"  # live, hidden, unlisted, deleted
    sold: int = 0
    images: list[str] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    reserved_stock: int = 0
    # with variants, the models carry seller SKU, price and stock; the item's own are then not on sale
    variations: list[SandboxVariation] = field(default_factory=list)
    models: list[SandboxModel] = field(default_factory=list)

    def model(self, model_id: Any) -> SandboxModel | None:
        return next((model for model in self.models if model.model_id == str(model_id)), None)

    def options_of(self, model: SandboxModel) -> list[str]:
        """The option names a model stands for, one per variation (``["Gói 200g"]``)."""
        return [variation.options[index] for variation, index in zip(self.variations, model.tier_index, strict=True)]

    def sellables(self) -> list[SandboxItem | SandboxModel]:
        """What a shopper buys by seller SKU: the models, or the item itself when it has none."""
        return list(self.models) if self.models else [self]

    def public(self) -> dict[str, Any]:
        """The item as one row, for an item without variants."""
        return {
            "shop_id": self.shop_id,
            "item_id": self.item_id,
            "model_id": None,
            "sku_id": self.sku_id,
            "seller_sku": self.seller_sku,
            "name": self.name,
            "price": self.price,
            "stock": self.stock,
            "reserved_stock": self.reserved_stock,
            "status": self.status,
            "sold": self.sold,
        }

    def model_row(self, model: SandboxModel) -> dict[str, Any]:
        return {**self.public(), "model_id": model.model_id, "sku_id": model.model_id,
                "seller_sku": model.seller_sku, "options": self.options_of(model), "price": model.price,
                "stock": model.stock, "reserved_stock": model.reserved_stock, "sold": model.sold}

    def rows(self) -> list[dict[str, Any]]:
        """One row per seller SKU on sale in this item."""
        return [self.model_row(model) for model in self.models] if self.models else [self.public()]


@dataclass
class SandboxOrderLine:
    line_ref: str
    item_id: str
    sku_id: str | None
    seller_sku: str
    name: str
    quantity: int
    unit_price: int
    model_id: str | None = None
    options: list[str] = field(default_factory=list)


@dataclass
class SandboxOrder:
    order_id: str
    shop_id: str
    lines: list[SandboxOrderLine]
    status: str = "open"  # open, then one of SETTLED_STATUSES
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)

    @property
    def total(self) -> int:
        return sum(line.quantity * line.unit_price for line in self.lines)

    def public(self) -> dict[str, Any]:
        return {
            "order_id": self.order_id,
            "shop_id": self.shop_id,
            "status": self.status,
            "total": self.total,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "lines": [{"seller_sku": li.seller_sku, "model_id": li.model_id, "quantity": li.quantity}
                      for li in self.lines],
        }


@dataclass
class SandboxShop:
    shop_id: str
    name: str
    app_key: str
    app_secret: str
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Token:
    shop_id: str
    value: str
    expires_at: float


@dataclass
class Faults:
    latency_ms: int = 0
    error_rate: float = 0.0
    rate_limit_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_s: float = 30.0


class SandboxState:
    """Everything one marketplace sandbox remembers; forgotten on reset."""

    def __init__(self) -> None:
        self.shops: dict[str, SandboxShop] = {}
        self.items: dict[str, SandboxItem] = {}
        self.orders: dict[str, SandboxOrder] = {}
        self.access_tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, Token] = {}
        self.auth_codes: dict[str, str] = {}  # one-time code -> shop_id
        self.faults = Faults()
        self.writes = 0
        self.requests: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        self.app_seconds: dict[str, tuple[int, int]] = {}  # app key -> (the calendar second, its calls so far)
        self.busiest_second: dict[str, int] = {}  # app key -> most calls it made in one calendar second
        self.disallowed_paths: list[str] = []
        self._counter = 100000
        self._buckets: dict[str, tuple[float, float]] = {}

    def next_id(self) -> int:
        self._counter += 1
        return self._counter

    # --- items -------------------------------------------------------------------------------
    def shop_items(self, shop_id: str, include_deleted: bool = False) -> list[SandboxItem]:
        return [
            item
            for item in self.items.values()
            if item.shop_id == shop_id and (include_deleted or item.status != "deleted")
        ]

    def find_sku(self, shop_id: str, seller_sku: str) -> tuple[SandboxItem, SandboxModel | None] | None:
        """The item selling ``seller_sku``, and the model when it is one of the item's variants."""
        for item in self.shop_items(shop_id):
            for sellable in item.sellables():
                if sellable.seller_sku == seller_sku:
                    return item, sellable if isinstance(sellable, SandboxModel) else None
        return None

    def find_by_seller_sku(self, shop_id: str, seller_sku: str) -> SandboxItem | None:
        found = self.find_sku(shop_id, seller_sku)
        return found[0] if found else None

    # --- tokens ------------------------------------------------------------------------------
    def issue_code(self, shop_id: str, prefix: str = "") -> str:
        code = prefix + secrets.token_hex(16)
        self.auth_codes[code] = shop_id
        return code

    def redeem_code(self, code: str) -> str | None:
        """The shop a one-time code was issued for; ``None`` if unknown or already used."""
        return self.auth_codes.pop(code, None)

    def issue_tokens(self, shop_id: str, access_ttl_s: int, refresh_ttl_s: int) -> tuple[Token, Token]:
        access = Token(shop_id, secrets.token_hex(16), time.time() + access_ttl_s)
        refresh = Token(shop_id, secrets.token_hex(16), time.time() + refresh_ttl_s)
        self.access_tokens[access.value] = access
        self.refresh_tokens[refresh.value] = refresh
        return access, refresh

    def check_access_token(self, value: str | None) -> tuple[str | None, str]:
        """``(shop_id, "ok")`` or ``(None, "unknown" | "expired")``."""
        token = self.access_tokens.get(value or "")
        if token is None:
            return None, "unknown"
        if token.expires_at <= time.time():
            return None, "expired"
        return token.shop_id, "ok"

    def use_refresh_token(self, value: str) -> str | None:
        """The shop of a valid refresh token, which is spent (a refresh issues a new one)."""
        token = self.refresh_tokens.pop(value, None)
        if token is None or token.expires_at <= time.time():
            return None
        return token.shop_id

    def expire_access_tokens(self) -> None:
        for token in self.access_tokens.values():
            token.expires_at = 0

    # --- rate limit --------------------------------------------------------------------------
    def take_token(self, key: str, rate_per_s: float) -> bool:
        """A token bucket per key holding one second's worth of calls."""
        stamp = time.monotonic()
        tokens, last = self._buckets.get(key, (rate_per_s, stamp))
        tokens = min(rate_per_s, tokens + (stamp - last) * rate_per_s)
        if tokens < 1:
            self._buckets[key] = (tokens, stamp)
            return False
        self._buckets[key] = (tokens - 1, stamp)
        return True

    def count_app_call(self, app_key: str) -> None:
        """One call of the app, counted in the calendar second it arrived in."""
        second = int(time.time())
        last, calls = self.app_seconds.get(app_key, (second, 0))
        calls = calls + 1 if last == second else 1
        self.app_seconds[app_key] = (second, calls)
        self.busiest_second[app_key] = max(self.busiest_second.get(app_key, 0), calls)

    # --- shoppers ----------------------------------------------------------------------------
    def place_order(self, shop_id: str, lines: list[dict[str, Any]], placed_at: datetime | None = None
                    ) -> SandboxOrder:
        """A shopper buys (at ``placed_at``, a past moment, when given); raises ``ValueError`` when an item is
        unknown, not on sale or short."""
        picked: list[tuple[SandboxItem, SandboxModel | None, int]] = []
        for line in lines:
            found = self.find_sku(shop_id, str(line["seller_sku"]))
            quantity = int(line["quantity"])
            if found is None or found[0].status != "live":
                raise ValueError(f"item {line['seller_sku']} is not on sale")
            item, model = found
            sellable = model or item
            if quantity <= 0 or quantity > sellable.stock:
                raise ValueError(f"only {sellable.stock} of {sellable.seller_sku} left")
            picked.append((item, model, quantity))
        order_id = str(self.next_id())
        order_lines = []
        for index, (item, model, quantity) in enumerate(picked, start=1):
            sellable = model or item
            sellable.stock -= quantity
            sellable.sold += quantity
            order_lines.append(
                SandboxOrderLine(
                    line_ref=f"{order_id}-{index}",
                    item_id=item.item_id,
                    sku_id=model.model_id if model else item.sku_id,
                    seller_sku=sellable.seller_sku,
                    name=item.name,
                    quantity=quantity,
                    unit_price=sellable.price,
                    model_id=model.model_id if model else None,
                    options=item.options_of(model) if model else [],
                )
            )
        moment = placed_at or now()
        order = SandboxOrder(order_id=order_id, shop_id=shop_id, lines=order_lines, created_at=moment,
                             updated_at=moment)
        self.orders[order_id] = order
        return order

    def settle_order(self, order_id: str, status: str, at: datetime) -> SandboxOrder:
        """An open order's end at ``at``: ``completed`` (delivered), or ``cancelled`` or ``returned`` with its
        units back in stock."""
        order = self.orders[order_id]
        if order.status != "open" or status not in SETTLED_STATUSES:
            raise ValueError(f"an {order.status} order cannot become {status}")
        order.status, order.updated_at = status, at
        if status != "completed":
            self._restock(order)
        return order

    def cancel_order(self, order_id: str) -> SandboxOrder:
        order = self.orders.get(order_id)
        if order is None:
            raise KeyError(order_id)
        if order.status == "open":
            self.settle_order(order_id, "cancelled", now())
        return order

    def _restock(self, order: SandboxOrder) -> None:
        for line in order.lines:
            item = self.items.get(line.item_id)
            sellable = item.model(line.model_id) if item and line.model_id else item
            if sellable is not None:  # a model deleted since is not restocked
                sellable.stock += line.quantity
                sellable.sold -= line.quantity


def schema_offers(item: SandboxItem, url: str) -> dict[str, Any]:
    """A product page's JSON-LD ``offers``: one Offer, or for an item with variants an AggregateOffer
    holding one Offer per variant (its seller SKU, options, price and stock)."""
    if not item.models:
        return {"@type": "Offer", "price": item.price, "priceCurrency": "VND",
                "availability": schema_stock(item.stock), "url": url}
    prices = [model.price for model in item.models]
    return {"@type": "AggregateOffer", "lowPrice": min(prices), "highPrice": max(prices), "priceCurrency": "VND",
            "offerCount": len(item.models), "availability": schema_stock(total_stock(item)), "url": url,
            "offers": [{"@type": "Offer", "sku": model.seller_sku, "name": ", ".join(item.options_of(model)),
                        "price": model.price, "priceCurrency": "VND", "availability": schema_stock(model.stock),
                        "inventoryLevel": model.stock} for model in item.models]}


def schema_stock(stock: int) -> str:
    return f"https://schema.org/{'InStock' if stock > 0 else 'OutOfStock'}"


def total_stock(item: SandboxItem) -> int:
    return sum(sellable.stock for sellable in item.sellables())


def total_sold(item: SandboxItem) -> int:
    return sum(sellable.sold for sellable in item.sellables())


def price_range(item: SandboxItem) -> str:
    """The price a product page shows: the item's, or its variants' lowest to highest."""
    prices = [sellable.price for sellable in item.sellables()]
    low, high = min(prices), max(prices)
    return format_vnd(low) if low == high else f"{format_vnd(low)} - {format_vnd(high)}"


def variants_html(item: SandboxItem) -> str:
    """The variants a shopper picks from on a product page: options, price and stock of each; empty for an
    item without variants."""
    if not item.models:
        return ""
    entries = "".join(
        f'<li class="product-variation" data-model-id="{model.model_id}" data-seller-sku="{escape(model.seller_sku)}">'
        f'<span class="variation-name">{escape(", ".join(item.options_of(model)))}</span> '
        f'<span class="variation-price">{format_vnd(model.price)}</span> '
        f'<span class="variation-stock">Còn {model.stock} sản phẩm</span></li>'
        for model in item.models
    )
    names = escape(" / ".join(variation.name for variation in item.variations))
    return f'<div class="product-variations"><h2>{names}</h2><ul>{entries}</ul></div>'


def _json_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


class MarketplaceSandbox(abc.ABC):
    """A local stand-in for one marketplace. Subclasses add the marketplace's own API."""

    marketplace: str
    default_port: int
    default_rate_limit_per_s: float
    push_attempts = 3  # tries of one push before it is given up to keep_undelivered

    def __init__(self, *, rate_limit_per_s: float | None = None, seed: int | None = None):
        self.state = SandboxState()
        self.pushes = PushDispatcher(attempts=self.push_attempts)
        self.rate_limit_per_s = rate_limit_per_s or self.default_rate_limit_per_s
        self.random = random.Random(seed)
        self.app = Starlette(
            routes=[*self.api_routes(), *self._control_routes(), *self.pushes.routes(), *self._public_routes()],
            middleware=[Middleware(BaseHTTPMiddleware, dispatch=self._dispatch)],
        )

    # --- what a marketplace supplies ----------------------------------------------------------
    @abc.abstractmethod
    def api_routes(self) -> list[BaseRoute]:
        """The marketplace's own API, at its own paths."""

    @abc.abstractmethod
    def open_shop(self, name: str) -> dict[str, Any]:
        """Open a seller shop in ``self.state``; return what the marketplace would hand the seller."""

    @abc.abstractmethod
    def issue_code(self, shop: SandboxShop) -> str | None:
        """A new one-time authorisation code for ``shop``, in the marketplace's own shape; ``None`` where
        the marketplace authorises a shop by its key, not by code."""

    @abc.abstractmethod
    def rate_limited_response(self) -> Response:
        """The marketplace's own answer to a caller over its rate limit."""

    @abc.abstractmethod
    def server_error_response(self) -> Response:
        """What the marketplace answers when it fails internally."""

    @abc.abstractmethod
    def rate_limit_key(self, request: Request) -> str | None:
        """Whose bucket a call draws on (app and shop), or ``None`` for calls that are not limited."""

    @abc.abstractmethod
    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        """The public page a shopper sees, shaped like the marketplace's own."""

    def app_key(self, request: Request) -> str | None:
        """The partner app a call names, for the calls each app makes a second (stats); None by default."""
        return None

    def is_api_path(self, path: str) -> bool:
        return not (path.startswith(("/_sandbox", "/shop/")) or path == "/robots.txt")

    def count_write(self) -> None:
        """Every write call received (create, update, price, stock, delist), changed or not."""
        self.state.writes += 1

    @staticmethod
    def set_outcome(request: Request, outcome: str) -> None:
        """Record the marketplace's own error code as this request's outcome in the stats."""
        request.state.outcome = outcome

    # --- pushes (sandbox_push.py) ---------------------------------------------------------------
    def push_for(self, order: SandboxOrder, event: str) -> list[tuple[bytes, dict[str, str]]]:
        """The pushes the marketplace sends when ``order`` has ``event``: ``created``, then ``cancelled``,
        ``completed`` or ``returned``, or a marketplace's own status change; each a raw body and its
        headers, signed for ``self.pushes.url``. None by default: the marketplace does not push."""
        return []

    def keep_undelivered(self, body: bytes) -> None:
        """A push every attempt failed to deliver (called on the delivery thread); dropped by default."""

    def reservation_push_for(self, shop_id: str, item: SandboxItem, model: SandboxModel | None
                             ) -> list[tuple[bytes, dict[str, str]]]:
        """The pushes the marketplace sends when a promotion's reservation of a SKU changes (Shopee's code 8);
        None by default."""
        return []

    def push(self, pushes: list[tuple[bytes, dict[str, str]]]) -> None:
        for body, headers in pushes:
            self.pushes.send(body, headers, self.keep_undelivered)

    def push_order(self, order: SandboxOrder, event: str) -> None:
        """Queue the pushes for ``order``'s ``event``, when a push address is registered; never waits."""
        if self.pushes.url is not None:
            self.push(self.push_for(order, event))

    # --- middleware: faults, rate limit, stats --------------------------------------------------
    async def _dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        path = request.url.path
        if not self.is_api_path(path):
            return await call_next(request)
        if (app_key := self.app_key(request)) is not None:
            self.state.count_app_call(app_key)
        faults = self.state.faults
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        response = self._injected_fault(request)
        if response is None:
            key = self.rate_limit_key(request)
            if key is not None and not self.state.take_token(key, self.rate_limit_per_s):
                response = self.rate_limited_response()
                request.state.outcome = "rate_limited"
        if response is None:
            response = await call_next(request)
            if faults.timeout_rate and self.random.random() < faults.timeout_rate:
                request.state.outcome = "timeout"
                await asyncio.sleep(faults.timeout_s)  # the work is done; the answer is lost
        outcome = getattr(request.state, "outcome", None) or str(response.status_code)
        self.state.requests[path][outcome] += 1
        return response

    def _injected_fault(self, request: Request) -> Response | None:
        faults = self.state.faults
        if faults.error_rate and self.random.random() < faults.error_rate:
            request.state.outcome = "injected_5xx"
            return self.server_error_response()
        if faults.rate_limit_rate and self.random.random() < faults.rate_limit_rate:
            request.state.outcome = "rate_limited"
            return self.rate_limited_response()
        return None

    # --- control API ------------------------------------------------------------------------------
    def _control_routes(self) -> list[BaseRoute]:
        return [
            Route("/_sandbox/shops", self._shops, methods=["POST"]),
            Route("/_sandbox/shops/{shop_id}/code", self._code, methods=["POST"]),
            Route("/_sandbox/items", self._items, methods=["GET"]),
            Route("/_sandbox/items/{item_id}", self._edit_item, methods=["PATCH"]),
            Route("/_sandbox/campaigns", self._campaigns, methods=["POST"]),
            Route("/_sandbox/orders", self._orders, methods=["GET", "POST"]),
            Route("/_sandbox/orders/{order_id}/cancel", self._cancel, methods=["POST"]),
            Route("/_sandbox/orders/{order_id}/settle", self._settle, methods=["POST"]),
            Route("/_sandbox/faults", self._faults, methods=["GET", "POST"]),
            Route("/_sandbox/stats", self._stats, methods=["GET"]),
            Route("/_sandbox/reset", self._reset, methods=["POST"]),
            Route("/_sandbox/robots", self._robots, methods=["POST"]),
        ]

    async def _body(self, request: Request) -> dict[str, Any]:
        raw = await request.body()
        if not raw:
            return {}
        import json

        return json.loads(raw)

    async def _shops(self, request: Request) -> Response:
        body = await self._body(request)
        return JSONResponse(self.open_shop(str(body.get("name") or "Gian hàng thử nghiệm")))

    async def _code(self, request: Request) -> Response:
        shop = self.state.shops.get(request.path_params["shop_id"])
        if shop is None:
            return _json_error(404, "no such shop")
        return JSONResponse({"shop_id": shop.shop_id, "code": self.issue_code(shop)})

    async def _items(self, request: Request) -> Response:
        shop_id = request.query_params.get("shop_id")
        rows = [
            row
            for item in self.state.items.values()
            if item.status != "deleted" and (shop_id is None or item.shop_id == shop_id)
            for row in item.rows()
        ]
        return JSONResponse({"items": rows})

    async def _edit_item(self, request: Request) -> Response:
        """A hand edit of an item, or of one of its models when the body names ``model_id``; a promotion
        holding stock is set as ``reserved_stock``."""
        item = self.state.items.get(request.path_params["item_id"])
        if item is None:
            return _json_error(404, "no such item")
        body = await self._body(request)
        target: SandboxItem | SandboxModel | None = item.model(body["model_id"]) if "model_id" in body else item
        if target is None:
            return _json_error(404, "no such model")
        if "seller_sku" in body:
            other = self.state.find_sku(item.shop_id, str(body["seller_sku"]))
            if other is not None and (other[1] or other[0]) is not target:
                return _json_error(409, f"seller_sku {body['seller_sku']} is already in this shop")
        names = ("price", "stock", "reserved_stock", "seller_sku")
        if target is item:
            names += ("name", "status", "description")
        for name in names:
            if name in body:
                setattr(target, name, body[name])
        item.updated_at = now()
        return JSONResponse(item.model_row(target) if isinstance(target, SandboxModel) else item.public())

    async def _campaigns(self, request: Request) -> Response:
        """``{"shop_id", "seller_sku", "reserved": N}``: a promotion or campaign holds N units of the SKU (0 ends
        it); answers the SKU's row as ``GET items`` shows it."""
        body = await self._body(request)
        found = self.state.find_sku(str(body.get("shop_id", "")), str(body.get("seller_sku", "")))
        if found is None:
            return _json_error(404, f"no seller_sku {body.get('seller_sku')} in shop {body.get('shop_id')}")
        reserved = body.get("reserved")
        if not isinstance(reserved, int) or isinstance(reserved, bool) or reserved < 0:
            return _json_error(400, "reserved must be a whole number of zero or more")
        item, model = found
        (model or item).reserved_stock = reserved
        item.updated_at = now()
        if self.pushes.url is not None:
            self.push(self.reservation_push_for(str(body["shop_id"]), item, model))
        return JSONResponse(item.model_row(model) if model else item.public())

    async def _orders(self, request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"orders": [order.public() for order in self.state.orders.values()]})
        body = await self._body(request)
        shop_id = str(body.get("shop_id", ""))
        if shop_id not in self.state.shops:
            return _json_error(404, f"no shop {shop_id}")
        status = str(body.get("status") or "open")
        if status != "open" and status not in SETTLED_STATUSES:
            return _json_error(400, f"status must be open or one of {', '.join(SETTLED_STATUSES)}")
        try:
            placed_at, settled_at = _moment(body.get("created_at")), _moment(body.get("updated_at"))
            order = self.state.place_order(shop_id, list(body.get("lines") or []), placed_at)
            if status != "open":
                order = self.state.settle_order(order.order_id, status, settled_at or order.created_at)
        except (ValueError, KeyError) as exc:
            return _json_error(409, str(exc))
        self.push_order(order, "created")
        if order.status != "open":
            self.push_order(order, order.status)
        return JSONResponse(order.public())

    async def _cancel(self, request: Request) -> Response:
        known = self.state.orders.get(request.path_params["order_id"])
        was_open = known is not None and known.status == "open"
        try:
            order = self.state.cancel_order(request.path_params["order_id"])
        except KeyError:
            return _json_error(404, "no such order")
        if was_open:
            self.push_order(order, "cancelled")
        return JSONResponse(order.public())

    async def _settle(self, request: Request) -> Response:
        """``{"status": "completed" | "cancelled" | "returned"}``: an open order ends now (delivered, or its units
        back in stock), pushed as the marketplace pushes a status change."""
        status = str((await self._body(request)).get("status", ""))
        try:
            order = self.state.settle_order(request.path_params["order_id"], status, now())
        except KeyError:
            return _json_error(404, "no such order")
        except ValueError as exc:
            return _json_error(409, str(exc))
        self.push_order(order, status)
        return JSONResponse(order.public())

    async def _faults(self, request: Request) -> Response:
        if request.method == "POST":
            body = await self._body(request)
            faults = self.state.faults
            for name in ("latency_ms", "error_rate", "rate_limit_rate", "timeout_rate", "timeout_s"):
                if name in body:
                    setattr(faults, name, type(getattr(faults, name))(body[name]))
            if body.get("expire_tokens"):
                self.state.expire_access_tokens()
        return JSONResponse(self.state.faults.__dict__)

    async def _stats(self, request: Request) -> Response:
        requests = {path: dict(outcomes) for path, outcomes in self.state.requests.items()}
        return JSONResponse({"writes": self.state.writes, "requests": requests,
                             "busiest_second": self.state.busiest_second})

    async def _reset(self, request: Request) -> Response:
        self.state = SandboxState()
        self.pushes.reset()
        return JSONResponse({"ok": True})

    async def _robots(self, request: Request) -> Response:
        body = await self._body(request)
        self.state.disallowed_paths = list(body.get("disallow") or [])
        return JSONResponse({"disallow": self.state.disallowed_paths})

    # --- public pages -------------------------------------------------------------------------------
    def _public_routes(self) -> list[BaseRoute]:
        return [
            Route("/robots.txt", self._robots_txt),
            Route("/shop/{shop_id}", self._shop_page),
            Route("/shop/{shop_id}/{item_id}", self._product_page),
        ]

    async def _shop_page(self, request: Request) -> Response:
        """The shop's storefront: a link to every item on sale, with its seller SKU."""
        shop = self.state.shops.get(request.path_params["shop_id"])
        if shop is None:
            return HTMLResponse("<html><body><h1>Gian hàng không tồn tại</h1></body></html>", status_code=404)
        links = "".join(
            f'<li><a href="/shop/{shop.shop_id}/{item.item_id}" data-seller-sku="{escape(sellable.seller_sku)}">'
            f"{escape(item.name)}</a></li>"
            for item in self.state.shop_items(shop.shop_id)
            if item.status == "live"
            for sellable in item.sellables()
        )
        return HTMLResponse(
            f"<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{escape(shop.name)}</title>"
            f"</head><body><h1>{escape(shop.name)}</h1><ul class=\"products\">{links}</ul></body></html>"
        )

    async def _robots_txt(self, request: Request) -> Response:
        lines = ["User-agent: *"] + [f"Disallow: {path}" for path in self.state.disallowed_paths]
        if not self.state.disallowed_paths:
            lines.append("Allow: /")
        return PlainTextResponse("\n".join(lines) + "\n")

    async def _product_page(self, request: Request) -> Response:
        shop = self.state.shops.get(request.path_params["shop_id"])
        item = self.state.items.get(request.path_params["item_id"])
        off_sale = item is None or item.status in ("deleted", "hidden", "unlisted")
        if shop is None or off_sale or item.shop_id != shop.shop_id:
            return HTMLResponse("<html><body><h1>Sản phẩm không tồn tại</h1></body></html>", status_code=404)
        return HTMLResponse(self.product_page(item, shop))


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


class SandboxServer:
    """Serves one sandbox on a real loopback socket in a background thread (tests, demo, benchmarks)."""

    def __init__(self, sandbox: MarketplaceSandbox, host: str = "127.0.0.1", port: int = 0):
        self.sandbox = sandbox
        self.host = host
        self.port = port or free_port(host)
        config = uvicorn.Config(sandbox.app, host=host, port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True, name=f"sandbox-{sandbox.marketplace}")

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> SandboxServer:
        self.thread.start()
        deadline = time.monotonic() + 10
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError(f"sandbox {self.sandbox.marketplace} did not start on {self.base_url}")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.sandbox.pushes.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
