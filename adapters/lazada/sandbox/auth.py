"""Lazada's shops and authorisation in the sandbox: the seller's consent page at ``/oauth/authorize``
(refused for an unknown client id, a response type other than ``code``, no redirect, or one that is not
the app's callback), one-time codes shaped ``0_<app_key>_<random>``, token pairs, and a refresh that spends
the refresh token."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox import SandboxShop
from adapters.common.sandbox_consent import ConsentRefused, SandboxApp, SandboxConsent
from adapters.lazada import envelope
from adapters.lazada.authorisation import AUTHORIZE_PATH
from adapters.lazada.sandbox.wire import LazadaRefusal, LazadaWire

AUTHORIZE_FIELDS = ("response_type", "force_auth", "redirect_uri", "client_id", "state")


class LazadaAuth(LazadaWire, SandboxConsent):
    """Opening shops, the seller's consent, issuing codes, and the two token calls."""

    title = "Lazada Open Platform"
    access_ttl_s: int
    refresh_ttl_s: int

    def open_shop(self, name: str) -> dict[str, Any]:
        app = self.new_app(name, None)
        shop = self.open_app_shop(name, app.key, app.secret)
        return {"shop_id": shop.shop_id, "seller_id": shop.shop_id, "name": name, "app_key": app.key,
                "app_secret": shop.app_secret, "code": self.issue_code(shop), "short_code": shop.extra["short_code"]}

    def new_app(self, name: str, callback: str | None) -> SandboxApp:
        """A numeric app key and its secret; ``callback`` is what every authorise link's redirect must equal."""
        return SandboxApp(str(100000 + self.state.next_id()), secrets.token_urlsafe(24), name, callback)

    def open_app_shop(self, name: str, app_key: str, app_secret: str) -> SandboxShop:
        seller_id = str(self.state.next_id())
        shop = SandboxShop(shop_id=seller_id, name=name, app_key=app_key, app_secret=app_secret,
                           extra={"short_code": f"VN{seller_id}"})
        self.state.shops[seller_id] = shop
        return shop

    def _app_secret(self, app_key: str) -> str | None:
        app = self.app_for(app_key)
        return app.secret if app else None

    # --- the seller's consent -------------------------------------------------------------------
    def consent_routes(self) -> list[BaseRoute]:
        return [Route(AUTHORIZE_PATH, self.authorize_page, methods=["GET", "POST"])]

    async def authorize_page(self, request: Request) -> Response:
        """GET: the consent page for an authorise link; POST: the seller consents (the link's fields again)."""
        fields = request.query_params if request.method == "GET" else await request.form()
        asked = {name: str(fields[name]) for name in AUTHORIZE_FIELDS if name in fields}
        try:
            app = self._linked_app(asked)
        except ConsentRefused as refused:
            return self.refusal_page(refused)
        if request.method == "GET":
            return self.consent_page(app, asked, AUTHORIZE_PATH)
        return await self.consented(request, app, asked)

    def _linked_app(self, asked: dict[str, str]) -> SandboxApp:
        if asked.get("response_type") != "code":
            raise ConsentRefused("unsupported_response_type: response_type must be code")
        app = self.app_for(asked.get("client_id", ""))
        if app is None:
            raise ConsentRefused("invalid_client: The specified app key is invalid", 401)
        redirect = asked.get("redirect_uri", "")
        if not redirect:
            raise ConsentRefused("invalid_request: redirect_uri is missing")
        if app.callback is not None and redirect != app.callback:
            raise ConsentRefused("invalid_request: Redirect uri does not match the callback URL of the app")
        return app

    def returned(self, shop: SandboxShop, code: str, asked: dict[str, str]) -> tuple[str, dict[str, str]]:
        state = {"state": asked["state"]} if asked.get("state") else {}
        return asked["redirect_uri"], {"code": code, **state}

    def issue_code(self, shop: SandboxShop) -> str:
        """Lazada's shape: ``0_<app_key>_<random>``."""
        return self.state.issue_code(shop.shop_id, prefix=f"0_{shop.app_key}_")

    def token_create(self, params: dict[str, str], shop: SandboxShop | None) -> dict[str, Any]:
        shop_id = self.state.redeem_code(params.get("code", ""))
        if shop is None or shop_id != shop.shop_id:
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
