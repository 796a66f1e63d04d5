"""Lazada's shops and authorisation in the sandbox: one-time codes shaped ``0_<app_key>_<random>``, token
pairs, and a refresh that spends the refresh token."""

from __future__ import annotations

import secrets
from typing import Any

from adapters.common.sandbox import SandboxShop
from adapters.lazada import envelope
from adapters.lazada.sandbox.wire import LazadaRefusal, LazadaWire


class LazadaAuth(LazadaWire):
    """Opening shops, issuing codes, and the two token calls."""

    access_ttl_s: int
    refresh_ttl_s: int

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

    def token_create(self, params: dict[str, str], shop: SandboxShop) -> dict[str, Any]:
        shop_id = self.state.redeem_code(params.get("code", ""))
        if shop_id != shop.shop_id:
            raise LazadaRefusal(envelope.INVALID_CODE, "Invalid authorization code: wrong, used, expired or of another app")
        return self.tokens(shop, "country_user_info")

    def token_refresh(self, params: dict[str, str]) -> dict[str, Any]:
        shop_id = self.state.use_refresh_token(params.get("refresh_token", ""))
        if shop_id is None:
            raise LazadaRefusal(envelope.ILLEGAL_REFRESH_TOKEN, "The refresh token is invalid or expired")
        return self.tokens(self.state.shops[shop_id], "country_user_info_list")

    def tokens(self, shop: SandboxShop, users_key: str) -> dict[str, Any]:
        access, refresh = self.state.issue_tokens(shop.shop_id, self.access_ttl_s, self.refresh_ttl_s)
        user = {"country": "vn", "user_id": shop.shop_id, "seller_id": shop.shop_id,
                "short_code": shop.extra.get("short_code", "")}
        return {"access_token": access.value, "refresh_token": refresh.value, "country": "vn",
                "account_platform": "seller_center", "expires_in": self.access_ttl_s,
                "refresh_expires_in": self.refresh_ttl_s, users_key: [user],
                "account": f"{shop.shop_id}@sandbox.lazada.vn"}
