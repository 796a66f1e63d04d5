"""A partner floor's items in the sandbox: the floor's validation, create, update, delist and lookup by
seller SKU, price and stock batches, the item list, and the seller centre's spreadsheet upload."""

from __future__ import annotations

import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.common.sandbox import SandboxItem, SandboxShop, now
from adapters.partner import wire
from adapters.partner.feed import FeedError, read_feed
from adapters.partner.profile import FloorProfile
from adapters.partner.sandbox.wire import PartnerRefusal, PartnerWire

SKU_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,50}$")
Problem = tuple[str, str]  # (our field name, message in Vietnamese)


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


class PartnerProducts(PartnerWire):
    """The item calls and the spreadsheet upload."""

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
            raise PartnerRefusal(
                self.profile.errors.codes.duplicate_sku,
                f"Mã SKU {values['seller_sku']} đã có trong gian hàng",
                409,
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
            raise PartnerRefusal(
                self.profile.errors.codes.batch_too_large,
                f"Tối đa {limit} sản phẩm mỗi lần, nhận được {len(entries)}",
                400,
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

    async def _list_items(self, request: Request, shop: SandboxShop) -> Response:
        items = sorted(self.state.shop_items(shop.shop_id), key=lambda item: int(item.item_id))
        return self.paged(request, [self.record(item) for item in items], self.profile.paging.items_key)

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

