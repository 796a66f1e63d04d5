"""The Giám sát page: what shoppers saw of each pack on its listing's public page, and where it drifted."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, ListingObservation, ListingVariant, Sku
from syndicator.access.roles import Page, paged, scope_coop_id
from syndicator.users import Viewer


def observations(engine: Engine, viewer: Viewer, drift_only: bool = False, offset: int = 0,
                 limit: int = 50, coop_code: str | None = None) -> Page:
    """What shoppers saw of each pack on its listing's public page, newest first, with drift; one co-op's
    when ``coop_code`` is given (a co-op user always sees only their own)."""
    with session_scope(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        statement = (
            select(ListingObservation.observed_at, Coop.code, ChannelAccount.marketplace, Sku.sku,
                   ListingObservation.visible, ListingObservation.price, ListingVariant.pushed_price,
                   ListingObservation.stock, ListingObservation.sold_count, ListingObservation.drift,
                   ListingObservation.url)
            .join(ListingVariant, ListingObservation.variant_id == ListingVariant.id)
            .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
            .join(Sku, ListingVariant.sku_id == Sku.id)
        )
        if coop_id is not None:
            statement = statement.where(ChannelAccount.coop_id == coop_id)
        if drift_only:
            statement = statement.where(sa.func.json_array_length(ListingObservation.drift) > 0)
        rows, total = paged(session, statement.order_by(ListingObservation.id.desc()), offset, limit)
    keys = ("observed_at", "coop_code", "marketplace", "sku", "visible", "price", "pushed_price", "stock",
            "sold_count", "drift", "url")
    return Page([dict(zip(keys, row, strict=True)) for row in rows], total, offset, limit)
