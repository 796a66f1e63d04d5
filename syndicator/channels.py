"""Channel accounts: connecting a co-op's shop on a marketplace, listing them, and building its adapter.

Credentials are stored encrypted (syndicator.secrets); every token the adapter refreshes is written
back, re-encrypted, with its expiry, through the adapter's ``on_credentials`` listener.

A shop whose tokens the marketplace refuses even after the adapter's one refresh (Shopee's and Lazada's
refresh tokens are single use: a sync killed, or an answer lost, after the marketplace spent the old one
and before we stored the new one leaves us none) is marked ``needs_reauthorisation`` until it is
connected again; later syncs still try it, and a refresh that works marks it connected again.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from adapters.common.contract import Adapter, MarketplaceSpec, ShopCredentials
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.http import BudgetedTransport, HttpSettings
from catalog.db import data_dir, session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, ChannelState, Coop, Listing, ListingState, ListingVariant
from catalog.pricing import PriceRule, StockPolicy
from catalog.settings import env_name, settings
from syndicator.budgets import shared_budget
from syndicator.secrets import decrypt_credentials, encrypt_credentials

HTTP_SETTINGS_ENV = env_name("http_settings")
log = logging.getLogger("syndicator.channels")


@dataclass(frozen=True)
class Reach:
    """How a run's adapters reach the marketplaces: the HTTP settings and, in tests, a transport standing in
    for the network (an ``httpx.ASGITransport`` over the sandbox apps)."""

    http: HttpSettings | None = None
    transport: httpx.AsyncBaseTransport | None = None


NETWORK = Reach()  # the configured HTTP settings over the real network


class ChannelError(ValueError):
    pass


def http_settings() -> HttpSettings:
    """Timeouts and retry backoff for every adapter; ``SYNDICATOR_HTTP_SETTINGS`` (JSON) overrides."""
    raw = settings().http_settings
    return HttpSettings.model_validate_json(raw) if raw else HttpSettings()


def _coop(session: Session, coop_code: str) -> Coop:
    coop = session.exec(select(Coop).where(Coop.code == coop_code)).first()
    if coop is None:
        raise ChannelError(t("coop_missing", coop=coop_code))
    return coop


def marketplace_names() -> tuple[str, ...]:
    """Every marketplace a shop may be connected to, in the registry's order."""
    return registry.names()


def display_name(marketplace: str) -> str:
    """How people call the marketplace (``Sàn TMĐT Thái Nguyên`` for ``thainguyentrade``)."""
    return registry.spec(marketplace).display_name


def set_auto_publish(engine: Engine, account_id: int, on: bool) -> ChannelAccount:
    """Switch the shop's "publish new products automatically" on or off (``syndicator.publishing``)."""
    with session_scope(engine) as session:
        account = session.get(ChannelAccount, account_id)
        if account is None:
            raise ChannelError(t("channel_unknown", id=account_id))
        account.auto_publish = on
        session.add(account)
        session.flush()
        session.refresh(account)
        return account


def marketplace_spec(name: str) -> MarketplaceSpec:
    """The marketplace's spec, or a ChannelError for one that is unknown or switched off."""
    if name not in marketplace_names():
        raise ChannelError(t("marketplace_unknown", name=name, choices=", ".join(marketplace_names())))
    return registry.spec(name)


def store_shop(
    engine: Engine, coop_code: str, marketplace: str, base_url: str, credentials: ShopCredentials | None,
    name: str, publish_all: bool = False,
) -> ChannelAccount:
    """Store a shop connected (or connected again). It publishes nothing by itself, unless ``publish_all``:
    then it publishes new products automatically, and what was taken off it is published again, so the next
    sync lists every product of the co-op there (``syndicator.publishing``)."""
    with session_scope(engine) as session:
        coop = _coop(session, coop_code)
        shop_id = credentials.shop_id if credentials else f"feed-{coop_code}"
        account = session.exec(
            select(ChannelAccount).where(
                ChannelAccount.marketplace == marketplace,
                ChannelAccount.base_url == base_url,
                ChannelAccount.shop_id == shop_id,
            )
        ).first()
        if account is None:
            account = ChannelAccount(
                coop_id=coop.id, marketplace=marketplace, shop_id=shop_id, base_url=base_url,
                price_rule=default_price_rule(marketplace).model_dump(mode="json"),
                stock_policy=StockPolicy().model_dump(mode="json"),
            )
        elif account.coop_id != coop.id:
            raise ChannelError(t("channel_other_coop", shop=shop_id))
        account.name = name
        account.state = ChannelState.connected if credentials else ChannelState.feed
        account.credentials_encrypted = encrypt_credentials(credentials) if credentials else None
        account.access_expires_at = credentials.access_expires_at if credentials else None
        account.refresh_expires_at = credentials.refresh_expires_at if credentials else None
        session.add(account)
        session.flush()
        if publish_all:
            account.auto_publish = True
            session.execute(sa.update(ListingVariant).where(ListingVariant.channel_account_id == account.id)
                            .values(enabled=True))
        session.refresh(account)
        return account


