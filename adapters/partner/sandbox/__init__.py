"""A local partner floor built from a floor's profile: the same paths, signature check, validation,
batch limits, paging, error shape and rate-limit answer the profile describes, and public product
pages in the floor's style.

Beyond the shared control API, ``POST /_sandbox/feed-upload?shop_id=…`` takes a feed workbook as a
clerk would upload it in the seller centre (raw body or a multipart file) and puts its items on sale;
``POST /_sandbox/clock`` ``{"skew_s": N}`` sets how far the floor's clock is from ours.

``wire.py`` holds what every call shares (answers, refusals, signature check, paging, clock, rate limit),
``auth.py`` shops, ``products.py`` items, batches and the spreadsheet upload, ``orders.py`` orders and
``pages.py`` the shopper's product page.
"""

from __future__ import annotations

from typing import ClassVar

from starlette.routing import BaseRoute, Route

from adapters.partner.profile import FloorProfile
from adapters.partner.sandbox.auth import PartnerAuth
from adapters.partner.sandbox.orders import PartnerOrders
from adapters.partner.sandbox.pages import PartnerPages


class PartnerSandbox(PartnerAuth, PartnerOrders, PartnerPages):
    """One floor, from its profile. Per-floor subclasses only set ``default_profile``."""

    default_profile: ClassVar[FloorProfile | None] = None

    @classmethod
    def for_floor(cls, profile: FloorProfile, name: str) -> type[PartnerSandbox]:
        """The class a floor's folder exports: this one with the floor's profile built in."""
        return type(name, (cls,), {"default_profile": profile, "__module__": cls.__module__})

    def __init__(
        self,
        profile: FloorProfile | None = None,
        *,
        rate_limit_per_s: float | None = None,
        seed: int | None = None,
    ):
        chosen = profile or self.default_profile
        if chosen is None:
            raise TypeError("PartnerSandbox needs a floor profile")
        self.profile = chosen
        self.marketplace = chosen.name
        self.default_port = chosen.default_port
        self.default_rate_limit_per_s = chosen.limits.requests_per_second
        self.clock_skew_s = 0.0
        super().__init__(rate_limit_per_s=rate_limit_per_s, seed=seed)

    def api_routes(self) -> list[BaseRoute]:
        e = self.profile.endpoints
        return [
            self._route(e.shop, self._shop_info),
            self._route(e.batch_price, self._batch_price),
            self._route(e.batch_stock, self._batch_stock),
            self._route(e.lookup, self._lookup),
            self._route(e.create, self._create),
            self._route(e.update, self._update),
            self._route(e.delist, self._delist),
            self._route(e.items, self._list_items),
            self._route(e.orders, self._list_orders),
            Route("/_sandbox/feed-upload", self._feed_upload, methods=["POST"]),
            Route("/_sandbox/clock", self._clock, methods=["POST"]),
        ]

