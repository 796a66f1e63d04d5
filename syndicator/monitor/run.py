"""Running the monitor and reading its findings: ``run_monitor`` for the CLI and the nightly job,
``drift_summary`` for the UI."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import IO

from pydantic import BaseModel, Field
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from catalog.db import make_engine, session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, ListingObservation, ListingVariant, Sku
from catalog.settings import env_name, settings
from syndicator.monitor.drift import Drift
from syndicator.monitor.settings import PROGRESS_MARK
from syndicator.monitor.targets import TARGET_LIST, load_targets
from syndicator.processes import child_process, pass_on, stop_signals

DATABASE_URL_ENV = env_name("database_url")
log = logging.getLogger("syndicator.monitor")


class DriftRow(BaseModel):
    """One pack (variant) of a listing whose public page differs from what we last pushed for it."""

    listing_id: int
    variant_id: int
    marketplace: str
    shop_id: str
    seller_sku: str
    drift: list[Drift]
    url: str
    visible: bool
    pushed_price: int | None
    seen_price: int | None
    pushed_stock: int | None
    seen_stock: int | None
    sold_count: int | None
    observed_at: datetime


class MonitorReport(BaseModel):
    """One crawl: what it set out to check, what it saw, what drifted, what it could not read."""

    marketplaces: list[str]
    listings: int = Field(description="packs (listing variants) the crawl set out to check")
    skipped: int = Field(default=0, description="watched packs whose shop has no public address to visit")
    observed: int = 0
    drift: list[DriftRow] = Field(default_factory=list)
    blocked: list[str] = Field(default_factory=list, description="pages robots.txt told us not to visit")
    failed: list[dict[str, str]] = Field(default_factory=list)
    errors_logged: int = 0
    exit_code: int = 0
    log_tail: str = ""

    @property
    def ok(self) -> bool:
        """The crawl itself worked (drift is a finding, not a failure)."""
        return self.exit_code == 0 and not self.failed and not self.errors_logged

    def counts(self) -> dict[Drift, int]:
        return {kind: sum(kind in row.drift for row in self.drift) for kind in Drift}

    def summary(self) -> dict[str, object]:
        """Plain figures for a log line or a job result."""
        return {"ok": self.ok, "marketplaces": self.marketplaces, "listings": self.listings,
                "observed": self.observed, "skipped": self.skipped, "blocked": len(self.blocked),
                "failed": len(self.failed), "drift": {str(kind): n for kind, n in self.counts().items()}}


class DriftSummary(BaseModel):
    """The latest observation of every watched pack that shows drift, and counts per kind."""

    rows: list[DriftRow]
    counts: dict[Drift, int]
    last_observed_at: datetime | None


Progress = Callable[[int, int], None]  # (packs settled, packs to check)


def run_monitor(
    engine: Engine,
    marketplace: str | None = None,
    *,
    cache: bool = False,
    throttle_start_s: float | None = None,
    progress: Progress | None = None,
) -> MonitorReport:
    """Crawl the public page of every live or awaiting-upload listing (one marketplace, or all) in a child
    process, store what was seen of each of its packs, and report drift per pack. ``throttle_start_s`` defaults to ``SYNDICATOR_MONITOR_PACE_S``.
    Raises ``ValueError`` for an unknown marketplace."""
    if marketplace is not None and marketplace not in registry.names():
        known = ", ".join(registry.names())
        raise ValueError(t("marketplace_unknown", name=marketplace, choices=known))
    watched = load_targets(engine, marketplace)
    targets = [target for target in watched if target.base_url]
    report = MonitorReport(
        marketplaces=sorted({target.marketplace for target in targets}), listings=len(targets),
        skipped=len(watched) - len(targets),
    )
    if not targets:
        return report
    with tempfile.TemporaryDirectory(prefix="syndicator-monitor-") as folder:
        files = Path(folder)
        (files / "targets.json").write_bytes(TARGET_LIST.dump_json(targets))
        command = [sys.executable, "-m", "syndicator.monitor.crawl", "--targets", str(files / "targets.json"),
                   "--report", str(files / "report.json"), "--throttle-start",
                   str(settings().monitor_pace_s if throttle_start_s is None else throttle_start_s),
                   *(["--cache"] if cache else [])]
        env = os.environ | {DATABASE_URL_ENV: engine.url.render_as_string(hide_password=False)}
        with (files / "crawl.log").open("w+", encoding="utf-8") as crawl_log:
            report.exit_code = _follow(command, env, crawl_log, lambda done: progress and progress(done, len(targets)))
            crawl_log.seek(0)
            report.log_tail = crawl_log.read()[-4000:]
        if (files / "report.json").exists():
            result = (files / "report.json").read_text(encoding="utf-8")
            report = report.model_copy(update=_crawl_result(engine, result))
    return report


def nightly_monitor() -> dict[str, object]:
    """The scheduler's job: crawl every marketplace of the configured database (``SYNDICATOR_DATABASE_URL``),
    log the summary."""
    engine = make_engine()
    try:
        report = run_monitor(engine)
    finally:
        engine.dispose()
    summary = report.summary()
    (log.info if report.ok else log.error)("monitor: %s", json.dumps(summary, ensure_ascii=False))
    return summary


def _follow(command: list[str], env: dict[str, str], log: IO[str], settled: Callable[[int], object]) -> int:
    """Run the crawl process, telling ``settled`` the running count of packs it has settled. A SIGTERM
    or SIGINT to us is passed on to the crawl, which stops and is waited for."""
    done = 0
    with (stop_signals(pass_on),
          child_process(command, env=env, stdout=subprocess.PIPE, stderr=log, text=True) as child):
        for line in child.stdout:
            mark, _, count = line.partition(" ")
            if mark == PROGRESS_MARK and count.strip().isdigit():
                done += int(count)
                settled(done)
    return child.returncode


def _crawl_result(engine: Engine, raw: str) -> dict[str, object]:
    result = CrawlResult.model_validate_json(raw)
    with session_scope(engine) as session:
        observations = session.exec(
            select(ListingObservation).where(ListingObservation.id.in_(result.observation_ids))
        ).all()
        rows = _drift_rows(session, [o for o in observations if o.drift])
    return {"observed": len(observations), "drift": rows, "blocked": result.blocked, "failed": result.failed,
            "errors_logged": result.errors_logged}


class CrawlResult(BaseModel):
    """What the crawl process writes to its report file."""

    observation_ids: list[int]
    blocked: list[str]
    failed: list[dict[str, str]]
    errors_logged: int


def drift_summary(engine: Engine) -> DriftSummary:
    with session_scope(engine) as session:
        latest = select(func.max(ListingObservation.id)).group_by(ListingObservation.variant_id)
        observations = session.exec(select(ListingObservation).where(ListingObservation.id.in_(latest))).all()
        rows = _drift_rows(session, [o for o in observations if o.drift])
    return DriftSummary(
        rows=rows,
        counts={kind: sum(kind in row.drift for row in rows) for kind in Drift},
        last_observed_at=max((o.observed_at for o in observations), default=None),
    )


def _drift_rows(session: Session, observations: list[ListingObservation]) -> list[DriftRow]:
    by_variant = {o.variant_id: o for o in observations}
    query = (
        select(ListingVariant, ChannelAccount, Sku)
        .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
        .join(Sku, Sku.id == ListingVariant.sku_id)
        .where(ListingVariant.id.in_(list(by_variant)))
        .order_by(ChannelAccount.marketplace, Sku.sku)
    )
    rows = []
    for variant, account, sku in session.exec(query):
        seen = by_variant[variant.id]
        rows.append(DriftRow(
            listing_id=variant.listing_id, variant_id=variant.id, marketplace=str(account.marketplace),
            shop_id=account.shop_id, seller_sku=sku.sku, drift=[Drift(kind) for kind in seen.drift], url=seen.url,
            visible=seen.visible, pushed_price=variant.pushed_price, seen_price=seen.price,
            pushed_stock=variant.pushed_stock, seen_stock=seen.stock, sold_count=seen.sold_count,
            observed_at=seen.observed_at,
        ))
    return rows
