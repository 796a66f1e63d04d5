"""Shopee's shops and authorisation in the sandbox: one-time codes (10 minutes), token pairs, and a
refresh that spends the refresh token and leaves the old access token 5 more minutes."""

from __future__ import annotations

import secrets
import time
from typing import Any

from starlette.requests import Request

from adapters.common.sandbox import SandboxShop
from adapters.shopee import envelope
from adapters.shopee.sandbox.wire import Caller, ShopeeRefusal, ShopeeWire, missing, wrong

ACCESS_TTL_S = 14400
REFRESH_TTL_S = 30 * 24 * 3600
CODE_TTL_S = 600
OLD_TOKEN_GRACE_S = 300


class ShopeeAuth(ShopeeWire):
    """Opening shops, issuing codes, and the two token calls."""

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