async def authorised(marketplace: str, base_url: str, credentials: ShopCredentials, code: str | None,
                      reach: Reach = NETWORK) -> ShopCredentials:
    factory = registry.adapter_class(marketplace)
    async with factory(base_url, credentials, http=reach.http or http_settings(), transport=reach.transport) as adapter:
        return await adapter.authorize(code or "")


def reached(marketplace: str, base_url: str, work: Coroutine[Any, Any, ShopCredentials]) -> ShopCredentials:
    """Run a connect flow; a marketplace that cannot be reached or refuses becomes a ChannelError."""
    try:
        return asyncio.run(work)
    except httpx.HTTPError as exc:
        raise ChannelError(t("channel_unreachable", marketplace=marketplace, url=base_url, error=exc)) from None
    except MarketplaceError as exc:
        raise ChannelError(t("channel_refused", marketplace=marketplace, message=exc.info.message,
                             code=exc.info.code)) from None


def connect_sandbox(engine: Engine, coop_code: str, marketplace: str, sandbox_url: str,
                    reach: Reach = NETWORK, publish_all: bool = False) -> ChannelAccount:
    """Open a shop on a marketplace sandbox and authorise it through that marketplace's own flow."""
    spec = marketplace_spec(marketplace)
    with session_scope(engine) as session:
        coop_name = _coop(session, coop_code).name
    base_url = sandbox_url.rstrip("/")

    async def open_and_authorise() -> ShopCredentials:
        grant = await spec.open_sandbox_shop(base_url, coop_name, transport=reach.transport)
        return await authorised(marketplace, base_url, grant.credentials, grant.code, reach)

    credentials = reached(marketplace, base_url, open_and_authorise())
    return store_shop(engine, coop_code, marketplace, base_url, credentials, coop_name, publish_all)


def reconnect_sandbox(engine: Engine, account_id: int) -> ChannelAccount:
    """Authorise an existing sandbox shop again (its refresh token lost): a new one-time code from its
    sandbox, exchanged with the stored app credentials through the adapter's own ``authorize``."""
    account, coop_code = _api_account(engine, account_id)
    marketplace, base_url = str(account.marketplace), account.base_url
    spec = marketplace_spec(marketplace)

    async def new_code_and_authorise() -> ShopCredentials:
        try:
            code = await spec.sandbox_code(base_url, account.shop_id)
        except httpx.HTTPStatusError:
            raise ChannelError(_not_a_sandbox(account, coop_code)) from None
        return await authorised(marketplace, base_url, decrypt_credentials(account.credentials_encrypted), code)

    credentials = reached(marketplace, base_url, new_code_and_authorise())
    return store_shop(engine, coop_code, marketplace, base_url, credentials, account.name)


def _api_account(engine: Engine, account_id: int) -> tuple[ChannelAccount, str]:
    with Session(engine) as session:
        row = session.exec(select(ChannelAccount, Coop.code).join(Coop, Coop.id == ChannelAccount.coop_id)
                           .where(ChannelAccount.id == account_id)).first()
    if row is None:
        raise ChannelError(t("channel_unknown", id=account_id))
    if not has_api(row[0]):
        raise ChannelError(t("channel_is_feed", id=account_id))
    return row[0], row[1]


def _not_a_sandbox(account: ChannelAccount, coop_code: str) -> str:
    command = (f"syndicator channels connect --coop {coop_code} --marketplace {account.marketplace} "
               f"--base-url {account.base_url} --credentials FILE")
    return t("channel_not_a_sandbox", url=account.base_url, shop=account.shop_id, marketplace=account.marketplace,
             command=command)


