"""The Lazada Open Platform client for one seller (reference lazada.md).

System parameters and ``sign`` travel in the query string, business parameters (``payload``,
``apiRequestBody``…) in the form body of POSTs — the Java SDK's layout, which the signature covers
either way (§2.7). Token calls go to the auth host (§2.2), everything else to the country host.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import httpx
from pydantic import SecretStr

from adapters.common.contract import (
    CredentialsListener,
    ItemRef,
    ItemResult,
    ItemsPage,
    ListingDraft,
    OrderLineRecord,
    OrderRecord,
    OrderStatus,
    PriceUpdate,
    ShopCredentials,
    StockUpdate,
)
from adapters.common.creating import bound_to_existing, create_once
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.errors import local_error as common_local_error
from adapters.common.http import HttpSettings, MarketplaceHttp
from adapters.common.shop import TokenAdapter
from adapters.lazada import CAPABILITIES, envelope, mapping
from adapters.lazada.envelope import LazadaError
from adapters.lazada.signing import sign, system_params

log = logging.getLogger("syndicator.lazada")
T = TypeVar("T")

MAX_SKUS_PER_CALL = 50
LOOKUP_SKUS_PER_CALL = 100
PRODUCTS_PAGE_LIMIT = 50
PRODUCTS_MAX_OFFSET = 10000
ORDERS_PAGE_LIMIT = 100
ORDERS_MAX_OFFSET = 5000
ORDER_IDS_PER_CALL = 50
MAX_IMAGES = CAPABILITIES.max_images
REFRESH_AHEAD = timedelta(hours=48)
AUTH_HOST = "https://auth.lazada.com"
LAZADA_HOST_SUFFIXES = (".lazada.vn", ".lazada.com", ".lazada.sg", ".lazada.co.th", ".lazada.com.my",
                        ".lazada.com.ph", ".lazada.co.id")
LAZADA_IMAGE_HOST = "slatic.net"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
ORDER_TIME_FORMAT = "%Y-%m-%d %H:%M:%S %z"


# Lazada order items each carry their own status; an order has none of its own (§5.1, §5.3).
CANCELLED_STATUSES = frozenset({"canceled", "cancelled", "failed", "failed_delivery", "shipped_back",
                                "shipped_back_success", "shipped_back_failed", "lost", "lost_by_3pl",
                                "damaged_by_3pl", "package_scrapped"})
RETURNED_STATUSES = frozenset({"returned"})
COMPLETED_STATUSES = frozenset({"delivered"})
ITEM_STATUSES = {"active": "live", "inactive": "unlisted", "deleted": "deleted"}


def batched(values: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` values (``itertools.batched`` arrives in Python 3.12)."""
    chunk: list[T] = []
    for value in values:
        chunk.append(value)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def api_root(base_url: str) -> str:
    """The host root whether the caller gave ``https://api.lazada.vn`` or ``…/rest``."""
    root = base_url.rstrip("/")
    return root.removesuffix("/rest")


def auth_root(base_url: str, credentials: ShopCredentials) -> str:
    """Token calls go to auth.lazada.com for the real hosts, to the same host for a stand-in."""
    if credentials.extra.get("auth_url"):
        return api_root(credentials.extra["auth_url"])
    host = urlsplit(base_url).hostname or ""
    return AUTH_HOST if host.endswith(LAZADA_HOST_SUFFIXES) else api_root(base_url)


def whole_dong(value: Any) -> int:
    """Lazada money (number or string such as ``"120000.00"``) as whole đồng."""
    try:
        return int(Decimal(str(value or 0)))
    except InvalidOperation:
        return 0


def order_time(value: str) -> datetime:
    return datetime.strptime(value, ORDER_TIME_FORMAT)


def normalised_status(statuses: Iterable[str]) -> OrderStatus:
    seen = {status.lower() for status in statuses}
    if not seen:
        return "open"
    if seen <= CANCELLED_STATUSES:
        return "cancelled"
    if seen <= RETURNED_STATUSES | CANCELLED_STATUSES:
        return "returned"
    if seen <= COMPLETED_STATUSES | RETURNED_STATUSES | CANCELLED_STATUSES:
        return "completed"
    return "open"


