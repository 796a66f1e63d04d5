"""A local stand-in for the Lazada Open Platform, strict where Lazada is (reference lazada.md §8).

The API lives under ``/rest/…`` as on the real hosts, token calls included (``/rest/auth/token/…``, the
auth host's path). Every answer is HTTP 200 JSON with a string ``code`` and a ``request_id``; errors
carry Lazada's codes. One product holds one SKU here (the base sandbox keys items by item id), so a
multi-SKU create is refused with ``4133``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from html import escape
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit
from xml.etree import ElementTree

from PIL import Image, UnidentifiedImageError
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox import MarketplaceSandbox, SandboxItem, SandboxOrder, SandboxShop, now
from adapters.lazada import categories, envelope
from adapters.lazada.client import LAZADA_IMAGE_HOST, MAX_SKUS_PER_CALL, ORDER_TIME_FORMAT, VIETNAM
from adapters.lazada.signing import sign
from catalog.money import format_vnd

TIMESTAMP_WINDOW_S = 7200
TOKEN_PATHS = ("/auth/token/create", "/auth/token/refresh")
FORBIDDEN_SKU_CHARS = set('"^~<>|')
IMAGE_HOST = "https://vn-live-01.slatic.net/p/"
IMAGE_MAX_BYTES = 3_145_728
IMAGE_SIDE_PX = (330, 5000)
PRODUCT_FILTERS = ("all", "live", "inactive", "deleted", "pending", "rejected", "sold-out")
ORDER_STATUSES = frozenset({
    "unpaid", "pending", "packed", "ready_to_ship", "shipped", "delivered", "canceled", "returned", "failed",
    "failed_delivery", "shipped_back", "shipped_back_success", "shipped_back_failed", "lost", "lost_by_3pl",
    "damaged_by_3pl", "package_scrapped", "topack", "toship", "shipping", "all",
})
LIST_TAGS = ("Image", "Sku", "SkuId", "Url")
FULFILMENT_STATUSES = frozenset({"packed", "ready_to_ship", "shipped", "delivered", "returned", "failed_delivery",
                                 "shipped_back_success", "lost_by_3pl"})
OCCUPYING_STATUSES = frozenset({"pending", "packed", "ready_to_ship"})
ITEM_STATUS = {"live": "active", "unlisted": "inactive", "hidden": "inactive", "deleted": "deleted"}
PRODUCT_STATUS = {"live": "Active", "unlisted": "InActive", "hidden": "InActive", "deleted": "Deleted"}


class Refusal(Exception):
    """Lazada's answer to a call it refuses: a string code, a message, maybe a per-field ``detail``."""

    def __init__(self, code: str, message: str, detail: list[dict[str, Any]] | None = None, kind: str = "ISV"):
        super().__init__(message)
        self.code, self.message, self.detail, self.kind = code, message, detail, kind


def request_id() -> str:
    return secrets.token_hex(12)


def envelope_error(code: str, message: str, detail: list[dict[str, Any]] | None = None,
                   kind: str = "ISV") -> JSONResponse:
    body: dict[str, Any] = {"code": code, "type": kind, "message": message, "request_id": request_id()}
    if detail:
        body["detail"] = detail
    return JSONResponse(body)


def xml_value(element: ElementTree.Element) -> Any:
    children = list(element)
    if not children:
        return (element.text or "").strip()
    value: dict[str, Any] = {}
    for child in children:
        if child.tag in LIST_TAGS:
            value.setdefault(child.tag, []).append(xml_value(child))
        else:
            value[child.tag] = xml_value(child)
    return value


def parse_request(raw: str | None, name: str = "payload") -> tuple[dict[str, Any], bool]:
    """The ``Request`` object of an XML or JSON payload, and whether it was JSON."""
    if raw is None:
        raise Refusal("1", f"E001: Parameter {name} is mandatory")
    if not raw.strip():
        raise Refusal("30", "E030: Empty Request")
    text = raw.strip()
    try:
        if text.startswith("{"):
            root = json.loads(text).get("Request")
            is_json = True
        else:
            element = ElementTree.fromstring(text)
            root = xml_value(element) if element.tag == "Request" else None
            is_json = False
    except (ValueError, ElementTree.ParseError, AttributeError):
        raise Refusal("5", "E005: Invalid Request Format") from None
    if not isinstance(root, dict):
        raise Refusal("5", "E005: Invalid Request Format")
    return root, is_json


def listed(value: Any, is_json: bool) -> list[Any]:
    """``Skus.Sku`` and ``Images.Image`` must be arrays in JSON (code 1001); XML gives lists already."""
    if value is None:
        return []
    if not isinstance(value, list):
        if is_json:
            raise Refusal("1001", "E1001: not in JSON format: Skus.Sku and Images.Image must be arrays")
        return [value]
    return value


