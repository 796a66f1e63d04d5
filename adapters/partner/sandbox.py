"""A local partner floor built from a floor's profile: the same paths, signature check, validation,
batch limits, paging, error shape and rate-limit answer the profile describes, and public product
pages in the floor's style.

Beyond the shared control API, ``POST /_sandbox/feed-upload?shop_id=…`` takes a feed workbook as a
clerk would upload it in the seller centre (raw body or a multipart file) and puts its items on sale;
``POST /_sandbox/clock`` ``{"skew_s": N}`` sets how far the floor's clock is from ours.
"""

from __future__ import annotations

import base64
import importlib
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from html import escape
from typing import Any, ClassVar

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox import MarketplaceSandbox, SandboxItem, SandboxOrder, SandboxShop, now
from adapters.partner import signing, wire
from adapters.partner.feed import FeedError, read_feed
from adapters.partner.profile import Endpoint, FloorProfile
from catalog.money import format_vnd

SKU_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,50}$")
Problem = tuple[str, str]  # (our field name, message in Vietnamese)
Handler = Callable[[Request, SandboxShop], Awaitable[Response]]


class Refusal(Exception):
    """The floor refuses a call: HTTP status, the floor's code, a message and the field at fault."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.field, self.extra = status, code, message, field, extra


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def value_problem(profile: FloorProfile, ours: str, value: Any) -> str | None:
    """What is wrong with one listing value by the floor's rules, in Vietnamese; ``None`` when fine."""
    limits = profile.limits
    low, high = limits.name_length
    if ours == "seller_sku" and not (isinstance(value, str) and SKU_PATTERN.match(value)):
        return "mã SKU của người bán phải có 1–50 ký tự chữ, số hoặc dấu -"
    if ours == "name" and not (isinstance(value, str) and low <= len(value) <= high):
        return f"tên sản phẩm phải dài từ {low} đến {high} ký tự"
    if ours == "price" and not (_whole(value) and 0 < value <= limits.max_price):
        return "giá bán phải là số đồng nguyên, lớn hơn 0"
    if ours == "stock" and not (_whole(value) and 0 <= value <= limits.max_stock):
        return "tồn kho phải là số nguyên không âm"
    if ours == "weight_g" and not (_whole(value) and value > 0):
        return "khối lượng phải lớn hơn 0"
    if ours == "description" and not (isinstance(value, str) and len(value) <= limits.description_max_length):
        return f"mô tả dài quá {limits.description_max_length} ký tự"
    if ours == "images" and not (isinstance(value, list) and len(value) <= limits.max_images):
        return f"tối đa {limits.max_images} ảnh"
    if ours == "ocop_stars" and not (_whole(value) and 3 <= value <= 5):
        return "hạng sao OCOP phải là 3, 4 hoặc 5"
    return None


REQUIRED = ("seller_sku", "name", "price", "stock", "weight_g")


def listing_problem(profile: FloorProfile, values: dict[str, Any]) -> Problem | None:
    for ours in REQUIRED:
        if values.get(ours) is None:
            return ours, "thiếu trường bắt buộc"
    for ours, value in values.items():
        problem = value_problem(profile, ours, value)
        if problem:
            return ours, problem
    return None


