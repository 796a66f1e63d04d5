"""The Tem nhãn page: a co-op's trace label sheets and stall sign as PDF, and the bank account its VietQR
code pays into, within the viewer's co-op."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.coops import CONTACT_FIELDS, CoopError, update_contact
from catalog.db import session_scope
from catalog.models import Coop, Lot, Product
from syndicator.access.roles import require_editor_of, scope_coop_id
from syndicator.labels import (
    LAYOUTS,
    Label,
    Selection,
    StallSign,
    load_labels,
    load_stall_signs,
    render_labels,
    render_stall_signs,
)
from syndicator.users import Viewer


def label_products(engine: Engine, viewer: Viewer, coop_code: str) -> list[dict[str, Any]]:
    """One co-op's products by code, each with its lot codes (newest first)."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        products = session.exec(select(Product.id, Product.code, Product.name)
                                .where(Product.coop_id == coop_id).order_by(Product.code)).all()
        lots = session.exec(select(Lot.product_id, Lot.code).where(Lot.product_id.in_([p[0] for p in products]))
                            .order_by(Lot.produced_on.desc(), Lot.code)).all()
    return [{"code": code, "name": name, "lots": [lot for owner, lot in lots if owner == product_id]}
            for product_id, code, name in products]


def label_sheet(engine: Engine, viewer: Viewer, coop_code: str, products: tuple[str, ...] = (),
                lot: str | None = None, layout: str = "3x8", price: bool = False) -> tuple[list[Label], bytes]:
    """The labels of a co-op's products (all when none is named; per ``lot`` when one is) and their sheets as
    PDF. Raises :class:`~syndicator.labels.LabelsRefused` for a product or lot the co-op does not have."""
    with session_scope(engine) as session:
        scope_coop_id(session, viewer, coop_code)
        labels = load_labels(session, Selection(coop=coop_code, products=products, lot=lot,
                                                price=price))
    return labels, render_labels(labels, LAYOUTS[layout]) if labels else b""


def stall_sign(engine: Engine, viewer: Viewer, coop_code: str) -> tuple[StallSign | None, bytes]:
    """A co-op's A5 stall sign (its packs on sale, prices and VietQR code) and the sign as PDF."""
    with session_scope(engine) as session:
        scope_coop_id(session, viewer, coop_code)
        signs = load_stall_signs(session, Selection(coop=coop_code))
    return (signs[0], render_stall_signs(signs)) if signs else (None, b"")


def coop_contact(engine: Engine, viewer: Viewer, coop_code: str) -> dict[str, str | None]:
    """A co-op's phone, address and bank account as recorded."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        coop = session.get(Coop, coop_id)
        return {field: getattr(coop, field) for field in CONTACT_FIELDS}


def save_coop_contact(engine: Engine, viewer: Viewer, coop_code: str, values: dict[str, str],
                      lang: str | None = None) -> list[str]:
    """Record a co-op's bank account, phone and address (see :func:`catalog.coops.update_contact`); the
    refusal, and nothing saved, if a value is refused. Only the co-op's clerks and admins may."""
    with session_scope(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == coop_code)).first()
    require_editor_of(viewer, coop_id)
    try:
        with session_scope(engine) as session:
            update_contact(session, coop_code, lang=lang, **values)
    except CoopError as refused:
        return [str(refused)]
    return []
