"""The seller's consent page every redirect-authorising sandbox shares (Shopee's ``auth_partner``, Lazada's
``oauth/authorize``): the app asks for access, the shop owner presses "Đồng ý", and the browser goes back
to the app's redirect address with a one-time code.

Each marketplace checks its own query (signature, client id, redirect) and names what goes back; this
module holds the registered apps, the page, the shop the owner consents for and the redirect. An app is
registered with ``POST /_sandbox/apps`` (as a partner registers on the real platform) and survives
``/_sandbox/reset``; a shop opened with ``POST /_sandbox/shops`` is its own app, as before.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import urlencode

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.http import tls
from adapters.common.sandbox import MarketplaceSandbox, SandboxShop

NEW_SHOP = "new"


@dataclass(frozen=True)
class SandboxApp:
    """An app registered with the marketplace: its key and secret, and the callback its redirect must equal
    (``None``: any redirect, for a marketplace that does not register one)."""

    key: str
    secret: str
    name: str
    callback: str | None = None


class ConsentRefused(Exception):
    """The marketplace refuses the authorisation link: shown as its error page, nothing is granted."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


def with_query(url: str, params: dict[str, str]) -> str:
    """``url`` with ``params`` added to whatever query it already has."""
    return f"{url}{'&' if '?' in url else '?'}{urlencode(params)}"


class SandboxConsent(MarketplaceSandbox):
    """Registered apps and the consent page, for a sandbox whose marketplace authorises shops by redirect."""

    title: str  # how the page names the marketplace

    def __init__(self, **options: Any):
        self.apps: dict[str, SandboxApp] = {}
        super().__init__(**options)

    @abc.abstractmethod
    def new_app(self, name: str, callback: str | None) -> SandboxApp:
        """A new app's key and secret in the marketplace's own shape."""

    @abc.abstractmethod
    def open_app_shop(self, name: str, app_key: str, app_secret: str) -> SandboxShop:
        """Open a seller shop in ``self.state`` that the app with this key may call."""

    @abc.abstractmethod
    def returned(self, shop: SandboxShop, code: str, asked: dict[str, str]) -> tuple[str, dict[str, str]]:
        """Where the browser goes after consent and what is added to it, from the link's own fields."""

    # --- apps ------------------------------------------------------------------------------------
    def app_for(self, key: str) -> SandboxApp | None:
        """The registered app with this key, or the app a shop opened by ``/_sandbox/shops`` stands for."""
        if key in self.apps:
            return self.apps[key]
        shop = next((shop for shop in self.state.shops.values() if shop.app_key == key), None)
        return SandboxApp(shop.app_key, shop.app_secret, shop.name) if shop else None

    def _control_routes(self) -> list[BaseRoute]:
        return [*super()._control_routes(), Route("/_sandbox/apps", self._register_app, methods=["POST"])]

    async def _register_app(self, request: Request) -> Response:
        body = await self._body(request)
        app = self.new_app(str(body.get("name") or "Ứng dụng thử nghiệm"), body.get("callback"))
        self.apps[app.key] = app
        return JSONResponse({"app_key": app.key, "app_secret": app.secret, "name": app.name,
                             "callback": app.callback})

    # --- the page ----------------------------------------------------------------------------------
    def consent_page(self, app: SandboxApp, asked: dict[str, str], action: str) -> Response:
        """The owner sees the app asking for access to a shop: one of the app's shops, or a new one."""
        hidden = "".join(f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
                         for name, value in asked.items())
        shops = "".join(
            f'<label><input type="radio" name="shop_id" value="{escape(shop.shop_id)}"> '
            f"{escape(shop.name)} ({escape(shop.shop_id)})</label><br>"
            for shop in self.state.shops.values() if shop.app_key == app.key
        )
        return HTMLResponse(
            f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>{escape(self.title)} · Cấp quyền'
            f"</title></head><body><h1>{escape(self.title)}</h1>"
            f"<p><strong>{escape(app.name)}</strong> xin quyền quản lý sản phẩm, giá, tồn kho và đơn hàng của gian "
            f"hàng của bạn.</p><form method=\"post\" action=\"{escape(action)}\">{hidden}"
            f"{shops}<label><input type=\"radio\" name=\"shop_id\" value=\"{NEW_SHOP}\" checked> Gian hàng mới: "
            f'<input type="text" name="shop_name" value="Gian hàng thử nghiệm" aria-label="Tên gian hàng"></label>'
            f'<p><button type="submit">Đồng ý</button></p></form></body></html>'
        )

    @staticmethod
    def refusal_page(refused: ConsentRefused) -> Response:
        return HTMLResponse(f'<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Error</title>'
                            f"</head><body><h1>Error</h1><p class=\"error\">{escape(refused.message)}</p>"
                            f"</body></html>", status_code=refused.status)

    async def consented(self, request: Request, app: SandboxApp, asked: dict[str, str]) -> Response:
        """The owner pressed "Đồng ý": a one-time code for the chosen shop, and the browser sent back."""
        form = await request.form()
        chosen = str(form.get("shop_id") or NEW_SHOP)
        if chosen == NEW_SHOP:
            shop = self.open_app_shop(str(form.get("shop_name") or "Gian hàng thử nghiệm"), app.key, app.secret)
        else:
            shop = self.state.shops.get(chosen)
            if shop is None or shop.app_key != app.key:
                return self.refusal_page(ConsentRefused("The shop is not authorised for this app.", 403))
        code = self.issue_code(shop)
        assert code is not None  # a marketplace that authorises by redirect authorises by code
        redirect, added = self.returned(shop, code, asked)
        return RedirectResponse(with_query(redirect, added), status_code=303)


def register_app(base_url: str, name: str, callback: str | None) -> tuple[str, str]:
    """Register an app on the sandbox at ``base_url`` (``POST /_sandbox/apps``): its key and secret."""
    answer = httpx.post(f"{base_url}/_sandbox/apps", json={"name": name, "callback": callback}, timeout=10,
                        verify=tls())
    answer.raise_for_status()
    return answer.json()["app_key"], answer.json()["app_secret"]