def money(value: Any, field: str) -> int:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise Refusal("5", f"E005: {field} is not a number", [{"field": field, "message": "invalid number"}]) from None
    if amount == 0:
        raise Refusal("4118", "E4118: Price can not be 0", [{"field": field, "message": "price is 0"}])
    if amount != amount.to_integral_value() or amount < 0:
        raise Refusal("4104", f"E4104: {field} precision is invalid for VND", [{"field": field, "message": str(value)}])
    return int(amount)


def whole(value: Any, field: str) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise Refusal("5", f"E005: {field} is not a whole number", [{"field": field, "message": str(value)}]) from None
    if number < 0:
        raise Refusal("4152", f"E4152: {field} can not be negative", [{"field": field, "message": str(value)}])
    return number


def lazada_time(moment: datetime) -> str:
    return moment.astimezone(VIETNAM).strftime(ORDER_TIME_FORMAT)


def epoch_ms(moment: datetime) -> str:
    return str(int(moment.timestamp() * 1000))


def parse_time(value: str, code: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise Refusal(code, f"E0{code}: Invalid date format {value}") from None
    if moment.tzinfo is None:
        raise Refusal(code, f"E0{code}: Invalid date format {value}: no UTC offset")
    return moment


def json_list(raw: str | None, name: str, code: str) -> list[Any]:
    try:
        value = json.loads(raw or "")
    except ValueError:
        raise Refusal(code, f"E0{code}: {name} must be a JSON array") from None
    if not isinstance(value, list):
        raise Refusal(code, f"E0{code}: {name} must be a JSON array")
    return value


Handler = Callable[[dict[str, str], SandboxShop, dict[str, Any]], Awaitable[dict[str, Any]] | dict[str, Any]]


class LazadaSandbox(MarketplaceSandbox):
    marketplace = "lazada"
    default_port = 8702
    default_rate_limit_per_s = 50.0  # inventory APIs: 50 calls a second per seller (§3.4)

    def __init__(
        self, *, rate_limit_per_s: float | None = None, seed: int | None = None,
        access_ttl_s: int = 864000, refresh_ttl_s: int = 4320000, max_skus_per_call: int = MAX_SKUS_PER_CALL,
    ):
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self.max_skus_per_call = max_skus_per_call
        self.fulfilment: dict[str, str] = {}  # order id -> Lazada item status after pending
        self.handlers: dict[str, Handler] = {
            "/product/create": self.create_product,
            "/product/update": self.update_product,
            "/product/price_quantity/update": self.update_price_quantity,
            "/product/stock/sellable/update": self.update_sellable_stock,
            "/product/deactivate": self.deactivate_product,
            "/product/remove": self.remove_product,
            "/products/get": self.get_products,
            "/image/migrate": self.migrate_image,
            "/image/upload": self.upload_image,
            "/orders/get": self.get_orders,
            "/orders/items/get": self.get_orders_items,
            "/order/items/get": self.get_order_items,
        }
        self.writes = frozenset({
            "/product/create", "/product/update", "/product/price_quantity/update",
            "/product/stock/sellable/update", "/product/deactivate", "/product/remove",
        })
        super().__init__(rate_limit_per_s=rate_limit_per_s, seed=seed)

    # --- what the base asks for ---------------------------------------------------------------
    def api_routes(self) -> list[BaseRoute]:
        return [
            Route("/rest/{path:path}", self.api, methods=["GET", "POST"]),
            Route("/_sandbox/orders/{order_id}/status", self.move_order, methods=["POST"]),
        ]

    async def move_order(self, request: Request) -> Response:
        """Lazada's side of fulfilment: ``{"status": "packed" | "ready_to_ship" | "shipped" | "delivered" |
        "returned" | "failed_delivery" …}`` for every item of an open order."""
        order = self.state.orders.get(request.path_params["order_id"])
        status = str((await self._body(request)).get("status", ""))
        if order is None or order.status != "open":
            return JSONResponse({"error": "no such open order"}, status_code=404)
        if status not in FULFILMENT_STATUSES:
            return JSONResponse({"error": f"status must be one of {sorted(FULFILMENT_STATUSES)}"}, status_code=400)
        self.fulfilment[order.order_id] = status
        order.updated_at = now()
        return JSONResponse({**order.public(), "lazada_status": status})

    async def _cancel(self, request: Request) -> Response:
        """A shopper can cancel until the parcel leaves (Lazada: before ``shipped``)."""
        status = self.fulfilment.get(request.path_params["order_id"], "pending")
        if status not in OCCUPYING_STATUSES:
            return JSONResponse({"error": f"order is {status}; it can no longer be cancelled"}, status_code=409)
        return await super()._cancel(request)

    async def _reset(self, request: Request) -> Response:
        self.fulfilment.clear()
        return await super()._reset(request)

    def open_shop(self, name: str) -> dict[str, Any]:
        seller_id = str(self.state.next_id())
        app_key = str(100000 + self.state.next_id())
        shop = SandboxShop(shop_id=seller_id, name=name, app_key=app_key, app_secret=secrets.token_urlsafe(24),
                           extra={"short_code": f"VN{seller_id}"})
        self.state.shops[seller_id] = shop
        return {"shop_id": seller_id, "seller_id": seller_id, "name": name, "app_key": app_key,
                "app_secret": shop.app_secret, "code": self.issue_code(shop), "short_code": shop.extra["short_code"]}

    def issue_code(self, shop: SandboxShop) -> str:
        """Lazada's shape: ``0_<app_key>_<random>``."""
        return self.state.issue_code(shop.shop_id, prefix=f"0_{shop.app_key}_")

    def rate_limited_response(self) -> Response:
        return envelope_error(envelope.API_CALL_LIMIT,
                              "Api access frequency exceeds the limit. this ban will last 1 seconds.")

    def server_error_response(self) -> Response:
        return envelope_error(envelope.INTERNAL_ERROR, "E006: Internal Error, please try again", kind="SYSTEM")

    def rate_limit_key(self, request: Request) -> str | None:
        if not request.url.path.startswith("/rest/"):
            return None
        query = request.query_params
        caller = query.get("app_key") or (request.client.host if request.client else "")
        return f"{caller}:{query.get('access_token', '')}"

    # --- the API ------------------------------------------------------------------------------
    async def api(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        try:
            params, files = await self.read_params(request)
            shop = self.check_signature(path, params)
            if path in TOKEN_PATHS:
                body = self.token_create(params, shop) if path == TOKEN_PATHS[0] else self.token_refresh(params)
            else:
                body = await self.seller_call(path, params, shop, files)
        except Refusal as refusal:
            self.set_outcome(request, refusal.code)
            return envelope_error(refusal.code, refusal.message, refusal.detail, refusal.kind)
        self.set_outcome(request, "ok")
        return JSONResponse({**body, "code": envelope.SUCCESS, "request_id": request_id()})

    async def seller_call(self, path: str, params: dict[str, str], shop: SandboxShop,
                          files: dict[str, Any]) -> dict[str, Any]:
        """A seller API call: its answer under ``data`` (or at the top level where Lazada puts it)."""
        handler = self.handlers.get(path)
        if handler is None:
            raise Refusal("InvalidApiPath", f"The specified API path {path} is invalid")
        self.check_access_token(params, shop)
        if path in self.writes:
            self.count_write()
        data = handler(params, shop, files)
        if not isinstance(data, dict):
            data = await data
        top = data.pop("_top", None)
        return top if top is not None else {"data": data}

    @staticmethod
    async def read_params(request: Request) -> tuple[dict[str, str], dict[str, Any]]:
        params = dict(request.query_params)
        files: dict[str, Any] = {}
        if request.method == "POST":
            form = await request.form()
            for key, value in form.multi_items():
                if isinstance(value, UploadFile):
                    files[key] = await value.read()
                else:
                    params[key] = value
        return params, files

    def check_signature(self, path: str, params: dict[str, str]) -> SandboxShop:
        """§2.4, §2.5: the app key, a timestamp within 7200 s and the signature over every parameter."""
        for name in ("app_key", "timestamp", "sign_method"):
            if not params.get(name):
                raise Refusal(envelope.MISSING_PARAMETER, f"The input parameter {name} that is mandatory for "
                                                          "processing this request is not supplied")
        shop = next((s for s in self.state.shops.values() if s.app_key == params["app_key"]), None)
        if shop is None:
            raise Refusal(envelope.APP_KEY_INVALID, "The specified app key is invalid")
        if "sign" not in params:
            raise Refusal(envelope.INCOMPLETE_SIGNATURE, "The request signature is missing")
        if params["sign_method"] != "sha256" or params["sign"] != sign(shop.app_secret, path, params):
            raise Refusal(envelope.INCOMPLETE_SIGNATURE, "The request signature does not conform to platform standards")
        if abs(time.time() - self.timestamp_s(params["timestamp"])) > TIMESTAMP_WINDOW_S:
            # the code for a stale timestamp is not documented [?]; a signature refusal is the closest
            raise Refusal(envelope.INCOMPLETE_SIGNATURE, "The timestamp is more than 7200 s away from UTC now")
        return shop

    @staticmethod
    def timestamp_s(value: str) -> float:
        if value.isdigit():
            return int(value) / 1000
        try:
            return datetime.fromisoformat(value).timestamp()
        except ValueError:
            raise Refusal(envelope.INCOMPLETE_SIGNATURE, f"Invalid timestamp {value}") from None

    def check_access_token(self, params: dict[str, str], shop: SandboxShop) -> None:
        shop_id, _ = self.state.check_access_token(params.get("access_token"))
        if shop_id != shop.shop_id:
            raise Refusal(envelope.ILLEGAL_ACCESS_TOKEN, "The specified access token is invalid or expired")

    # --- tokens -------------------------------------------------------------------------------
    def token_create(self, params: dict[str, str], shop: SandboxShop) -> dict[str, Any]:
        shop_id = self.state.redeem_code(params.get("code", ""))
        if shop_id != shop.shop_id:
            raise Refusal(envelope.INVALID_CODE, "Invalid authorization code: wrong, used, expired or of another app")
        return self.tokens(shop, "country_user_info")

    def token_refresh(self, params: dict[str, str]) -> dict[str, Any]:
        shop_id = self.state.use_refresh_token(params.get("refresh_token", ""))
        if shop_id is None:
            raise Refusal(envelope.ILLEGAL_REFRESH_TOKEN, "The refresh token is invalid or expired")
        return self.tokens(self.state.shops[shop_id], "country_user_info_list")

    def tokens(self, shop: SandboxShop, users_key: str) -> dict[str, Any]:
        access, refresh = self.state.issue_tokens(shop.shop_id, self.access_ttl_s, self.refresh_ttl_s)
        user = {"country": "vn", "user_id": shop.shop_id, "seller_id": shop.shop_id,
                "short_code": shop.extra.get("short_code", "")}
        return {"access_token": access.value, "refresh_token": refresh.value, "country": "vn",
                "account_platform": "seller_center", "expires_in": self.access_ttl_s,
                "refresh_expires_in": self.refresh_ttl_s, users_key: [user],
                "account": f"{shop.shop_id}@sandbox.lazada.vn"}

    # --- products -----------------------------------------------------------------------------
    def shop_item_by_sku_id(self, shop: SandboxShop, sku_id: str) -> SandboxItem | None:
        return next((i for i in self.state.shop_items(shop.shop_id) if i.sku_id == sku_id), None)

    def shop_item(self, shop: SandboxShop, item_id: Any) -> SandboxItem:
        item = self.state.items.get(str(item_id))
        if item is None or item.shop_id != shop.shop_id or item.status == "deleted":
            raise Refusal("208", f"E208: Item {item_id} not found", [{"field": "ItemId", "message": "not found"}])
        return item

    def check_category(self, category_id: Any) -> categories.LazadaCategory:
        category = categories.BY_ID.get(str(category_id or ""))
        if category is None:
            raise Refusal("201", f"E201: Invalid CategoryId {category_id}", [{"field": "PrimaryCategory",
                                                                                "message": "invalid"}])
        if not category.leaf:
            raise Refusal("4134", "E4134: Please select the last level category",
                          [{"field": "PrimaryCategory", "message": category.name}])
        return category

    @staticmethod
    def check_attributes(attributes: dict[str, Any], category: categories.LazadaCategory) -> None:
        for name in ("name",):
            if not str(attributes.get(name) or "").strip():
                raise Refusal("4108", f"E4108: Mandatory attribute {name} is missing", [{"field": name,
                                                                                         "message": "missing"}])
        if not (attributes.get("brand") or attributes.get("brand_id")):
            raise Refusal("4108", "E4108: Mandatory attribute brand is missing", [{"field": "brand",
                                                                                  "message": "missing"}])
        for name in category.mandatory:
            if not str(attributes.get(name) or "").strip():
                raise Refusal("4110", f"E4110: Category attribute {name} is mandatory",
                              [{"field": name, "message": "missing"}])

    @staticmethod
    def check_images(urls: list[Any]) -> list[str]:
        for url in urls:
            if not (urlsplit(str(url)).hostname or "").endswith(LAZADA_IMAGE_HOST):
                raise Refusal("4138", f"E4138: External image URL is not allowed: {url}",
                              [{"field": "Images", "message": str(url)}])
        return [str(url) for url in urls]

    def check_new_sku(self, sku: Any, shop: SandboxShop, is_json: bool) -> tuple[str, int, int]:
        if not isinstance(sku, dict):
            raise Refusal("5", "E005: Invalid Request Format")
        if is_json and any(not isinstance(v, str) for k, v in sku.items() if k not in ("Images", "saleProp")):
            raise Refusal("1001", "E1001: not in JSON format: every SKU value must be a string")
        seller_sku = str(sku.get("SellerSku") or "").strip()
        if not seller_sku:
            raise Refusal("1", "E001: SellerSku is mandatory", [{"field": "SellerSku", "message": "missing"}])
        if FORBIDDEN_SKU_CHARS & set(seller_sku):
            raise Refusal("4129", 'E4129: SellerSku must not contain "^~<>|', [{"field": "SellerSku",
                                                                                "message": seller_sku}])
        if self.state.find_by_seller_sku(shop.shop_id, seller_sku) is not None:
            raise Refusal("4105", f"E4105: Duplicate SellerSku {seller_sku}",
                          [{"field": "SellerSku", "message": "duplicate", "seller_sku": seller_sku}])
        if "price" not in sku:
            raise Refusal("4118", "E4118: Price can not be 0", [{"field": "price", "message": "missing"}])
        price = money(sku["price"], "price")
        quantity = whole(sku.get("quantity", "0"), "quantity")
        try:
            weight = Decimal(str(sku.get("package_weight", "")))
        except InvalidOperation:
            weight = Decimal(0)
        if weight <= 0 or weight != weight.quantize(Decimal("0.01")):
            raise Refusal("4149", "E4149: Invalid package value", [{"field": "package_weight",
                                                                   "message": str(sku.get("package_weight"))}])
        return seller_sku, price, quantity

    def create_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        request, is_json = parse_request(params.get("payload"))
        product = request.get("Product")
        if not isinstance(product, dict):
            raise Refusal("5", "E005: Invalid Request Format")
        skus = listed((product.get("Skus") or {}).get("Sku"), is_json)
        if len(skus) > self.max_skus_per_call:
            raise Refusal("4171", f"E4171: At most {self.max_skus_per_call} SKUs per request")
        category = self.check_category(product.get("PrimaryCategory"))
        attributes = product.get("Attributes") or {}
        self.check_attributes(attributes, category)
        images = self.check_images(listed((product.get("Images") or {}).get("Image"), is_json))
        if not images:
            raise Refusal("4139", "E4139: Main image is required", [{"field": "Images", "message": "missing"}])
        if len(skus) != 1:
            raise Refusal("4133", "E4133: Invalid variation (this sandbox holds one SKU per product)")
        seller_sku, price, quantity = self.check_new_sku(skus[0], shop, is_json)
        item = SandboxItem(
            shop_id=shop.shop_id, item_id=str(self.state.next_id()), sku_id=str(self.state.next_id()),
            seller_sku=seller_sku, name=str(attributes["name"]), price=price, stock=quantity,
            description=str(attributes.get("description") or ""), images=images,
            payload={"PrimaryCategory": category.category_id, "Attributes": attributes, "Sku": skus[0]},
        )
        self.state.items[item.item_id] = item
        return {"item_id": int(item.item_id), "item_status": "Active",
                "sku_list": [{"shop_sku": self.shop_sku(item), "seller_sku": seller_sku, "sku_id": int(item.sku_id)}]}

    @staticmethod
    def shop_sku(item: SandboxItem) -> str:
        return f"{item.item_id}_VNAMZ-{item.sku_id}"

    def update_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        request, is_json = parse_request(params.get("payload"))
        product = request.get("Product") or {}
        if not product.get("ItemId"):
            raise Refusal("1", "E001: ItemId is mandatory", [{"field": "ItemId", "message": "missing"}])
        item = self.shop_item(shop, product["ItemId"])
        skus = listed((product.get("Skus") or {}).get("Sku"), is_json)
        if any(not str(sku.get("SkuId") or "") for sku in skus):
            raise Refusal("4216", "E4216: SkuId is mandatory", [{"field": "SkuId", "message": "missing"}])
        attributes = {**item.payload.get("Attributes", {}), **(product.get("Attributes") or {})}
        category = self.check_category(product.get("PrimaryCategory") or item.payload.get("PrimaryCategory"))
        self.check_attributes(attributes, category)
        if product.get("Images"):
            item.images = self.check_images(listed(product["Images"].get("Image"), is_json))
        for sku in skus:
            if str(sku["SkuId"]) != item.sku_id:
                raise Refusal("207", f"E207: SKU {sku['SkuId']} not found", [{"field": "SkuId",
                                                                             "message": str(sku["SkuId"])}])
            status = str(sku.get("Status") or "").lower()
            if status:
                item.status = {"active": "live", "inactive": "unlisted", "deleted": "deleted"}.get(status, item.status)
            if "price" in sku:
                item.price = money(sku["price"], "price")
        item.name = str(attributes["name"])
        item.description = str(attributes.get("description") or "")
        item.payload.update({"PrimaryCategory": category.category_id, "Attributes": attributes})
        item.updated_at = now()
        return {"item_status": PRODUCT_STATUS[item.status]}

    def sku_rows(self, params: dict[str, str]) -> list[dict[str, Any]]:
        request, is_json = parse_request(params.get("payload"))
        rows = listed(((request.get("Product") or {}).get("Skus") or {}).get("Sku"), is_json)
        if not rows:
            raise Refusal("30", "E030: Empty Request")
        if len(rows) > self.max_skus_per_call:
            raise Refusal("4171", f"E4171: At most {self.max_skus_per_call} SKUs per request; send 20 or fewer")
        for row in rows:
            if not isinstance(row, dict) or not str(row.get("SkuId") or ""):
                if isinstance(row, dict) and row.get("SellerSku"):
                    raise Refusal("4193", "E4193: SellerSku is no longer accepted as a key; send SkuId")
                raise Refusal("4216", "E4216: SkuId is mandatory", [{"field": "SkuId", "message": "missing"}])
        return rows

    def apply_sku_rows(self, shop: SandboxShop, rows: list[dict[str, Any]],
                       apply: Callable[[SandboxItem, dict[str, Any]], str | None]) -> dict[str, Any]:
        """Apply each row to its SKU; unknown or refused SKUs come back in ``detail`` with code 501."""
        detail = []
        for row in rows:
            item = self.shop_item_by_sku_id(shop, str(row["SkuId"]))
            problem = "SKU_NOT_FOUND" if item is None else apply(item, row)
            if problem:
                detail.append({"field": "SkuId", "message": problem, "seller_sku": str(row.get("SellerSku", "")),
                               "sku_id": str(row["SkuId"])})
            elif item is not None:
                item.updated_at = now()
        if detail:
            raise Refusal("501", "E501: Update product failed", detail, kind="ISP")
        return {}

    def reserved(self, item: SandboxItem) -> int:
        """Units of paid orders not yet shipped (Lazada's occupy bucket), which sellable stock does not hold."""
        return sum(line.quantity for order in self.state.orders.values()
                   if self.item_status(order) in OCCUPYING_STATUSES
                   for line in order.lines if line.item_id == item.item_id)

    def update_price_quantity(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        rows = self.sku_rows(params)
        prices = {id(row): money(row["Price"], "Price") for row in rows if "Price" in row}
        totals = {id(row): whole(row["Quantity"], "Quantity") for row in rows if "Quantity" in row}

        def apply(item: SandboxItem, row: dict[str, Any]) -> str | None:
            if id(row) in totals:
                if totals[id(row)] < self.reserved(item):
                    return "Quantity is below the stock held by open orders"
                item.stock = totals[id(row)] - self.reserved(item)
            if id(row) in prices:
                item.price = prices[id(row)]
            return None

        return self.apply_sku_rows(shop, rows, apply)

    def update_sellable_stock(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        rows = self.sku_rows(params)
        sellable = {id(row): whole(row.get("SellableQuantity", ""), "SellableQuantity") for row in rows}

        def apply(item: SandboxItem, row: dict[str, Any]) -> str | None:
            item.stock = sellable[id(row)]
            return None

        return self.apply_sku_rows(shop, rows, apply)

    def deactivate_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        request, _ = parse_request(params.get("apiRequestBody"), "apiRequestBody")
        item = self.shop_item(shop, (request.get("Product") or {}).get("ItemId"))
        if item.status != "live":
            raise Refusal("500", "E0004: Product Status not online", kind="ISP")
        item.status = "unlisted"
        item.updated_at = now()
        return {}

    def remove_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        keys = json_list(params.get("sku_id_list"), "sku_id_list", "5")
        if len(keys) > MAX_SKUS_PER_CALL:
            raise Refusal("4171", f"E4171: At most {MAX_SKUS_PER_CALL} SKUs per request")
        for key in keys:
            _, item_id, sku_id = (str(key).split("_") + ["", "", ""])[:3]
            item = self.shop_item(shop, item_id)
            if item.sku_id != sku_id:
                raise Refusal("207", f"E207: SKU {key} not found")
            item.status = "deleted"
            item.updated_at = now()
        return {}

    def get_products(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        chosen = params.get("filter")
        if chosen not in PRODUCT_FILTERS:
            raise Refusal("1", f"E001: filter must be one of {', '.join(PRODUCT_FILTERS)}")
        limit, offset = int(params.get("limit") or 10), int(params.get("offset") or 0)
        if not 0 < limit <= 50 or not 0 <= offset <= 10000:
            raise Refusal("19", "E019: limit must be 1..50 and offset 0..10000")
        wanted = None
        if params.get("sku_seller_list"):
            wanted = {str(s) for s in json_list(params["sku_seller_list"], "sku_seller_list", "5")}
            if len(wanted) > 100:
                raise Refusal("5", "E005: sku_seller_list holds at most 100 SKUs")
        after = parse_time(params["update_after"], "17") if params.get("update_after") else None
        items = [
            item for item in self.state.shop_items(shop.shop_id, include_deleted=True)
            if self.matches_filter(item, chosen)
            and (wanted is None or item.seller_sku in wanted)
            and (after is None or item.updated_at >= after)
        ]
        return {"total_products": len(items),
                "products": [self.product_view(item) for item in items[offset:offset + limit]]}

    @staticmethod
    def matches_filter(item: SandboxItem, chosen: str) -> bool:
        return {
            "all": item.status != "deleted",
            "live": item.status == "live",
            "inactive": item.status in ("unlisted", "hidden"),
            "deleted": item.status == "deleted",
            "sold-out": item.status == "live" and item.stock == 0,
        }.get(chosen, False)

    def product_view(self, item: SandboxItem) -> dict[str, Any]:
        reserved = self.reserved(item)
        sku = item.payload.get("Sku") or {}
        return {
            "item_id": int(item.item_id), "primary_category": int(item.payload.get("PrimaryCategory") or 0),
            "attributes": item.payload.get("Attributes") or {"name": item.name}, "images": item.images,
            "created_time": epoch_ms(item.created_at), "updated_time": epoch_ms(item.updated_at),
            "status": PRODUCT_STATUS[item.status], "subStatus": "",
            "skus": [{
                "SkuId": int(item.sku_id or 0), "SellerSku": item.seller_sku, "ShopSku": self.shop_sku(item),
                "Status": ITEM_STATUS[item.status], "quantity": item.stock + reserved, "Available": item.stock,
                "price": float(item.price), "special_price": 0.0, "Url": f"/shop/{item.shop_id}/{item.item_id}",
                "Images": item.images,
                **{k: v for k, v in sku.items() if k.startswith("package_")},
                "multiWarehouseInventories": [{
                    "warehouseCode": "dropshipping", "quantity": item.stock + reserved,
                    "totalQuantity": item.stock + reserved, "sellableQuantity": item.stock,
                    "withholdQuantity": 0, "occupyQuantity": reserved,
                }],
            }],
        }

    # --- images -------------------------------------------------------------------------------
    def migrate_image(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        request, _ = parse_request(params.get("payload"))
        image = request.get("Image")
        image = image[0] if isinstance(image, list) and image else image
        urls = image.get("Url") if isinstance(image, dict) else image
        url = str((urls if isinstance(urls, list) else [urls or ""])[0])
        parts = urlsplit(url)
        host = parts.hostname or ""
        try:
            ipaddress.ip_address(host)
            is_ip = True
        except ValueError:
            is_ip = False
        if parts.scheme not in ("http", "https") or parts.port not in (None, 80, 443) or is_ip or \
                host in ("", "localhost"):
            raise Refusal("302", f"E302: Unsupported image URL {url}", [{"field": "Url", "message": url}])
        return self.hosted_image(url.encode())

    def upload_image(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        content = files.get("image")
        if not content:
            raise Refusal("1", "E001: image is mandatory", [{"field": "image", "message": "missing"}])
        if len(content) > IMAGE_MAX_BYTES:
            raise Refusal("303", "E303: Image is larger than 3 MB")
        try:
            with Image.open(BytesIO(content)) as picture:
                kind, size = picture.format, picture.size
        except (UnidentifiedImageError, OSError):
            raise Refusal("301", "E301: Not a JPG or PNG image") from None
        low, high = IMAGE_SIDE_PX
        if kind not in ("JPEG", "PNG") or not all(low <= side <= high for side in size):
            raise Refusal("301", f"E301: Image must be JPG or PNG, {low}-{high} px a side (got {kind} {size})")
        return self.hosted_image(content)

    @staticmethod
    def hosted_image(content: bytes) -> dict[str, Any]:
        digest = hashlib.sha1(content).hexdigest()
        return {"image": {"url": f"{IMAGE_HOST}{digest}.jpg", "hash_code": digest}}

    # --- orders -------------------------------------------------------------------------------
    def item_status(self, order: SandboxOrder) -> str:
        if order.status == "cancelled":
            return "canceled"
        return self.fulfilment.get(order.order_id, "pending")

    def order_view(self, order: SandboxOrder) -> dict[str, Any]:
        units = sum(line.quantity for line in order.lines)
        return {
            "order_id": int(order.order_id), "order_number": int(order.order_id),
            "created_at": lazada_time(order.created_at), "updated_at": lazada_time(order.updated_at),
            "price": f"{order.total}.00", "voucher": "0.00", "voucher_seller": "0.00", "voucher_platform": "0.00",
            "shipping_fee": "0.00", "items_count": units, "payment_method": "COD",
            "statuses": [self.item_status(order)], "warehouse_code": "dropshipping", "tax_code": "",
            "remarks": "", "buyer_note": "", "gift_option": False,
            "address_shipping": {"first_name": "Khách hàng", "phone": "0912345678", "address1": "Phường Phan Đình Phùng",
                                 "city": "Thái Nguyên", "country": "Vietnam", "post_code": "250000",
                                 "addressDsitrict": ""},
        }

    def order_items_view(self, order: SandboxOrder) -> list[dict[str, Any]]:
        """One order item per unit sold, as Lazada answers (§5.2)."""
        items = []
        for line_number, line in enumerate(order.lines, start=1):
            for unit in range(1, line.quantity + 1):
                items.append({
                    "order_item_id": int(f"{order.order_id}{line_number:02d}{unit:03d}"),
                    "order_id": int(order.order_id), "sku": line.seller_sku, "sku_id": line.sku_id,
                    "shop_sku": f"{line.item_id}_VNAMZ-{line.sku_id}", "product_id": line.item_id,
                    "name": line.name, "variation": "", "item_price": f"{line.unit_price}.00",
                    "paid_price": f"{line.unit_price}.00", "voucher_amount": "0.00", "tax_amount": "0.00",
                    "shipping_amount": "0.00", "currency": "VND", "status": self.item_status(order),
                    "cancel_return_initiator": "buyer-cancel" if order.status == "cancelled" else "",
                    "created_at": lazada_time(order.created_at), "updated_at": lazada_time(order.updated_at),
                    "shipping_type": "Dropshipping", "warehouse_code": "dropshipping", "is_fbl": 0,
                })
        return items

    def get_orders(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        if not (params.get("update_after") or params.get("created_after")):
            raise Refusal("1", "E001: created_after or update_after is mandatory")
        bounds = {name: parse_time(params[name], "17") for name in
                  ("update_after", "update_before", "created_after", "created_before") if params.get(name)}
        status = params.get("status", "all")
        if status not in ORDER_STATUSES:
            raise Refusal("36", f"E036: Invalid status filter {status}")
        limit, offset = int(params.get("limit") or 100), int(params.get("offset") or 0)
        if not 0 < limit <= 100 or not 0 <= offset <= 5000:
            # no code is documented for these two; E019 is the products call's paging code [?]
            raise Refusal("19", "E019: limit must be 1..100 and offset 0..5000")
        sort_by = params.get("sort_by", "created_at")
        orders = [order for order in self.state.orders.values()
                  if order.shop_id == shop.shop_id and self.in_window(order, bounds)
                  and status in ("all", self.item_status(order))]
        orders.sort(key=lambda o: self.seconds(o.updated_at if sort_by == "updated_at" else o.created_at),
                    reverse=params.get("sort_direction", "DESC").upper() == "DESC")
        page = orders[offset:offset + limit]
        return {"count": len(page), "countTotal": len(orders), "orders": [self.order_view(o) for o in page]}

    @staticmethod
    def seconds(moment: datetime) -> datetime:
        return moment.replace(microsecond=0)

    def in_window(self, order: SandboxOrder, bounds: dict[str, datetime]) -> bool:
        updated, created = self.seconds(order.updated_at), self.seconds(order.created_at)
        return all((
            "update_after" not in bounds or updated >= bounds["update_after"],
            "update_before" not in bounds or updated <= bounds["update_before"],
            "created_after" not in bounds or created >= bounds["created_after"],
            "created_before" not in bounds or created <= bounds["created_before"],
        ))

    def get_orders_items(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        ids = json_list(params.get("order_ids"), "order_ids", "56")
        if len(ids) > 50:
            raise Refusal("38", "E038: Too many orders; at most 50")
        if not all(str(i).isdigit() for i in ids):
            raise Refusal("37", "E037: Invalid order ID")
        found = [self.state.orders[str(i)] for i in ids
                 if str(i) in self.state.orders and self.state.orders[str(i)].shop_id == shop.shop_id]
        if not found:
            raise Refusal("39", "E039: No orders were found")
        data = [{"order_id": int(o.order_id), "order_number": int(o.order_id),
                 "order_items": self.order_items_view(o)} for o in found]
        return {"_top": {"data": data}}

    def get_order_items(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        order = self.state.orders.get(str(params.get("order_id", "")))
        if order is None or order.shop_id != shop.shop_id:
            raise Refusal("16", "E016: Invalid Order ID")
        return {"_top": {"data": self.order_items_view(order)}}

    # --- public pages -------------------------------------------------------------------------
    async def _product_page(self, request: Request) -> Response:
        """An item the seller deactivated is gone for shoppers too."""
        item = self.state.items.get(request.path_params["item_id"])
        if item is not None and item.status == "unlisted":
            return HTMLResponse("<html><body><h1>Sản phẩm không tồn tại</h1></body></html>", status_code=404)
        return await super()._product_page(request)

    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        in_stock = item.stock > 0
        offer = {"@type": "Offer", "price": item.price, "priceCurrency": "VND",
                 "availability": f"https://schema.org/{'InStock' if in_stock else 'OutOfStock'}",
                 "url": f"/shop/{shop.shop_id}/{item.item_id}"}
        data = {"@context": "https://schema.org", "@type": "Product", "name": item.name, "sku": item.seller_sku,
                "productID": item.item_id, "image": item.images, "brand": {"@type": "Brand", "name": "No Brand"},
                "offers": offer}
        ld = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        stock_line = f"Còn {item.stock} sản phẩm" + ("" if in_stock else " · Hết hàng")
        picture = f'<img class="gallery-preview-panel__image" src="{escape(item.images[0])}" alt="">' \
            if item.images else ""
        return (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(item.name)} | Lazada.vn</title>"
            f'<script type="application/ld+json">{ld}</script></head><body>'
            '<div id="pdp"><div class="breadcrumb">Lazada Việt Nam › Bách Hóa Online</div>'
            f'<div class="pdp-block__gallery">{picture}</div>'
            f'<h1 class="pdp-mod-product-badge-title">{escape(item.name)}</h1>'
            f'<div class="pdp-review-summary"><span class="pdp-sold">Đã bán {item.sold}</span></div>'
            f'<div class="pdp-product-price"><span class="pdp-price">{format_vnd(item.price)}</span></div>'
            f'<div class="pdp-mod-stock"><span class="quantity-content-default">{stock_line}</span></div>'
            f'<div class="seller-name">Nhà bán: <a href="/shop/{shop.shop_id}">{escape(shop.name)}</a></div>'
            f'<div class="pdp-product-detail">{item.description}</div>'
            "</div></body></html>"
        )
