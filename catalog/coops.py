"""Co-operatives (hợp tác xã): registered once, by a short code, with their commune from the 2025 list."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session, select

from catalog.communes import DEFAULT_PROVINCE, match_commune
from catalog.i18n import t
from catalog.models import Coop, Product, Sku
from catalog.text import clean


class CoopError(ValueError):
    """A co-op cannot be added as asked (the message says why, in the chosen language)."""


@dataclass(frozen=True)
class CoopSummary:
    code: str
    name: str
    commune: str | None
    products: int
    skus: int


def add_coop(session: Session, code: str, name: str, commune: str | None = None,
             province: str = DEFAULT_PROVINCE, lang: str | None = None) -> Coop:
    """Register a co-op; refuses a code already taken or a commune not in the province's 2025 list."""
    code = clean(code).upper()
    if not code or not clean(name):
        raise CoopError(t("required", lang))
    if session.exec(select(Coop).where(Coop.code == code)).first() is not None:
        raise CoopError(t("coop_exists", lang, value=code))
    matches = match_commune(commune, province) if commune else []
    if commune and len(matches) != 1:
        choices = ", ".join(c.name for c in matches)
        raise CoopError(t("commune_ambiguous", lang, value=commune, choices=choices) if matches
                        else t("commune_unknown", lang, value=commune, province=province))
    found = matches[0] if matches else None
    coop = Coop(code=code, name=clean(name), province=clean(province),
                commune_code=found.code if found else None, commune_name=found.name if found else None)
    session.add(coop)
    session.flush()
    return coop


def ensure_coop(session: Session, code: str, name: str, commune: str | None = None) -> Coop:
    """The co-op with ``code``, added first if it is not there yet."""
    existing = session.exec(select(Coop).where(Coop.code == clean(code).upper())).first()
    return existing if existing is not None else add_coop(session, code, name, commune)


def list_coops(session: Session) -> list[CoopSummary]:
    """Every co-op with how many products and SKUs it has, by code."""
    rows = session.execute(
        sa.select(Coop.code, Coop.name, Coop.commune_name,
                  sa.func.count(sa.distinct(Product.id)), sa.func.count(Sku.id))
        .outerjoin(Product, Product.coop_id == Coop.id)
        .outerjoin(Sku, Sku.product_id == Product.id)
        .group_by(Coop.id, Coop.code, Coop.name, Coop.commune_name)
        .order_by(Coop.code)
    ).all()
    return [CoopSummary(code, name, commune, products, skus) for code, name, commune, products, skus in rows]
