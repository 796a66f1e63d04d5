"""Co-operatives (hợp tác xã): registered once, by a short code, with their commune from the 2025 list."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from catalog.i18n import t
from catalog.text import clean

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlmodel import Session

    from catalog.models import Coop

# Plain SQL, so that `syndicator coops list` starts without loading the ORM and the models.
COOP_SUMMARIES = sa.text(
    "SELECT coop.code, coop.name, coop.commune_name, count(DISTINCT product.id), count(sku.id) FROM coop"
    " LEFT JOIN product ON product.coop_id = coop.id LEFT JOIN sku ON sku.product_id = product.id"
    " GROUP BY coop.id, coop.code, coop.name, coop.commune_name ORDER BY coop.code"
)


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
             province: str | None = None, lang: str | None = None) -> Coop:
    """Register a co-op; refuses a code already taken or a commune not in the province's 2025 list (Thái
    Nguyên's unless ``province`` says another)."""
    from sqlmodel import select

    from catalog.communes import DEFAULT_PROVINCE, match_commune  # the commune list only when adding
    from catalog.models import Coop

    code = clean(code).upper()
    if not code or not clean(name):
        raise CoopError(t("required", lang))
    if session.exec(select(Coop).where(Coop.code == code)).first() is not None:
        raise CoopError(t("coop_exists", lang, value=code))
    province = province or DEFAULT_PROVINCE
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
    from sqlmodel import select

    from catalog.models import Coop

    existing = session.exec(select(Coop).where(Coop.code == clean(code).upper())).first()
    return existing if existing is not None else add_coop(session, code, name, commune)


def list_coops(connection: Connection | Session) -> list[CoopSummary]:
    """Every co-op with how many products and SKUs it has, by code."""
    rows = connection.execute(COOP_SUMMARIES).all()
    return [CoopSummary(code, name, commune, products, skus) for code, name, commune, products, skus in rows]


CONTACT_FIELDS = ("phone", "address", "bank_bin", "bank_account", "bank_account_name")


def update_contact(session: Session, code: str, lang: str | None = None, **values: str | None) -> Coop:
    """Set a co-op's phone, address and bank account (for the stall sign's VietQR); a blank value clears it.
    A bank account is checked against the NAPAS list and VietQR's account format, and needs its holder's name;
    nothing is changed when a value is refused."""
    from sqlmodel import select

    from catalog.models import Coop
    from catalog.vietqr import check_account

    coop = session.exec(select(Coop).where(Coop.code == clean(code).upper())).first()
    if coop is None:
        raise CoopError(t("coop_unknown", lang, value=code))
    wanted = {field: getattr(coop, field) for field in CONTACT_FIELDS}
    wanted.update({field: clean(value) or None for field, value in values.items() if field in CONTACT_FIELDS})
    if wanted["bank_bin"] or wanted["bank_account"]:
        try:
            check_account(wanted["bank_bin"] or "", wanted["bank_account"] or "")
        except ValueError as error:
            raise CoopError(str(error)) from error
        if not wanted["bank_account_name"]:
            raise CoopError(t("coop_bank_name_required", lang))
    for field, value in wanted.items():
        setattr(coop, field, value)
    return coop
