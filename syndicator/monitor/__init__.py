"""The listing monitor: Scrapy spiders that see what shoppers see on every marketplace, and drift."""

from syndicator.monitor.drift import Drift
from syndicator.monitor.run import (
    DriftRow,
    DriftSummary,
    MonitorReport,
    drift_summary,
    nightly_monitor,
    run_monitor,
)

__all__ = ["Drift", "DriftRow", "DriftSummary", "MonitorReport", "drift_summary", "nightly_monitor", "run_monitor"]
