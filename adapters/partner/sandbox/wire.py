"""A partner floor's wire in the sandbox: answers and refusals in the floor's error shape, the signature
and timestamp check by the floor's clock, paging in the floor's style, and the rate-limit and
server-error answers."""

from __future__ import annotations

import base64
import time
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from adapters.common import sandbox
from adapters.common.sandbox import MarketplaceSandbox, SandboxShop
from adapters.partner import signing
from adapters.partner.profile import Endpoint, FloorProfile
from adapters.partner.wire import error_body, nest

Handler = Callable[[Request, SandboxShop], Awaitable[Response]]


class PartnerRefusal(sandbox.Refusal):
    """The floor refuses a call; ``extra`` is what the floor's error body adds (its server time)."""

    def __init__(self, code: str, message: str, status: int, field: str | None = None, **extra: Any):
        super().__init__(code, message, status, field)
        self.extra = extra

    def response(self, profile: FloorProfile) -> JSONResponse:
        field = getattr(profile.fields, self.field, None) if self.field else None
        body = error_body(profile, self.code, self.message, field or self.field, **self.extra)
        headers = {"Retry-After": "1"} if self.status == 429 else None
        return JSONResponse(body, status_code=self.status, headers=headers)


class PartnerWire(MarketplaceSandbox):
    """The checks and answers every call to the floor shares."""

    profile: FloorProfile
    clock_skew_s: float  # how far the floor's clock is from ours

    # --- answers in the floor's shape ----------------------------------------------------------
    def ok(self, data: Any) -> JSONResponse:
        return JSONResponse(nest(self.profile.errors.data_path, data))

    def rate_limited_response(self) -> Response:
        code = self.profile.errors.codes.rate_limited
        refusal = PartnerRefusal(code, "Vượt quá giới hạn số lần gọi, vui lòng thử lại sau", 429)
        return refusal.response(self.profile)

    def server_error_response(self) -> Response:
        code = self.profile.errors.codes.server_error
        return PartnerRefusal(code, "Lỗi hệ thống, vui lòng thử lại sau", 500).response(self.profile)

    def rate_limit_key(self, request: Request) -> str | None:
        return request.headers.get(self.profile.auth.key_header)

    def invalid(self, ours: str | None, message: str) -> PartnerRefusal:
        return PartnerRefusal(self.profile.errors.codes.invalid_field, message, 400, ours)

    def not_found(self, what: str) -> PartnerRefusal:
        return PartnerRefusal(self.profile.errors.codes.not_found, f"Không tìm thấy {what}", 404)

    async def signed_shop(self, request: Request) -> SandboxShop:
        auth, codes = self.profile.auth, self.profile.errors.codes
        key = request.headers.get(auth.key_header, "")
        shop = next((s for s in self.state.shops.values() if s.app_key == key), None)
        if shop is None:
            raise PartnerRefusal(codes.unknown_key, "API key không hợp lệ", 401)
        floor_time = time.time() + self.clock_skew_s
        try:
            stamp = signing.seconds_of(auth, request.headers.get(auth.timestamp_header, ""))
        except ValueError:
            message = f"thiếu hoặc sai {auth.timestamp_header}"
            raise PartnerRefusal(codes.bad_signature, message, 401) from None
        if abs(floor_time - stamp) > auth.timestamp_window_s:
            raise PartnerRefusal(
                codes.timestamp_expired,
                "Yêu cầu đã hết hạn (dấu thời gian lệch quá giới hạn)",
                401,
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
            raise PartnerRefusal(codes.bad_signature, "Chữ ký không hợp lệ", 401)
        return shop

    def _route(self, endpoint: Endpoint, handler: Handler) -> Route:
        async def serve(request: Request) -> Response:
            try:
                shop = await self.signed_shop(request)
                return await handler(request, shop)
            except PartnerRefusal as refusal:
                self.set_outcome(request, refusal.code)
                return refusal.response(self.profile)

        return Route(endpoint.path, serve, methods=[endpoint.method])

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
            raise PartnerRefusal(
                self.profile.errors.codes.invalid_field,
                f"{paging.size_param} phải từ 1 đến {paging.max_page_size}",
                400,
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

    async def _clock(self, request: Request) -> Response:
        body = await self._body(request)
        self.clock_skew_s = float(body.get("skew_s", 0))
        return JSONResponse({"skew_s": self.clock_skew_s})

