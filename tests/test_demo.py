"""``syndicator demo --no-ui`` from an empty data folder ends with listings live and orders pulled."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from catalog.db import make_engine
from catalog.models import Listing, Lot, Order, User

MARKETPLACE_COUNT = 5

pytestmark = pytest.mark.slow


def free_port_run(count: int = MARKETPLACE_COUNT) -> int:
    """A first port with ``count`` free ports after it (the sandboxes take consecutive ports)."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            first = probe.getsockname()[1]
        if first + count < 65535 and all(_free(port) for port in range(first, first + count)):
            return first
    raise RuntimeError("no run of free ports")


def _free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run_demo(data_dir, first_port: int) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATOR_")}
    env |= {"SYNDICATOR_DATA_DIR": str(data_dir), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "demo", "--no-ui", "--sandbox-port", str(first_port)],
        check=False, env=env, capture_output=True, text=True, timeout=300,
    )


@dataclass
class DemoRun:
    data_dir: Path
    first_port: int
    result: subprocess.CompletedProcess

    def figure(self, label: str) -> int:
        return int(self.result.stdout.split(f"{label}:")[1].split()[0])

    def count(self, statement) -> int:
        engine = make_engine(f"sqlite:///{self.data_dir / 'syndicator.db'}")
        try:
            with engine.connect() as connection:
                return connection.execute(statement).scalar_one()
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def first_demo(tmp_path_factory) -> DemoRun:
    """One demo run from an empty data folder, shared by the tests below (it takes a while)."""
    data_dir, port = tmp_path_factory.mktemp("demo"), free_port_run()
    return DemoRun(data_dir, port, run_demo(data_dir, port))


def test_demo_without_the_app_ends_with_listings_live_and_orders_pulled(first_demo):
    result = first_demo.result
    assert result.returncode == 0, result.stdout + result.stderr
    assert "canbo" in result.stdout and "demo-2026" in result.stdout
    live, pulled = first_demo.figure("Tin đang bán"), first_demo.figure("đơn đã lấy về")
    assert live > 0 and pulled > 0
    assert first_demo.count(sa.select(sa.func.count()).select_from(Order)) == pulled
    assert first_demo.count(sa.select(sa.func.count()).select_from(Listing).where(Listing.state == "live")) == live
    assert first_demo.count(sa.select(sa.func.count()).select_from(User)) == 5


def test_the_demo_pulls_a_years_season_of_orders_with_cancellations_and_returns(first_demo):
    months = sa.func.strftime("%Y-%m", Order.placed_at, "+7 hours")
    assert first_demo.count(sa.select(sa.func.count(sa.distinct(months)))) >= 12
    for status in ("completed", "cancelled", "returned", "open"):
        assert first_demo.count(sa.select(sa.func.count()).select_from(Order).where(Order.status == status)) > 0


def test_the_demo_prints_a_lots_trace_page_and_writes_a_sample_label_sheet(first_demo):
    said = first_demo.result.stdout.replace("\n", " ")
    url = said.split("Trang truy xuất một lô hàng:")[1].split()[0]
    sheet = Path(said.split("Tờ tem mẫu:")[1].split()[0])

    assert url.startswith("http://127.0.0.1:8600/t/")
    assert first_demo.count(sa.select(sa.func.count()).select_from(Lot).where(
        Lot.trace_code == url.rsplit("/", 1)[1])) == 1
    assert sheet.parent == first_demo.data_dir and sheet.read_bytes().startswith(b"%PDF")


def test_running_the_demo_again_retires_the_old_sandbox_shops_and_counts_no_order_twice(first_demo):
    first_pulled = first_demo.figure("đơn đã lấy về")
    again = DemoRun(first_demo.data_dir, first_demo.first_port,
                    run_demo(first_demo.data_dir, first_demo.first_port))
    assert again.result.returncode == 0, again.result.stdout + again.result.stderr
    assert "Gian hàng của lần demo trước đã ngừng: 15" in again.result.stdout.replace("\n", " ")
    assert again.figure("đơn đã lấy về") > 0
    total = again.count(sa.select(sa.func.count()).select_from(Order))
    assert total == first_pulled + again.figure("đơn đã lấy về")
