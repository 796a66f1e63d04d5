"""Shopee's wire in the sandbox: the envelope, refusals naming the field, the signature and token check on
every call (reference shopee.md §8.1–2), paging, and the rate-limit and server-error answers."""

from __future__ import annotations

import abc
import hmac
import json
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.common import sandbox
from adapters.common.sandbox import MarketplaceSandbox, SandboxShop
from adapters.shopee import envelope
from adapters.shopee.signing import PUBLIC_PATHS, sign

API = "/api/v2"
TIMESTAMP_WINDOW_S = 300
MAX_IDS = 50
MAX_PAGE_SIZE = 100


def envelope_body(response: dict[str, Any] | None = None, *, error: str = "", message: str = "",
                  warning: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {"request_id": secrets.token_hex(16), "error": error, "message": message}
    if warning:
        body["warning"] = warning
    if response is not None:
        body["response"] = response
    return body


class ShopeeRefusal(sandbox.Refusal):
    """Shopee's error answer: a code, a message naming the field, and an HTTP status."""

    def response(self) -> JSONResponse:
        return JSONResponse(envelope_body(error=self.code, message=self.message), status_code=self.status)


def missing(field: str, module: str = "product") -> ShopeeRefusal:
    return ShopeeRefusal(f"{module}.{envelope.ERROR_PARAM}", f"Wrong parameters, detail: {field} is required.")


def wrong(field: str, reason: str, module: str = "product") -> ShopeeRefusal:
    return ShopeeRefusal(f"{module}.{envelope.ERROR_PARAM}", f"Wrong parameters, detail: {field} {reason}.")


def is_whole(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer()


@dataclass
class Caller:
    """Who is calling: the partner, and for shop calls the shop the access token belongs to."""

    partner_id: str
    shop: SandboxShop | None = None


Handler = Callable[[Request, Caller], Awaitable[dict[str, Any]]]


class ShopeeWire(MarketplaceSandbox):
    """The checks and answers every Shopee call shares."""

    def rate_limited_response(self) -> Response:
        refusal = ShopeeRefusal(envelope.ERROR_RATE_LIMIT, "Too many requests. You have reached the rate limit.", 429)
        return refusal.response()

    def server_error_response(self) -> Response:
        return ShopeeRefusal(envelope.ERROR_SERVER, "System error, please try again later.", 500).response()

    def rate_limit_key(self, request: Request) -> str | None:
        if not request.url.path.startswith(API):
            return None
        query = request.query_params
        return f"{query.get('partner_id', '')}:{query.get('shop_id', '')}"

    def app_key(self, request: Request) -> str | None:
        return request.query_params.get("partner_id")

    # --- the common checks --------------------------------------------------------------------
    def _endpoint(self, path: str, handler: Handler, flat: bool) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                caller = self._authenticate(request, path)
                answer = await handler(request, caller)
            except ShopeeRefusal as refusal:
                self.set_outcome(request, refusal.code)
                return refusal.response()
            if flat:
                return JSONResponse({**envelope_body(), **answer})
            warning = "Some items failed, see failure_list." if answer.get("failure_list") else ""
            return JSONResponse(envelope_body(answer, warning=warning))

        return endpoint

    @abc.abstractmethod
    def _partner_key(self, partner_id: str) -> str | None:
        """The partner's key; ``None`` for a partner Shopee does not know (auth.py)."""

    def _signed_by(self, query: Mapping[str, str]) -> tuple[str, str, int, str]:
        """§8.1: a known partner, a timestamp within 5 minutes and a sign: partner_id, its key, the
        timestamp and the sign given."""
        partner_id = query.get("partner_id", "")
        if not partner_id:
            raise ShopeeRefusal(envelope.ERROR_PARAM, "There is no partner_id in query.", 403)
        key = self._partner_key(partner_id)
        if key is None:
            raise ShopeeRefusal(envelope.ERROR_PARAM, "Invalid partner_id.", 403)
        stamp = query.get("timestamp", "")
        if not stamp.isdigit():
            raise ShopeeRefusal(envelope.ERROR_PARAM, "There is no timestamp in query." if not stamp
                                else "Invalid timestamp.", 403)
        if abs(time.time() - int(stamp)) > TIMESTAMP_WINDOW_S:
            raise ShopeeRefusal(envelope.ERROR_PARAM, "Timestamp is expired.", 403)
        given = query.get("sign", "")
        if not given:
            raise ShopeeRefusal(envelope.ERROR_PARAM, "There is no sign in query.", 403)
        return partner_id, key, int(stamp), given

    def _authenticate_public(self, query: Mapping[str, str], path: str) -> Caller:
        """§8.2 for a public call (and the authorisation link): the sign over partner_id, path and timestamp."""
        partner_id, key, stamp, given = self._signed_by(query)
        if not hmac.compare_digest(given, sign(key, partner_id, path, stamp)):
            raise ShopeeRefusal(envelope.ERROR_SIGN, "Wrong sign.", 403)
        return Caller(partner_id)

    def _authenticate(self, request: Request, path: str) -> Caller:
        """§8.1–2: partner, timestamp within 5 minutes, sign, then the shop's access token."""
        query = request.query_params
        if path in PUBLIC_PATHS:
            return self._authenticate_public(query, path)
        partner_id, key, stamp, given = self._signed_by(query)
        token, shop_id = query.get("access_token", ""), query.get("shop_id", "")
        for name, value in (("access_token", token), ("shop_id", shop_id)):
            if not value:
                raise ShopeeRefusal(envelope.ERROR_PARAM, f"There is no {name} in query.", 403)
        if not hmac.compare_digest(given, sign(key, partner_id, path, stamp, token, shop_id)):
            raise ShopeeRefusal(envelope.ERROR_SIGN, "Wrong sign.", 403)
        owner, state = self.state.check_access_token(token)
        if state == "expired":
            raise ShopeeRefusal(envelope.INVALID_ACCESS_TOKEN, "Invalid access_token.", 403)
        if owner is None:
            raise ShopeeRefusal(envelope.ERROR_AUTH, "Invalid access_token.", 403)
        shop = self.state.shops.get(owner)
        if owner != shop_id or shop is None or shop.app_key != partner_id:
            raise ShopeeRefusal(envelope.ERROR_AUTH, "Invalid partner_id or shopid.", 403)
        return Caller(partner_id, shop)

    @staticmethod
    async def _json(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body() or b"{}")
        except ValueError:
            raise ShopeeRefusal(envelope.ERROR_PARAM, "Wrong parameters, detail: body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ShopeeRefusal(envelope.ERROR_PARAM, "Wrong parameters, detail: body must be a JSON object.")
        return body

    @staticmethod
    def _shop(caller: Caller) -> SandboxShop:
        assert caller.shop is not None  # shop calls always authenticate a shop
        return caller.shop

    @staticmethod
    def _page_size(request: Request) -> int:
        raw = request.query_params.get("page_size", "")
        if not raw:
            raise missing("page_size")
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_PAGE_SIZE:
            raise wrong("page_size", f"must be between 1 and {MAX_PAGE_SIZE}")
        return int(raw)
