"""Shopee's shops and authorisation in the sandbox: the seller's consent page at ``/api/v2/shop/auth_partner``
(refused for an unknown partner, a wrong sign, a link older than 5 minutes or no redirect), one-time codes
(10 minutes), token pairs, and a refresh that spends the refresh token and leaves the old access token
5 more minutes."""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox import SandboxShop
from adapters.common.sandbox_consent import ConsentRefused, SandboxApp, SandboxConsent
from adapters.shopee import envelope
from adapters.shopee.authorisation import AUTH_PARTNER_PATH
from adapters.shopee.sandbox.wire import Caller, ShopeeRefusal, ShopeeWire, missing, wrong

ACCESS_TTL_S = 14400
REFRESH_TTL_S = 30 * 24 * 3600
CODE_TTL_S = 600
OLD_TOKEN_GRACE_S = 300


class ShopeeAuth(ShopeeWire, SandboxConsent):
    """Opening shops, the seller's consent, issuing codes, and the two token calls."""

    title = "Shopee Open Platform"

    def open_shop(self, name: str) -> dict[str, Any]:
        partner = self.new_app(name, None)
        shop = self.open_app_shop(name, partner.key, partner.secret)
        return {"shop_id": int(shop.shop_id), "partner_id": int(partner.key), "partner_key": shop.app_secret,
                "code": self.issue_code(shop), "name": name}

    def new_app(self, name: str, callback: str | None) -> SandboxApp:
        """A partner: a numeric ``partner_id`` and its partner key (Shopee registers no callback)."""
        return SandboxApp(str(2_000_000 + self.state.next_id()), "shpk" + secrets.token_hex(30), name)

    def open_app_shop(self, name: str, app_key: str, app_secret: str) -> SandboxShop:
        shop = SandboxShop(shop_id=str(self.state.next_id()), name=name, app_key=app_key, app_secret=app_secret,
                           extra={"images": set()})
        self.state.shops[shop.shop_id] = shop
        return shop

    def _partner_key(self, partner_id: str) -> str | None:
        app = self.app_for(partner_id)
        return app.secret if app else None

    # --- the seller's consent -------------------------------------------------------------------
    def consent_routes(self) -> list[BaseRoute]:
        return [Route(AUTH_PARTNER_PATH, self.auth_partner, methods=["GET", "POST"])]

    async def auth_partner(self, request: Request) -> Response:
        """GET: the consent page for a signed link; POST: the seller consents (the link's fields again)."""
        asked = dict(request.query_params) if request.method == "GET" else {
            name: str(value) for name, value in (await request.form()).items()
            if name in ("partner_id", "timestamp", "sign", "redirect")}
        try:
            app = self._linked_app(request, asked)
        except ConsentRefused as refused:
            return self.refusal_page(refused)
        if request.method == "GET":
            return self.consent_page(app, asked, AUTH_PARTNER_PATH)
        return await self.consented(request, app, asked)

    def _linked_app(self, request: Request, asked: dict[str, str]) -> SandboxApp:
        """The partner a link is for, refused as Shopee refuses it: unknown partner, stale or wrong sign, no
        redirect."""
        try:
            caller = self._authenticate_public(asked, AUTH_PARTNER_PATH)
        except ShopeeRefusal as refusal:
            self.set_outcome(request, refusal.code)
            raise ConsentRefused(f"{refusal.code}: {refusal.message}", refusal.status) from None
        if not asked.get("redirect", "").startswith(("http://", "https://")):
            self.set_outcome(request, envelope.ERROR_PARAM)
            raise ConsentRefused(f"{envelope.ERROR_PARAM}: There is no redirect in query.", 403)
        app = self.app_for(caller.partner_id)
        assert app is not None  # the sign was checked with its key
        return app

    def returned(self, shop: SandboxShop, code: str, asked: dict[str, str]) -> tuple[str, dict[str, str]]:
        return asked["redirect"], {"code": code, "shop_id": shop.shop_id}

    def issue_code(self, shop: SandboxShop) -> str:
        """A code the seller's consent hands back: single use, good for 10 minutes."""
        code = self.state.issue_code(shop.shop_id)
        shop.extra.setdefault("code_expires", {})[code] = time.time() + CODE_TTL_S
        return code

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
            raise ShopeeRefusal(envelope.ERROR_AUTH, "Invalid partner_id or shopid.", 403)
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
            raise ShopeeRefusal(envelope.INVALID_CODE, "Invalid code.", 403)
        return {**self._issue(shop), "shop_id_list": [int(shop.shop_id)], "merchant_id_list": []}

    async def access_token_get(self, request: Request, caller: Caller) -> dict[str, Any]:
        """A new pair for a refresh token, which is spent; the old access token lives 5 more minutes."""
        body = await self._json(request)
        if not body.get("refresh_token"):
            raise missing("refresh_token", "common")
        shop = self._body_shop(body, caller)
        if self.state.use_refresh_token(str(body["refresh_token"])) != shop.shop_id:
            raise ShopeeRefusal(envelope.ERROR_REFRESH_TOKEN, "Invalid refresh_token.", 403)
        grace = time.time() + OLD_TOKEN_GRACE_S
        for token in self.state.access_tokens.values():
            if token.shop_id == shop.shop_id:
                token.expires_at = min(token.expires_at, grace)
        return {**self._issue(shop), "partner_id": int(caller.partner_id), "shop_id": int(shop.shop_id)}
