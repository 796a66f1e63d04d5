"""The app served by ``syndicator ui`` on a free port and driven in a real headless Chromium (playwright)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from catalog.db import init_database
from tests.support.ui import PASSWORD, seed_two_coops
from tests.support.web import free_port

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

# every browser test module: pytestmark = BROWSER
BROWSER = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium (run `make browser` to install it)"),
]


def wait_until_healthy(base: str, process: subprocess.Popen, log: Path, path: str = "/_stcore/health") -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}{path}", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert process.poll() is None, log.read_text()
        time.sleep(0.3)
    raise AssertionError(f"{base} did not answer in 60 s:\n{log.read_text()}")


def serve_app(tmp_path: Path, url: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """`syndicator ui` over the database at ``url`` until the generator is closed; yields its base URL."""
    port = free_port()
    env = os.environ | {"SYNDICATOR_DATABASE_URL": url, "SYNDICATOR_DATA_DIR": str(tmp_path)} | (env or {})
    log_path = tmp_path / "ui.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([sys.executable, "-m", "syndicator", "ui", "--port", str(port)], env=env,
                                   stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_healthy(base, process, log_path)
            yield base
        finally:
            process.terminate()
            process.wait(timeout=20)


@pytest.fixture
def served_app(tmp_path) -> Iterator[str]:
    """`syndicator ui` on a free port over a seeded SQLite database (tests/support/ui.py); its base URL."""
    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = init_database(url)
    seed_two_coops(engine)
    engine.dispose()
    yield from serve_app(tmp_path, url)


def log_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the app's form and wait for the first page (Tổng quan) and for the session cookie: the
    page runs again once the browser has stored it, and a click before that could be lost in the new run."""
    from playwright.sync_api import expect

    from ui.common import SESSION_COOKIE

    page.goto(base)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=30000)
    deadline = time.monotonic() + 30
    while not any(cookie["name"] == SESSION_COOKIE for cookie in page.context.cookies()):
        assert time.monotonic() < deadline, "the browser never stored the session cookie"
        page.wait_for_timeout(200)
    page.wait_for_load_state("networkidle")


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(1500)  # let grids and charts finish drawing
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@contextmanager
def chromium_page(width: int = 1400, height: int = 1000) -> Iterator:
    """A page of a fresh headless Chromium, closed after the block."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": width, "height": height})
        finally:
            browser.close()
