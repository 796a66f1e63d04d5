"""The lots (lô) section of the Sản phẩm page: a product's lots, and adding one, within the viewer's co-op."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import session_scope
from catalog.lots import LotError, add_lot, list_lots
from catalog.models import Coop, Product, Role
from catalog.validation import RowError
from syndicator.access.roles import require_editor_of, scope_coop_id
from syndicator.users import Viewer


def lot_products(engine: Engine, viewer: Viewer, coop_code: str | None = None) -> list[dict[str, Any]]:
    """The products whose lots the viewer may see (one co-op's, or all), by co-op and product code."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        statement = (select(Coop.code, Product.code, Product.name).join(Coop, Coop.id == Product.coop_id)
                     .order_by(Coop.code, Product.code))
        if coop_id is not None:
            statement = statement.where(Product.coop_id == coop_id)
        return [{"coop_code": coop, "product_code": code, "name": name}
                for coop, code, name in session.exec(statement).all()]


def product_lots(engine: Engine, viewer: Viewer, coop_code: str, product_code: str) -> list[dict[str, Any]]:
    """One product's lots, newest first; another co-op's are refused to a co-op user."""
    with session_scope(engine) as session:
        scope_coop_id(session, viewer, coop_code)
        return list_lots(session, coop_code=coop_code, product_code=product_code)


def add_product_lot(engine: Engine, viewer: Viewer, raw: dict[str, Any], lang: str | None = None) -> list[RowError]:
    """Add one lot (fields as typed, see :func:`catalog.lots.add_lot`); its errors, and nothing written, if any.
    A co-op user adds only to its own co-op's products, an officer to none."""
    if viewer.role is Role.coop:
        raw = raw | {"coop_code": viewer.coop_code}
    with session_scope(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == raw.get("coop_code"))).first()
    require_editor_of(viewer, coop_id)
    try:
        with session_scope(engine) as session:
            add_lot(session, raw, lang=lang)
    except LotError as refused:
        return refused.errors
    return []
