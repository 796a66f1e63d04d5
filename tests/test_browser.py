"""The app served by ``syndicator ui`` and used in a real headless Chromium: log in, open listings and sales."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from catalog.db import init_database
from tests.support.ui import PASSWORD, seed_two_coops

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[1] / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (run `make browser` to install it)"),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def served_app(tmp_path):
    """`syndicator ui` on a free port over a seeded SQLite database; its base URL."""
    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = init_database(url)
    seed_two_coops(engine)
    engine.dispose()
    port = free_port()
    env = os.environ | {"SYNDICATOR_DATABASE_URL": url, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    log = (tmp_path / "ui.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "syndicator", "ui", "--port", str(port)], env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert process.poll() is None, (tmp_path / "ui.log").read_text()
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def test_an_officer_logs_in_and_opens_listings_and_sales_without_an_exception(served_app):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(served_app)
        page.get_by_label("Tên đăng nhập").fill("canbo")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=30000)

        for link, shows, drawn, name in (
            ("Đăng bán", "Trang 1/1 · 3 dòng", "stDataFrame", "listings"),
            ("Doanh số", "Doanh số theo HTX", "stVegaLiteChart", "sales"),
        ):
            page.get_by_role("link", name=link).click()
            expect(page.get_by_role("heading", name=link, exact=True)).to_be_visible(timeout=30000)
            expect(page.get_by_text(shows).first).to_be_visible(timeout=30000)
            expect(page.locator(f"[data-testid='{drawn}']").first).to_be_visible(timeout=30000)
            page.wait_for_timeout(1500)  # let the grid and charts finish drawing for the screenshot
            page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
            assert page.locator("[data-testid='stException']").count() == 0, name
        browser.close()
