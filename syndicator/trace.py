"""What a public trace page (``/t/{code}``) shows, read from the database, and its view count.

Only what a co-op has made public goes into a :class:`TracePage`: never stock, costs, prices, other co-ops'
rows or internal ids (the product and lot ids ride along only to count the view). A view is counted per day
(Vietnam time), product and lot, with nothing about who opened the page."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from catalog.communes import communes
from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, Listing, ListingState, Lot, Photo, Product, Sku, TraceView
from catalog.photos import is_digest, photo_file

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
WEB_ADDRESS = ("https://", "http://")
TRACE_VIEW_LOCK = 2_116  # the first key of PostgreSQL's two-key advisory lock taken while counting a view


@dataclass(frozen=True)
class Pack:
    variant: str
    gtin: str | None


@dataclass(frozen=True)
class ShopLink:
    marketplace: str  # the marketplace's display name
    url: str


@dataclass(frozen=True)
class LotFacts:
    code: str
    produced_on: date
    expires_on: date | None
    notes: str


@dataclass(frozen=True)
class TracePage:
    product_name: str
    description: str
    packs: list[Pack]
    photos: list[str]
    coop_name: str
    coop_commune: str | None
    coop_province: str
    coop_phone: str | None
    coop_address: str | None
    origin_commune: str | None
    origin_province: str
    ocop_stars: int | None
    ocop_valid_to: date | None
    ocop_expired: bool
    certifications: list[str]
    lot: LotFacts | None
    shops: list[ShopLink]
    product_id: int  # for counting the view only; never shown
    lot_id: int | None


def today_in_vietnam(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(VIETNAM).date()


def _photos(session: Session, images: list[str]) -> list[str]:
    """The product's photos from the catalogue's store, as the service's own addresses (``/photos/…``): never a
    path or an outside address a clerk typed."""
    stored = dict(session.exec(select(Photo.digest, Photo.format).where(
        Photo.digest.in_([image for image in images if is_digest(image)]))).all())
    return [f"/photos/{photo_file(image, stored[image]).name}" for image in images if image in stored]


def find_trace_page(engine: Engine, code: str, *, today: date | None = None) -> TracePage | None:
    """The page of the product or lot whose trace code is ``code``, or None."""
    today = today or today_in_vietnam()
    with session_scope(engine) as session:
        lot = session.exec(select(Lot).where(Lot.trace_code == code)).first()
        product_id = lot.product_id if lot else session.exec(select(Product.id).where(Product.trace_code == code)).first()
        if product_id is None:
            return None
        product = session.get(Product, product_id)
        coop = session.get(Coop, product.coop_id)
        return TracePage(
            product_name=product.name,
            description=product.description,
            packs=_packs(session, product.id),
            photos=_photos(session, product.images or []),
            coop_name=coop.name,
            coop_commune=coop.commune_name,
            coop_province=coop.province,
            coop_phone=coop.phone,
            coop_address=coop.address,
            origin_commune=official_commune(product),
            origin_province=product.origin_province,
            ocop_stars=product.ocop_stars,
            ocop_valid_to=product.ocop_valid_to,
            ocop_expired=bool(product.ocop_stars and product.ocop_valid_to and product.ocop_valid_to < today),
            certifications=list(product.certifications or []),
            lot=_lot_facts(lot, product) if lot else None,
            shops=_shop_links(session, product.id),
            product_id=product.id,
            lot_id=lot.id if lot else None,
        )


def official_commune(product: Product) -> str | None:
    """The origin commune as the official 2025 list names it (found by its code), else as stored."""
    if product.origin_commune_code:
        for commune in communes(product.origin_province):
            if commune.code == product.origin_commune_code:
                return commune.name
    return product.origin_commune_name


def _packs(session: Session, product_id: int) -> list[Pack]:
    rows = session.exec(select(Sku.variant, Sku.gtin).where(Sku.product_id == product_id, Sku.enabled).order_by(Sku.id))
    return [Pack(variant=variant, gtin=gtin) for variant, gtin in rows]


def _lot_facts(lot: Lot, product: Product) -> LotFacts:
    expires = lot.expires_on
    if expires is None and product.shelf_life_days:
        expires = lot.produced_on + timedelta(days=product.shelf_life_days)
    return LotFacts(code=lot.code, produced_on=lot.produced_on, expires_on=expires, notes=lot.notes)


def _shop_links(session: Session, product_id: int) -> list[ShopLink]:
    """Where the product is live: its live listings with the marketplace's own item id, at the public item
    address the monitor visits. A feed shop's row whose only id is its seller SKU has no such address yet."""
    seller_skus = set(session.exec(select(Sku.sku).where(Sku.product_id == product_id)))
    rows = session.exec(
        select(ChannelAccount.marketplace, ChannelAccount.base_url, ChannelAccount.shop_id, Listing.external_item_id)
        .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
        .where(Listing.product_id == product_id, Listing.state == ListingState.live, ChannelAccount.enabled,
               Listing.external_item_id.is_not(None))
        .order_by(Listing.id)
    )
    links: dict[str, ShopLink] = {}
    for marketplace, base_url, shop_id, item_id in rows:
        if item_id in seller_skus or marketplace not in registry.names():
            continue
        paths = importlib.import_module(registry.page_module(marketplace)).PATHS
        url = paths.product_url(base_url, shop_id, item_id)
        links.setdefault(url, ShopLink(marketplace=registry.spec(marketplace).display_name, url=url))
    return list(links.values())


def count_view(engine: Engine, page: TracePage, *, day: date | None = None) -> None:
    """One more view of the page today. A product's own page has no lot, and SQL's unique constraints let
    NULLs repeat, so there is no conflict to upsert on: add to the day's row, or insert it, under a lock
    (SQLite's write lock, taken by the update; an advisory lock on PostgreSQL)."""
    day = day or today_in_vietnam()
    key = (TraceView.day == day, TraceView.product_id == page.product_id, TraceView.lot_id.is_(page.lot_id)
           if page.lot_id is None else TraceView.lot_id == page.lot_id)
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(sa.select(sa.func.pg_advisory_xact_lock(TRACE_VIEW_LOCK, page.product_id)))
        added = connection.execute(sa.update(TraceView).where(*key).values(views=TraceView.views + 1))
        if added.rowcount == 0:
            connection.execute(sa.insert(TraceView).values(day=day, product_id=page.product_id,
                                                           lot_id=page.lot_id, views=1))
