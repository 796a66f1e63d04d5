"""Tiny runs of the benchmarks and the soak, as an operator would start them: every figure is printed and
the invariants hold. No timing is asserted here; speed is what the benchmarks' figures show."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get("SYNDICATOR_TEST_DATABASE_URL")
SERVERS = [pytest.param(None, id="sqlite")] + ([pytest.param(PG_URL, id="postgresql")] if PG_URL else [])

pytestmark = pytest.mark.slow


def run_bench(module: str, *args: str, database_url: str | None = None) -> dict:
    """Run ``python -m <module> … --json``; the JSON object on its last line."""
    command = [sys.executable, "-m", module, *args, "--json"]
    if database_url:
        command += ["--database-url", database_url]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("database_url", SERVERS)
def test_sync_benchmark_prints_every_figure_and_a_no_change_sync_writes_nothing(database_url):
    report = run_bench("bench.sync", "--shops", "1", "--skus", "2", "--latency-ms", "5", database_url=database_url)

    for key in ("first_push_wall_s", "update_write_calls", "update_write_calls_min", "update_wall_s",
                "update_bound_s", "baseline_wall_s", "noop_write_calls", "noop_wall_s", "peak_rss_mb"):
        assert key in report, key
    assert report["first_push_ok"] and report["update_ok"] and report["noop_ok"]
    assert report["noop_write_calls"] == 0
    assert report["update_write_calls"] >= report["update_write_calls_min"] > 0
    assert report["baseline_calls"] == report["listings"] == 1 * 2 * len(report["marketplaces"])


@pytest.mark.parametrize("database_url", SERVERS)
def test_planning_benchmark_finds_nothing_to_do_over_listings_already_pushed(database_url):
    report = run_bench("bench.plan", "--listings", "1000", database_url=database_url)

    assert report["listings"] == 1000
    assert report["plan_actions"] == 0
    assert report["plan_wall_s"] > 0 and report["peak_rss_mb"] > 0


def test_soak_loses_no_order_counts_none_twice_and_leaves_no_duplicate_or_drift():
    report = run_bench("bench.soak", "--minutes", "0.1", "--shops", "1", "--skus", "4")

    assert report["first_sync_exit"] == 0
    assert report["orders_placed"] > 0
    assert report["orders_lost"] == 0, report["orders_lost_by_marketplace"]
    assert report["orders_recorded_twice"] == 0
    assert report["orders_unknown"] == 0
    assert report["orders_wrong_status"] == 0
    assert report["skus_ledger_mismatch"] == 0
    assert report["duplicate_listings"] == 0
    assert report["drift"] == 0
    assert report["final_sync_exit"] == 0
    for key in ("oversold_units", "worst_sale_to_stock_update_s", "sync_runs", "marketplace_requests",
                "shops_reauthorised"):
        assert key in report, key


def test_startup_benchmark_times_the_floor_help_and_coops_list_side_by_side():
    report = run_bench("bench.startup", "--runs", "1")

    assert report["runs"] == 1
    for name in ("import_typer_sqlalchemy", "help", "coops_list"):
        assert report[f"{name}_median_s"] > 0, name
    assert report["help_ratio"] > 0 and report["coops_list_ratio"] > 0