def item_status(lazada_status: str) -> str:
    """Lazada's SKU or item status in our words: live, unlisted (seller took it down), deleted, or
    Lazada's own lowercased (``pending qc``, ``rejected``…)."""
    status = lazada_status.lower()
    return ITEM_STATUSES.get(status, status)


def failure(seller_sku: str, info: ErrorInfo) -> ItemResult:
    return ItemResult(seller_sku=seller_sku, ok=False, error=info)


local_error = partial(common_local_error, envelope.MARKETPLACE)


def item_refs(product: dict[str, Any]) -> list[ItemRef]:
    """One ref per SKU of a ``/products/get`` product; stock is what buyers can buy (sellable)."""
    refs = []
    for sku in product.get("skus") or []:
        warehouses = sku.get("multiWarehouseInventories") or []
        sellable = (
            sum(int(w.get("sellableQuantity", 0)) for w in warehouses)
            if warehouses
            else int(sku.get("Available", sku.get("quantity", 0)))
        )
        refs.append(
            ItemRef(
                seller_sku=str(sku.get("SellerSku", "")),
                item_id=str(product.get("item_id")),
                sku_id=str(sku.get("SkuId")),
                name=(product.get("attributes") or {}).get("name"),
                price=whole_dong(sku.get("price")),
                stock=sellable,
                status=item_status(str(sku.get("Status") or product.get("status") or "")),
            )
        )
    return refs


