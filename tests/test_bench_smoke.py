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


SHORT_VARIANT_WAIT = {"SYNDICATOR_VARIANT_WAIT_S": "0.05"}  # Shopee's 5 s between an item and its variants


def run_bench(module: str, *args: str, database_url: str | None = None) -> dict:
    """Run ``python -m <module> … --json`` with a short Shopee variant wait; the JSON object on its last line."""
    command = [sys.executable, "-m", module, *args, "--json"]
    if database_url:
        command += ["--database-url", database_url]
    result = subprocess.run(command, check=False, cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env=os.environ | SHORT_VARIANT_WAIT)
    assert result.stdout.strip(), result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("database_url", SERVERS)
def test_sync_benchmark_prints_every_figure_and_a_no_change_sync_writes_nothing(database_url):
    report = run_bench("bench.sync", "--shops", "1", "--skus", "6", "--packs", "3", "--latency-ms", "5",
                       database_url=database_url)

    for key in ("first_push_wall_s", "first_push_bound_s", "first_push_vs_bound", "update_write_calls",
                "update_write_calls_min", "update_wall_s", "update_bound_s", "baseline_wall_s", "noop_write_calls",
                "noop_wall_s", "peak_rss_mb"):
        assert key in report, key
    assert report["first_push_ok"] and report["update_ok"] and report["noop_ok"]
    assert report["noop_write_calls"] == 0
    assert report["update_write_calls"] >= report["update_write_calls_min"] > 0
    assert report["baseline_calls"] == report["listed_skus"] == 1 * 6 * len(report["marketplaces"])


@pytest.fixture(scope="module")
def shopee_and_lazada() -> dict:
    """The sync benchmark on Shopee and Lazada alone: one shop each, two products of three packs."""
    return run_bench("bench.sync", "--shops", "1", "--skus", "6", "--packs", "3", "--latency-ms", "5",
                     "--marketplaces", "shopee", "lazada")


def test_sync_benchmark_sends_one_shopee_price_call_per_item_for_all_its_packs(shopee_and_lazada):
    report = shopee_and_lazada

    assert report["items"] == 2 * 2  # two products, one item each on Shopee and on Lazada
    assert report["update_write_calls_by_marketplace"] == {"shopee": {"sent": 2, "min": 2},
                                                           "lazada": {"sent": 1, "min": 1}}


def test_sync_benchmark_bounds_the_first_push_by_every_call_a_create_makes_and_one_shopee_wait(shopee_and_lazada):
    report = shopee_and_lazada

    bounds = report["first_push_bound_by_marketplace"]
    assert bounds["shopee"]["calls"] == 2 * (1 + 1 + 1 + 1)  # search_item, one photo, add_item, init_tier_variation
    assert bounds["shopee"]["wait_s"] == 0.05
    assert bounds["lazada"]["calls"] == 2 * (1 + 1 + 1)  # /products/get, one photo, /product/create
    assert report["first_push_bound_s"] == max(bound["bound_s"] for bound in bounds.values())


@pytest.mark.parametrize("database_url", SERVERS)
def test_planning_benchmark_finds_nothing_to_do_over_listings_already_pushed(database_url):
    report = run_bench("bench.plan", "--listings", "1000", database_url=database_url)

    assert report["listings"] == 1000
    assert report["plan_actions"] == 0
    assert report["plan_wall_s"] > 0 and report["peak_rss_mb"] > 0


def test_soak_with_packs_loses_no_order_counts_none_twice_and_leaves_no_duplicate_or_drift():
    report = run_bench("bench.soak", "--minutes", "0.1", "--shops", "1", "--skus", "4", "--packs", "2")

    assert report["first_sync_exit"] == 0
    assert report["orders_placed"] > 0
    assert report["orders_lost"] == 0, report["orders_lost_by_marketplace"]
    assert report["orders_recorded_twice"] == 0
    assert report["orders_unknown"] == 0
    assert report["orders_wrong_status"] == 0
    assert report["skus_ledger_mismatch"] == 0
    assert report["packs"] == 4 * len(report["marketplaces"])
    assert report["duplicate_skus"] == 0
    assert report["duplicate_items"] == 0
    assert report["drift"] == 0, report["drift_details"]
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


@pytest.mark.skipif(not PG_URL, reason="the job queue lives in PostgreSQL: set SYNDICATOR_TEST_DATABASE_URL")
def test_scale_benchmark_syncs_every_shop_through_the_queue_with_each_worker_count_and_empties_the_job_table():
    report = run_bench("bench.scale", "--shops", "2", "--products", "1", "--packs", "2", "--workers", "1,2",
                       "--latency-ms", "5", "--marketplaces", "shopee", "voso", database_url=PG_URL)

    assert list(report["by_workers"]) == ["1", "2"]
    for row in report["by_workers"].values():
        assert row["runs"] == {"ok": 2}
        assert row["failed_actions"] == 0
        assert row["job_table_rows"] == 0
        assert row["shops_per_min"] > 0 and row["bound_s"] > 0 and row["vs_bound"] > 0
    assert report["by_workers"]["1"]["scaling_efficiency"] == 1.0
    assert report["updates_measured"] == 2 * 2  # every pack's new price, on each of the two shops
    assert report["orders_measured"] == 1
    assert report["engine_cpu"]["cpu_s_per_1000_updates"] >= 0
    assert report["estimate"]["engine_cores"]["passes"] > 0