def connect(
    engine: Engine, coop_code: str, marketplace: str, base_url: str, credentials_file: Path | str,
    publish_all: bool = False,
) -> ChannelAccount:
    """Connect a shop on a real marketplace host from a JSON file of ``ShopCredentials`` fields (and an
    optional one-time ``code`` to authorise with)."""
    marketplace_spec(marketplace)
    try:
        raw: dict[str, Any] = json.loads(Path(credentials_file).read_text(encoding="utf-8"))
        code = raw.pop("code", None)
        given = ShopCredentials.model_validate(raw)
    except (OSError, ValueError) as exc:
        raise ChannelError(t("channel_credentials_unreadable", error=exc)) from None
    credentials = reached(marketplace, base_url, authorised(marketplace, base_url.rstrip("/"), given, code))
    with session_scope(engine) as session:
        coop_name = _coop(session, coop_code).name
    return store_shop(engine, coop_code, marketplace, base_url.rstrip("/"), credentials, coop_name, publish_all)


def connect_feed(engine: Engine, coop_code: str, marketplace: str, publish_all: bool = False) -> ChannelAccount:
    """A shop on a floor without API access: listings go out as spreadsheet feeds."""
    marketplace_spec(marketplace)
    if not registry.is_floor(marketplace):
        raise ChannelError(t("channel_feed_floors_only", marketplace=display_name(marketplace)))
    with session_scope(engine) as session:
        coop_name = _coop(session, coop_code).name
    return store_shop(engine, coop_code, marketplace, "", None, coop_name, publish_all)


class ChannelSummary(BaseModel):
    """What may be shown about a channel account: never its secrets."""

    id: int
    coop_code: str
    marketplace: str
    shop_id: str
    name: str
    base_url: str
    state: str
    enabled: bool
    auto_publish: bool
    access_expires_at: datetime | None
    refresh_expires_at: datetime | None
    orders_watermark: datetime | None
    price_rule: PriceRule
    stock_policy: StockPolicy
    awaiting_upload: int = 0  # listings in a feed workbook that no clerk has confirmed uploaded yet
    feed_full_path: str | None = None
    feed_changes_path: str | None = None


def list_channels(engine: Engine) -> list[ChannelSummary]:
    with Session(engine) as session:
        rows = session.exec(
            select(ChannelAccount, Coop.code).join(Coop, Coop.id == ChannelAccount.coop_id)
            .order_by(Coop.code, ChannelAccount.marketplace, ChannelAccount.id)
        ).all()
        awaiting = awaiting_upload_counts(session, [account.id for account, _ in rows])
    return [
        ChannelSummary(
            id=account.id, coop_code=code, marketplace=account.marketplace, shop_id=account.shop_id,
            name=account.name, base_url=account.base_url, state=account.state, enabled=account.enabled,
            auto_publish=account.auto_publish, access_expires_at=account.access_expires_at, refresh_expires_at=account.refresh_expires_at,
            orders_watermark=account.orders_watermark, price_rule=price_rule(account),
            stock_policy=stock_policy(account), awaiting_upload=awaiting.get(account.id, 0),
            **feed_paths(account),
        )
        for account, code in rows
    ]


def awaiting_upload_counts(session: Session, account_ids: list[int]) -> dict[int, int]:
    """Channel account id → how many of its listings await a clerk's upload of the feed."""
    return dict(session.exec(
        select(Listing.channel_account_id, sa.func.count(Listing.id))
        .where(Listing.state == ListingState.awaiting_upload, Listing.channel_account_id.in_(account_ids))
        .group_by(Listing.channel_account_id)
    ).all())


def feeds_folder() -> Path:
    """Where the feed workbooks of every shop without API access are written."""
    return data_dir() / "feeds"


def feed_paths(account: ChannelAccount) -> dict[str, str | None]:
    """``feed_full_path`` and ``feed_changes_path``: the shop's latest workbooks, None when it has none."""
    files = None
    if account.state == ChannelState.feed:
        files = registry.feed_shop(account.marketplace, account.id, feeds_folder()).latest_workbooks()
    return {"feed_full_path": str(files.full_path) if files else None,
            "feed_changes_path": str(files.changes_path) if files else None}


