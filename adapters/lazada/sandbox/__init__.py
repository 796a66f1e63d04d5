"""A local stand-in for the Lazada Open Platform, strict where Lazada is (reference lazada.md §8).

The API lives under ``/rest/…`` as on the real hosts, token calls included (``/rest/auth/token/…``, the
auth host's path). Every answer is HTTP 200 JSON with a string ``code`` and a ``request_id``; errors
carry Lazada's codes. A product holds one SKU, or several as variants along its ``variation``
(``variants.py``); several SKUs without ``variation`` are refused with ``4133``.
``wire.py`` holds what every call shares (envelope, refusals, payload parsing, signature and token
check, rate limit), ``auth.py`` shops, codes and tokens, ``products.py`` products, prices, stock and
images, ``orders.py`` orders and their fulfilment, ``pages.py`` the shopper's product page,
``categories.py`` the category tree, attributes, brands and suggestions served from ``data/*.json``.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from adapters.common.sandbox import SandboxShop
from adapters.lazada import envelope
from adapters.lazada.client import MAX_SKUS_PER_CALL
from adapters.lazada.sandbox.auth import LazadaAuth
from adapters.lazada.sandbox.categories import LazadaCategories
from adapters.lazada.sandbox.pages import LazadaPages
from adapters.lazada.sandbox.variants import LazadaVariants
from adapters.lazada.sandbox.wire import TOKEN_PATHS, Handler, LazadaRefusal, request_id


class LazadaSandbox(LazadaAuth, LazadaVariants, LazadaPages, LazadaCategories):
    marketplace = "lazada"
    default_port = 8702
    default_rate_limit_per_s = 50.0  # inventory APIs: 50 calls a second per seller (§3.4)
    push_attempts = 12  # Lazada retries a failed push "up to 12 times" (§6): 12 tries in all here

    def __init__(
        self, *, rate_limit_per_s: float | None = None, seed: int | None = None,
        access_ttl_s: int = 864000, refresh_ttl_s: int = 4320000, max_skus_per_call: int = MAX_SKUS_PER_CALL,
    ):
        self.access_ttl_s = access_ttl_s
        self.refresh_ttl_s = refresh_ttl_s
        self.max_skus_per_call = max_skus_per_call
        self.fulfilment: dict[str, str] = {}  # order id -> Lazada item status after pending
        self.handlers: dict[str, Handler] = {
            "/product/create": self.create_product,
            "/product/update": self.update_product,
            "/product/price_quantity/update": self.update_price_quantity,
            "/product/stock/sellable/update": self.update_sellable_stock,
            "/product/deactivate": self.deactivate_product,
            "/product/remove": self.remove_product,
            "/product/sku/remove": self.remove_sku,
            "/product/item/get": self.get_item,
            "/products/get": self.get_products,
            "/image/migrate": self.migrate_image,
            "/image/upload": self.upload_image,
            "/category/tree/get": self.get_category_tree,
            "/category/attributes/get": self.get_category_attributes,
            "/category/brands/query": self.query_brands,
            "/product/category/suggestion/get": self.suggest_category,
            "/orders/get": self.get_orders,
            "/orders/items/get": self.get_orders_items,
            "/order/items/get": self.get_order_items,
        }
        self.writes = frozenset({
            "/product/create", "/product/update", "/product/price_quantity/update",
            "/product/stock/sellable/update", "/product/deactivate", "/product/remove", "/product/sku/remove",
        })
        super().__init__(rate_limit_per_s=rate_limit_per_s, seed=seed)

    # --- what the base asks for ---------------------------------------------------------------
    def api_routes(self) -> list[BaseRoute]:
        return [
            *self.consent_routes(),
            Route("/rest/{path:path}", self.api, methods=["GET", "POST"]),
            Route("/_sandbox/orders/{order_id}/status", self.move_order, methods=["POST"]),
        ]

    async def _reset(self, request: Request) -> Response:
        self.fulfilment.clear()
        return await super()._reset(request)

    # --- the API ------------------------------------------------------------------------------
    async def api(self, request: Request) -> Response:
        path = "/" + request.path_params["path"]
        try:
            params, files = await self.read_params(request)
            shop = self.check_signature(path, params)
            if path in TOKEN_PATHS:
                body = self.token_create(params, shop) if path == TOKEN_PATHS[0] else self.token_refresh(params)
            else:
                body = await self.seller_call(path, params, shop, files)
        except LazadaRefusal as refusal:
            self.set_outcome(request, refusal.code)
            return refusal.response()
        self.set_outcome(request, "ok")
        return JSONResponse({**body, "code": envelope.SUCCESS, "request_id": request_id()})

    async def seller_call(self, path: str, params: dict[str, str], caller: SandboxShop | None,
                          files: dict[str, Any]) -> dict[str, Any]:
        """A seller API call: its answer under ``data`` (or at the top level where Lazada puts it)."""
        handler = self.handlers.get(path)
        if handler is None:
            raise LazadaRefusal("InvalidApiPath", f"The specified API path {path} is invalid")
        shop = self.check_access_token(params, caller)
        if path in self.writes:
            self.count_write()
        data = handler(params, shop, files)
        if not isinstance(data, dict):
            data = await data
        top = data.pop("_top", None)
        return top if top is not None else {"data": data}
