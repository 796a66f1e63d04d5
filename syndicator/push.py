"""Marketplace pushes, received: ``POST /push/{marketplace}`` on ``syndicator serve`` writes each verified push
to the durable inbox (``catalog.models.PushMessage``) once, before the marketplace is answered; and, on start,
the push address registered wherever it can be.

A push is read and checked with its marketplace's :class:`adapters.common.push.PushProtocol` (the marketplace's
knowledge stays in its adapter): the signature is checked over the raw body as received, with the app
credentials of the shop it names, before anything is stored. A shop we do not know is answered 200 and
nothing is stored (logged), so the marketplace does not retry it forever. The fan-out
(``syndicator/fanout.py``) works the inbox.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from adapters.common.contract import ShopCredentials
from adapters.common.errors import MarketplaceError
from adapters.common.push import PushNotice, PushProtocol
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, PushMessage
from catalog.settings import env_name
from syndicator.channels import NETWORK, Reach, adapter_for, display_name, http_settings, marketplace_names
from syndicator.secrets import decrypt_credentials

log = logging.getLogger("syndicator.push")
SANDBOX_PUSH = "/_sandbox/push"
MAX_PUSH_BYTES = 1_000_000  # a push names an order or an item: a body larger than this is not one


class Receipt(StrEnum):
    """What became of one push, and the HTTP status it is answered with (:data:`STATUS`)."""

    stored = "stored"
    duplicate = "duplicate"  # already in the inbox: answered 2xx, stored once
    unknown_shop = "unknown_shop"
    bad_signature = "bad_signature"
    unreadable = "unreadable"


STATUS = {Receipt.stored: 200, Receipt.duplicate: 200, Receipt.unknown_shop: 200, Receipt.bad_signature: 401,
          Receipt.unreadable: 400}


def push_protocol(marketplace: str) -> PushProtocol | None:
    """How the marketplace pushes; None for one unknown, switched off, or that does not push."""
    return registry.spec(marketplace).push if marketplace in marketplace_names() else None


def push_url(public_url: str, marketplace: str) -> str:
    """Where the marketplace pushes to: ``SYNDICATOR_PUBLIC_URL`` + ``/push/{marketplace}``."""
    return f"{public_url.rstrip('/')}/push/{marketplace}"


def receive(engine: Engine, marketplace: str, protocol: PushProtocol, raw: bytes, headers: Mapping[str, str],
            url: str) -> Receipt:
    """Check one push (``raw``, its body as received, pushed to ``url``) and store it in the inbox once."""
    sent = protocol.signature(headers)
    if not sent:
        return Receipt.bad_signature
    try:
        notice = protocol.read(raw)
    except ValueError as exc:
        log.warning("a push to /push/%s that is not one: %s", marketplace, exc)
        return Receipt.unreadable
    shops = _shops_named(engine, marketplace, notice.shop_ref)
    if not shops:
        log.warning("a push for shop %s on %s, which is not connected here: not stored", notice.shop_ref, marketplace)
        return Receipt.unknown_shop
    account_id = next((account_id for account_id, credentials in shops
                       if _same(sent, protocol.sign(url, raw, credentials.app_key,
                                                    credentials.app_secret.get_secret_value()))), None)
    if account_id is None:
        log.warning("a push for shop %s on %s with a bad signature: refused", notice.shop_ref, marketplace)
        return Receipt.bad_signature
    stored = store_notice(engine, marketplace, account_id, notice, raw.decode("utf-8", "replace"))
    return Receipt.stored if stored else Receipt.duplicate


def _same(sent: str, expected: str) -> bool:
    return hmac.compare_digest(sent.encode(), expected.encode())


def _shops_named(engine: Engine, marketplace: str, shop_ref: str) -> list[tuple[int, ShopCredentials]]:
    """The connected API shops on ``marketplace`` with the marketplace's shop id ``shop_ref`` (one per host)."""
    with Session(engine) as session:
        rows = session.exec(select(ChannelAccount.id, ChannelAccount.credentials_encrypted).where(
            ChannelAccount.marketplace == marketplace, ChannelAccount.shop_id == shop_ref,
            ChannelAccount.credentials_encrypted.is_not(None),
        ).order_by(ChannelAccount.id)).all()
    return [(account_id, decrypt_credentials(secret)) for account_id, secret in rows]


