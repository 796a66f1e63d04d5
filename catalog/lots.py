"""Lots (lô) of a product: added one by one (command line, app) or from a spreadsheet's lots sheet, listed,
and named by a stock receipt. A lot's code is unique within its product; its expiry, when not given, is its
production date plus the product's shelf life."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from catalog.i18n import t
from catalog.models import Coop, Lot, Product, Sku
from catalog.validation import LotRow, RowError, validate_lot_row

LOT_COLUMNS = ("coop_code", "product_code", "product_name", "code", "produced_on", "expires_on", "quantity",
               "notes", "trace_code")


class LotError(ValueError):
    """A lot that cannot be added or named, with every field that is wrong and why."""

    def __init__(self, errors: Sequence[RowError], lang: str | None = None) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(f"{field_label(e.column, lang)}: {e.message}" for e in self.errors))


def field_label(field: str, lang: str | None = None) -> str:
    """A lot's field as people call it (``code`` → «mã lô»)."""
    return t(f"lots_field_{field}", lang) if field else ""


def expiry(produced_on: date, expires_on: date | None, shelf_life_days: int | None) -> date | None:
    """The expiry given, else the production date plus the shelf life (None when neither is known)."""
    if expires_on is not None or shelf_life_days is None:
        return expires_on
    return produced_on + timedelta(days=shelf_life_days)


def _product(session: Session, coop_code: str, product_code: str) -> Product | None:
    return session.execute(
        sa.select(Product).join(Coop, Coop.id == Product.coop_id)
        .where(Coop.code == coop_code, Product.code == product_code)
        .execution_options(populate_existing=True)  # an import may have just changed its shelf life in bulk
    ).scalar()


def _product_error(row: LotRow, number: int, lang: str | None) -> RowError:
    if row.coop_code is None:
        return RowError(number, "coop_code", t("lots_coop_needed", lang))
    return RowError(number, "product_code", t("lots_product_unknown", lang, coop=row.coop_code,
                                               product=row.product_code))


def _values(row: LotRow, product: Product) -> dict[str, Any]:
    return {"produced_on": row.produced_on, "expires_on": expiry(row.produced_on, row.expires_on,
                                                                 product.shelf_life_days),
            "quantity": row.quantity, "notes": row.notes}


def add_lot(session: Session, raw: dict[str, Any], default_coop: str | None = None,
            lang: str | None = None) -> Lot:
    """Add one lot from fields as typed (``coop_code``, ``product_code``, ``code``, ``produced_on``, and
    optionally ``expires_on``, ``quantity``, ``notes``); raises :class:`LotError` naming every bad field."""
    row, errors = validate_lot_row(raw, 1, default_coop=default_coop, lang=lang)
    if row is None:
        raise LotError(errors, lang)
    product = _product(session, row.coop_code, row.product_code) if row.coop_code else None
    if product is None:
        raise LotError([_product_error(row, 1, lang)], lang)
    taken = session.execute(sa.select(Lot.id).where(Lot.product_id == product.id, Lot.code == row.code)).first()
    if taken is not None:
        raise LotError([RowError(1, "code", t("lots_code_taken", lang, product=product.code, code=row.code))], lang)
    lot = Lot(product_id=product.id, code=row.code, **_values(row, product))
    session.add(lot)
    session.flush()
    return lot


def list_lots(session: Session, coop_code: str | None = None, product_code: str | None = None) -> list[dict[str, Any]]:
    """Every lot (of one co-op, of one product), newest production first, as plain dicts of LOT_COLUMNS."""
    query = (
        sa.select(Coop.code, Product.code, Product.name, Lot.code, Lot.produced_on, Lot.expires_on, Lot.quantity,
                  Lot.notes, Lot.trace_code)
        .join(Product, Product.id == Lot.product_id).join(Coop, Coop.id == Product.coop_id)
        .order_by(Coop.code, Product.code, Lot.produced_on.desc(), Lot.code)
    )
    if coop_code:
        query = query.where(Coop.code == coop_code.strip().upper())
    if product_code:
        query = query.where(Product.code == product_code.strip().upper())
    return [dict(zip(LOT_COLUMNS, row, strict=True)) for row in session.execute(query)]


def receipt_lot_id(session: Session, sku_id: int, code: str, lang: str | None = None) -> int:
    """The id of lot ``code`` of the SKU's product, for a stock receipt; :class:`LotError` when that product
    has no such lot (a lot of another product is refused too)."""
    sku, product = session.execute(
        sa.select(Sku.sku, Product.code).join(Product, Product.id == Sku.product_id).where(Sku.id == sku_id)
    ).one()
    wanted = code.strip().upper()
    found = session.execute(
        sa.select(Lot.id).join(Sku, Sku.product_id == Lot.product_id).where(Sku.id == sku_id, Lot.code == wanted)
    ).scalar()
    if found is None:
        raise LotError([RowError(1, "code", t("lots_not_of_product", lang, product=product, sku=sku,
                                              code=wanted))], lang)
    return found


@dataclass
class LotTally:
    """What writing a lots sheet did (or, dry, would do)."""

    errors: list[RowError]
    created: int = 0
    changed: int = 0
    unchanged: int = 0


def write_lot_rows(session: Session, rows: Sequence[tuple[int, LotRow]], lang: str | None = None) -> LotTally:
    """Create or update each lot by (co-op, product, code); the same sheet written twice changes nothing.
    The caller's transaction holds it all: nothing is meant to be kept when ``errors`` is not empty."""
    tally = LotTally(errors=[])
    products: dict[tuple[str, str], Product | None] = {}
    first: dict[tuple[str | None, str, str], int] = {}
    for number, row in rows:
        key = (row.coop_code, row.product_code, row.code)
        if first.setdefault(key, number) != number:
            tally.errors.append(RowError(number, "code", t("lots_code_repeated", lang, code=row.code,
                                                           product=row.product_code, first=first[key])))
            continue
        if row.coop_code is not None and (row.coop_code, row.product_code) not in products:
            products[(row.coop_code, row.product_code)] = _product(session, row.coop_code, row.product_code)
        product = products.get((row.coop_code, row.product_code)) if row.coop_code else None
        if product is None:
            tally.errors.append(_product_error(row, number, lang))
            continue
        _write_lot(session, product, row, tally)
    session.flush()
    return tally


def _write_lot(session: Session, product: Product, row: LotRow, tally: LotTally) -> None:
    wanted = _values(row, product)
    lot = session.execute(sa.select(Lot).where(Lot.product_id == product.id, Lot.code == row.code)).scalar()
    if lot is None:
        session.add(Lot(product_id=product.id, code=row.code, **wanted))
        tally.created += 1
    elif any(getattr(lot, name) != value for name, value in wanted.items()):
        for name, value in wanted.items():
            setattr(lot, name, value)
        tally.changed += 1
    else:
        tally.unchanged += 1