def default_price_rule(marketplace: str) -> PriceRule:
    """The fees a new shop on the marketplace starts with: data on its spec."""
    return registry.spec(marketplace).price_rule


def refresh_lead_time(marketplace: str) -> timedelta:
    """How long before a shop's access token expires the schedule renews it: data on the spec."""
    return registry.spec(marketplace).token_refresh_ahead


def price_rule(account: ChannelAccount) -> PriceRule:
    return PriceRule.model_validate(account.price_rule) if account.price_rule else default_price_rule(
        account.marketplace
    )


def stock_policy(account: ChannelAccount) -> StockPolicy:
    return StockPolicy.model_validate(account.stock_policy or {})


def has_api(account: ChannelAccount) -> bool:
    return account.credentials_encrypted is not None


def lists_variants(account: ChannelAccount) -> bool:
    """Whether the shop lists a product as one item with its packs as variants (Shopee, Lazada), rather than
    one item per SKU (the floors, and any shop fed by spreadsheet)."""
    return has_api(account) and marketplace_spec(account.marketplace).capabilities.variants


def reads_setup(account: ChannelAccount) -> bool:
    """Whether the shop's items need a leaf of its marketplace's tree, read from the marketplace (Shopee,
    Lazada): then they are mapped, and checked against that leaf, before they are sent."""
    return has_api(account) and marketplace_spec(account.marketplace).capabilities.setup


def retires_before_grouping(account: ChannelAccount) -> bool:
    """Whether the shop's marketplace keeps a seller SKU to one item (Lazada), so that items being regrouped
    must be retired before their grouped item is created; elsewhere the grouped item comes first."""
    return marketplace_spec(account.marketplace).capabilities.seller_sku_unique


def credentials_saver(engine: Engine, account_id: int):
    """The ``on_credentials`` listener: re-encrypt and store refreshed tokens and their expiries."""

    def save(credentials: ShopCredentials) -> None:
        with session_scope(engine) as session:
            account = session.get(ChannelAccount, account_id)
            account.credentials_encrypted = encrypt_credentials(credentials)
            account.access_expires_at = credentials.access_expires_at
            account.refresh_expires_at = credentials.refresh_expires_at
            account.state = ChannelState.connected
            session.add(account)

    return save


def reconnect_command(account_id: int) -> str:
    """The command that authorises a shop again."""
    return f"syndicator channels reconnect {account_id}"


def reconnect_hint(account_id: int, marketplace: str) -> str:
    """What a clerk is told of a shop that must be authorised again, and how."""
    command = reconnect_command(account_id)
    return t("channel_reconnect_hint", marketplace=marketplace, id=account_id, command=command)


def mark_if_authorisation_lost(engine: Engine, account_id: int, error: ErrorInfo) -> bool:
    """Mark the shop ``needs_reauthorisation`` when ``error`` is its tokens refused past the adapter's one
    refresh; whether it was."""
    if error.kind is not ErrorKind.auth_expired:
        return False
    with session_scope(engine) as session:
        account = session.get(ChannelAccount, account_id)
        account.state = ChannelState.needs_reauthorisation
        session.add(account)
    log.warning(reconnect_hint(account_id, error.marketplace))
    return True


def adapter_for(engine: Engine, account: ChannelAccount, http: HttpSettings | None = None,
                transport: httpx.AsyncBaseTransport | None = None) -> Adapter:
    """The adapter for one connected shop: its marketplace's API client, or, for a shop without API access,
    its feed workbooks. ``transport`` replaces the network: tests pass an ``httpx.ASGITransport`` to reach a
    sandbox app in-process. On PostgreSQL every call first takes from the budgets the shop shares with every
    worker (``syndicator.budgets``)."""
    if not has_api(account):
        return registry.feed_shop(account.marketplace, account.id, feeds_folder())
    factory = registry.adapter_class(account.marketplace)
    credentials = decrypt_credentials(account.credentials_encrypted)
    http = http or http_settings()
    budget = shared_budget(engine, account.id, account.marketplace, credentials.app_key, http.requests_per_second)
    return factory(
        account.base_url,
        credentials,
        on_credentials=credentials_saver(engine, account.id),
        http=http,
        transport=BudgetedTransport(budget.take, transport) if budget else transport,
    )
