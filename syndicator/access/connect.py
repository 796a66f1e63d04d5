"""Connecting shops from the Gian hàng page: a co-op clerk connects only their own co-op's shops, an admin any
co-op's, an officer none (the round trip is checked again when the marketplace sends the owner back)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from catalog.i18n import t
from catalog.models import ChannelAccount, Coop, Role
from syndicator import connect
from syndicator.access.roles import require_editor_of
from syndicator.channels import connect_feed, marketplace_names
from syndicator.users import Viewer


def _coop_id(engine: Engine, coop_code: str) -> int:
    with Session(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == coop_code)).first()
    if coop_id is None:
        raise LookupError(t("coop_missing", coop=coop_code))
    return coop_id


def redirect_marketplaces() -> list[str]:
    """The marketplaces whose shops are connected through their own authorisation page."""
    return connect.redirect_marketplaces()


def floors() -> list[str]:
    """The floors, connected by a form: with the key the floor issued, or as a feed shop."""
    return [name for name in marketplace_names() if registry.is_floor(name)]


def start_connect(engine: Engine, viewer: Viewer, coop_code: str, marketplace: str, redirect: str) -> str:
    """The marketplace's authorisation page for a new shop of ``coop_code``."""
    require_editor_of(viewer, _coop_id(engine, coop_code))
    return connect.start(engine, coop_code, marketplace, viewer.username, redirect)


def start_reconnect(engine: Engine, viewer: Viewer, account_id: int, redirect: str) -> str:
    """The marketplace's authorisation page for a shop connected before, to connect it again."""
    with Session(engine) as session:
        row = session.exec(select(ChannelAccount, Coop.code).join(Coop, Coop.id == ChannelAccount.coop_id)
                           .where(ChannelAccount.id == account_id)).first()
    if row is None:
        raise LookupError(t("channel_unknown", id=account_id))
    account, coop_code = row
    require_editor_of(viewer, account.coop_id)
    return connect.start(engine, coop_code, str(account.marketplace), viewer.username, redirect, account_id)


def finish_connect(engine: Engine, viewer: Viewer, returned: dict[str, str]) -> dict[str, Any]:
    """The owner is back from the marketplace: the state checked (this login, a co-op it may edit), the code
    exchanged, the shop stored; what was connected."""
    trip = connect.round_trip(returned.get("state"), viewer.username)
    require_editor_of(viewer, _coop_id(engine, trip.coop_code))
    return connect.finish(engine, trip, returned)


def connect_floor_with_key(engine: Engine, viewer: Viewer, coop_code: str, marketplace: str,
                           typed: dict[str, str]) -> dict[str, Any]:
    require_editor_of(viewer, _coop_id(engine, coop_code))
    return connect.connect_with_key(engine, coop_code, marketplace, typed)


def connect_floor_feed(engine: Engine, viewer: Viewer, coop_code: str, marketplace: str) -> dict[str, Any]:
    require_editor_of(viewer, _coop_id(engine, coop_code))
    return connect.connected(connect_feed(engine, coop_code, marketplace), coop_code)


def shops_to_reconnect(engine: Engine, viewer: Viewer) -> list[dict[str, Any]]:
    """The shops the viewer may connect again (their own co-op's; an admin's: all; an officer: none)."""
    if viewer.role is Role.officer:
        return []
    return connect.needing_authorisation(engine, viewer.coop_id if viewer.role is Role.coop else None)
