"""Shopee's items in the sandbox: image upload, item validation with Shopee's codes, add and update,
prices and stock per model (an item without variants has the single model 0), unlisting, and the item
list, search and base info calls."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request

from adapters.common.sandbox import SandboxItem, SandboxModel, SandboxShop, now, total_stock
from adapters.shopee import CAPABILITIES, envelope
from adapters.shopee.sandbox.setup import ShopeeSetup, setup_data
from adapters.shopee.sandbox.wire import MAX_IDS, Caller, ShopeeRefusal, is_whole, missing, wrong

MAX_IMAGE_BYTES = 10 * 1024 * 1024
MAX_HASHTAGS = 18
# an add_item without a (valid) category is refused for that first; until then the default limits stand
DEFAULT_LIMITS = setup_data().limits["default"]
PRICE_MIN, PRICE_MAX = DEFAULT_LIMITS["price_limit"]["min_limit"], DEFAULT_LIMITS["price_limit"]["max_limit"]
STOCK_MAX = DEFAULT_LIMITS["stock_limit"]["max_limit"]
ADD_ITEM_REQUIRED = ("original_price", "description", "weight", "item_name", "logistic_info", "category_id")
STATUS_TO_SHOPEE = {"live": "NORMAL", "unlisted": "UNLIST", "hidden": "BANNED", "deleted": "SELLER_DELETE"}
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
IMAGE_HOST = "https://cf.shopee.vn/file/"
VN_PRICE_RATIO = CAPABILITIES.max_price_ratio or 0
PROMOTION_LOCKS_STOCK = f"product.{envelope.PROMOTION_LOCKS_STOCK}"


def check_price_ratio(prices: list[int]) -> None:
    """Shopee documents the 5× limit for VN but no code for it: the closest documented answer is the
    generic ``error_param`` with its ``Wrong parameters, detail: …`` message."""
    if prices and max(prices) > VN_PRICE_RATIO * min(prices):
        raise wrong("original_price", f"of the dearest model may be at most {VN_PRICE_RATIO} times the cheapest's in VN")


def bounds(limits: dict[str, Any], name: str) -> tuple[int, int]:
    return limits[name]["min_limit"], limits[name]["max_limit"]


class ShopeeProducts(ShopeeSetup):
    """The ``media_space`` and ``product`` calls."""

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
        """Shopee's checks, against the leaf's own limits (``get_item_limit``) once the category is known."""
        if creating:
            for name in ADD_ITEM_REQUIRED:
                if body.get(name) in (None, "", [], {}):
                    raise missing(name)
        limits = self._check_category(body) if "category_id" in body else DEFAULT_LIMITS
        if "item_name" in body:
            self._check_name(body["item_name"], limits)
        if "description" in body:
            self._check_description(body["description"], limits)
        if "original_price" in body:
            self._check_price(body["original_price"], "original_price")
        if "weight" in body and not (isinstance(body["weight"], int | float) and 0 < body["weight"] <= 1000):
            raise wrong("weight", "must be a number of kilograms above 0")
        if "dimension" in body:
            self._check_dimension(body["dimension"])
        elif creating and limits["dimension_limit"]["dimension_mandatory"]:
            raise missing("dimension")
        if creating or "image" in body:
            self._check_images(body.get("image"), shop, limits)
        if "logistic_info" in body:
            self._check_logistics(body["logistic_info"])
        for entry in body.get("seller_stock") or []:
            self._check_stock(entry, "seller_stock.stock")

    @staticmethod
    def _check_name(name: Any, limits: dict[str, Any]) -> None:
        shortest, longest = bounds(limits, "item_name_length_limit")
        if not isinstance(name, str) or len(name.strip()) < shortest:
            raise ShopeeRefusal("product.error_item_name_is_too_short",
                                f"Item name is too short: item_name needs at least {shortest} characters.")
        if len(name) > longest:
            raise ShopeeRefusal("product.error_name_length_limit",
                                f"Item name length exceeds the limit: item_name may have at most {longest} "
                                "characters.")

    @staticmethod
    def _check_description(description: Any, limits: dict[str, Any]) -> None:
        shortest, longest = bounds(limits, "item_description_length_limit")
        if not isinstance(description, str) or len(description.strip()) < shortest:
            raise ShopeeRefusal("product.error_desc_length_min_limit",
                                f"Description is too short: description needs at least {shortest} characters.")
        if len(description) > longest:
            raise wrong("description", f"may have at most {longest} characters")
        if description.count("#") > MAX_HASHTAGS:
            raise ShopeeRefusal("product.error_desc_hash_tag_over_limit",
                                f"description may have at most {MAX_HASHTAGS} hashtags.")

    @staticmethod
    def _check_price(price: Any, field: str) -> None:
        if not is_whole(price):
            raise wrong(field, "must be a whole number of đồng for VN")
        if price < PRICE_MIN:
            raise ShopeeRefusal("product.error_price_exceed_min_limitt", f"{field} is below the minimum {PRICE_MIN}.")
        if price > PRICE_MAX:
            raise ShopeeRefusal("product.error_price_exceed_max_limitt", f"{field} is above the maximum {PRICE_MAX}.")

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
    def _check_images(image: Any, shop: SandboxShop, limits: dict[str, Any]) -> None:
        """At least the leaf's fewest images, each one uploaded to this sandbox for the shop."""
        ids = image.get("image_id_list") if isinstance(image, dict) else None
        fewest, most = bounds(limits, "item_image_count_limit")
        if not ids or len(ids) < fewest:
            raise ShopeeRefusal("product.error_image_num_min",
                                f"image.image_id_list needs at least {max(fewest, 1)} image.")
        if len(ids) > most:
            raise wrong("image.image_id_list", f"may hold at most {most} images")
        unknown = [image_id for image_id in ids if image_id not in shop.extra.get("images", set())]
        if unknown:
            raise wrong("image.image_id_list", f"holds an image id that was not uploaded: {unknown[0]}")

    # --- items --------------------------------------------------------------------------------
    def _item(self, shop: SandboxShop, item_id: Any) -> SandboxItem:
        item = self.state.items.get(str(item_id))
        if item is None or item.shop_id != shop.shop_id or item.status == "deleted":
            raise ShopeeRefusal(f"product.{envelope.ITEM_NOT_FOUND}", f"item_id {item_id} not found.")
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

    @staticmethod
    def _model_ids(entries: list[Any], list_key: str) -> list[int]:
        ids = []
        for entry in entries:
            raw = entry.get("model_id") or 0 if isinstance(entry, dict) else 0
            if not is_whole(raw):
                raise wrong(f"{list_key}.model_id", "must be a whole number")
            ids.append(int(raw))
        if len(set(ids)) != len(ids):
            raise ShopeeRefusal("product.error_param", "Repeat model_id.")
        return ids

    @staticmethod
    def _sellable(item: SandboxItem, model_id: int, refusal: ShopeeRefusal) -> SandboxItem | SandboxModel | None:
        """What a price or stock entry sets: the item itself (model 0, no variants) or one of its models;
        ``None`` for a model the item does not have (now), such as one a new structure replaced."""
        if not item.models:
            return None if model_id else item
        if not model_id:
            raise refusal
        return item.model(model_id)

    async def update_price(self, request: Request, caller: Caller) -> dict[str, Any]:
        """One item per call; an item without variants has the single model 0."""
        self.count_write()
        item, entries = await self._models(request, caller, "price_list")
        has_models = ShopeeRefusal("product.error_edit_item_price_for_item_has_model",
                                   "Can't edit item price directly while item has models.")
        found = []
        for entry, model_id in zip(entries, self._model_ids(entries, "price_list"), strict=True):
            if "original_price" not in entry:
                raise missing("price_list.original_price")
            self._check_price(entry["original_price"], "price_list.original_price")
            found.append((model_id, self._sellable(item, model_id, has_models), int(entry["original_price"])))
        if item.models:
            prices = {model.model_id: model.price for model in item.models}
            prices.update({sellable.model_id: price for _, sellable, price in found if sellable is not None})
            check_price_ratio(list(prices.values()))
        success, failed = [], []
        for model_id, sellable, price in found:
            if sellable is None:
                failed.append({"model_id": model_id, "failed_reason": f"model_id {model_id} not found"})
                continue
            sellable.price = price
            success.append({"model_id": model_id, "original_price": price})
        if success:
            item.updated_at = now()
        return {"success_list": success, "failure_list": failed}

    async def update_stock(self, request: Request, caller: Caller) -> dict[str, Any]:
        """Stock per model; a call setting any model below what a promotion holds (``reserved_stock``, from
        ``POST /_sandbox/campaigns``) is refused whole, with the promotion's code, and changes nothing."""
        self.count_write()
        item, entries = await self._models(request, caller, "stock_list")
        has_models = ShopeeRefusal("product.error_edit_item_stock_for_item_has_model",
                                   "Can't to edit item stock directly while item has models.")
        success, failed, changes = [], [], []
        for entry, model_id in zip(entries, self._model_ids(entries, "stock_list"), strict=True):
            stocks = entry.get("seller_stock")
            if not isinstance(stocks, list) or not stocks:
                raise missing("stock_list.seller_stock")
            for stock in stocks:
                self._check_stock(stock, "stock_list.seller_stock.stock")
            sellable = self._sellable(item, model_id, has_models)
            stock = sum(stock["stock"] for stock in stocks)
            if sellable is None:
                failed.append({"model_id": model_id, "failed_reason": f"model_id {model_id} not found"})
            elif stock < sellable.reserved_stock:
                raise ShopeeRefusal(PROMOTION_LOCKS_STOCK, f"Stock should be larger than reserved stock "
                                                           f"({sellable.reserved_stock}) of model_id {model_id}.")
            else:
                changes.append((sellable, stock))
                success.append({"model_id": model_id, "location_id": "VNZ", "stock": stock})
        for sellable, stock in changes:
            sellable.stock = stock
        if success:
            item.updated_at = now()
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
            except ShopeeRefusal as refusal:
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
        """An item with variants shows no price of its own (its models have them, see ``get_model_list``)
        and the sum of its models' stock."""
        payload = item.payload
        stock = total_stock(item)
        reserved = sum(sellable.reserved_stock for sellable in item.sellables())
        price = {} if item.models else {
            "price_info": [{"currency": "VND", "original_price": item.price, "current_price": item.price}]}
        return {
            "item_id": int(item.item_id), "category_id": payload.get("category_id"), "item_name": item.name,
            "description": item.description, "item_sku": item.seller_sku,
            "create_time": int(item.created_at.timestamp()), "update_time": int(item.updated_at.timestamp()),
            "attribute_list": payload.get("attribute_list", []), **price,
            "image": payload.get("image", {}), "weight": str(payload.get("weight", "")),
            "dimension": payload.get("dimension", {}), "condition": payload.get("condition", "NEW"),
            "item_status": STATUS_TO_SHOPEE[item.status], "has_model": bool(item.models),
            "brand": payload.get("brand", {}),
            "stock_info_v2": {"summary_info": {"total_reserved_stock": reserved,
                                               "total_available_stock": max(0, stock - reserved)},
                              "seller_stock": [{"location_id": "VNZ", "stock": stock, "if_saleable": True}]},
        }