class LazadaAdapter(TokenAdapter):
    """One Lazada seller, through the Lazada Open Platform API."""

    capabilities = CAPABILITIES
    refresh_ahead = REFRESH_AHEAD

    def __init__(
        self,
        base_url: str,
        credentials: ShopCredentials,
        *,
        on_credentials: CredentialsListener | None = None,
        http: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.root = api_root(base_url)
        self.auth_root = auth_root(base_url, credentials)
        super().__init__(credentials, MarketplaceHttp("lazada", self.root,
                                                      requests_per_second=CAPABILITIES.requests_per_second,
                                                      settings=http, transport=transport), on_credentials)
        self.batch_size = CAPABILITIES.price_batch_size
        self.orders_page_limit = ORDERS_PAGE_LIMIT
        self.orders_max_offset = ORDERS_MAX_OFFSET

    def __repr__(self) -> str:
        return f"LazadaAdapter({self.root!r}, shop_id={self.credentials.shop_id!r})"

    # --- wire ---------------------------------------------------------------------------------
    def _request(
        self, method: str, path: str, params: dict[str, str], *, root: str | None = None,
        with_token: bool = True, files: dict[str, Any] | None = None,
    ) -> httpx.Request:
        system = system_params(self.credentials.app_key, self._access_token() if with_token else None)
        system["sign"] = sign(self.credentials.app_secret.get_secret_value(), path, {**system, **params})
        url = f"{root or self.root}/rest{path}"
        if method == "GET":
            return self.http.client.build_request("GET", url, params={**system, **params})
        return self.http.client.build_request("POST", url, params=system, data=params, files=files)

    async def _call(
        self, method: str, path: str, params: dict[str, str] | None = None, *, files: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return await self._send(lambda: self._request(method, path, params or {}, files=files), envelope.interpret)

    async def _call_once(self, method: str, path: str, params: dict[str, str]) -> dict[str, Any]:
        return await self._send_unretried(lambda: self._request(method, path, params), envelope.interpret)

    # --- tokens -------------------------------------------------------------------------------
    async def authorize(self, code: str) -> ShopCredentials:
        body = await self.http.call(
            lambda: self._request("POST", "/auth/token/create", {"code": code}, root=self.auth_root,
                                  with_token=False),
            envelope.interpret,
        )
        return await self._store_tokens(body)

    async def refresh_credentials(self) -> ShopCredentials:
        refresh_token = self.credentials.refresh_token
        if refresh_token is None:
            raise MarketplaceError(local_error(envelope.ILLEGAL_REFRESH_TOKEN, "no refresh token; authorise again",
                                               "refresh_token", kind=ErrorKind.auth_expired))
        body = await self.http.call(
            lambda: self._request("POST", "/auth/token/refresh", {"refresh_token": refresh_token.get_secret_value()},
                                  root=self.auth_root, with_token=False),
            envelope.interpret,
        )
        return await self._store_tokens(body)

    def _refresh_margin(self) -> timedelta:
        """48 hours ahead, or half the token's lifetime when Lazada issued a shorter one."""
        lifetime = self.credentials.extra.get("expires_in")
        return min(REFRESH_AHEAD, timedelta(seconds=int(lifetime) / 2)) if lifetime else REFRESH_AHEAD

    async def _store_tokens(self, body: dict[str, Any]) -> ShopCredentials:
        """Keep both tokens and the lifetimes Lazada returned (seconds), then tell the listener."""
        now = datetime.now(UTC)
        users = body.get("country_user_info") or body.get("country_user_info_list") or []
        seller_id = str(users[0].get("seller_id") or users[0].get("user_id")) if users else None
        extra = {**self.credentials.extra, "expires_in": str(body["expires_in"]),
                 "refresh_expires_in": str(body.get("refresh_expires_in", ""))}
        extra.update({key: str(body[key]) for key in ("country", "account") if body.get(key)})
        refresh = body.get("refresh_token")
        return await self._keep(self.credentials.model_copy(
            update={
                "shop_id": seller_id or self.credentials.shop_id,
                "access_token": SecretStr(body["access_token"]),
                "refresh_token": SecretStr(refresh) if refresh else self.credentials.refresh_token,
                "access_expires_at": now + timedelta(seconds=int(body["expires_in"])),
                "refresh_expires_at": (
                    now + timedelta(seconds=int(body["refresh_expires_in"]))
                    if body.get("refresh_expires_in") else self.credentials.refresh_expires_at
                ),
                "extra": extra,
            }
        ))

    # --- products -----------------------------------------------------------------------------
    async def _lookup(self, seller_skus: list[str]) -> dict[str, ItemRef]:
        """Our SKUs found on Lazada (live or not, deleted ones excluded), by seller SKU."""
        found: dict[str, ItemRef] = {}
        for chunk in batched(dict.fromkeys(seller_skus), LOOKUP_SKUS_PER_CALL):
            wanted = json.dumps(list(chunk), ensure_ascii=False)
            offset, products = 0, None
            # up to 100 SKUs a call but 50 products a page: page until a short one
            while products is None or len(products) == PRODUCTS_PAGE_LIMIT:
                body = await self._call("GET", "/products/get", {
                    "filter": "all", "limit": str(PRODUCTS_PAGE_LIMIT), "offset": str(offset),
                    "sku_seller_list": wanted,
                })
                products = (body.get("data") or {}).get("products") or []
                for product in products:
                    found.update({ref.seller_sku: ref for ref in item_refs(product) if ref.seller_sku in chunk})
                offset += PRODUCTS_PAGE_LIMIT
        return found

    async def find_by_seller_sku(self, seller_sku: str) -> ItemRef | None:
        return (await self._lookup([seller_sku])).get(seller_sku)

    async def list_items(self, cursor: str | None = None) -> ItemsPage:
        offset = int(cursor or 0)
        body = await self._call("GET", "/products/get", {
            "filter": "all", "limit": str(PRODUCTS_PAGE_LIMIT), "offset": str(offset),
        })
        products = (body.get("data") or {}).get("products") or []
        items = [ref for product in products for ref in item_refs(product)]
        following = offset + PRODUCTS_PAGE_LIMIT
        more = len(products) == PRODUCTS_PAGE_LIMIT and following <= PRODUCTS_MAX_OFFSET
        return ItemsPage(items=items, next_cursor=str(following) if more else None)

    async def _lazada_image(self, source: str) -> str:
        """A Lazada-hosted URL for a local file (uploaded) or an outside URL (migrated)."""
        if source.startswith(("http://", "https://")):
            if (urlsplit(source).hostname or "").endswith(LAZADA_IMAGE_HOST):
                return source
            payload = f'<?xml version="1.0" encoding="UTF-8"?><Request><Image><Url><![CDATA[{source}]]></Url>' \
                      "</Image></Request>"
            body = await self._call("POST", "/image/migrate", {"payload": payload})
        else:
            path = Path(source)
            if not path.is_file():
                raise MarketplaceError(local_error("", f"image file not found: {source}", "images"))
            body = await self._call("POST", "/image/upload", files={"image": (path.name, path.read_bytes())})
        return str(body["data"]["image"]["url"])

    async def _images(self, sources: list[str]) -> list[str]:
        return [await self._lazada_image(source) for source in sources[:MAX_IMAGES]]

    async def create_listing(self, draft: ListingDraft) -> ItemResult:
        """Create one product, unless the seller SKU is already on Lazada: a create is not idempotent,
        so the SKU is looked up first and again after any answer that was lost (§4.3)."""
        if (existing := await bound_to_existing(draft.seller_sku, self.find_by_seller_sku)) is not None:
            return existing
        try:
            images = await self._images(draft.images)
        except MarketplaceError as exc:
            if exc.retryable:
                raise
            return failure(draft.seller_sku, exc.info.model_copy(update={"field": "images"}))
        params = {"payload": mapping.create_payload(draft, images)}
        return await create_once(
            draft.seller_sku, lambda: self._create(draft, params), self.find_by_seller_sku, self.http,
            duplicate_codes=envelope.DUPLICATE_SELLER_SKU_CODES,
        )

    async def _create(self, draft: ListingDraft, params: dict[str, str]) -> ItemResult:
        return self._created(draft, await self._call_once("POST", "/product/create", params))

    @staticmethod
    def _created(draft: ListingDraft, body: dict[str, Any]) -> ItemResult:
        data = body.get("data") or {}
        skus = {str(sku.get("seller_sku")): sku for sku in data.get("sku_list") or []}
        sku = skus.get(draft.seller_sku, {})
        ref = ItemRef(
            seller_sku=draft.seller_sku, item_id=str(data["item_id"]),
            sku_id=str(sku["sku_id"]) if sku.get("sku_id") is not None else None,
            name=mapping.listing_name(draft), price=draft.price, stock=draft.stock,
            status=item_status(str(data.get("item_status") or "active")),
        )
        return ItemResult(seller_sku=draft.seller_sku, ok=True, ref=ref)

    async def _with_sku_id(self, ref: ItemRef) -> ItemRef | None:
        if ref.sku_id:
            return ref
        return await self.find_by_seller_sku(ref.seller_sku)

    async def update_content(self, ref: ItemRef, draft: ListingDraft) -> ItemResult:
        try:
            bound = await self._with_sku_id(ref)
            if bound is None:
                return failure(ref.seller_sku, local_error("208", "item not found on Lazada", "SellerSku"))
            images = await self._images(draft.images)
            payload = mapping.update_payload(bound.item_id, str(bound.sku_id), draft, images)
            await self._call("POST", "/product/update", {"payload": payload})
        except MarketplaceError as exc:
            if exc.retryable or exc.kind is ErrorKind.auth_expired:
                raise
            return failure(ref.seller_sku, exc.info)
        updated = bound.model_copy(update={"name": mapping.listing_name(draft), "status": "live"})
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=updated)

    async def delist(self, ref: ItemRef) -> ItemResult:
        """Take the whole item offline (``/product/deactivate``); already inactive counts as done."""
        request = {"Request": {"Product": {"ItemId": ref.item_id}}}
        try:
            await self._call("POST", "/product/deactivate", {"apiRequestBody": json.dumps(request)})
        except LazadaError as exc:
            if envelope.ALREADY_INACTIVE_MARK not in exc.info.message:
                if exc.retryable or exc.kind is ErrorKind.auth_expired:
                    raise
                return failure(ref.seller_sku, exc.info)
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={"status": "unlisted"}))

    # --- prices and stock ---------------------------------------------------------------------
    async def update_prices(self, updates: list[PriceUpdate]) -> list[ItemResult]:
        """``/product/price_quantity/update`` with ``Price`` only, keyed by ``SkuId``."""
        return await self._update_skus(
            "/product/price_quantity/update",
            [(update.ref, update.price) for update in updates],
            lambda value: {"Price": str(value)},
            "price",
        )

    async def update_stock(self, updates: list[StockUpdate]) -> list[ItemResult]:
        """Sellable stock (``/product/stock/sellable/update``), overwritten with our available stock.

        Lazada keeps its own unpaid and paid-but-unshipped units in the withhold and occupy buckets;
        our available stock has already taken those orders off, so it is the sellable bucket that we
        set. Pushing it as ``Quantity`` (the total) would count open Lazada orders twice (§4.6, §5.4).
        """
        return await self._update_skus(
            "/product/stock/sellable/update",
            [(update.ref, update.stock) for update in updates],
            lambda value: {"SellableQuantity": str(value)},
            "stock",
        )

    async def _update_skus(
        self, path: str, changes: list[tuple[ItemRef, int]], fields: Callable[[int], dict[str, str]], attribute: str
    ) -> list[ItemResult]:
        missing = [ref.seller_sku for ref, _ in changes if not ref.sku_id]
        found = await self._lookup(missing) if missing else {}
        results: dict[int, ItemResult] = {}
        ready: list[tuple[int, ItemRef, int]] = []
        for index, (ref, value) in enumerate(changes):
            bound = ref if ref.sku_id else found.get(ref.seller_sku)
            if bound is None:
                results[index] = failure(ref.seller_sku, local_error("4216", "SkuId unknown: item not found on Lazada",
                                                                     "SkuId"))
            else:
                ready.append((index, bound, value))
        for chunk in batched(ready, max(1, min(self.batch_size, MAX_SKUS_PER_CALL))):
            outcomes = await self._send_batch(path, list(chunk), fields, attribute)
            results.update(zip((index for index, _, _ in chunk), outcomes, strict=True))
        return [results[index] for index in range(len(changes))]

    async def _send_batch(
        self, path: str, rows: list[tuple[int, ItemRef, int]], fields: Callable[[int], dict[str, str]],
        attribute: str,
    ) -> list[ItemResult]:
        skus = [
            {"ItemId": ref.item_id, "SkuId": str(ref.sku_id), "SellerSku": ref.seller_sku, **fields(value)}
            for _, ref, value in rows
        ]
        try:
            await self._call("POST", path, {"payload": mapping.sku_batch_payload(skus)})
        except MarketplaceError as exc:
            if exc.info.code in envelope.BATCH_TOO_LARGE_CODES and len(rows) > 1:
                half = len(rows) // 2
                log.info("lazada: %s refused %d SKUs (%s); splitting", path, len(rows), exc.info.code)
                return [*await self._send_batch(path, rows[:half], fields, attribute),
                        *await self._send_batch(path, rows[half:], fields, attribute)]
            if exc.kind is not ErrorKind.rejected:
                raise
            if isinstance(exc, LazadaError) and exc.info.code in envelope.PARTIAL_FAILURE_CODES and exc.detail:
                return await self._partial_outcome(rows, exc, attribute)
            return [failure(ref.seller_sku, exc.info) for _, ref, _ in rows]
        return [self._applied(ref, value, attribute) for _, ref, value in rows]

    @staticmethod
    def _applied(ref: ItemRef, value: int, attribute: str) -> ItemResult:
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={attribute: value}))

    async def _partial_outcome(
        self, rows: list[tuple[int, ItemRef, int]], exc: LazadaError, attribute: str
    ) -> list[ItemResult]:
        """Per-SKU failures are named in ``detail``; whether the rest of the batch was applied is not
        documented (§4.5, §9), so the rest is read back."""
        named: dict[str, dict[str, Any]] = {}
        for entry in exc.detail:
            for key in ("seller_sku", "SellerSku", "sku_id", "SkuId"):
                if entry.get(key) is not None:
                    named[str(entry[key])] = entry
        now_on_lazada = await self._lookup([ref.seller_sku for _, ref, _ in rows])
        outcomes = []
        for _, ref, value in rows:
            entry = named.get(ref.seller_sku) or named.get(str(ref.sku_id))
            current = now_on_lazada.get(ref.seller_sku)
            if entry is None and current is not None and getattr(current, attribute) == value:
                outcomes.append(self._applied(ref, value, attribute))
                continue
            message = str(entry.get("message")) if entry else f"not applied: {exc.info.message}"
            info = exc.info.model_copy(update={"message": message, "field": str((entry or {}).get("field") or
                                                                                   attribute)})
            outcomes.append(failure(ref.seller_sku, info))
        return outcomes

    # --- orders -------------------------------------------------------------------------------
    async def orders_since(self, watermark: datetime) -> list[OrderRecord]:
        """Orders changed at or after ``watermark``: ``/orders/get`` by ``update_after`` (offset at most
        5000, then the watermark moves to the last order seen), then their items in chunks of 50."""
        orders = await self._changed_orders(watermark)
        items = await self._order_items(list(orders))
        return [self._order_record(order, items.get(order_id, [])) for order_id, order in orders.items()]

    async def _changed_orders(self, watermark: datetime) -> dict[str, dict[str, Any]]:
        orders: dict[str, dict[str, Any]] = {}
        since = watermark.astimezone(VIETNAM).replace(microsecond=0)
        offset = 0
        while True:
            body = await self._call("GET", "/orders/get", {
                "update_after": since.isoformat(), "sort_by": "updated_at", "sort_direction": "ASC",
                "offset": str(offset), "limit": str(self.orders_page_limit),
            })
            page = (body.get("data") or {}).get("orders") or []
            orders.update({str(order["order_id"]): order for order in page})
            if len(page) < self.orders_page_limit:
                return orders
            offset += self.orders_page_limit
            if offset > self.orders_max_offset:
                moved = order_time(page[-1]["updated_at"])
                if moved <= since:
                    raise MarketplaceError(local_error("", f"more than {offset} orders changed at {since}",
                                                       "update_after"))
                since, offset = moved, 0

    async def _order_items(self, order_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        items: dict[str, list[dict[str, Any]]] = {}
        for chunk in batched(order_ids, ORDER_IDS_PER_CALL):
            body = await self._call("GET", "/orders/items/get", {"order_ids": json.dumps([int(i) for i in chunk])})
            for entry in body.get("data") or []:
                items[str(entry["order_id"])] = list(entry.get("order_items") or [])
        return items

    @staticmethod
    def _order_record(order: dict[str, Any], items: list[dict[str, Any]]) -> OrderRecord:
        """One order item is one unit sold (§5.2): lines count the units of each seller SKU."""
        order_id = str(order["order_id"])
        statuses = [str(item.get("status", "")) for item in items] or list(order.get("statuses") or [])
        status = normalised_status(statuses)
        counted = items if status == "cancelled" else [
            item for item in items if str(item.get("status", "")).lower() not in CANCELLED_STATUSES
        ]
        units = Counter(str(item["sku"]) for item in counted)
        price = {str(item["sku"]): whole_dong(item.get("paid_price") or item.get("item_price")) for item in counted}
        lines = [
            OrderLineRecord(line_ref=f"{order_id}-{sku}", seller_sku=sku, quantity=quantity, unit_price=price[sku])
            for sku, quantity in units.items()
        ]
        total = whole_dong(order.get("price")) - whole_dong(order.get("voucher")) + whole_dong(order.get("shipping_fee"))
        return OrderRecord(
            order_id=order_id, status=status, marketplace_status=",".join(sorted(set(statuses))),
            placed_at=order_time(order["created_at"]), updated_at=order_time(order["updated_at"]),
            total=total, lines=lines,
        )
