"""Shopee's shop authorisation by redirect (reference shopee.md §2.2): the signed ``auth_partner`` link,
and the ``code`` and ``shop_id`` Shopee adds to the redirect once the seller consents.

The classic link has no ``state`` parameter, so ours travels inside the redirect address and comes back
with it, next to ``code`` and ``shop_id``.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from urllib.parse import urlencode

from adapters.common.contract import ShopCredentials
from adapters.shopee.signing import sign

AUTH_PARTNER_PATH = "/api/v2/shop/auth_partner"


def with_state(redirect: str, state: str) -> str:
    return f"{redirect}{'&' if '?' in redirect else '?'}{urlencode({'state': state})}"


def authorisation_url(base_url: str, app: ShopCredentials, redirect: str, state: str,
                      timestamp: int | None = None) -> str:
    """``{host}/api/v2/shop/auth_partner?partner_id&timestamp&sign&redirect``, signed over
    ``partner_id + path + timestamp`` with the partner key; Shopee refuses it 5 minutes after ``timestamp``."""
    stamp = int(time.time()) if timestamp is None else timestamp
    query = {"partner_id": app.app_key, "timestamp": str(stamp),
             "sign": sign(app.app_secret.get_secret_value(), app.app_key, AUTH_PARTNER_PATH, stamp),
             "redirect": with_state(redirect, state)}
    return f"{base_url.rstrip('/')}{AUTH_PARTNER_PATH}?{urlencode(query)}"


def returned(app: ShopCredentials, query: Mapping[str, str]) -> tuple[ShopCredentials, str]:
    """The shop Shopee sent back (``shop_id``) with the app's credentials, and its one-time ``code``."""
    code, shop_id = query.get("code", ""), query.get("shop_id", "")
    if not code or not shop_id.isdigit():
        raise ValueError("Shopee's redirect carries no code and shop_id")
    return app.model_copy(update={"shop_id": shop_id, "access_token": None, "refresh_token": None}), code
