"""One spider per marketplace, all visiting public pages the same way; what a page means is the
marketplace's own reader (``adapters/<name>/page.py``)."""

from __future__ import annotations

import importlib
from collections import defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

import scrapy
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from twisted.python.failure import Failure

from adapters import registry
from adapters.common.page import PageObservation, PagePaths, PageReader, storefront_links
from syndicator.monitor.drift import Drift
from syndicator.monitor.targets import CrawlTarget

GONE = [404, 410]


@dataclass
class PageVisit:
    """The item every spider yields: one pack of a listing and what its item's public page showed of it."""

    target: CrawlTarget
    seen: PageObservation
    drift: list[Drift] = field(default_factory=list)


@dataclass
class CrawlLog:
    """What one crawl did: observations stored, pages refused by robots.txt, pages that failed."""

    observation_ids: list[int] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    on_pages: Callable[[int], None] = field(default=lambda settled: None, repr=False)
    """Told how many packs were settled (seen, refused or failed), for a progress bar."""


class ListingSpider(scrapy.Spider):
    page_module: ClassVar[str]

    def __init__(self, targets: list[CrawlTarget], log: CrawlLog, **kwargs: Any):
        super().__init__(**kwargs)
        self.targets = [t for t in targets if t.marketplace == self.name]
        self.crawl_log = log
        page = importlib.import_module(self.page_module)
        self.read_page: PageReader = page.parse_product_page
        self.paths: PagePaths = page.PATHS

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for request in self._requests():
            yield request

    def _requests(self) -> Iterator[scrapy.Request]:
        by_shop: dict[tuple[str, str], list[CrawlTarget]] = defaultdict(list)
        by_item: dict[str, list[CrawlTarget]] = defaultdict(list)
        for target in self.targets:
            if target.found_by_storefront:
                by_shop[(target.base_url, target.shop_id)].append(target)
            else:
                by_item[self.paths.product_url(target.base_url, target.shop_id, target.external_item_id)].append(target)
        for url, packs in by_item.items():
            yield self._product_request(url, packs)
        for (base_url, shop_id), waiting in by_shop.items():
            yield scrapy.Request(
                self.paths.storefront_url(base_url, shop_id), callback=self.parse_storefront, errback=self.on_error,
                meta={"targets": waiting, "handle_httpstatus_list": GONE},
            )

    def _product_request(self, url: str, targets: list[CrawlTarget]) -> scrapy.Request:
        """One visit to an item's page for all its packs."""
        return scrapy.Request(
            url, callback=self.parse_product, errback=self.on_error,
            meta={"targets": targets, "handle_httpstatus_list": GONE}, dont_filter=True,
        )

    def parse_storefront(self, response: Response) -> Iterator[scrapy.Request | PageVisit]:
        links = storefront_links(response.text, response.url) if response.status not in GONE else {}
        by_item: dict[str, list[CrawlTarget]] = defaultdict(list)
        for target in response.meta["targets"]:
            url = links.get(target.seller_sku)
            if url is None:
                yield PageVisit(target, PageObservation(url=response.url, visible=False, seller_sku=target.seller_sku))
            else:
                by_item[url].append(target)
        for url, packs in by_item.items():
            yield self._product_request(url, packs)

    def parse_product(self, response: Response) -> Iterator[PageVisit]:
        if response.status in GONE:
            seen = PageObservation(url=response.url, visible=False)
        else:
            seen = self.read_page(response.text, response.url)
        for target in response.meta["targets"]:
            yield PageVisit(target, seen.pack(target.seller_sku))

    def on_error(self, failure: Failure) -> None:
        request = failure.request
        if failure.check(IgnoreRequest) and "robots.txt" in str(failure.value):
            self.crawl_log.blocked.append(request.url)
        else:
            reason = f"{failure.type.__name__}: {failure.getErrorMessage()}"
            self.crawl_log.failed.append({"url": request.url, "reason": reason})
        self.crawl_log.on_pages(len(request.meta["targets"]))


def spider_for(marketplace: str) -> type[ListingSpider]:
    """The marketplace's spider: the shared visiting, with the marketplace's page addresses and reader
    (adapters.registry)."""
    return type(
        f"{marketplace.capitalize()}Spider",
        (ListingSpider,),
        {"name": marketplace, "page_module": registry.page_module(marketplace)},
    )
