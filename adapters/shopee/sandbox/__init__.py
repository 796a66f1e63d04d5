"""A local Shopee Open Platform v2 that rejects what Shopee rejects (reference shopee.md §8).

Same paths (``/api/v2/...``), the same common parameters, signature and five-minute timestamp window,
the same envelope (``request_id``, ``error``, ``message``, ``warning``, ``response``; token answers
flat), tokens that are issued, refreshed (the refresh token is single use) and expire, Shopee's
error codes naming the field, its caps and paging, and ``error_rate_limit`` for a caller over the
limit. The category tree, attributes, brands, item limits and logistics channels are data files in ``data/``
(``setup.py`` serves them and checks items against them).

``wire.py`` holds what every call shares (envelope, refusals, signature and token check, paging, rate
limit), ``auth.py`` shops, codes and tokens, ``setup.py`` what a shop reads before it lists, ``products.py``
images and items, ``variants.py`` their tiers and models, ``orders.py`` orders, ``push.py`` pushes and the push
calls, and ``pages.py`` the shopper's product page.
"""

from __future__ import annotations

from typing import Any

from starlette.routing import BaseRoute, Route

from adapters.shopee import CAPABILITIES
from adapters.shopee.sandbox.auth import ShopeeAuth
from adapters.shopee.sandbox.orders import ShopeeOrders
from adapters.shopee.sandbox.pages import ShopeePages
from adapters.shopee.sandbox.push import ShopeePush
from adapters.shopee.sandbox.variants import ShopeeVariants
from adapters.shopee.sandbox.wire import API


class ShopeeSandbox(ShopeeAuth, ShopeeVariants, ShopeeOrders, ShopeePages, ShopeePush):
    marketplace = "shopee"
    default_port = 8701
    default_rate_limit_per_s = CAPABILITIES.requests_per_second

    def __init__(self, *, variant_wait_s: float | None = None, **options: Any):
        """``variant_wait_s``: how long after ``add_item`` Shopee refuses variants (tests shorten it; by
        default ``SYNDICATOR_VARIANT_WAIT_S`` or Shopee's 5 s)."""
        self.variant_wait_s = variant_wait_s if variant_wait_s is not None else CAPABILITIES.variant_wait()
        super().__init__(**options)

    # --- what the base asks for ---------------------------------------------------------------
    def api_routes(self) -> list[BaseRoute]:
        routes = {
            "auth/token/get": ("POST", self.token_get, True),
            "auth/access_token/get": ("POST", self.access_token_get, True),
            "media_space/upload_image": ("POST", self.upload_image, False),
            "product/get_category": ("GET", self.get_category, False),
            "product/get_attribute_tree": ("GET", self.get_attribute_tree, False),
            "product/get_brand_list": ("GET", self.get_brand_list, False),
            "product/get_item_limit": ("GET", self.get_item_limit, False),
            "product/category_recommend": ("GET", self.category_recommend, False),
            "logistics/get_channel_list": ("GET", self.get_channel_list, False),
            "product/add_item": ("POST", self.add_item, False),
            "product/update_item": ("POST", self.update_item, False),
            "product/update_price": ("POST", self.update_price, False),
            "product/update_stock": ("POST", self.update_stock, False),
            "product/unlist_item": ("POST", self.unlist_item, False),
            "product/init_tier_variation": ("POST", self.init_tier_variation, False),
            "product/update_tier_variation": ("POST", self.update_tier_variation, False),
            "product/add_model": ("POST", self.add_model, False),
            "product/update_model": ("POST", self.update_model, False),
            "product/delete_model": ("POST", self.delete_model, False),
            "product/get_model_list": ("GET", self.get_model_list, False),
            "product/get_item_list": ("GET", self.get_item_list, False),
            "product/search_item": ("GET", self.search_item, False),
            "product/get_item_base_info": ("GET", self.get_item_base_info, False),
            "order/get_order_list": ("GET", self.get_order_list, False),
            "order/get_order_detail": ("GET", self.get_order_detail, False),
            "push/set_app_push_config": ("POST", self.set_app_push_config, False),
            "push/get_lost_push_message": ("GET", self.get_lost_push_message, False),
            "push/confirm_consumed_lost_push_message": ("POST", self.confirm_consumed_lost_push_message, False),
        }
        return [
            *self.consent_routes(),
            *(Route(f"{API}/{api}", self._endpoint(f"{API}/{api}", handler, flat), methods=[method])
              for api, (method, handler, flat) in routes.items()),
        ]
