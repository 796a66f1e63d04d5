"""The item pipeline every monitor spider shares: compute drift, then store what was seen."""

from __future__ import annotations

from typing import Self

from scrapy.crawler import Crawler
from sqlalchemy.engine import Engine

from catalog.db import make_engine, session_scope
from catalog.models import ListingObservation
from syndicator import binding
from syndicator.monitor.drift import Drift, drift_of
from syndicator.monitor.spiders import ListingSpider, PageVisit


def _fit(text: str | None, column: str) -> str | None:
    """A page's text cut to the column's length (a marketplace may show a longer title than we keep)."""
    limit = ListingObservation.__table__.columns[column].type.length
    return text[:limit] if text is not None else None


class DriftPipeline:
    """Compares the page with what we last pushed."""

    def process_item(self, item: PageVisit) -> PageVisit:
        item.drift = drift_of(item.target, item.seen)
        return item


class ObservationStorePipeline:
    """Writes a ``ListingObservation`` per pack seen, and marks an awaiting-upload listing seen on sale as live
    with the marketplace's item id. The database is the one ``SYNDICATOR_DATABASE_URL`` names."""

    engine: Engine

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def open_spider(self) -> None:
        self.engine = make_engine()

    def close_spider(self) -> None:
        self.engine.dispose()

    def process_item(self, item: PageVisit) -> PageVisit:
        spider: ListingSpider = self.crawler.spider
        seen = item.seen
        with session_scope(self.engine) as session:
            row = ListingObservation(
                listing_id=item.target.listing_id, variant_id=item.target.variant_id, url=_fit(seen.url, "url"),
                visible=seen.visible, price=seen.price, stock=seen.stock, sold_count=seen.sold_count,
                title=_fit(seen.title, "title"), seller_sku=_fit(seen.seller_sku, "seller_sku"), drift=[str(kind) for kind in item.drift],
            )
            session.add(row)
            if Drift.confirmed in item.drift:
                binding.seen_on_sale(session, item.target.listing_id, seen.item_id)
            session.flush()
            spider.crawl_log.observation_ids.append(row.id)
        spider.crawl_log.on_pages(1)
        return item
