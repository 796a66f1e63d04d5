"""The co-ops: every page's co-op picker, and registering one (the admin page)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.coops import add_coop as register_coop
from catalog.db import session_scope
from catalog.models import Coop
from catalog.search import prepare_vietnamese, vietnamese_order
from syndicator.access.roles import require_admin, scope_coop_id
from syndicator.users import Viewer


def coops(engine: Engine, viewer: Viewer) -> list[dict[str, Any]]:
    """The co-ops the viewer may see, in Vietnamese order of name."""
    with session_scope(engine) as session:
        prepare_vietnamese(session)
        statement = select(Coop.code, Coop.name, Coop.commune_name, Coop.province)
        coop_id = scope_coop_id(session, viewer, None)
        if coop_id is not None:
            statement = statement.where(Coop.id == coop_id)
        rows = session.exec(statement.order_by(vietnamese_order(session, Coop.name))).all()
    return [dict(zip(("code", "name", "commune", "province"), row, strict=True)) for row in rows]


def add_coop(engine: Engine, viewer: Viewer, code: str, name: str, commune: str | None = None,
             lang: str | None = None) -> str:
    """Register a co-op (admins only; the catalog checks code and commune); returns its code."""
    require_admin(viewer)
    with session_scope(engine) as session:
        return register_coop(session, code, name, commune, lang=lang).code
