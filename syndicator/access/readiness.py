"""Why a product is not ready on the shops it is published on, for the Products page: the same reasons the plan
holds a pack back for (``syndicator/readiness.py``), for the packs published there and not on sale yet, as the
listing matrix shows them. Reads only."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.models import ChannelAccount, Listing, ListingVariant, Product, Sku
from syndicator.access.listings import Publication, publication
from syndicator.access.roles import scope_coop_id
from syndicator.channels import display_name
from syndicator.readiness import blocked_packs, explain
from syndicator.users import Viewer

ShopReasons = tuple[str, list[str]]


def product_readiness(engine: Engine, viewer: Viewer, product_ids: Iterable[int]) -> dict[int, list[ShopReasons]]:
    """Each of the viewer's products among ``product_ids`` → ``(shop, reasons)`` for every shop where one of its
    packs is published, not on sale yet, and held back; an empty list where none is."""
    with Session(engine) as session:
        coop_id = scope_coop_id(session, viewer, None)
        query = (select(Product.id, ListingVariant.id, ListingVariant.channel_account_id, Listing.state,
                        ListingVariant.state, ListingVariant.last_error, Listing.last_error)
                 .join(Sku, Sku.product_id == Product.id)
                 .join(ListingVariant, ListingVariant.sku_id == Sku.id)
                 .join(Listing, Listing.id == ListingVariant.listing_id)
                 .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
                 .where(Product.id.in_(list(product_ids)), ListingVariant.enabled, ChannelAccount.enabled))
        visible = select(Product.id).where(Product.id.in_(list(product_ids)))
        if coop_id is not None:
            query, visible = query.where(Product.coop_id == coop_id), visible.where(Product.coop_id == coop_id)
        found: dict[int, list[ShopReasons]] = {product_id: [] for product_id in session.exec(visible).all()}
        waiting: dict[int, dict[int, int]] = {}  # shop → variant → its product
        for product_id, variant_id, account_id, listing_state, variant_state, *errors in session.exec(query).all():
            if publication(listing_state, variant_state, True, any(errors)) is not Publication.live:
                waiting.setdefault(account_id, {})[variant_id] = product_id
        for account_id, products in sorted(waiting.items()):
            account = session.get(ChannelAccount, account_id)
            for product_id, reasons in shop_reasons(session, account, products).items():
                found[product_id].append((f"{display_name(account.marketplace)} · {account.name}", reasons))
    return found


def shop_reasons(session: Session, account: ChannelAccount, products: dict[int, int]) -> dict[int, list[str]]:
    """On one shop: product → its packs' reasons, each said once, in the order the check gives them."""
    reasons: dict[int, list[str]] = {}
    for listing in blocked_packs(session, account, products):
        said = reasons.setdefault(products[listing.variant_id], [])
        said.extend(text for text in map(explain, listing.blockers) if text not in said)
    return reasons
