"""How the monitor crawls: politely, as one honest visitor per marketplace."""

from __future__ import annotations

from typing import Any

from catalog.db import data_dir

USER_AGENT = (
    "syndicator-monitor/0.1 (listing monitor of the syndicator project for Thái Nguyên agricultural "
    "co-operatives; checks the co-op's own listings once a night)"
)

PROGRESS_MARK = "settled"  # the crawl process prints "settled N" on stdout as packs are settled


def crawl_settings(*, cache: bool = False, throttle_start_s: float = 1.0) -> dict[str, Any]:
    """Scrapy settings for the monitor. ``cache`` keeps pages on disk (development only)."""
    return {
        "BOT_NAME": "syndicator-monitor",
        "USER_AGENT": USER_AGENT,
        "ROBOTSTXT_OBEY": True,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 1,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": throttle_start_s,
        "AUTOTHROTTLE_MAX_DELAY": 30.0,
        "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 2,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # no control server listening on a port during the nightly crawl
        "HTTPCACHE_ENABLED": cache,
        "HTTPCACHE_DIR": str(data_dir() / "monitor-cache"),
        "HTTPCACHE_EXPIRATION_SECS": 24 * 3600,
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "syndicator.monitor.middlewares.SharedRobotsTxtMiddleware": 100,
        },
        "ITEM_PIPELINES": {
            "syndicator.monitor.pipelines.DriftPipeline": 100,
            "syndicator.monitor.pipelines.ObservationStorePipeline": 200,
        },
        "LOG_LEVEL": "WARNING",
    }
