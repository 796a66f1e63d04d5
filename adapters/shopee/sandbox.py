"""A local Shopee Open Platform v2 that rejects what Shopee rejects (reference shopee.md §8).

Same paths (``/api/v2/...``), the same common parameters, signature and five-minute timestamp window,
the same envelope (``request_id``, ``error``, ``message``, ``warning``, ``response``; token answers
flat), tokens that are issued, refreshed (the refresh token is single use) and expire, Shopee's
error codes naming the field, its caps and paging, and ``error_rate_limit`` for a caller over the
limit. Category ids, attribute ids and logistics channels are the sandbox's own (categories.py).
"""

from __future__ import annotations

import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox import MarketplaceSandbox, SandboxItem, SandboxOrder, SandboxShop, now
from adapters.shopee import CAPABILITIES, categories, envelope
from adapters.shopee.signing import PUBLIC_PATHS, sign
from catalog.money import format_vnd

API = "/api/v2"
ACCESS_TTL_S = 14400
REFRESH_TTL_S = 30 * 24 * 3600
CODE_TTL_S = 600
OLD_TOKEN_GRACE_S = 300
TIMESTAMP_WINDOW_S = 300
MAX_IDS = 50
MAX_PAGE_SIZE = 100
MAX_ORDER_WINDOW_S = 15 * 24 * 3600
MAX_IMAGE_BYTES = 10 * 1024 * 1024
NAME_MIN, NAME_MAX = CAPABILITIES.name_length
DESCRIPTION_MIN = 10
DESCRIPTION_MAX = CAPABILITIES.description_max_length
MAX_HASHTAGS = 18
PRICE_MIN, PRICE_MAX = 1000, 120_000_000
STOCK_MAX = 10_000_000
ADD_ITEM_REQUIRED = ("original_price", "description", "weight", "item_name", "logistic_info", "category_id",
                     "image")
STATUS_TO_SHOPEE = {"live": "NORMAL", "unlisted": "UNLIST", "hidden": "BANNED", "deleted": "SELLER_DELETE"}
ORDER_TIMES = {"create_time": "created_at", "update_time": "updated_at"}
ORDER_STATUS_TO_SHOPEE = {"open": "READY_TO_SHIP", "cancelled": "CANCELLED"}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
IMAGE_HOST = "https://cf.shopee.vn/file/"


class Refusal(Exception):
    """Shopee's error answer: a code, a message naming the field, and an HTTP status."""

    def __init__(self, code: str, message: str, status: int = 200):
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def missing(field: str, module: str = "product") -> Refusal:
    return Refusal(f"{module}.{envelope.ERROR_PARAM}", f"Wrong parameters, detail: {field} is required.")


def wrong(field: str, reason: str, module: str = "product") -> Refusal:
    return Refusal(f"{module}.{envelope.ERROR_PARAM}", f"Wrong parameters, detail: {field} {reason}.")


