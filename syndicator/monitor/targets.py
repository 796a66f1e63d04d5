"""Which packs the monitor checks: every live, enabled variant of a live or awaiting-upload listing of an
enabled shop. The packs of one item share its page, which is fetched once."""

from __future__ import annotations

from pydantic import BaseModel, TypeAdapter
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingState, ListingVariant, Sku, VariantState
from catalog.pricing import StockPolicy

WATCHED_STATES = (ListingState.live, ListingState.awaiting_upload)


class CrawlTarget(BaseModel):
    """One pack (variant) of a listing as we last pushed it, and where its shop is."""

    listing_id: int
    variant_id: int
    marketplace: str
    base_url: str
    shop_id: str
    state: ListingState
    seller_sku: str
    external_item_id: str | None = None
    pushed_price: int | None = None
    pushed_stock: int | None = None
    safety_buffer: int = 0

    @property
    def found_by_storefront(self) -> bool:
        """A listing without the marketplace's own item id is looked up on its shop's storefront by seller SKU:
        one never created, or a feed shop's row, whose only id is its seller SKU until the floor shows it."""
        return self.external_item_id in (None, self.seller_sku)


def load_targets(engine: Engine, marketplace: str | None = None) -> list[CrawlTarget]:
    query = (
        select(ListingVariant, Listing, ChannelAccount, Sku)
        .join(Listing, Listing.id == ListingVariant.listing_id)
        .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
        .join(Sku, Sku.id == ListingVariant.sku_id)
        .where(Listing.state.in_(WATCHED_STATES), ListingVariant.state == VariantState.live,
               ListingVariant.enabled, ChannelAccount.enabled)
        .order_by(Listing.id, ListingVariant.id)
    )
    if marketplace is not None:
        query = query.where(ChannelAccount.marketplace == marketplace)
    with session_scope(engine) as session:
        return [
            CrawlTarget(
                listing_id=listing.id,
                variant_id=variant.id,
                marketplace=str(account.marketplace),
                base_url=account.base_url,
                shop_id=account.shop_id,
                state=listing.state,
                seller_sku=sku.sku,
                external_item_id=listing.external_item_id,
                pushed_price=variant.pushed_price,
                pushed_stock=variant.pushed_stock,
                safety_buffer=StockPolicy.model_validate(account.stock_policy or {}).safety_buffer,
            )
            for variant, listing, account, sku in session.exec(query)
        ]


TARGET_LIST = TypeAdapter(list[CrawlTarget])
