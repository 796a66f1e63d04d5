"""Shopee Open Platform v2 request signing (reference shopee.md §2.1).

``sign`` is the lowercase hex HMAC-SHA256, keyed with the partner key's UTF-8 bytes (never hex-decoded),
of ``partner_id + api_path + timestamp`` for public calls, followed by ``access_token + shop_id`` for
shop calls. Neither the other query parameters nor the body are signed.
"""

from __future__ import annotations

import hashlib
import hmac
import time

# Public calls: the auth endpoints, push/* and media_space/upload_image (DOC marks it Public).
PUBLIC_PATHS = frozenset({
    "/api/v2/auth/token/get",
    "/api/v2/auth/access_token/get",
    "/api/v2/media_space/upload_image",
    "/api/v2/shop/auth_partner",
    "/api/v2/push/set_app_push_config",  # push/* are partner-level (shopee.md §2.1, §6)
    "/api/v2/push/get_lost_push_message",
    "/api/v2/push/confirm_consumed_lost_push_message",
})


def base_string(partner_id: int | str, path: str, timestamp: int, access_token: str = "",
                shop_id: int | str = "") -> str:
    return f"{partner_id}{path}{timestamp}{access_token}{shop_id}"


def sign(partner_key: str, partner_id: int | str, path: str, timestamp: int, access_token: str = "",
         shop_id: int | str = "") -> str:
    message = base_string(partner_id, path, timestamp, access_token, shop_id)
    return hmac.new(partner_key.encode(), message.encode(), hashlib.sha256).hexdigest()


def common_params(partner_key: str, partner_id: int | str, path: str, *, access_token: str | None = None,
                  shop_id: int | str | None = None, timestamp: int | None = None) -> dict[str, str]:
    """The signed query of one call: public without a token, shop-level with token and shop id."""
    stamp = int(time.time()) if timestamp is None else timestamp
    params = {"partner_id": str(partner_id), "timestamp": str(stamp)}
    if access_token is not None and shop_id is not None:
        params |= {"access_token": access_token, "shop_id": str(shop_id)}
        params["sign"] = sign(partner_key, partner_id, path, stamp, access_token, shop_id)
    else:
        params["sign"] = sign(partner_key, partner_id, path, stamp)
    return params
