"""Lazada Open Platform request signing (reference lazada.md §2.5).

Every parameter except ``sign`` and file parts, sorted by key in ASCII order, concatenated as
``key + value`` with the API path (without ``/rest``) in front; HMAC-SHA256 keyed with the app secret;
uppercase hex. Timestamps are epoch milliseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Mapping

SIGN_METHOD = "sha256"


def sign(app_secret: str, api_path: str, params: Mapping[str, str]) -> str:
    """The ``sign`` parameter for a call to ``api_path`` with ``params`` (``sign`` itself is ignored)."""
    text = api_path + "".join(f"{key}{params[key]}" for key in sorted(params) if key != "sign")
    return hmac.new(app_secret.encode(), text.encode(), hashlib.sha256).hexdigest().upper()


def timestamp_ms(at: float | None = None) -> str:
    """Epoch milliseconds as Lazada wants them in ``timestamp``."""
    return str(int((time.time() if at is None else at) * 1000))


def system_params(app_key: str, access_token: str | None = None) -> dict[str, str]:
    """The system parameters of one call, before signing (no access token on the token calls)."""
    params = {"app_key": app_key, "timestamp": timestamp_ms(), "sign_method": SIGN_METHOD}
    if access_token:
        params["access_token"] = access_token
    return params
