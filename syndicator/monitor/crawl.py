"""The crawl in its own process: ``python -m syndicator.monitor.crawl --targets FILE --report FILE``.

Scrapy's reactor runs once per process, so the monitor always crawls in a child process
(:func:`syndicator.monitor.run.run_monitor`). Observations go to the database ``SYNDICATOR_DATABASE_URL``
names; what the crawl did (observation ids, pages refused by robots.txt, failures) goes to the report file.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from scrapy.crawler import CrawlerProcess

from syndicator.monitor.settings import PROGRESS_MARK, crawl_settings
from syndicator.monitor.spiders import CrawlLog, spider_for
from syndicator.monitor.targets import TARGET_LIST, CrawlTarget


def crawl(targets: list[CrawlTarget], *, cache: bool, throttle_start_s: float) -> dict[str, object]:
    log = CrawlLog(on_pages=lambda settled: print(f"{PROGRESS_MARK} {settled}", flush=True))
    process = CrawlerProcess(crawl_settings(cache=cache, throttle_start_s=throttle_start_s))
    for name in sorted({target.marketplace for target in targets}):
        process.crawl(spider_for(name), targets=targets, log=log)
    crawlers = list(process.crawlers)
    process.start()
    errors = sum(crawler.stats.get_value("log_count/ERROR", 0) for crawler in crawlers)
    return {"observation_ids": log.observation_ids, "blocked": log.blocked, "failed": log.failed,
            "errors_logged": errors}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m syndicator.monitor.crawl")
    parser.add_argument("--targets", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--cache", action="store_true")
    parser.add_argument("--throttle-start", type=float, default=1.0)
    args = parser.parse_args(argv)
    targets = TARGET_LIST.validate_json(args.targets.read_bytes())
    report = crawl(targets, cache=args.cache, throttle_start_s=args.throttle_start)
    args.report.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
