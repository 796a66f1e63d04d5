"""A partner floor's shops in the sandbox: a shop is opened with an API key and secret, which is all a
floor authorises by."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from adapters.common.sandbox import SandboxShop
from adapters.partner import wire
from adapters.partner.sandbox.wire import PartnerWire


class PartnerAuth(PartnerWire):
    """Opening shops and the shop call."""

    def open_shop(self, name: str) -> dict[str, Any]:
        shop_id = str(self.state.next_id())
        key, secret = f"pk_{secrets.token_hex(8)}", secrets.token_hex(24)
        self.state.shops[shop_id] = SandboxShop(shop_id=shop_id, name=name, app_key=key, app_secret=secret)
        return {"shop_id": shop_id, "name": name, "api_key": key, "api_secret": secret}

    def issue_code(self, shop: SandboxShop) -> None:
        """A floor authorises a shop by its API key and secret, not by code."""

    async def _shop_info(self, request: Request, shop: SandboxShop) -> Response:
        return self.ok({wire.SHOP_ID_KEY: shop.shop_id, "name": shop.name})

