"""Connecting a shop from the app through its marketplace's own authorisation page (issue 18 §5).

:func:`start` builds the link to the marketplace's page (Shopee's signed ``auth_partner``, Lazada's OAuth
authorise) for the app registered in ``SYNDICATOR_MARKETPLACE_APPS``, or, to connect a shop again, for the
app its stored credentials name. The link carries a ``state`` binding the round trip to the co-op, the
marketplace, the shop and the login; it is a Fernet token under the app's secret key (syndicator.secrets),
so it can be neither forged nor read, and it expires after :data:`STATE_TTL`.

:func:`finish` takes the redirect back: the state opened and checked, then spent (once per process; a code
replayed to another process is refused by the marketplace, which takes a code once), the code exchanged
through the adapter's own ``authorize``, and the shop stored exactly as ``syndicator channels connect``
stores it: connected, publishing nothing by itself.

Floors are connected with their key (:func:`connect_with_key`) or as feed shops (``channels.connect_feed``).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from dataclasses import asdict, dataclass
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from adapters.common.contract import ShopAuthorisation, ShopCredentials
from adapters.common.sandbox_consent import register_app
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, ChannelState, Coop
from catalog.settings import env_name, settings
from syndicator.channels import (
    ChannelError,
    authorised,
    display_name,
    marketplace_names,
    marketplace_spec,
    reached,
    store_shop,
)
from syndicator.secrets import decrypt_credentials, secret_key

STATE_TTL = timedelta(minutes=10)  # Shopee's code lives 10 minutes, Lazada's 30: the round trip fits the shorter
APPS_ENV = env_name("marketplace_apps")
_spent: dict[str, float] = {}  # nonce -> when its state expires
_spent_lock = threading.Lock()


class ConnectRefused(ChannelError):
    """The round trip is refused (state forged, expired, spent or another login's; code refused): nothing stored."""


@dataclass(frozen=True)
class MarketplaceApp:
    """The app's registration on one marketplace: where it is and its key and secret (no shop yet)."""

    base_url: str
    credentials: ShopCredentials


@dataclass(frozen=True)
class RoundTrip:
    """What a state binds: the co-op, the marketplace, the shop connected again (``None``: a new one), the login
    that started it, and a nonce spent on the way back."""

    coop_code: str
    marketplace: str
    account_id: int | None
    username: str
    nonce: str


def marketplace_apps() -> dict[str, MarketplaceApp]:
    """``SYNDICATOR_MARKETPLACE_APPS`` read: each marketplace in use that authorises shops by redirect."""
    raw = settings().marketplace_apps
    if raw is None:
        return {}
    try:
        entries: dict[str, dict[str, Any]] = json.loads(raw.get_secret_value())
        return {
            name: MarketplaceApp(str(entry["base_url"]).rstrip("/"), ShopCredentials(
                shop_id="", app_key=str(entry["app_key"]), app_secret=str(entry["app_secret"])))
            for name, entry in entries.items() if name in marketplace_names() and _authorisation(name)
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ChannelError(t("connect_apps_unreadable", env=APPS_ENV, error=exc)) from None


def sandbox_apps(sandbox_urls: dict[str, str], app_name: str, callback: str) -> str:
    """Register the app on each sandbox (by marketplace) whose marketplace authorises shops by redirect, as a
    partner registers on the real platform; the value of ``SYNDICATOR_MARKETPLACE_APPS`` for them (the demo)."""
    apps = {}
    for name, url in sandbox_urls.items():
        if _authorisation(name):
            key, secret = register_app(url, app_name, callback)
            apps[name] = {"base_url": url, "app_key": key, "app_secret": secret}
    return json.dumps(apps)


def redirect_marketplaces() -> list[str]:
    """The marketplaces the app can send a shop owner to, in the registry's order."""
    apps = marketplace_apps()
    return [name for name in marketplace_names() if name in apps]


def _authorisation(marketplace: str) -> ShopAuthorisation | None:
    return registry.spec(marketplace).authorisation


def _app_of(engine: Engine, trip: RoundTrip) -> MarketplaceApp:
    """The app a round trip authorises: the configured one, or the stored one of the shop connected again."""
    if trip.account_id is None:
        app = marketplace_apps().get(trip.marketplace)
        if app is None:
            raise ConnectRefused(t("connect_no_app", marketplace=display_name(trip.marketplace), env=APPS_ENV))
        return app
    with Session(engine) as session:
        account = session.get(ChannelAccount, trip.account_id)
    if account is None or account.credentials_encrypted is None or account.marketplace != trip.marketplace:
        raise ConnectRefused(t("channel_unknown", id=trip.account_id))
    stored = decrypt_credentials(account.credentials_encrypted)
    return MarketplaceApp(account.base_url, stored.model_copy(update={"access_token": None, "refresh_token": None}))


def start(engine: Engine, coop_code: str, marketplace: str, username: str, redirect: str,
          account_id: int | None = None) -> str:
    """The address of the marketplace's authorisation page for the co-op's shop (``account_id``: that shop
    again), sending the owner back to ``redirect``."""
    authorisation = _authorisation(marketplace_spec(marketplace).name)
    if authorisation is None:
        raise ConnectRefused(t("connect_not_by_redirect", marketplace=display_name(marketplace)))
    trip = RoundTrip(coop_code, marketplace, account_id, username, secrets.token_urlsafe(16))
    app = _app_of(engine, trip)
    state = Fernet(secret_key()).encrypt(json.dumps(asdict(trip)).encode()).decode()
    return authorisation.url(app.base_url, app.credentials, redirect, state)


def round_trip(state: str | None, username: str) -> RoundTrip:
    """The round trip a returned ``state`` binds, refused if it is missing, forged, expired or another login's."""
    if not state:
        raise ConnectRefused(t("connect_state_missing"))
    fernet = Fernet(secret_key())
    try:
        trip = RoundTrip(**json.loads(fernet.decrypt(state.encode())))
        issued = fernet.extract_timestamp(state.encode())
    except (InvalidToken, ValueError, TypeError):
        raise ConnectRefused(t("connect_state_forged")) from None
    if time.time() - issued > STATE_TTL.total_seconds():
        raise ConnectRefused(t("connect_state_expired", minutes=int(STATE_TTL.total_seconds() // 60)))
    if trip.username != username:
        raise ConnectRefused(t("connect_state_other_login"))
    return trip


def _spend(trip: RoundTrip) -> None:
    now = time.time()
    with _spent_lock:
        for nonce in [nonce for nonce, until in _spent.items() if until < now]:
            del _spent[nonce]
        if trip.nonce in _spent:
            raise ConnectRefused(t("connect_state_spent"))
        _spent[trip.nonce] = now + STATE_TTL.total_seconds()


def finish(engine: Engine, trip: RoundTrip, returned: dict[str, str]) -> dict[str, Any]:
    """Exchange the code the marketplace sent back and store the shop; what was connected."""
    _spend(trip)
    name = display_name(trip.marketplace)
    if returned.get("error"):
        raise ConnectRefused(t("connect_declined", marketplace=name, error=returned["error"]))
    authorisation = _authorisation(trip.marketplace)
    assert authorisation is not None  # start() made the state only for such a marketplace
    app = _app_of(engine, trip)
    try:
        given, code = authorisation.returned(app.credentials, returned)
    except ValueError:
        raise ConnectRefused(t("connect_no_code", marketplace=name)) from None
    try:
        credentials = reached(name, app.base_url, authorised(trip.marketplace, app.base_url, given, code))
    except ChannelError as refused:
        raise ConnectRefused(t("connect_code_refused", marketplace=name, reason=refused)) from None
    with session_scope(engine) as session:
        coop_name = session.exec(select(Coop.name).where(Coop.code == trip.coop_code)).one()
        if trip.account_id is not None:
            again = session.get(ChannelAccount, trip.account_id)
            if again.shop_id != credentials.shop_id:
                raise ConnectRefused(t("connect_other_shop", marketplace=name, shop=again.shop_id,
                                       other=credentials.shop_id))
    account = store_shop(engine, trip.coop_code, trip.marketplace, app.base_url, credentials, coop_name)
    return connected(account, trip.coop_code)


def connected(account: ChannelAccount, coop_code: str) -> dict[str, Any]:
    return {"id": account.id, "marketplace": str(account.marketplace), "shop_id": account.shop_id,
            "name": account.name, "coop_code": coop_code, "state": str(account.state)}


def connect_with_key(engine: Engine, coop_code: str, marketplace: str, typed: dict[str, str]) -> dict[str, Any]:
    """A floor's shop by the key the floor issued (``base_url``, ``shop_id``, ``api_key``, ``api_secret``),
    proven by a call before it is stored."""
    if not registry.is_floor(marketplace_spec(marketplace).name):
        raise ChannelError(t("channel_feed_floors_only", marketplace=display_name(marketplace)))
    for field in ("base_url", "shop_id", "api_key", "api_secret"):
        if not typed.get(field, "").strip():
            raise ChannelError(t("connect_field_missing", field=t(f"ui.connect_{field}")))
    base_url = typed["base_url"].strip().rstrip("/")
    if not base_url.startswith(("http://", "https://")):
        raise ChannelError(t("connect_base_url_invalid", url=base_url))
    given = ShopCredentials(shop_id=typed["shop_id"].strip(), app_key=typed["api_key"].strip(),
                            app_secret=typed["api_secret"].strip())
    credentials = reached(display_name(marketplace), base_url, authorised(marketplace, base_url, given, None))
    with session_scope(engine) as session:
        coop_name = session.exec(select(Coop.name).where(Coop.code == coop_code)).one()
    return connected(store_shop(engine, coop_code, marketplace, base_url, credentials, coop_name), coop_code)


def needing_authorisation(engine: Engine, coop_id: int | None) -> list[dict[str, Any]]:
    """The shops (of one co-op, or all) whose tokens the marketplace refuses, that can be sent through its
    authorisation page again."""
    statement = (select(ChannelAccount, Coop.code).join(Coop, Coop.id == ChannelAccount.coop_id)
                 .where(ChannelAccount.state == ChannelState.needs_reauthorisation, ChannelAccount.enabled))
    if coop_id is not None:
        statement = statement.where(ChannelAccount.coop_id == coop_id)
    with Session(engine) as session:
        rows = session.exec(statement.order_by(ChannelAccount.id)).all()
    return [connected(account, code) for account, code in rows
            if account.marketplace in marketplace_names() and _authorisation(account.marketplace)]