def is_whole(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


def envelope_body(response: dict[str, Any] | None = None, *, error: str = "", message: str = "",
                  warning: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"request_id": secrets.token_hex(16), "error": error, "message": message}
    if warning:
        body["warning"] = warning
    if response is not None:
        body["response"] = response
    return body


def refusal_response(refusal: Refusal) -> JSONResponse:
    return JSONResponse(envelope_body(error=refusal.code, message=refusal.message), status_code=refusal.status)


@dataclass
class Caller:
    """Who is calling: the partner, and for shop calls the shop the access token belongs to."""

    partner_id: str
    shop: SandboxShop | None = None


Handler = Callable[[Request, Caller], Awaitable[dict[str, Any]]]


class ShopeeSandbox(MarketplaceSandbox):
    marketplace = "shopee"
    default_port = 8701
    default_rate_limit_per_s = CAPABILITIES.requests_per_second

    # --- what the base asks for ---------------------------------------------------------------
    def api_routes(self) -> list[BaseRoute]:
        routes = {
            "auth/token/get": ("POST", self.token_get, True),
            "auth/access_token/get": ("POST", self.access_token_get, True),
            "media_space/upload_image": ("POST", self.upload_image, False),
            "product/add_item": ("POST", self.add_item, False),
            "product/update_item": ("POST", self.update_item, False),
            "product/update_price": ("POST", self.update_price, False),
            "product/update_stock": ("POST", self.update_stock, False),
            "product/unlist_item": ("POST", self.unlist_item, False),
            "product/get_item_list": ("GET", self.get_item_list, False),
            "product/search_item": ("GET", self.search_item, False),
            "product/get_item_base_info": ("GET", self.get_item_base_info, False),
            "order/get_order_list": ("GET", self.get_order_list, False),
            "order/get_order_detail": ("GET", self.get_order_detail, False),
        }
        return [
            Route(f"{API}/{api}", self._endpoint(f"{API}/{api}", handler, flat), methods=[method])
            for api, (method, handler, flat) in routes.items()
        ]

    def open_shop(self, name: str) -> dict[str, Any]:
        shop_id = str(self.state.next_id())
        partner_id = str(2_000_000 + self.state.next_id())
        shop = SandboxShop(shop_id=shop_id, name=name, app_key=partner_id,
                           app_secret="shpk" + secrets.token_hex(30), extra={"images": set()})
        self.state.shops[shop_id] = shop
        return {"shop_id": int(shop_id), "partner_id": int(partner_id), "partner_key": shop.app_secret,
                "code": self.issue_code(shop), "name": name}

    def issue_code(self, shop: SandboxShop) -> str:
        """A code the seller's consent hands back: single use, good for 10 minutes."""
        code = self.state.issue_code(shop.shop_id)
        shop.extra.setdefault("code_expires", {})[code] = time.time() + CODE_TTL_S
        return code

    def rate_limited_response(self) -> Response:
        return refusal_response(Refusal(envelope.ERROR_RATE_LIMIT,
                                        "Too many requests. You have reached the rate limit.", 429))

    def server_error_response(self) -> Response:
        return refusal_response(Refusal(envelope.ERROR_SERVER, "System error, please try again later.", 500))

    def rate_limit_key(self, request: Request) -> str | None:
        if not request.url.path.startswith(API):
            return None
        query = request.query_params
        return f"{query.get('partner_id', '')}:{query.get('shop_id', '')}"

    # --- the common checks --------------------------------------------------------------------
    def _endpoint(self, path: str, handler: Handler, flat: bool) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                caller = self._authenticate(request, path)
                answer = await handler(request, caller)
            except Refusal as refusal:
                self.set_outcome(request, refusal.code)
                return refusal_response(refusal)
            if flat:
                return JSONResponse({**envelope_body(), **answer})
            warning = "Some items failed, see failure_list." if answer.get("failure_list") else ""
            return JSONResponse(envelope_body(answer, warning=warning))

        return endpoint

    def _partner_key(self, partner_id: str) -> str | None:
        for shop in self.state.shops.values():
            if shop.app_key == partner_id:
                return shop.app_secret
        return None

    def _authenticate(self, request: Request, path: str) -> Caller:
        """§8.1–2: partner, timestamp within 5 minutes, sign, then the shop's access token."""
        query = request.query_params
        partner_id = query.get("partner_id", "")
        if not partner_id:
            raise Refusal(envelope.ERROR_PARAM, "There is no partner_id in query.", 403)
        key = self._partner_key(partner_id)
        if key is None:
            raise Refusal(envelope.ERROR_PARAM, "Invalid partner_id.", 403)
        stamp = query.get("timestamp", "")
        if not stamp.isdigit():
            raise Refusal(envelope.ERROR_PARAM, "There is no timestamp in query." if not stamp
                          else "Invalid timestamp.", 403)
        if abs(time.time() - int(stamp)) > TIMESTAMP_WINDOW_S:
            raise Refusal(envelope.ERROR_PARAM, "Timestamp is expired.", 403)
        given = query.get("sign", "")
        if not given:
            raise Refusal(envelope.ERROR_PARAM, "There is no sign in query.", 403)
        if path in PUBLIC_PATHS:
            expected = sign(key, partner_id, path, int(stamp))
            if not hmac.compare_digest(given, expected):
                raise Refusal(envelope.ERROR_SIGN, "Wrong sign.", 403)
            return Caller(partner_id)
        token, shop_id = query.get("access_token", ""), query.get("shop_id", "")
        for name, value in (("access_token", token), ("shop_id", shop_id)):
            if not value:
                raise Refusal(envelope.ERROR_PARAM, f"There is no {name} in query.", 403)
        if not hmac.compare_digest(given, sign(key, partner_id, path, int(stamp), token, shop_id)):
            raise Refusal(envelope.ERROR_SIGN, "Wrong sign.", 403)
        owner, state = self.state.check_access_token(token)
        if state == "expired":
            raise Refusal(envelope.INVALID_ACCESS_TOKEN, "Invalid access_token.", 403)
        if owner is None:
            raise Refusal(envelope.ERROR_AUTH, "Invalid access_token.", 403)
        shop = self.state.shops.get(owner)
        if owner != shop_id or shop is None or shop.app_key != partner_id:
            raise Refusal(envelope.ERROR_AUTH, "Invalid partner_id or shopid.", 403)
        return Caller(partner_id, shop)

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise Refusal(envelope.ERROR_PARAM, "Wrong parameters, detail: body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise Refusal(envelope.ERROR_PARAM, "Wrong parameters, detail: body must be a JSON object.")
        return body

    @staticmethod
    def _shop(caller: Caller) -> SandboxShop:
        assert caller.shop is not None  # shop calls always authenticate a shop
        return caller.shop

    # --- auth ---------------------------------------------------------------------------------
    def _issue(self, shop: SandboxShop) -> dict[str, Any]:
        access, refresh = self.state.issue_tokens(shop.shop_id, ACCESS_TTL_S, REFRESH_TTL_S)
        return {"access_token": access.value, "refresh_token": refresh.value, "expire_in": ACCESS_TTL_S}

    def _body_shop(self, body: dict[str, Any], caller: Caller) -> SandboxShop:
        if str(body.get("partner_id", "")) != caller.partner_id:
            raise wrong("partner_id", "does not match the partner_id in query", "common")
        if "shop_id" not in body:
            raise missing("shop_id", "common")
        shop = self.state.shops.get(str(body["shop_id"]))
        if shop is None or shop.app_key != caller.partner_id:
            raise Refusal(envelope.ERROR_AUTH, "Invalid partner_id or shopid.", 403)
        return shop

    async def token_get(self, request: Request, caller: Caller) -> dict[str, Any]:
        """A one-time code (10 minutes) for the shop's first token pair."""
        body = await self._json(request)
        if not body.get("code"):
            raise missing("code", "common")
        shop = self._body_shop(body, caller)
        code = str(body["code"])
        expires = shop.extra.get("code_expires", {}).pop(code, 0)
        if self.state.redeem_code(code) != shop.shop_id or expires < time.time():
            raise Refusal(envelope.INVALID_CODE, "Invalid code.", 403)
        return {**self._issue(shop), "shop_id_list": [int(shop.shop_id)], "merchant_id_list": []}

    async def access_token_get(self, request: Request, caller: Caller) -> dict[str, Any]:
        """A new pair for a refresh token, which is spent; the old access token lives 5 more minutes."""
        body = await self._json(request)
        if not body.get("refresh_token"):
            raise missing("refresh_token", "common")
        shop = self._body_shop(body, caller)
        if self.state.use_refresh_token(str(body["refresh_token"])) != shop.shop_id:
            raise Refusal(envelope.ERROR_REFRESH_TOKEN, "Invalid refresh_token.", 403)
        grace = time.time() + OLD_TOKEN_GRACE_S
        for token in self.state.access_tokens.values():
            if token.shop_id == shop.shop_id:
                token.expires_at = min(token.expires_at, grace)
        return {**self._issue(shop), "partner_id": int(caller.partner_id), "shop_id": int(shop.shop_id)}

    # --- media --------------------------------------------------------------------------------
    async def upload_image(self, request: Request, caller: Caller) -> dict[str, Any]:
        """A JPG or PNG of at most 10 MB in the multipart field ``image``."""
        form = await request.form()
        upload = form.get("image")
        if not isinstance(upload, UploadFile):
            raise missing("image", "media_space")
        content = await upload.read()
        if len(content) > MAX_IMAGE_BYTES:
            raise wrong("image", "is larger than 10 MB", "media_space")
        if not content.startswith(IMAGE_MAGIC):
            raise wrong("image", "must be a JPG, JPEG or PNG file", "media_space")
        image_id = f"vn-11134207-{secrets.token_hex(12)}"
        for shop in self.state.shops.values():
            if shop.app_key == caller.partner_id:
                shop.extra.setdefault("images", set()).add(image_id)
        return {"image_info": {"image_id": image_id, "image_url_list": [
            {"image_url_region": "VN", "image_url": IMAGE_HOST + image_id}]}}

    # --- item validation ----------------------------------------------------------------------
    def _validate(self, body: dict[str, Any], shop: SandboxShop, *, creating: bool) -> None:
        if creating:
            for name in ADD_ITEM_REQUIRED:
                if body.get(name) in (None, "", [], {}):
                    raise missing(name)
        if "item_name" in body:
            self._check_name(body["item_name"])
        if "description" in body:
            self._check_description(body["description"])
        if "original_price" in body:
            self._check_price(body["original_price"], "original_price")
        if "weight" in body and not (isinstance(body["weight"], int | float) and 0 < body["weight"] <= 1000):
            raise wrong("weight", "must be a number of kilograms above 0")
        if "dimension" in body:
            self._check_dimension(body["dimension"])
        if "category_id" in body:
            self._check_category(body["category_id"], body.get("attribute_list") or [])
        if "image" in body:
            self._check_images(body["image"], shop)
        if "logistic_info" in body:
            self._check_logistics(body["logistic_info"])
        for entry in body.get("seller_stock") or []:
            self._check_stock(entry, "seller_stock.stock")

    @staticmethod
    def _check_name(name: Any) -> None:
        if not isinstance(name, str) or len(name.strip()) < NAME_MIN:
            raise Refusal("product.error_item_name_is_too_short",
                          f"Item name is too short: item_name needs at least {NAME_MIN} characters.")
        if len(name) > NAME_MAX:
            raise Refusal("product.error_name_length_limit",
                          f"Item name length exceeds the limit: item_name may have at most {NAME_MAX} characters.")

    @staticmethod
    def _check_description(description: Any) -> None:
        if not isinstance(description, str) or len(description.strip()) < DESCRIPTION_MIN:
            raise Refusal("product.error_desc_length_min_limit",
                          f"Description is too short: description needs at least {DESCRIPTION_MIN} characters.")
        if len(description) > DESCRIPTION_MAX:
            raise wrong("description", f"may have at most {DESCRIPTION_MAX} characters")
        if description.count("#") > MAX_HASHTAGS:
            raise Refusal("product.error_desc_hash_tag_over_limit",
                          f"description may have at most {MAX_HASHTAGS} hashtags.")

    @staticmethod
    def _check_price(price: Any, field: str) -> None:
        if not is_whole(price):
            raise wrong(field, "must be a whole number of đồng for VN")
        if price < PRICE_MIN:
            raise Refusal("product.error_price_exceed_min_limitt", f"{field} is below the minimum {PRICE_MIN}.")
        if price > PRICE_MAX:
            raise Refusal("product.error_price_exceed_max_limitt", f"{field} is above the maximum {PRICE_MAX}.")

    @staticmethod
    def _check_stock(entry: Any, field: str) -> None:
        stock = entry.get("stock") if isinstance(entry, dict) else None
        if stock is None:
            raise missing(field)
        if not isinstance(stock, int) or isinstance(stock, bool) or not 0 <= stock <= STOCK_MAX:
            raise wrong(field, f"must be a whole number from 0 to {STOCK_MAX}")

    @staticmethod
    def _check_dimension(box: Any) -> None:
        for side in ("package_length", "package_width", "package_height"):
            value = box.get(side) if isinstance(box, dict) else None
            if value is None:
                raise missing(f"dimension.{side}")
            if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
                raise wrong(f"dimension.{side}", "must be a whole number of centimetres above 0")

    @staticmethod
    def _check_category(category_id: Any, attributes: list[dict[str, Any]]) -> None:
        category = categories.BY_ID.get(category_id) if isinstance(category_id, int) else None
        if category is None:
            raise Refusal("product.error_invalid_category", f"category_id {category_id} is not a valid leaf category.")
        given = {
            entry.get("attribute_id")
            for entry in attributes
            if any(str(value.get("original_value_name") or value.get("value_id") or "").strip()
                   for value in entry.get("attribute_value_list") or [])
        }
        for attribute in category.mandatory:
            if attribute.attribute_id not in given:
                raise Refusal("product.error_less_required_attribute",
                              f"attribute_list lacks the mandatory attribute {attribute.name} "
                              f"({attribute.attribute_id}).")

    @staticmethod
    def _check_images(image: Any, shop: SandboxShop) -> None:
        ids = image.get("image_id_list") if isinstance(image, dict) else None
        if not ids:
            raise Refusal("product.error_image_num_min", "image.image_id_list needs at least 1 image.")
        if len(ids) > CAPABILITIES.max_images:
            raise wrong("image.image_id_list", f"may hold at most {CAPABILITIES.max_images} images")
        unknown = [image_id for image_id in ids if image_id not in shop.extra.get("images", set())]
        if unknown:
            raise wrong("image.image_id_list", f"holds an image id that was not uploaded: {unknown[0]}")

    @staticmethod
    def _check_logistics(channels: Any) -> None:
        if not isinstance(channels, list) or not channels:
            raise missing("logistic_info")
        for channel in channels:
            if not isinstance(channel, dict) or "logistic_id" not in channel or "enabled" not in channel:
                raise missing("logistic_info.logistic_id")
            if channel["logistic_id"] not in categories.ENABLED_LOGISTIC_IDS:
                raise Refusal("product.error_invalid_logistic_info",
                              f"logistic_info: channel {channel['logistic_id']} is not enabled for this shop.")

    # --- items --------------------------------------------------------------------------------
    def _item(self, shop: SandboxShop, item_id: Any) -> SandboxItem:
        item = self.state.items.get(str(item_id))
        if item is None or item.shop_id != shop.shop_id or item.status == "deleted":
            raise Refusal(f"product.{envelope.ITEM_NOT_FOUND}", f"item_id {item_id} not found.")
        return item

    @staticmethod
    def _apply(item: SandboxItem, body: dict[str, Any]) -> None:
        if "item_name" in body:
            item.name = body["item_name"]
        if "description" in body:
            item.description = body["description"]
        if "item_sku" in body:
            item.seller_sku = str(body["item_sku"])
        if "image" in body:
            item.images = [IMAGE_HOST + image_id for image_id in body["image"]["image_id_list"]]
        if body.get("item_status") in ("NORMAL", "UNLIST"):
            item.status = "live" if body["item_status"] == "NORMAL" else "unlisted"
        item.payload = {**item.payload, **body}
        item.updated_at = now()

    async def add_item(self, request: Request, caller: Caller) -> dict[str, Any]:
        self.count_write()
        body, shop = await self._json(request), self._shop(caller)
        self._validate(body, shop, creating=True)
        stock = sum(entry["stock"] for entry in body.get("seller_stock") or [])
        item = SandboxItem(shop_id=shop.shop_id, item_id=str(self.state.next_id()), seller_sku="",
                           name="", price=int(body["original_price"]), stock=stock)
        self._apply(item, body)
        self.state.items[item.item_id] = item
        return {"item_id": int(item.item_id), "item_name": item.name, "item_status": STATUS_TO_SHOPEE[item.status],
                "price_info": {"original_price": item.price, "current_price": item.price},
                "images": body["image"], "seller_stock": body.get("seller_stock") or []}

    async def update_item(self, request: Request, caller: Caller) -> dict[str, Any]:
        self.count_write()
        body, shop = await self._json(request), self._shop(caller)
        if "item_id" not in body:
            raise missing("item_id")
        item = self._item(shop, body["item_id"])
        self._validate(body, shop, creating=False)
        self._apply(item, body)
        return {"item_id": int(item.item_id), "item_name": item.name, "item_status": STATUS_TO_SHOPEE[item.status]}

    async def _models(self, request: Request, caller: Caller, list_key: str) -> tuple[SandboxItem, list[Any]]:
        body = await self._json(request)
        if "item_id" not in body:
            raise missing("item_id")
        entries = body.get(list_key)
        if not isinstance(entries, list) or not entries:
            raise missing(list_key)
        if len(entries) > MAX_IDS:
            raise wrong(list_key, f"may hold at most {MAX_IDS} models")
        return self._item(self._shop(caller), body["item_id"]), entries

    async def update_price(self, request: Request, caller: Caller) -> dict[str, Any]:
        """One item per call; an item without variants has the single model 0."""
        self.count_write()
        item, entries = await self._models(request, caller, "price_list")
        success, failed = [], []
        for entry in entries:
            if "original_price" not in entry:
                raise missing("price_list.original_price")
            self._check_price(entry["original_price"], "price_list.original_price")
            model_id = int(entry.get("model_id") or 0)
            if model_id:
                failed.append({"model_id": model_id, "failed_reason": f"model_id {model_id} not found"})
                continue
            item.price = int(entry["original_price"])
            item.updated_at = now()
            success.append({"model_id": 0, "original_price": item.price})
        return {"success_list": success, "failure_list": failed}

    async def update_stock(self, request: Request, caller: Caller) -> dict[str, Any]:
        self.count_write()
        item, entries = await self._models(request, caller, "stock_list")
        success, failed = [], []
        for entry in entries:
            stocks = entry.get("seller_stock")
            if not isinstance(stocks, list) or not stocks:
                raise missing("stock_list.seller_stock")
            for stock in stocks:
                self._check_stock(stock, "stock_list.seller_stock.stock")
            model_id = int(entry.get("model_id") or 0)
            if model_id:
                failed.append({"model_id": model_id, "failed_reason": f"model_id {model_id} not found"})
                continue
            item.stock = sum(stock["stock"] for stock in stocks)
            item.updated_at = now()
            success.append({"model_id": 0, "location_id": "VNZ", "stock": item.stock})
        return {"success_list": success, "failure_list": failed}

    async def unlist_item(self, request: Request, caller: Caller) -> dict[str, Any]:
        self.count_write()
        body, shop = await self._json(request), self._shop(caller)
        entries = body.get("item_list")
        if not isinstance(entries, list) or not entries:
            raise missing("item_list")
        if len(entries) > MAX_IDS:
            raise wrong("item_list", f"may hold at most {MAX_IDS} items")
        success, failed = [], []
        for entry in entries:
            if "item_id" not in entry or "unlist" not in entry:
                raise missing("item_list.item_id" if "item_id" not in entry else "item_list.unlist")
            try:
                item = self._item(shop, entry["item_id"])
            except Refusal as refusal:
                failed.append({"item_id": entry["item_id"], "failed_reason": refusal.message})
                continue
            if item.status == "hidden":
                failed.append({"item_id": entry["item_id"], "failed_reason": "item is banned"})
                continue
            item.status = "unlisted" if entry["unlist"] else "live"
            item.updated_at = now()
            success.append({"item_id": int(item.item_id), "unlist": bool(entry["unlist"])})
        return {"success_list": success, "failure_list": failed}

    @staticmethod
    def _page_size(request: Request) -> int:
        raw = request.query_params.get("page_size", "")
        if not raw:
            raise missing("page_size")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise wrong("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
        return int(raw)

    @staticmethod
    def _statuses(request: Request) -> set[str]:
        statuses = set(request.query_params.getlist("item_status"))
        if not statuses:
            raise missing("item_status")
        return statuses

    def _listed(self, shop: SandboxShop, statuses: set[str]) -> list[SandboxItem]:
        items = self.state.shop_items(shop.shop_id, include_deleted=True)
        return sorted((item for item in items if STATUS_TO_SHOPEE[item.status] in statuses),
                      key=lambda item: int(item.item_id))

    async def get_item_list(self, request: Request, caller: Caller) -> dict[str, Any]:
        query = request.query_params
        if not query.get("offset", "").isdigit():
            raise missing("offset")
        offset, size = int(query["offset"]), self._page_size(request)
        items = self._listed(self._shop(caller), self._statuses(request))
        since, until = int(query.get("update_time_from") or 0), int(query.get("update_time_to") or 2**40)
        items = [item for item in items if since <= item.updated_at.timestamp() <= until]
        page = items[offset: offset + size]
        more = offset + size < len(items)
        return {"item": [{"item_id": int(item.item_id), "item_status": STATUS_TO_SHOPEE[item.status],
                          "update_time": int(item.updated_at.timestamp())} for item in page],
                "total_count": len(items), "has_next_page": more, "next_offset": offset + size if more else 0}

    async def search_item(self, request: Request, caller: Caller) -> dict[str, Any]:
        """A loose search: ``item_sku``/``item_name`` match anywhere, case-insensitively."""
        query = request.query_params
        size = self._page_size(request)
        offset = int(query.get("offset") or 0)
        statuses = set(query.getlist("item_status")) or {"NORMAL"}
        sku, name = query.get("item_sku", "").lower(), query.get("item_name", "").lower()
        found = [item for item in self._listed(self._shop(caller), statuses)
                 if sku in item.seller_sku.lower() and name in item.name.lower()]
        page = found[offset: offset + size]
        following = offset + size if offset + size < len(found) else ""
        return {"item_id_list": [int(item.item_id) for item in page], "total_count": len(found),
                "next_offset": str(following)}

    async def get_item_base_info(self, request: Request, caller: Caller) -> dict[str, Any]:
        raw = request.query_params.get("item_id_list", "")
        ids = [part for part in raw.split(",") if part.strip()]
        if not ids:
            raise missing("item_id_list")
        if len(ids) > MAX_IDS:
            raise wrong("item_id_list", f"may hold at most {MAX_IDS} ids")
        shop = self._shop(caller)
        items = [self.state.items.get(item_id.strip()) for item_id in ids]
        return {"item_list": [self._base_info(item) for item in items if item is not None and item.shop_id ==
                              shop.shop_id]}

    @staticmethod
    def _base_info(item: SandboxItem) -> dict[str, Any]:
        payload = item.payload
        return {
            "item_id": int(item.item_id), "category_id": payload.get("category_id"), "item_name": item.name,
            "description": item.description, "item_sku": item.seller_sku,
            "create_time": int(item.created_at.timestamp()), "update_time": int(item.updated_at.timestamp()),
            "attribute_list": payload.get("attribute_list", []),
            "price_info": [{"currency": "VND", "original_price": item.price, "current_price": item.price}],
            "image": payload.get("image", {}), "weight": str(payload.get("weight", "")),
            "dimension": payload.get("dimension", {}), "condition": payload.get("condition", "NEW"),
            "item_status": STATUS_TO_SHOPEE[item.status], "has_model": False, "brand": payload.get("brand", {}),
            "stock_info_v2": {"summary_info": {"total_reserved_stock": 0, "total_available_stock": item.stock},
                              "seller_stock": [{"location_id": "VNZ", "stock": item.stock, "if_saleable": True}]},
        }

    # --- orders -------------------------------------------------------------------------------
    async def get_order_list(self, request: Request, caller: Caller) -> dict[str, Any]:
        """Orders in a window of at most 15 days by create or update time, paged by cursor."""
        query = request.query_params
        field = query.get("time_range_field", "")
        if field not in ("create_time", "update_time"):
            raise missing("time_range_field", "order") if not field else wrong("time_range_field",
                                                                                "must be create_time or update_time",
                                                                                "order")
        for name in ("time_from", "time_to"):
            if not query.get(name, "").isdigit():
                raise missing(name, "order")
        start, end = int(query["time_from"]), int(query["time_to"])
        if end < start or end - start > MAX_ORDER_WINDOW_S:
            raise Refusal("order.order_list_invalid_time",
                          "time_to - time_from must be between 0 and 15 days.")
        size = self._page_size(request)
        cursor = query.get("cursor") or "0"
        if not cursor.isdigit():
            raise wrong("cursor", "is not a cursor this call returned", "order")
        wanted = query.get("order_status")
        shop = self._shop(caller)
        orders = sorted(
            (order for order in self.state.orders.values()
             if order.shop_id == shop.shop_id
             and start <= int(getattr(order, ORDER_TIMES[field]).timestamp()) <= end
             and (wanted is None or ORDER_STATUS_TO_SHOPEE[order.status] == wanted)),
            key=lambda order: (order.created_at, order.order_id),
        )
        offset = int(cursor)
        page = orders[offset: offset + size]
        more = offset + size < len(orders)
        with_status = "order_status" in query.get("response_optional_fields", "")
        return {"more": more, "next_cursor": str(offset + size) if more else "",
                "order_list": [{"order_sn": order.order_id,
                                **({"order_status": ORDER_STATUS_TO_SHOPEE[order.status]} if with_status else {})}
                               for order in page]}

    async def get_order_detail(self, request: Request, caller: Caller) -> dict[str, Any]:
        query = request.query_params
        sns = [part.strip() for part in query.get("order_sn_list", "").split(",") if part.strip()]
        if not sns:
            raise missing("order_sn_list", "order")
        if len(sns) > MAX_IDS:
            raise wrong("order_sn_list", f"may hold at most {MAX_IDS} order_sn", "order")
        optional = set(query.get("response_optional_fields", "").split(","))
        shop = self._shop(caller)
        orders = [self.state.orders.get(sn) for sn in sns]
        return {"order_list": [self._order_detail(order, optional) for order in orders
                               if order is not None and order.shop_id == shop.shop_id]}

    @staticmethod
    def _order_detail(order: SandboxOrder, optional: set[str]) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "order_sn": order.order_id, "region": "VN", "currency": "VND", "cod": False,
            "order_status": ORDER_STATUS_TO_SHOPEE[order.status], "create_time": int(order.created_at.timestamp()),
            "update_time": int(order.updated_at.timestamp()), "days_to_ship": 2, "message_to_seller": "",
        }
        if "total_amount" in optional:
            detail["total_amount"] = order.total
        if "item_list" in optional:
            detail["item_list"] = [
                {"item_id": int(line.item_id), "item_name": line.name, "item_sku": line.seller_sku, "model_id": 0,
                 "model_name": "", "model_sku": "", "model_quantity_purchased": line.quantity,
                 "model_original_price": line.unit_price, "model_discounted_price": line.unit_price,
                 "order_item_id": int(line.item_id), "promotion_type": "", "main_item": False}
                for line in order.lines
            ]
        return detail

    # --- the shopper's page -------------------------------------------------------------------
    def product_page(self, item: SandboxItem, shop: SandboxShop) -> str:
        """Shaped like shopee.vn's product page: JSON-LD Product, price, "Đã bán", stock left."""
        in_stock = item.stock > 0
        data = {
            "@context": "https://schema.org", "@type": "Product", "name": item.name, "sku": item.seller_sku,
            "productID": item.item_id, "image": item.images, "description": item.description,
            "offers": {"@type": "Offer", "price": item.price, "priceCurrency": "VND",
                       "availability": f"https://schema.org/{'InStock' if in_stock else 'OutOfStock'}",
                       "url": f"/shop/{shop.shop_id}/{item.item_id}",
                       "seller": {"@type": "Organization", "name": shop.name}},
        }
        ld = json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
        stock = f"Còn {item.stock} sản phẩm" if in_stock else "Hết hàng (Còn 0 sản phẩm)"
        picture = f'<img class="product-image" src="{escape(item.images[0])}" alt="{escape(item.name)}">' \
            if item.images else ""
        return (
            '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
            f"<title>{escape(item.name)} | Shopee Việt Nam</title>"
            f'<script type="application/ld+json">{ld}</script></head><body>'
            '<div class="page-product"><div class="breadcrumb">Shopee › Bách Hóa Online</div>'
            f'<div class="product-briefing"><div class="gallery">{picture}</div><section class="info">'
            f'<h1 class="product-name">{escape(item.name)}</h1>'
            f'<div class="product-rating"><span class="sold">Đã bán {item.sold}</span></div>'
            f'<div class="product-price"><span class="price">{format_vnd(item.price)}</span></div>'
            f'<div class="product-quantity"><span class="stock">{stock}</span></div>'
            "</section></div>"
            f'<div class="shop-info">Shop: <a href="/shop/{shop.shop_id}">{escape(shop.name)}</a></div>'
            f'<div class="product-detail"><h2>MÔ TẢ SẢN PHẨM</h2><p style="white-space:pre-line">{escape(item.description)}</p></div>'
            "</div></body></html>"
        )
