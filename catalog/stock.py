"""The stock ledger: append-only movements, each unique by its source, and the levels derived from them.

The order engine's convention: when an order is first seen it writes a ``sale`` (−qty) with source
``order:{channel_account_id}:{marketplace_order_id}:{line_ref}:sale``; a cancellation writes a
``cancellation`` (+qty) with ``…:cancel``, a return a ``return`` (+qty) with ``…:return``.

- available = the sum of every movement (what may still be sold),
- reserved  = units in sale movements whose order is still ``open`` (sold, not yet shipped),
- on hand   = available + reserved (what is physically in the store room).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from catalog.chunks import chunked
from catalog.i18n import t
from catalog.models import Lot, MovementKind, Order, OrderLine, Product, Sku, StockMovement, utcnow

_SIGN = {
    MovementKind.receipt: 1,
    MovementKind.sale: -1,
    MovementKind.cancellation: 1,
    MovementKind.return_: 1,
}
_CHUNK = 500  # ids per IN (...) list, well under every database's parameter limit
MANUAL_SOURCE = "manual:"  # a clerk's receipt or adjustment: this, then a random id
COUNT_SOURCE = "count:"  # a stock count (an import's stock column): see count_movement
ORDER_SOURCE = "order:"


@dataclass(frozen=True)
class StockLevel:
    on_hand: int
    reserved: int
    available: int


NO_STOCK = StockLevel(on_hand=0, reserved=0, available=0)


def order_line_source(channel_account_id: int, marketplace_order_id: str, line_ref: str, event: str) -> str:
    """The ledger source of an order line's ``sale``, ``cancel`` or ``return`` movement."""
    return f"{ORDER_SOURCE}{channel_account_id}:{marketplace_order_id}:{line_ref}:{event}"


def source_order(source: str) -> tuple[int, str] | None:
    """The shop (channel account id) and marketplace order id an order line's movement came from; None for a
    movement of another source."""
    if not source.startswith(ORDER_SOURCE):
        return None
    account, _, rest = source.removeprefix(ORDER_SOURCE).partition(":")
    parts = rest.rsplit(":", 2)
    if not account.isdigit() or len(parts) != 3:
        return None
    return int(account), parts[0]


def _checked(kind: MovementKind | str, quantity: int) -> MovementKind:
    kind = MovementKind(kind)
    if quantity == 0:
        raise ValueError("a stock movement of 0 units records nothing")
    sign = _SIGN.get(kind)
    if sign is not None and quantity * sign < 0:
        raise ValueError(f"a {kind.value} movement must be {'positive' if sign > 0 else 'negative'}, not {quantity}")
    return kind


def record_movements(session: Session, movements: Sequence[dict[str, Any]]) -> int:
    """Append many movements (dicts of sku_id, kind, quantity, source, note); sources already recorded are
    skipped. Returns how many were new."""
    if not movements:
        return 0
    now = utcnow()
    rows = [
        {**m, "kind": _checked(m["kind"], m["quantity"]).value, "note": m.get("note", "")[:500], "created_at": now}
        for m in movements
    ]
    dialect = session.connection().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert = (sqlite.insert if dialect == "sqlite" else postgresql.insert)(StockMovement)
        inserted = 0
        statement = insert.on_conflict_do_nothing(index_elements=["source"]).returning(StockMovement.id)
        for chunk in chunked(rows, _CHUNK):
            inserted += len(session.execute(statement, chunk).all())
        return inserted
    return sum(_insert_one_guarded(session, row) for row in rows)


def _insert_one_guarded(session: Session, row: dict[str, Any]) -> int:
    try:
        with session.begin_nested():
            session.execute(sa.insert(StockMovement), [row])
    except IntegrityError:
        return 0
    return 1


def record_movement(
    session: Session, sku_id: int, kind: MovementKind | str, quantity: int, source: str, note: str = ""
) -> bool:
    """Append one movement; False (and nothing written) when that source was already recorded."""
    movement = {"sku_id": sku_id, "kind": kind, "quantity": quantity, "source": source, "note": note}
    return record_movements(session, [movement]) == 1


def stock_levels(session: Session, sku_ids: Iterable[int] | None = None) -> dict[int, StockLevel]:
    """On hand, reserved and available for the given SKUs (every SKU with movements when None)."""
    if sku_ids is None:
        return _levels(session, None)
    ids = sorted(set(sku_ids))
    levels: dict[int, StockLevel] = {}
    for chunk in chunked(ids, _CHUNK):
        found = _levels(session, chunk)
        levels.update({sku_id: found.get(sku_id, NO_STOCK) for sku_id in chunk})
    return levels


def _levels(session: Session, sku_ids: list[int] | None) -> dict[int, StockLevel]:
    available = sa.select(StockMovement.sku_id, sa.func.sum(StockMovement.quantity)).group_by(StockMovement.sku_id)
    sale_source = (
        sa.literal(ORDER_SOURCE)
        + sa.cast(Order.channel_account_id, sa.String)
        + ":" + Order.marketplace_order_id
        + ":" + OrderLine.line_ref
        + ":sale"
    )
    reserved = (
        sa.select(StockMovement.sku_id, -sa.func.sum(StockMovement.quantity))
        .select_from(Order)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(StockMovement, StockMovement.source == sale_source)
        .where(Order.status == "open", StockMovement.kind == MovementKind.sale.value)
        .group_by(StockMovement.sku_id)
    )
    if sku_ids is not None:
        available = available.where(StockMovement.sku_id.in_(sku_ids))
        reserved = reserved.where(StockMovement.sku_id.in_(sku_ids))
    sums = {sku_id: int(total or 0) for sku_id, total in session.execute(available)}
    held = {sku_id: int(total or 0) for sku_id, total in session.execute(reserved)}
    return {
        sku_id: StockLevel(on_hand=total + held.get(sku_id, 0), reserved=held.get(sku_id, 0), available=total)
        for sku_id, total in sums.items()
    }


