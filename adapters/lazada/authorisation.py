"""Lazada's seller authorisation by OAuth redirect (reference lazada.md §2.1): the authorise link on the auth
host, and the ``code`` Lazada adds to the callback (with our ``state``) once the seller consents. The
seller is known only from the token answer (``country_user_info``), so the shop id is filled in then."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from adapters.common.contract import ShopCredentials

AUTHORIZE_PATH = "/oauth/authorize"


def authorisation_url(base_url: str, app: ShopCredentials, redirect: str, state: str) -> str:
    """``https://auth.lazada.com/oauth/authorize?response_type=code&force_auth=true&redirect_uri&client_id``
    (a stand-in's own host for a sandbox), with ``state``; ``redirect`` must equal the app's callback."""
    # imported here: the client reads this package's SPEC, which names this module
    from adapters.lazada.client import auth_root

    query = {"response_type": "code", "force_auth": "true", "redirect_uri": redirect, "client_id": app.app_key,
             "state": state}
    return f"{auth_root(base_url, app)}{AUTHORIZE_PATH}?{urlencode(query)}"


def returned(app: ShopCredentials, query: Mapping[str, str]) -> tuple[ShopCredentials, str]:
    """The app's credentials (the seller's id comes with the tokens) and Lazada's one-time ``code``."""
    code = query.get("code", "")
    if not code:
        raise ValueError("Lazada's redirect carries no code")
    return app.model_copy(update={"access_token": None, "refresh_token": None}), code
