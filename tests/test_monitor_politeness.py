"""The monitor visits marketplaces as a polite, named visitor, and caches pages only when asked."""

from __future__ import annotations

from syndicator.monitor.settings import crawl_settings


def test_the_crawl_obeys_robots_txt_throttles_itself_and_asks_one_page_at_a_time_per_host():
    settings = crawl_settings()

    assert settings["ROBOTSTXT_OBEY"] is True
    assert settings["AUTOTHROTTLE_ENABLED"] is True
    assert settings["CONCURRENT_REQUESTS_PER_DOMAIN"] == 1


def test_the_crawl_names_the_project_in_its_user_agent():
    assert crawl_settings()["USER_AGENT"].startswith("syndicator-monitor/")


def test_pages_are_cached_on_disk_only_when_asked():
    assert crawl_settings()["HTTPCACHE_ENABLED"] is False
    assert crawl_settings(cache=True)["HTTPCACHE_ENABLED"] is True
