"""Downloader middleware the monitor needs beyond Scrapy's own."""

from __future__ import annotations

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.http import Request
from scrapy.robotstxt import RobotParser
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred


class SharedRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt middleware, made to hold for every request waiting on the same robots.txt.

    Under the asyncio reactor each waiter awaits the same Deferred; the first waiter consumes its result
    and the later ones get ``None`` ("no robots.txt"), so they were let through a Disallow. The parsed
    file is kept in ``_parsers`` before the Deferred fires, so read it from there.
    """

    async def robot_parser(self, request: Request) -> RobotParser | None:
        parser = await super().robot_parser(request)
        settled = self._parsers.get(urlparse_cached(request).netloc)
        return parser if isinstance(settled, Deferred) else settled
