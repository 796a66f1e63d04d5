"""The Tồn kho page: every SKU's stock and what each shop shows, one SKU's ledger, and a clerk's receipt or
adjustment. A co-op user sees and records only its own co-op's stock; an officer sees every co-op's, read-only."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalog.db import session_scope
from catalog.i18n import t
from catalog.lots import receipt_lot_id
from catalog.models import (
    ChannelAccount,
    ListingVariant,
    Lot,
    Product,
    Role,
    Sku,
    StockMovement,
    VariantState,
)
from catalog.stock import adjust_stock, source_order, stock_levels
from syndicator.access.products import sku_page
from syndicator.access.roles import AccessDenied, Page, require_editor_of
from syndicator.channels import display_name
from syndicator.users import Viewer

LOW_STOCK = 5  # available at or under this is marked "sắp hết"
HISTORY_SIZE = 50


def stock_rows(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
               offset: int = 0, limit: int = 50) -> Page:
    """One page of the SKUs the viewer may see (matching ``query`` on SKU or product), each with on hand,
    reserved, available, whether it runs low, and ``shops``: the stock each shop was last sent for it."""
    with session_scope(engine) as session:
        records, total = sku_page(session, viewer, query, coop_code, offset, limit)
        ids = [record["sku_id"] for record in records]
        levels = stock_levels(session, ids)
        shops = _shown_on_shops(session, ids)
    for record in records:
        level = levels[record["sku_id"]]
        record |= {"on_hand": level.on_hand, "reserved": level.reserved, "available": level.available,
                   "low": level.available <= LOW_STOCK, "shops": shops.get(record["sku_id"], [])}
    return Page(records, total, offset, limit)


def _shown_on_shops(session: Session, sku_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Per SKU (a page of them), the shops it is on and the stock each was last sent (None: not yet)."""
    rows = session.execute(
        sa.select(ListingVariant.sku_id, ChannelAccount.marketplace, ChannelAccount.name, ListingVariant.pushed_stock)
        .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
        .where(ListingVariant.sku_id.in_(sku_ids), ListingVariant.enabled,
               ListingVariant.state != VariantState.removed.value)
        .order_by(ChannelAccount.marketplace, ChannelAccount.id)
    )
    shown: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for sku_id, marketplace, shop, pushed in rows:
        shown[sku_id].append({"marketplace": display_name(marketplace), "shop": shop, "shown": pushed})
    return shown


def _sku(session: Session, viewer: Viewer, sku: str) -> tuple[int, str, str, str, int]:
    """The SKU's id, code, product name, pack and co-op id; another co-op's is refused to a co-op
    user, an unknown one is a LookupError."""
    code = sku.strip().upper()
    found = session.execute(
        sa.select(Sku.id, Sku.sku, Product.name, Sku.variant, Product.coop_id)
        .join(Product, Product.id == Sku.product_id).where(Sku.sku == code)
    ).first()
    if found is None:
        raise LookupError(t("sku_unknown", value=code))
    if viewer.role is Role.coop and found.coop_id != viewer.coop_id:
        raise AccessDenied(t("access_other_coop"))
    return tuple(found)


def sku_ledger(engine: Engine, viewer: Viewer, sku: str, limit: int = HISTORY_SIZE) -> dict[str, Any]:
    """One SKU's ledger, newest first (at most ``limit`` movements, ``total`` in all). Each movement: ``kind``, signed ``quantity``, ``source`` (``order`` with
    ``order_id`` and ``marketplace``; ``manual``; ``count``; or ``other``), ``actor``, ``at``, ``note``, ``lot``."""
    with session_scope(engine) as session:
        sku_id, code, product, variant, _ = _sku(session, viewer, sku)
        total = session.execute(sa.select(sa.func.count()).where(StockMovement.sku_id == sku_id)).scalar_one()
        rows = session.execute(
            sa.select(StockMovement.kind, StockMovement.quantity, StockMovement.source, StockMovement.actor,
                      StockMovement.created_at, StockMovement.note, Lot.code)
            .join(Lot, Lot.id == StockMovement.lot_id, isouter=True)
            .where(StockMovement.sku_id == sku_id).order_by(StockMovement.id.desc()).limit(limit)
        ).all()
        marketplaces = _marketplaces(session, [source_order(row.source) for row in rows])
    movements = [
        {"kind": kind, "quantity": quantity, **_source_words(source, marketplaces), "actor": actor, "at": at,
         "note": note, "lot": lot}
        for kind, quantity, source, actor, at, note, lot in rows
    ]
    return {"sku": code, "product": product, "variant": variant, "total": total,
            "movements": movements}


def _marketplaces(session: Session, orders: list[tuple[int, str] | None]) -> dict[int, str]:
    account_ids = {order[0] for order in orders if order is not None}
    if not account_ids:
        return {}
    found = session.execute(sa.select(ChannelAccount.id, ChannelAccount.marketplace)
                            .where(ChannelAccount.id.in_(account_ids)))
    return {account_id: display_name(marketplace) for account_id, marketplace in found}


def _source_words(source: str, marketplaces: dict[int, str]) -> dict[str, Any]:
    order = source_order(source)
    if order is not None:
        return {"source": "order", "order_id": order[1], "marketplace": marketplaces.get(order[0], "")}
    kind = source.partition(":")[0]
    return {"source": kind if kind in ("manual", "count") else "other"}


def record_stock(engine: Engine, viewer: Viewer, sku: str, quantity: int, reason: str, receipt: bool = False,
                 lot_code: str | None = None) -> dict[str, Any]:
    """Record a receipt (naming one of the product's lots if ``lot_code``) or an adjustment with its reason, as
    the viewer; the SKU's levels after it. A co-op user records only for its own co-op, an officer never.
    Raises :class:`catalog.stock.StockRefused` or :class:`catalog.lots.LotError` (nothing written) when the
    ledger refuses it, e.g. stock taken below zero."""
    with session_scope(engine) as session:
        sku_id, code, *_, coop_id = _sku(session, viewer, sku)
        require_editor_of(viewer, coop_id)
        lot_id = receipt_lot_id(session, sku_id, lot_code) if lot_code else None
        level = adjust_stock(session, sku_id, quantity, reason, receipt=receipt, lot_id=lot_id,
                             actor=viewer.username)
    return {"sku": code, "on_hand": level.on_hand, "reserved": level.reserved, "available": level.available}