class PartnerSandbox(MarketplaceSandbox):
    """One floor, from its profile. Per-floor subclasses only set ``default_profile``."""

    default_profile: ClassVar[FloorProfile | None] = None

    @classmethod
    def for_floor(cls, profile: FloorProfile, name: str) -> type[PartnerSandbox]:
        """The class a floor's folder exports: this one with the floor's profile built in."""
        return type(name, (cls,), {"default_profile": profile, "__module__": cls.__module__})

    def __init__(
        self,
        profile: FloorProfile | None = None,
        *,
        rate_limit_per_s: float | None = None,
        seed: int | None = None,
    ):
        chosen = profile or self.default_profile
        if chosen is None:
            raise TypeError("PartnerSandbox needs a floor profile")
        self.profile = chosen
        self.marketplace = chosen.name
        self.default_port = chosen.default_port
        self.default_rate_limit_per_s = chosen.limits.requests_per_second
        self.clock_skew_s = 0.0
        super().__init__(rate_limit_per_s=rate_limit_per_s, seed=seed)

    # --- answers in the floor's shape ----------------------------------------------------------
    def ok(self, data: Any) -> JSONResponse:
        return JSONResponse(wire.nest(self.profile.errors.data_path, data))

    def refused(self, request: Request | None, refusal: Refusal) -> JSONResponse:
        field = getattr(self.profile.fields, refusal.field, None) if refusal.field else None
        body = wire.error_body(
            self.profile, refusal.code, refusal.message, field or refusal.field, **refusal.extra
        )
        if request is not None:
            self.set_outcome(request, refusal.code)
        headers = {"Retry-After": "1"} if refusal.status == 429 else None
        return JSONResponse(body, status_code=refusal.status, headers=headers)

    def rate_limited_response(self) -> Response:
        code = self.profile.errors.codes.rate_limited
        return self.refused(None, Refusal(429, code, "Vượt quá giới hạn số lần gọi, vui lòng thử lại sau"))

    def server_error_response(self) -> Response:
        code = self.profile.errors.codes.server_error
        return self.refused(None, Refusal(500, code, "Lỗi hệ thống, vui lòng thử lại sau"))

    def rate_limit_key(self, request: Request) -> str | None:
        return request.headers.get(self.profile.auth.key_header)

    def invalid(self, ours: str | None, message: str) -> Refusal:
        return Refusal(400, self.profile.errors.codes.invalid_field, message, ours)

    def not_found(self, what: str) -> Refusal:
        return Refusal(404, self.profile.errors.codes.not_found, f"Không tìm thấy {what}")

    # --- shops and signatures --------------------------------------------------------------------
    def open_shop(self, name: str) -> dict[str, Any]:
        shop_id = str(self.state.next_id())
        key, secret = f"pk_{secrets.token_hex(8)}", secrets.token_hex(24)
        self.state.shops[shop_id] = SandboxShop(shop_id=shop_id, name=name, app_key=key, app_secret=secret)
        return {"shop_id": shop_id, "name": name, "api_key": key, "api_secret": secret}

    def issue_code(self, shop: SandboxShop) -> None:
        """A floor authorises a shop by its API key and secret, not by code."""

    async def signed_shop(self, request: Request) -> SandboxShop:
        auth, codes = self.profile.auth, self.profile.errors.codes
        key = request.headers.get(auth.key_header, "")
        shop = next((s for s in self.state.shops.values() if s.app_key == key), None)
        if shop is None:
            raise Refusal(401, codes.unknown_key, "API key không hợp lệ")
        floor_time = time.time() + self.clock_skew_s
        try:
            stamp = signing.seconds_of(auth, request.headers.get(auth.timestamp_header, ""))
        except ValueError:
            raise Refusal(401, codes.bad_signature, f"thiếu hoặc sai {auth.timestamp_header}") from None
        if abs(floor_time - stamp) > auth.timestamp_window_s:
            raise Refusal(
                401,
                codes.timestamp_expired,
                "Yêu cầu đã hết hạn (dấu thời gian lệch quá giới hạn)",
                server_time=signing.timestamp(auth, floor_time),
            )
        raw_path = request.scope.get("raw_path") or request.url.path.encode()
        query = request.scope.get("query_string") or b""
        target = raw_path.decode("ascii") + (f"?{query.decode('ascii')}" if query else "")
        text = signing.signed_text(
            key, request.headers[auth.timestamp_header], request.method, target, await request.body()
        )
        if not signing.signature_matches(
            auth, shop.app_secret, text, request.headers.get(auth.signature_header, "")
        ):
            raise Refusal(401, codes.bad_signature, "Chữ ký không hợp lệ")
        return shop

    def _route(self, endpoint: Endpoint, handler: Handler) -> Route:
        async def serve(request: Request) -> Response:
            try:
                shop = await self.signed_shop(request)
                return await handler(request, shop)
            except Refusal as refusal:
                return self.refused(request, refusal)

        return Route(endpoint.path, serve, methods=[endpoint.method])

    def api_routes(self) -> list[BaseRoute]:
        e = self.profile.endpoints
        return [
            self._route(e.shop, self._shop_info),
            self._route(e.batch_price, self._batch_price),
            self._route(e.batch_stock, self._batch_stock),
            self._route(e.lookup, self._lookup),
            self._route(e.create, self._create),
            self._route(e.update, self._update),
            self._route(e.delist, self._delist),
            self._route(e.items, self._list_items),
            self._route(e.orders, self._list_orders),
            Route("/_sandbox/feed-upload", self._feed_upload, methods=["POST"]),
            Route("/_sandbox/clock", self._clock, methods=["POST"]),
        ]

    # --- items ----------------------------------------------------------------------------------
    def record(self, item: SandboxItem) -> dict[str, Any]:
        f = self.profile.fields
        return item.payload | {
            f.item_id: item.item_id,
            f.seller_sku: item.seller_sku,
            f.name: item.name,
            f.price: item.price,
            f.stock: item.stock,
            f.status: self.profile.floor_item_status(item.status),
            f.sold: item.sold,
        }

    async def _listing_values(self, request: Request) -> tuple[dict[str, Any], dict[str, Any]]:
        try:
            record = json.loads(await request.body() or b"null")
        except ValueError:
            raise self.invalid(None, "Nội dung yêu cầu không phải JSON") from None
        if not isinstance(record, dict):
            raise self.invalid(None, "Nội dung yêu cầu phải là một đối tượng JSON")
        values = wire.from_floor(self.profile, record)
        problem = listing_problem(self.profile, values)
        if problem:
            raise self.invalid(*problem)
        return record, values

    def owned_item(self, shop: SandboxShop, item_id: str) -> SandboxItem:
        item = self.state.items.get(item_id)
        if item is None or item.shop_id != shop.shop_id or item.status == "deleted":
            raise self.not_found(f"sản phẩm {item_id}")
        return item

    def put_item(
        self,
        shop: SandboxShop,
        values: dict[str, Any],
        record: dict[str, Any],
        item: SandboxItem | None = None,
    ) -> SandboxItem:
        """Create or replace an item from validated values; a seller SKU names one item per shop."""
        other = self.state.find_by_seller_sku(shop.shop_id, values["seller_sku"])
        if other is not None and other is not item:
            raise Refusal(
                409,
                self.profile.errors.codes.duplicate_sku,
                f"Mã SKU {values['seller_sku']} đã có trong gian hàng",
                "seller_sku",
            )
        if item is None:
            item_id = str(self.state.next_id())
            item = SandboxItem(
                shop_id=shop.shop_id, item_id=item_id, seller_sku="", name="", price=0, stock=0
            )
            self.state.items[item_id] = item
        item.seller_sku, item.name = values["seller_sku"], values["name"]
        item.price, item.stock = values["price"], values["stock"]
        item.description = values.get("description") or ""
        item.images = list(values.get("images") or [])
        item.payload = record
        item.updated_at = now()
        return item

    async def _shop_info(self, request: Request, shop: SandboxShop) -> Response:
        return self.ok({wire.SHOP_ID_KEY: shop.shop_id, "name": shop.name})

    async def _create(self, request: Request, shop: SandboxShop) -> Response:
        self.count_write()
        record, values = await self._listing_values(request)
        return self.ok(self.record(self.put_item(shop, values, record)))

    async def _update(self, request: Request, shop: SandboxShop) -> Response:
        self.count_write()
        item = self.owned_item(shop, request.path_params["item_id"])
        record, values = await self._listing_values(request)
        return self.ok(self.record(self.put_item(shop, values, record, item)))

    async def _delist(self, request: Request, shop: SandboxShop) -> Response:
        self.count_write()
        item = self.owned_item(shop, request.path_params["item_id"])
        item.status, item.updated_at = "deleted", now()
        return self.ok(self.record(item))

    async def _lookup(self, request: Request, shop: SandboxShop) -> Response:
        item = self.state.find_by_seller_sku(shop.shop_id, request.path_params["seller_sku"])
        if item is None:
            raise self.not_found(f"mã SKU {request.path_params['seller_sku']}")
        return self.ok(self.record(item))

    # --- batches ------------------------------------------------------------------------------------
    async def _batch_price(self, request: Request, shop: SandboxShop) -> Response:
        return await self._batch(request, shop, "price", self.profile.batches.price_limit)

    async def _batch_stock(self, request: Request, shop: SandboxShop) -> Response:
        return await self._batch(request, shop, "stock", self.profile.batches.stock_limit)

    async def _batch(self, request: Request, shop: SandboxShop, ours: str, limit: int) -> Response:
        self.count_write()
        key = self.profile.batches.request_key
        try:
            entries = json.loads(await request.body() or b"{}").get(key)
        except (ValueError, AttributeError):
            entries = None
        if not isinstance(entries, list) or not entries:
            raise self.invalid(key, f"danh sách {key} không hợp lệ")
        if len(entries) > limit:
            raise Refusal(
                400,
                self.profile.errors.codes.batch_too_large,
                f"Tối đa {limit} sản phẩm mỗi lần, nhận được {len(entries)}",
                key,
            )
        results = [self._batch_entry(shop, ours, entry) for entry in entries]
        return self.ok({self.profile.batches.results_key: results})

    def _batch_entry(self, shop: SandboxShop, ours: str, entry: Any) -> dict[str, Any]:
        f = self.profile.fields
        entry = entry if isinstance(entry, dict) else {}
        sku = str(entry.get(f.seller_sku, ""))
        answer = {f.seller_sku: sku}
        item = self.state.items.get(str(entry.get(f.item_id, "")))
        if item is None or item.shop_id != shop.shop_id or item.status == "deleted":
            item = self.state.find_by_seller_sku(shop.shop_id, sku)
        if item is None:
            return answer | wire.error_body(
                self.profile, self.profile.errors.codes.not_found, f"Không tìm thấy mã SKU {sku}"
            )
        value = wire.from_floor(self.profile, entry).get(ours)
        problem = value_problem(self.profile, ours, value) if value is not None else "thiếu giá trị"
        if problem:
            return answer | wire.error_body(
                self.profile, self.profile.errors.codes.invalid_field, problem, getattr(f, ours)
            )
        setattr(item, ours, value)
        item.updated_at = now()
        return answer | {f.item_id: item.item_id}

    # --- paging -------------------------------------------------------------------------------------
    def paged(self, request: Request, records: list[dict[str, Any]], list_key: str) -> Response:
        paging, params = self.profile.paging, request.query_params
        try:
            size = int(params.get(paging.size_param, paging.page_size))
            if paging.style == "page":
                start = (int(params.get(paging.page_param, paging.first_page)) - paging.first_page) * size
            elif paging.style == "offset":
                start = int(params.get(paging.offset_param, 0))
            else:
                cursor = params.get(paging.cursor_param)
                start = (
                    int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("o")) if cursor else 0
                )
        except ValueError:
            raise self.invalid(paging.position_param, "tham số phân trang không hợp lệ") from None
        if not 1 <= size <= paging.max_page_size or start < 0:
            raise Refusal(
                400,
                self.profile.errors.codes.invalid_field,
                f"{paging.size_param} phải từ 1 đến {paging.max_page_size}",
                paging.size_param,
            )
        data: dict[str, Any] = {list_key: records[start : start + size]}
        if paging.style == "cursor":
            more = start + size < len(records)
            data[paging.next_cursor_key] = (
                base64.urlsafe_b64encode(f"o{start + size}".encode()).decode() if more else None
            )
        else:
            data[paging.total_key] = len(records)
        return self.ok(data)

    async def _list_items(self, request: Request, shop: SandboxShop) -> Response:
        items = sorted(self.state.shop_items(shop.shop_id), key=lambda item: int(item.item_id))
        return self.paged(request, [self.record(item) for item in items], self.profile.paging.items_key)

    # --- orders -------------------------------------------------------------------------------------
    def order_wire(self, order: SandboxOrder) -> dict[str, Any]:
        f, profile = self.profile.orders.fields, self.profile
        return {
            f.order_id: order.order_id,
            f.status: profile.orders.floor_status(order.status),
            f.created_at: wire.encode_time(profile, order.created_at),
            f.updated_at: wire.encode_time(profile, order.updated_at),
            f.total: order.total,
            f.lines: [
                {
                    f.line_ref: line.line_ref,
                    f.line_sku: line.seller_sku,
                    f.line_quantity: line.quantity,
                    f.line_price: line.unit_price,
                }
                for line in order.lines
            ],
        }

    def _changed_since(self, order: SandboxOrder, since: datetime) -> bool:
        """At the resolution the floor's times have (whole seconds for Unix times)."""
        changed = (
            order.updated_at.replace(microsecond=0)
            if self.profile.time_format == "unix"
            else order.updated_at
        )
        return changed >= since

    async def _list_orders(self, request: Request, shop: SandboxShop) -> Response:
        orders = self.profile.orders
        raw = request.query_params.get(orders.since_param)
        try:
            since = wire.decode_time(self.profile, raw) if raw else None
        except ValueError:
            since = None
        if since is None:
            raise Refusal(
                400,
                self.profile.errors.codes.invalid_field,
                f"thiếu hoặc sai {orders.since_param}",
                orders.since_param,
            )
        found = sorted(
            (
                o
                for o in self.state.orders.values()
                if o.shop_id == shop.shop_id and self._changed_since(o, since)
            ),
            key=lambda o: (o.updated_at, o.order_id),
        )
        return self.paged(request, [self.order_wire(o) for o in found], orders.list_key)

    # --- the seller centre's spreadsheet upload -------------------------------------------------------
    async def _feed_upload(self, request: Request) -> Response:
        shop = self.state.shops.get(request.query_params.get("shop_id", ""))
        if shop is None:
            return JSONResponse({"error": "no such shop"}, status_code=404)
        if request.headers.get("content-type", "").startswith("multipart/"):
            form = await request.form()
            upload = next(iter(form.values()), None)
            data = await upload.read() if hasattr(upload, "read") else b""
        else:
            data = await request.body()
        try:
            rows = read_feed(data)
        except FeedError as exc:
            return JSONResponse({"errors": exc.problems}, status_code=400)
        problems, planned = [], []
        for number, row in enumerate(rows, start=2):
            values = row.listing_values()
            problem = listing_problem(self.profile, values)
            if problem:
                problems.append({"row": number, "field": problem[0], "message": problem[1]})
            planned.append((values, wire.to_floor(self.profile, values)))
        if problems:
            return JSONResponse({"errors": problems}, status_code=400)
        created = updated = 0
        for values, record in planned:
            existing = self.state.find_by_seller_sku(shop.shop_id, values["seller_sku"])
            self.put_item(shop, values, record, existing)
            created, updated = created + (existing is None), updated + (existing is not None)
        return JSONResponse({"created": created, "updated": updated})

    async def _clock(self, request: Request) -> Response:
        body = await self._body(request)
        self.clock_skew_s = float(body.get("skew_s", 0))
        return JSONResponse({"skew_s": self.clock_skew_s})

    # --- public pages ---------------------------------------------------------------------------------
    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        price = format_vnd(item.price)
        visible = (
            f'<h1 class="product-name">{escape(item.name)}</h1>'
            f'<div class="price">{price}</div>'
            f'<div class="sold">Đã bán {item.sold}</div>'
            f'<div class="stock">Còn {item.stock} sản phẩm</div>'
            f'<div class="sku">Mã SKU: <span class="seller-sku">{escape(item.seller_sku)}</span></div>'
            f'<div class="shop">{escape(shop.name)}</div>'
            f'<div class="description">{escape(item.description)}</div>'
        )
        write_markup = importlib.import_module(self.profile.page_module).product_markup
        body = write_markup(item, shop, visible, self.record(item))
        return (
            f'<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(item.name)} - P{item.item_id} | {escape(self.profile.display_name)}</title>"
            f'<meta property="og:title" content="{escape(item.name)}"></head><body>{body}</body></html>'
        )
