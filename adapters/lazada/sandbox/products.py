"""Lazada's products in the sandbox: create and update with Lazada's validation (a single-SKU product
here; products with variants in ``variants.py``), prices and sellable stock by SKU id, deactivating and removing, the product list, and images by
upload or by migrating a URL."""

from __future__ import annotations

import hashlib
import ipaddress
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit

from PIL import Image, UnidentifiedImageError

from adapters.common.sandbox import SandboxItem, SandboxModel, SandboxShop, now, total_stock
from adapters.lazada.client import LAZADA_IMAGE_HOST, MAX_SKUS_PER_CALL
from adapters.lazada.sandbox import categories
from adapters.lazada.sandbox.orders import LazadaOrders
from adapters.lazada.sandbox.wire import (
    LazadaRefusal,
    epoch_ms,
    json_list,
    listed,
    money,
    parse_request,
    parse_time,
    whole,
)

FORBIDDEN_SKU_CHARS = set('"^~<>|')
PACKAGE_FIELDS = ("package_weight", "package_length", "package_width", "package_height")
IMAGE_HOST = "https://vn-live-01.slatic.net/p/"
IMAGE_MAX_BYTES = 3_145_728
IMAGE_SIDE_PX = (330, 5000)
PRODUCT_FILTERS = ("all", "live", "inactive", "deleted", "pending", "rejected", "sold-out")
ITEM_STATUS = {"live": "active", "unlisted": "inactive", "hidden": "inactive", "deleted": "deleted"}
PRODUCT_STATUS = {"live": "Active", "unlisted": "InActive", "hidden": "InActive", "deleted": "Deleted"}

Sellable = SandboxItem | SandboxModel
CAMPAIGN_BLOCKS = "A campaign blocks decreasing stock"


def campaign_block(sku: Sellable) -> str:
    """Why a campaign refuses a stock below what it locked (``POST /_sandbox/campaigns``)."""
    return f"{CAMPAIGN_BLOCKS}: {sku.seller_sku} has {sku.reserved_stock} locked"


def sku_id_of(sellable: Sellable) -> str | None:
    """A SKU's ``SkuId``: a variant's model id, or a single-SKU product's own SKU id."""
    return sellable.model_id if isinstance(sellable, SandboxModel) else sellable.sku_id


def shop_sku(item_id: str, sellable: Sellable) -> str:
    return f"{item_id}_VNAMZ-{sku_id_of(sellable)}"


def not_a_sale_prop(item: SandboxItem) -> LazadaRefusal:
    """The error table names 4143-4145 "sale-prop errors" without telling them apart; 4143 stands for all."""
    names = ", ".join(variation.name for variation in item.variations) or "none"
    return LazadaRefusal("4143", f"E4143: Invalid sale property: the product's variations are {names}",
                         [{"field": "saleProp", "message": names}])


