"""The Gian hàng page: the shops on each marketplace, their price rules and stock policies, feed uploads."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.common.errors import MarketplaceError
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, Coop, Listing, ListingState
from catalog.pricing import PriceRule, StockPolicy
from syndicator.access.roles import require_admin, require_editor_of, scope_coop_id
from syndicator.adopt import AdoptionReport, adopt
from syndicator.channels import ChannelError, awaiting_upload_counts, feed_paths, price_rule, stock_policy
from syndicator.channels import set_auto_publish as switch_auto_publish
from syndicator.feeds import confirm_upload
from syndicator.users import Viewer


def channels(engine: Engine, viewer: Viewer, coop_code: str | None = None) -> list[dict[str, Any]]:
    """Every shop the viewer may see: marketplace, co-op, state, token expiry, price rule, stock policy,
    whether it publishes new products by itself."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        statement = (
            select(ChannelAccount, Coop.code).join(Coop, ChannelAccount.coop_id == Coop.id)
            .where(ChannelAccount.enabled)
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        rows = session.exec(statement.order_by(ChannelAccount.marketplace, Coop.code)).all()
        listed = dict(session.exec(
            select(Listing.channel_account_id, sa.func.count(Listing.id))
            .where(Listing.state == ListingState.live,
                   Listing.channel_account_id.in_([account.id for account, _ in rows]))
            .group_by(Listing.channel_account_id)
        ).all())
        awaiting = awaiting_upload_counts(session, [account.id for account, _ in rows])
    return [
        {
            "id": account.id, "coop_code": code, "marketplace": str(account.marketplace),
            "shop_id": account.shop_id, "name": account.name, "state": account.state,
            "auto_publish": account.auto_publish,
            "access_expires_at": account.access_expires_at, "refresh_expires_at": account.refresh_expires_at,
            "price_rule": price_rule(account).model_dump(mode="json"),
            "stock_policy": stock_policy(account).model_dump(mode="json"),
            "live_listings": listed.get(account.id, 0), "awaiting_upload": awaiting.get(account.id, 0),
            **feed_paths(account),
        }
        for account, code in rows
    ]


def confirm_feed_upload(engine: Engine, viewer: Viewer, account_id: int) -> int:
    """The clerk uploaded the shop's feed workbook: its listings awaiting upload are live (own co-op or admin)."""
    with session_scope(engine) as session:
        require_editor_of(viewer, _account(session, account_id).coop_id)
    return confirm_upload(engine, account_id)


def adopt_shop(engine: Engine, viewer: Viewer, account_id: int, *, dry_run: bool,
               choices: dict[str, str] | None = None) -> AdoptionReport:
    """Bind the items the shop already sells to its co-op's SKUs (own co-op or admin); ``dry_run`` only reports.
    A marketplace that cannot be read raises ``ChannelError`` with what it said."""
    with session_scope(engine) as session:
        require_editor_of(viewer, _account(session, account_id).coop_id)
    try:
        return adopt(engine, account_id, dry_run=dry_run, choices=choices)
    except MarketplaceError as exc:
        raise ChannelError(exc.info.summary) from None


def set_price_rule(engine: Engine, viewer: Viewer, account_id: int, rule: dict[str, Any]) -> None:
    """Replace a shop's price rule (admins only), checked by the catalog's PriceRule model first."""
    require_admin(viewer)
    checked = PriceRule.model_validate(rule).model_dump(mode="json")
    with session_scope(engine) as session:
        account = _account(session, account_id)
        account.price_rule = checked


def set_stock_policy(engine: Engine, viewer: Viewer, account_id: int, policy: dict[str, Any]) -> None:
    """Replace a shop's stock policy (admins only, as its price rule: clerks see both), checked by the catalog's
    StockPolicy model first."""
    require_admin(viewer)
    checked = StockPolicy.model_validate(policy).model_dump(mode="json")
    with session_scope(engine) as session:
        account = _account(session, account_id)
        account.stock_policy = checked


def set_auto_publish(engine: Engine, viewer: Viewer, account_id: int, on: bool) -> bool:
    """Turn the shop's "đăng tự động sản phẩm mới" on or off (its own co-op's clerk or an admin); the flag as
    now stored."""
    with session_scope(engine) as session:
        require_editor_of(viewer, _account(session, account_id).coop_id)
    return switch_auto_publish(engine, account_id, on).auto_publish


def _account(session: Session, account_id: int) -> ChannelAccount:
    account = session.get(ChannelAccount, account_id)
    if account is None:
        raise LookupError(t("channel_unknown", id=account_id))
    return account
