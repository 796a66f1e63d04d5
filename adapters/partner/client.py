"""The partner-floor adapter: every Adapter operation over a floor's JSON REST seller API, by its profile.

A floor issues an API key and secret per shop (no tokens): every call carries the key, a timestamp and
an HMAC-SHA256 signature (signing.py). ``authorize`` and ``refresh_credentials`` therefore just prove
the key with a signed call and hand the credentials back. Every answer used is read through wire.py's
answer models: one that does not fit them is a ``malformed_answer`` error for that call, never stored.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar
from urllib.parse import quote

import httpx

from adapters.common.answers import json_body
from adapters.common.contract import (
    CredentialsListener,
    ItemRef,
    ItemResult,
    ItemsPage,
    ListingDraft,
    OrderRecord,
    PriceUpdate,
    ShopCredentials,
    StockUpdate,
)
from adapters.common.creating import bound_to_existing
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings, MarketplaceHttp
from adapters.common.shop import ShopAdapter
from adapters.partner import signing, wire
from adapters.partner.profile import Endpoint, FloorProfile

# The floor counts calls by its own clock, after network delay: keep under its limit by a margin.
PACE_MARGIN = 0.8
MAX_TIME_DIGITS = 13  # Unix milliseconds until the year 2286


class PartnerAdapter(ShopAdapter):
    """One shop on one partner floor. Per-floor subclasses only set ``default_profile``."""

    default_profile: ClassVar[FloorProfile | None] = None

    @classmethod
    def for_floor(cls, profile: FloorProfile, name: str) -> type[PartnerAdapter]:
        """The class a floor's folder exports: this one with the floor's profile built in."""
        return type(name, (cls,), {"default_profile": profile, "__module__": cls.__module__})

    def __init__(
        self,
        base_url: str,
        credentials: ShopCredentials,
        *,
        on_credentials: CredentialsListener | None = None,
        http: HttpSettings | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        profile: FloorProfile | None = None,
    ):
        chosen = profile or self.default_profile
        if chosen is None:
            raise TypeError("PartnerAdapter needs a floor profile")
        self.profile = chosen
        self.capabilities = chosen.capabilities()
        pace = chosen.limits.requests_per_second * PACE_MARGIN
        super().__init__(credentials, MarketplaceHttp(chosen.name, base_url, requests_per_second=pace,
                                                      settings=http, transport=transport), on_credentials)
        self.clock_offset_s = 0.0  # learnt from the floor when it refuses our timestamp

    # --- the wire ----------------------------------------------------------------------------------
    def _builder(
        self,
        endpoint: Endpoint,
        *,
        path_params: dict[str, str] | None = None,
        params: dict | None = None,
        body: Any = None,
    ) -> Callable[[], httpx.Request]:
        path = endpoint.path.format(**{k: quote(v, safe="") for k, v in (path_params or {}).items()})
        content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        auth = self.profile.auth

        def build() -> httpx.Request:
            headers = {"Content-Type": "application/json"} if content else {}
            request = self.http.client.build_request(
                endpoint.method, path, params=params, content=content or None, headers=headers
            )
            stamp = signing.timestamp(auth, time.time() + self.clock_offset_s)
            key = self.credentials.app_key
            text = signing.signed_text(
                key, stamp, endpoint.method, request.url.raw_path.decode("ascii"), content
            )
            request.headers[auth.key_header] = key
            request.headers[auth.timestamp_header] = stamp
            request.headers[auth.signature_header] = signing.sign(
                auth, self.credentials.app_secret.get_secret_value(), text
            )
            return request

        return build

    def _interpret(self, response: httpx.Response) -> Any:
        body = json_body(response)
        if response.is_success:
            if body is None:
                raise MarketplaceError(
                    ErrorInfo(
                        kind=ErrorKind.transient, marketplace=self.profile.name, message="answer is not JSON"
                    )
                )
            return wire.dig(body, self.profile.errors.data_path)
        retry_after = response.headers.get("Retry-After", "")
        info = wire.error_info(
            self.profile, body, response.status_code, float(retry_after) if retry_after.isdigit() else None
        )
        if info.code == self.profile.errors.codes.timestamp_expired:
            self._learn_clock(body)
        raise MarketplaceError(info)

    def _learn_clock(self, body: Any) -> None:
        server_time = str(wire.dig(body, self.profile.errors.server_time_path) or "")
        if server_time.isdigit() and len(server_time) <= MAX_TIME_DIGITS:
            self.clock_offset_s = signing.seconds_of(self.profile.auth, server_time) - time.time()

    async def _call(self, endpoint: Endpoint, **request: Any) -> Any:
        return await self.http.call(self._builder(endpoint, **request), self._interpret, refresh=self._verify)

    # --- credentials -------------------------------------------------------------------------------
    async def _verify(self) -> ShopCredentials:
        """Prove the key with a signed call; the floor names the shop it belongs to."""
        data = await self.http.call(self._builder(self.profile.endpoints.shop), self._interpret)
        shop_id = wire.shop_id(self.profile, data)
        return await self._keep(self.credentials.model_copy(update={"shop_id": shop_id}))

    async def authorize(self, code: str) -> ShopCredentials:
        """Floors issue a key and secret, not codes: ``code`` is unused; the key is proven by a call."""
        return await self._verify()

    async def refresh_credentials(self) -> ShopCredentials:
        return await self._verify()

    # --- listings ----------------------------------------------------------------------------------
    async def _write_listing(
        self, endpoint: Endpoint, draft: ListingDraft, path_params: dict[str, str]
    ) -> ItemResult:
        record = wire.listing_record(self.profile, draft)
        try:
            data = await self._call(endpoint, path_params=path_params, body=record)
        except MarketplaceError as exc:
            if exc.kind is not ErrorKind.rejected:
                raise
            # a duplicate: an earlier attempt went through (its answer was lost), so bind to that item
            if exc.info.code == self.profile.errors.codes.duplicate_sku and (
                existing := await bound_to_existing(draft.seller_sku, self.find_by_seller_sku)
            ) is not None:
                return existing
            return ItemResult(seller_sku=draft.seller_sku, ok=False, error=exc.info)
        return ItemResult(seller_sku=draft.seller_sku, ok=True, ref=wire.item_ref(self.profile, data))

    async def create_listing(self, draft: ListingDraft) -> ItemResult:
        return await self._write_listing(self.profile.endpoints.create, draft, {})

    async def update_content(self, ref: ItemRef, draft: ListingDraft) -> ItemResult:
        return await self._write_listing(self.profile.endpoints.update, draft, {"item_id": ref.item_id})

    async def delist(self, ref: ItemRef) -> ItemResult:
        try:
            await self._call(self.profile.endpoints.delist, path_params={"item_id": ref.item_id})
        except MarketplaceError as exc:
            if exc.kind is not ErrorKind.rejected:
                raise
            if exc.info.code != self.profile.errors.codes.not_found:
                return ItemResult(seller_sku=ref.seller_sku, ok=False, error=exc.info)
        return ItemResult(
            seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update={"status": "deleted"})
        )

    # --- batches -----------------------------------------------------------------------------------
    async def update_prices(self, updates: list[PriceUpdate]) -> list[ItemResult]:
        entries = [(u.ref, {"price": u.price}) for u in updates]
        return await self._batches(
            self.profile.endpoints.batch_price, entries, self.profile.batches.price_limit
        )

    async def update_stock(self, updates: list[StockUpdate]) -> list[ItemResult]:
        entries = [(u.ref, {"stock": u.stock}) for u in updates]
        return await self._batches(
            self.profile.endpoints.batch_stock, entries, self.profile.batches.stock_limit
        )

    async def _batches(
        self, endpoint: Endpoint, entries: list[tuple[ItemRef, dict[str, int]]], limit: int
    ) -> list[ItemResult]:
        results: list[ItemResult] = []
        for start in range(0, len(entries), limit):
            results += await self._batch(endpoint, entries[start : start + limit])
        return results

    async def _batch(
        self, endpoint: Endpoint, entries: list[tuple[ItemRef, dict[str, int]]]
    ) -> list[ItemResult]:
        """One batch call; halved when the floor says it is too large for it now."""
        body = {
            self.profile.batches.request_key: [
                wire.to_floor(self.profile, {"seller_sku": ref.seller_sku, **change})
                | {self.profile.fields.item_id: ref.item_id}
                for ref, change in entries
            ]
        }
        try:
            data = await self._call(endpoint, body=body)
        except MarketplaceError as exc:
            if exc.kind is not ErrorKind.rejected:
                raise
            if exc.info.code == self.profile.errors.codes.batch_too_large and len(entries) > 1:
                half = len(entries) // 2
                return await self._batch(endpoint, entries[:half]) + await self._batch(
                    endpoint, entries[half:]
                )
            return [ItemResult(seller_sku=ref.seller_sku, ok=False, error=exc.info) for ref, _ in entries]
        answers = wire.batch_results(self.profile, data)
        return [self._batch_result(ref, change, answers.get(ref.seller_sku)) for ref, change in entries]

    def _batch_result(
        self, ref: ItemRef, change: dict[str, int], answer: dict[str, Any] | None
    ) -> ItemResult:
        if answer is None:
            info = ErrorInfo(
                kind=ErrorKind.transient,
                marketplace=self.profile.name,
                message="the floor gave no answer for this SKU",
            )
            return ItemResult(seller_sku=ref.seller_sku, ok=False, error=info)
        if wire.error_code(self.profile, answer) is not None:
            return ItemResult(
                seller_sku=ref.seller_sku, ok=False, error=wire.error_info(self.profile, answer, 400)
            )
        return ItemResult(seller_sku=ref.seller_sku, ok=True, ref=ref.model_copy(update=change))

    # --- reading -----------------------------------------------------------------------------------
    async def find_by_seller_sku(self, seller_sku: str) -> ItemRef | None:
        try:
            data = await self._call(self.profile.endpoints.lookup, path_params={"seller_sku": seller_sku})
        except MarketplaceError as exc:
            if exc.kind is ErrorKind.rejected and exc.info.code == self.profile.errors.codes.not_found:
                return None
            raise
        return wire.item_ref(self.profile, data)

    async def list_items(self, cursor: str | None = None) -> ItemsPage:
        records, next_cursor = await self._page(
            self.profile.endpoints.items, self.profile.paging.items_key, cursor, {}
        )
        return ItemsPage(items=[wire.item_ref(self.profile, r) for r in records], next_cursor=next_cursor)

    async def orders_since(self, watermark: datetime) -> list[OrderRecord]:
        orders = self.profile.orders
        since = {orders.since_param: wire.encode_time(self.profile, watermark)}
        found: list[OrderRecord] = []
        cursor: str | None = None
        while True:
            records, cursor = await self._page(self.profile.endpoints.orders, orders.list_key, cursor, since)
            found += [wire.order_record(self.profile, record) for record in records]
            if cursor is None:
                return found

    async def _page(
        self, endpoint: Endpoint, list_key: str, cursor: str | None, params: dict[str, Any]
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page of a list and the cursor of the next (``None`` after the last), in the floor's style."""
        paging = self.profile.paging
        query = {**params, paging.size_param: paging.page_size}
        if paging.style == "cursor":
            query |= {paging.position_param: cursor} if cursor else {}
            return wire.cursor_page(self.profile, await self._call(endpoint, params=query), list_key)
        position = int(cursor) if cursor else (paging.first_page if paging.style == "page" else 0)
        data = await self._call(endpoint, params=query | {paging.position_param: position})
        records, total = wire.counted_page(self.profile, data, list_key)
        if paging.style == "page":
            more = (position - paging.first_page + 1) * paging.page_size < total
            return records, str(position + 1) if records and more else None
        more = position + len(records) < total
        return records, str(position + len(records)) if records and more else None