class LazadaProducts(LazadaOrders):
    """The ``/product``, ``/products`` and ``/image`` calls; stock answers count what open orders hold, so
    products build on orders."""

    max_skus_per_call: int

    def sku_by_id(self, shop: SandboxShop, sku_id: str) -> tuple[SandboxItem, Sellable] | None:
        """The product and the SKU (the product itself, or one of its variants) with this ``SkuId``."""
        for item in self.state.shop_items(shop.shop_id):
            for sellable in item.sellables():
                if sku_id_of(sellable) == sku_id:
                    return item, sellable
        return None

    def shop_item(self, shop: SandboxShop, item_id: Any) -> SandboxItem:
        item = self.state.items.get(str(item_id))
        if item is None or item.shop_id != shop.shop_id or item.status == "deleted":
            raise LazadaRefusal("208", f"E208: Item {item_id} not found", [{"field": "ItemId", "message": "not found"}])
        return item

    @staticmethod
    def check_images(urls: list[Any]) -> list[str]:
        for url in urls:
            if not (urlsplit(str(url)).hostname or "").endswith(LAZADA_IMAGE_HOST):
                raise LazadaRefusal("4138", f"E4138: External image URL is not allowed: {url}",
                                    [{"field": "Images", "message": str(url)}])
        return [str(url) for url in urls]

    def check_new_sku(self, sku: Any, shop: SandboxShop, is_json: bool) -> tuple[str, int, int]:
        if not isinstance(sku, dict):
            raise LazadaRefusal("5", "E005: Invalid Request Format")
        if is_json and any(not isinstance(v, str) for k, v in sku.items() if k not in ("Images", "saleProp")):
            raise LazadaRefusal("1001", "E1001: not in JSON format: every SKU value must be a string")
        seller_sku = str(sku.get("SellerSku") or "").strip()
        if not seller_sku:
            raise LazadaRefusal("1", "E001: SellerSku is mandatory", [{"field": "SellerSku", "message": "missing"}])
        if FORBIDDEN_SKU_CHARS & set(seller_sku):
            raise LazadaRefusal("4129", 'E4129: SellerSku must not contain "^~<>|', [{"field": "SellerSku",
                                                                                      "message": seller_sku}])
        if self.state.find_by_seller_sku(shop.shop_id, seller_sku) is not None:
            raise LazadaRefusal("4105", f"E4105: Duplicate SellerSku {seller_sku}",
                                [{"field": "SellerSku", "message": "duplicate", "seller_sku": seller_sku}])
        if "price" not in sku:
            raise LazadaRefusal("4118", "E4118: Price can not be 0", [{"field": "price", "message": "missing"}])
        price = money(sku["price"], "price")
        quantity = whole(sku.get("quantity", "0"), "quantity")
        self.check_package(sku)
        return seller_sku, price, quantity

    @staticmethod
    def check_package(sku: dict[str, Any], fields: tuple[str, ...] = PACKAGE_FIELDS) -> None:
        """Weight (kg) and sides (cm) positive with at most 2 decimals: Lazada requires all four on a new SKU."""
        for field in fields:
            try:
                value = Decimal(str(sku.get(field, "")))
                valid = value.is_finite() and value > 0 and value == value.quantize(Decimal("0.01"))
            except InvalidOperation:
                valid = False
            if not valid:
                raise LazadaRefusal("4149", "E4149: Invalid package value", [{"field": field,
                                                                             "message": str(sku.get(field))}])

    @staticmethod
    def product_of(params: dict[str, str]) -> tuple[dict[str, Any], bool]:
        """A create or update's ``Product``, and whether the payload came as JSON."""
        request, is_json = parse_request(params.get("payload"))
        product = request.get("Product")
        if not isinstance(product, dict):
            raise LazadaRefusal("5", "E005: Invalid Request Format")
        return product, is_json

    def skus_of(self, product: dict[str, Any], is_json: bool) -> list[Any]:
        skus = listed((product.get("Skus") or {}).get("Sku"), is_json)
        if len(skus) > self.max_skus_per_call:
            raise LazadaRefusal("4171", f"E4171: At most {self.max_skus_per_call} SKUs per request")
        return skus

    def checked_product(self, product: dict[str, Any], is_json: bool
                        ) -> tuple[categories.Node, dict[str, Any], list[str], list[Any]]:
        """A new product's category, attributes, images and SKUs, as Lazada checks them against the
        category data (``categories.py``)."""
        skus = self.skus_of(product, is_json)
        category = categories.active_leaf(product.get("PrimaryCategory"))
        attributes = product.get("Attributes") or {}
        categories.check_attributes(attributes, category)
        images = self.check_images(listed((product.get("Images") or {}).get("Image"), is_json))
        if not images:
            raise LazadaRefusal("4139", "E4139: Main image is required", [{"field": "Images", "message": "missing"}])
        return category, attributes, images, skus

    def create_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        product, is_json = self.product_of(params)
        category, attributes, images, skus = self.checked_product(product, is_json)
        if len(skus) != 1:
            raise LazadaRefusal("4133", "E4133: Invalid variation: a product of several SKUs needs a variation")
        seller_sku, price, quantity = self.check_new_sku(skus[0], shop, is_json)
        item = SandboxItem(
            shop_id=shop.shop_id, item_id=str(self.state.next_id()), sku_id=str(self.state.next_id()),
            seller_sku=seller_sku, name=str(attributes["name"]), price=price, stock=quantity,
            description=str(attributes.get("description") or ""), images=images,
            payload={"PrimaryCategory": category.category_id, "Attributes": attributes, "Sku": skus[0]},
        )
        self.state.items[item.item_id] = item
        return {"item_id": int(item.item_id), "item_status": "Active",
                "sku_list": [{"shop_sku": shop_sku(item.item_id, item), "seller_sku": seller_sku,
                              "sku_id": int(item.sku_id)}]}

    def update_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        request, is_json = parse_request(params.get("payload"))
        return self.update_item(request.get("Product") or {}, shop, is_json)

    def update_item(self, product: dict[str, Any], shop: SandboxShop, is_json: bool) -> dict[str, Any]:
        if not product.get("ItemId"):
            raise LazadaRefusal("1", "E001: ItemId is mandatory", [{"field": "ItemId", "message": "missing"}])
        item = self.shop_item(shop, product["ItemId"])
        skus = listed((product.get("Skus") or {}).get("Sku"), is_json)
        if any(not str(sku.get("SkuId") or "") for sku in skus):
            raise LazadaRefusal("4216", "E4216: SkuId is mandatory", [{"field": "SkuId", "message": "missing"}])
        attributes = {**item.payload.get("Attributes", {}), **(product.get("Attributes") or {})}
        category = categories.active_leaf(product.get("PrimaryCategory") or item.payload.get("PrimaryCategory"))
        categories.check_attributes(attributes, category)
        if product.get("Images"):
            item.images = self.check_images(listed(product["Images"].get("Image"), is_json))
        sellables = [self.sellable_of(item, sku) for sku in skus]
        for sku in skus:
            self.check_package(sku, tuple(field for field in PACKAGE_FIELDS if field in sku))
        self.apply_sale_props(item, list(zip(sellables, skus, strict=True)))
        for sellable, sku in zip(sellables, skus, strict=True):
            status = str(sku.get("Status") or "").lower()
            if status:  # the sandbox keeps one status per product, not per SKU
                item.status = {"active": "live", "inactive": "unlisted", "deleted": "deleted"}.get(status, item.status)
            if "price" in sku:
                sellable.price = money(sku["price"], "price")
            self.keep_package(item, sellable, sku)
        item.name = str(attributes["name"])
        item.description = str(attributes.get("description") or "")
        item.payload.update({"PrimaryCategory": category.category_id, "Attributes": attributes})
        item.updated_at = now()
        return {"item_status": PRODUCT_STATUS[item.status]}

    @staticmethod
    def sellable_of(item: SandboxItem, sku: dict[str, Any]) -> Sellable:
        sellable = next((s for s in item.sellables() if sku_id_of(s) == str(sku["SkuId"])), None)
        if sellable is None:
            raise LazadaRefusal("207", f"E207: SKU {sku['SkuId']} not found", [{"field": "SkuId",
                                                                               "message": str(sku["SkuId"])}])
        return sellable

    def apply_sale_props(self, item: SandboxItem, skus: list[tuple[Sellable, dict[str, Any]]]) -> None:
        """A product without variants has no sale property to set (variants.py sets them)."""
        if any("saleProp" in sku for _, sku in skus):
            raise not_a_sale_prop(item)

    @staticmethod
    def keep_package(item: SandboxItem, sellable: Sellable, sku: dict[str, Any]) -> None:
        """The package fields sent, which ``/products/get`` shows back."""
        sent = item.payload.setdefault("Skus", {}).setdefault(sellable.model_id, {}) \
            if isinstance(sellable, SandboxModel) else item.payload.setdefault("Sku", {})
        sent.update({key: value for key, value in sku.items() if key.startswith("package_")})

    def sku_rows(self, params: dict[str, str]) -> list[dict[str, Any]]:
        request, is_json = parse_request(params.get("payload"))
        rows = listed(((request.get("Product") or {}).get("Skus") or {}).get("Sku"), is_json)
        if not rows:
            raise LazadaRefusal("30", "E030: Empty Request")
        if len(rows) > self.max_skus_per_call:
            raise LazadaRefusal("4171", f"E4171: At most {self.max_skus_per_call} SKUs per request; send 20 or fewer")
        for row in rows:
            if not isinstance(row, dict) or not str(row.get("SkuId") or ""):
                if isinstance(row, dict) and row.get("SellerSku"):
                    raise LazadaRefusal("4193", "E4193: SellerSku is no longer accepted as a key; send SkuId")
                raise LazadaRefusal("4216", "E4216: SkuId is mandatory", [{"field": "SkuId", "message": "missing"}])
        return rows

    def apply_sku_rows(self, shop: SandboxShop, rows: list[dict[str, Any]],
                       apply: Callable[[Sellable, dict[str, Any]], str | None]) -> dict[str, Any]:
        """Apply each row to its SKU; unknown or refused SKUs come back in ``detail`` with code 501."""
        detail = []
        for row in rows:
            found = self.sku_by_id(shop, str(row["SkuId"]))
            problem = "SKU_NOT_FOUND" if found is None else apply(found[1], row)
            if problem:
                detail.append({"field": "SkuId", "message": problem, "seller_sku": str(row.get("SellerSku", "")),
                               "sku_id": str(row["SkuId"])})
            elif found is not None:
                found[0].updated_at = now()
        if detail and all(entry["message"].startswith(CAMPAIGN_BLOCKS) for entry in detail):
            raise LazadaRefusal("4170", f"E4170: {CAMPAIGN_BLOCKS}", detail, kind="ISP")
        if detail:
            raise LazadaRefusal("501", "E501: Update product failed", detail, kind="ISP")
        return {}

    def update_price_quantity(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        rows = self.sku_rows(params)
        prices = {id(row): money(row["Price"], "Price") for row in rows if "Price" in row}
        totals = {id(row): whole(row["Quantity"], "Quantity") for row in rows if "Quantity" in row}

        def apply(sku: Sellable, row: dict[str, Any]) -> str | None:
            if id(row) in totals:
                held = self.reserved(sku_id_of(sku))
                if totals[id(row)] < held:
                    return "Quantity is below the stock held by open orders"
                if totals[id(row)] - held < sku.reserved_stock:
                    return campaign_block(sku)
                sku.stock = totals[id(row)] - held
            if id(row) in prices:
                sku.price = prices[id(row)]
            return None

        return self.apply_sku_rows(shop, rows, apply)

    def update_sellable_stock(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        rows = self.sku_rows(params)
        sellable = {id(row): whole(row.get("SellableQuantity", ""), "SellableQuantity") for row in rows}

        def apply(sku: Sellable, row: dict[str, Any]) -> str | None:
            if sellable[id(row)] < sku.reserved_stock:
                return campaign_block(sku)
            sku.stock = sellable[id(row)]
            return None

        return self.apply_sku_rows(shop, rows, apply)

    def deactivate_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        request, _ = parse_request(params.get("apiRequestBody"), "apiRequestBody")
        item = self.shop_item(shop, (request.get("Product") or {}).get("ItemId"))
        if item.status != "live":
            raise LazadaRefusal("500", "E0004: Product Status not online", kind="ISP")
        item.status = "unlisted"
        item.updated_at = now()
        return {}

    def remove_product(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        keys = json_list(params.get("sku_id_list"), "sku_id_list", "5")
        if len(keys) > MAX_SKUS_PER_CALL:
            raise LazadaRefusal("4171", f"E4171: At most {MAX_SKUS_PER_CALL} SKUs per request")
        for key in keys:
            _, item_id, sku_id = (str(key).split("_") + ["", "", ""])[:3]
            item = self.shop_item(shop, item_id)
            model = item.model(sku_id)
            if model is None and item.sku_id != sku_id:
                raise LazadaRefusal("207", f"E207: SKU {key} not found")
            if model is not None:
                item.models.remove(model)
            if not item.models:  # a product goes with its last SKU
                item.status = "deleted"
            item.updated_at = now()
        return {}

    def get_products(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        chosen = params.get("filter")
        if chosen not in PRODUCT_FILTERS:
            raise LazadaRefusal("1", f"E001: filter must be one of {', '.join(PRODUCT_FILTERS)}")
        limit, offset = int(params.get("limit") or 10), int(params.get("offset") or 0)
        if not 0 < limit <= 50 or not 0 <= offset <= 10000:
            raise LazadaRefusal("19", "E019: limit must be 1..50 and offset 0..10000")
        wanted = None
        if params.get("sku_seller_list"):
            wanted = {str(s) for s in json_list(params["sku_seller_list"], "sku_seller_list", "5")}
            if len(wanted) > 100:
                raise LazadaRefusal("5", "E005: sku_seller_list holds at most 100 SKUs")
        after = parse_time(params["update_after"], "17") if params.get("update_after") else None
        items = [
            item for item in self.state.shop_items(shop.shop_id, include_deleted=True)
            if self.matches_filter(item, chosen)
            and (wanted is None or any(sku.seller_sku in wanted for sku in item.sellables()))
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
            "sold-out": item.status == "live" and total_stock(item) == 0,
        }.get(chosen, False)

    def product_view(self, item: SandboxItem) -> dict[str, Any]:
        return {
            "item_id": int(item.item_id), "primary_category": int(item.payload.get("PrimaryCategory") or 0),
            "attributes": item.payload.get("Attributes") or {"name": item.name}, "images": item.images,
            "created_time": epoch_ms(item.created_at), "updated_time": epoch_ms(item.updated_at),
            "status": PRODUCT_STATUS[item.status], "subStatus": "",
            "skus": [self.sku_view(item, sku) for sku in item.sellables()],
        }

    def sku_view(self, item: SandboxItem, sku: Sellable) -> dict[str, Any]:
        """One SKU as ``/products/get`` shows it; a variant adds its ``saleProp``."""
        reserved = self.reserved(sku_id_of(sku))
        sent = item.payload.get("Skus", {}).get(sku_id_of(sku)) or item.payload.get("Sku") or {}
        sale_prop = {} if sku is item else {"saleProp": dict(zip(
            (variation.name for variation in item.variations), item.options_of(sku), strict=True))}
        return {
            "SkuId": int(sku_id_of(sku) or 0), "SellerSku": sku.seller_sku, "ShopSku": shop_sku(item.item_id, sku),
            "Status": ITEM_STATUS[item.status], "quantity": sku.stock + reserved, "Available": sku.stock,
            "price": float(sku.price), "special_price": 0.0, "Url": f"/shop/{item.shop_id}/{item.item_id}",
            "Images": sku.images or item.images, **sale_prop,
            **{k: v for k, v in sent.items() if k.startswith("package_")},
            "multiWarehouseInventories": [{
                "warehouseCode": "dropshipping", "quantity": sku.stock + reserved,
                "totalQuantity": sku.stock + reserved, "sellableQuantity": sku.stock,
                "withholdQuantity": 0, "occupyQuantity": reserved,
            }],
            "channelInventories": [{"channelName": "campaign", "sellableQuantity": sku.reserved_stock}]
            if sku.reserved_stock else [],
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
            raise LazadaRefusal("302", f"E302: Unsupported image URL {url}", [{"field": "Url", "message": url}])
        return self.hosted_image(url.encode())

    def upload_image(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        content = files.get("image")
        if not content:
            raise LazadaRefusal("1", "E001: image is mandatory", [{"field": "image", "message": "missing"}])
        if len(content) > IMAGE_MAX_BYTES:
            raise LazadaRefusal("303", "E303: Image is larger than 3 MB")
        try:
            with Image.open(BytesIO(content)) as picture:
                kind, size = picture.format, picture.size
        except (UnidentifiedImageError, OSError):
            raise LazadaRefusal("301", "E301: Not a JPG or PNG image") from None
        low, high = IMAGE_SIDE_PX
        if kind not in ("JPEG", "PNG") or not all(low <= side <= high for side in size):
            raise LazadaRefusal("301", f"E301: Image must be JPG or PNG, {low}-{high} px a side (got {kind} {size})")
        return self.hosted_image(content)

    @staticmethod
    def hosted_image(content: bytes) -> dict[str, Any]:
        digest = hashlib.sha1(content).hexdigest()
        return {"image": {"url": f"{IMAGE_HOST}{digest}.jpg", "hash_code": digest}}