def store_notice(engine: Engine, marketplace: str, account_id: int, notice: PushNotice, body: str) -> bool:
    """Write one push to the inbox, committed; False when the marketplace's message is already there."""
    try:
        with session_scope(engine) as session:
            session.add(PushMessage(marketplace=marketplace, message_key=notice.message_key, shop_ref=notice.shop_ref,
                                    channel_account_id=account_id, kind=notice.kind, code=notice.code,
                                    order_ref=notice.order_ref, body=body))
    except sa.exc.IntegrityError:
        return False
    return True


# --- registering the push address on start ---------------------------------------------------------------
@dataclass(frozen=True)
class PushingApp:
    """One app on one marketplace host, whose shops push: registered once for all of them."""

    account_id: int
    marketplace: str
    base_url: str


def pushing_apps(engine: Engine) -> list[PushingApp]:
    """One connected API shop per app and host on each marketplace that pushes."""
    with Session(engine) as session:
        accounts = session.exec(select(ChannelAccount).where(
            ChannelAccount.enabled == sa.true(), ChannelAccount.credentials_encrypted.is_not(None),
        ).order_by(ChannelAccount.id)).all()
    apps: dict[tuple[str, str, str], PushingApp] = {}
    for account in accounts:
        if push_protocol(account.marketplace) is None:
            continue
        key = (account.marketplace, account.base_url, decrypt_credentials(account.credentials_encrypted).app_key)
        apps.setdefault(key, PushingApp(account.id, account.marketplace, account.base_url))
    return list(apps.values())


def register_pushes(engine: Engine, public_url: str | None, reach: Reach = NETWORK) -> list[str]:
    """Register where each pushing marketplace pushes to, as far as it can be done from here: through the
    marketplace's API (``registered_by_api``) and, on a sandbox, through ``POST /_sandbox/push``. Returns what
    to tell the operator, in their language: what was registered, and what they must set by hand (a
    marketplace's console); without a public address, that pushes are off."""
    if not public_url:
        return [t("push_off", env=env_name("public_url"))]
    return asyncio.run(_register_all(engine, public_url, reach))


async def _register_all(engine: Engine, public_url: str, reach: Reach) -> list[str]:
    """Each app registered; what to tell the operator, each line once (several apps of one host say the same)."""
    apps = pushing_apps(engine)
    said = await asyncio.gather(*(_register(engine, app, push_url(public_url, app.marketplace), reach) for app in apps))
    return list(dict.fromkeys(said))


async def _register(engine: Engine, app: PushingApp, url: str, reach: Reach) -> str:
    protocol = push_protocol(app.marketplace)
    names = {"marketplace": display_name(app.marketplace), "host": app.base_url, "url": url}
    with Session(engine) as session:
        account = session.get(ChannelAccount, app.account_id)
    try:
        by_api = False
        if protocol.registered_by_api:
            async with adapter_for(engine, account, reach.http, reach.transport) as adapter:
                by_api = await adapter.register_push(url)
        on_sandbox = await _register_on_sandbox(app.base_url, url, reach)
    except (MarketplaceError, httpx.HTTPError) as exc:
        error = exc.info.summary if isinstance(exc, MarketplaceError) else f"{type(exc).__name__}: {exc}"
        return t("push_register_failed", **names, error=error)
    if by_api or on_sandbox:
        return t("push_registered", **names)
    return t("push_by_hand", **names, where=protocol.console_hint)


async def _register_on_sandbox(base_url: str, url: str, reach: Reach) -> bool:
    """Register ``url`` on the shop's host if it is a sandbox; a host that has no ``/_sandbox/push`` (404, or
    any other refusal: a real marketplace) is not one."""
    timeout = (reach.http or http_settings()).read_timeout_s
    async with httpx.AsyncClient(transport=reach.transport, timeout=timeout) as client:
        answer = await client.post(base_url.rstrip("/") + SANDBOX_PUSH, json={"url": url})
    return answer.is_success