def last_movement_ids(session: Session, sku_ids: Iterable[int]) -> dict[int, int]:
    """The newest movement id of each SKU (0 when it has none): the ledger state a stock count is made against."""
    ids = sorted(set(sku_ids))
    found: dict[int, int] = {}
    for chunk in chunked(ids, _CHUNK):
        found.update(session.execute(
            sa.select(StockMovement.sku_id, sa.func.max(StockMovement.id))
            .where(StockMovement.sku_id.in_(chunk))
            .group_by(StockMovement.sku_id)
        ).all())
    return {sku_id: int(found.get(sku_id) or 0) for sku_id in ids}


def count_movement(sku_id: int, on_hand: int, last_id: int, target: int, note: str,
                   kind: MovementKind = MovementKind.adjustment) -> dict[str, Any] | None:
    """The movement that brings on-hand stock from ``on_hand`` to a counted ``target``, or None if equal.

    Its source names the ledger state it was counted against, so the same count applied twice (or by
    two imports racing) is recorded once, while a new count after later movements is a new movement.
    """
    delta = target - on_hand
    if delta == 0:
        return None
    if kind is MovementKind.receipt and delta < 0:
        kind = MovementKind.adjustment
    source = f"{COUNT_SOURCE}{sku_id}:after:{last_id}:to:{target}"
    return {"sku_id": sku_id, "kind": kind, "quantity": delta, "source": source, "note": note}


def set_stock(session: Session, sku_id: int, target: int, note: str = "") -> bool:
    """Bring a SKU's on-hand stock to ``target`` with one adjustment; False when nothing had to change."""
    level = stock_levels(session, [sku_id])[sku_id]
    last_id = last_movement_ids(session, [sku_id])[sku_id]
    movement = count_movement(sku_id, level.on_hand, last_id, target, note)
    return movement is not None and record_movements(session, [movement]) == 1


def _check_receipt_lot(session: Session, sku_id: int, lot_id: int, receipt: bool) -> None:
    if not receipt:
        raise StockRefused(t("lots_receipt_only"))
    sku, product_id, product, lot_product_id, code = session.execute(
        sa.select(Sku.sku, Sku.product_id, Product.code, Lot.product_id, Lot.code)
        .join(Product, Product.id == Sku.product_id).join(Lot, Lot.id == lot_id).where(Sku.id == sku_id)
    ).one()
    if lot_product_id != product_id:
        raise StockRefused(t("lots_not_of_product", product=product, sku=sku, code=code))


class StockRefused(ValueError):
    """A clerk's movement the ledger will not take (no reason, 0 units, a lot on anything but a receipt …)."""


class StockBelowZero(StockRefused):
    """A clerk's movement that would leave less than nothing in the store room."""


def _lock_sku(session: Session, sku_id: int) -> str:
    """Hold the SKU until this transaction ends, so two clerks taking stock at once cannot both pass the
    on-hand check; returns its code. PostgreSQL locks the row (``FOR UPDATE``); pysqlite opens its transaction
    only at the first write, so on SQLite a write that changes nothing takes the database's write lock
    before the ledger is read."""
    if session.connection().dialect.name == "sqlite":
        session.execute(sa.update(Sku).where(Sku.id == sku_id).values(enabled=Sku.enabled))
        return session.execute(sa.select(Sku.sku).where(Sku.id == sku_id)).scalar_one()
    return session.execute(sa.select(Sku.sku).where(Sku.id == sku_id).with_for_update()).scalar_one()


def _check_request(quantity: int, reason: str, receipt: bool) -> None:
    if not reason.strip():
        raise StockRefused(t("stock_reason_required"))
    if quantity == 0:
        raise StockRefused(t("quantity_zero"))
    if receipt and quantity < 0:
        raise StockRefused(t("receipt_positive"))


def adjust_stock(session: Session, sku_id: int, quantity: int, reason: str, receipt: bool = False,
                 lot_id: int | None = None, actor: str | None = None) -> StockLevel:
    """A clerk's receipt (goods in, ``quantity`` > 0, naming its lot if ``lot_id``) or adjustment (signed),
    with its reason (required) and who recorded it (``actor``: the app's login, ``cli:<os user>`` from the
    command line), recorded as a new movement.

    These raise :class:`StockRefused` and record nothing: a blank reason, 0 units, a negative receipt, a lot
    on anything but a receipt or of another product, and (:class:`StockBelowZero`) a movement that would take
    on-hand stock below zero. That last check reads the ledger with the SKU locked in this same transaction
    (:func:`_lock_sku`), so concurrent adjustments cannot together go below zero. Sales are not refused: an
    order the marketplace took is a fact, even one sold past the stock."""
    _check_request(quantity, reason, receipt)
    sku = _lock_sku(session, sku_id)
    if lot_id is not None:
        _check_receipt_lot(session, sku_id, lot_id, receipt)
    on_hand = stock_levels(session, [sku_id])[sku_id].on_hand
    if quantity < 0 and on_hand + quantity < 0:
        raise StockBelowZero(t("stock_negative_refused", sku=sku, taken=-quantity, on_hand=on_hand))
    kind = MovementKind.receipt if receipt else MovementKind.adjustment
    record_movements(session, [{"sku_id": sku_id, "kind": kind, "quantity": quantity, "lot_id": lot_id,
                                "source": f"{MANUAL_SOURCE}{uuid.uuid4().hex}", "note": reason.strip(),
                                "actor": actor}])
    return stock_levels(session, [sku_id])[sku_id]
