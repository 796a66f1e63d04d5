"""Connecting a Shopee shop from the app in a real headless Chromium: the Gian hàng page sends the clerk to the
Shopee sandbox's authorisation page, the clerk presses "Đồng ý", and Shopee sends the browser back to the app,
which exchanges the code and lists the shop."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import httpx
import pytest

from catalog.db import init_database
from syndicator.connect import APPS_ENV
from tests.support.browser import BROWSER, chromium_page, log_in, screenshot, serve_app
from tests.support.sandboxes import Sandbox, start_sandbox
from tests.support.ui import seed_two_coops

TEST_KEY = "Vk9TT19UQU5fQ1VPTkdfU0VDUkVUX0tFWV9URVNUXzE="

pytestmark = BROWSER


@pytest.fixture
def shopee() -> Iterator[Sandbox]:
    sandbox = start_sandbox("shopee")
    yield sandbox
    sandbox.server.stop()


@pytest.fixture
def served_app(tmp_path, shopee) -> Iterator[str]:
    """`syndicator ui` over a seeded SQLite database, registered as an app on the Shopee sandbox
    (``SYNDICATOR_MARKETPLACE_APPS``); its base URL."""
    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = init_database(url)
    seed_two_coops(engine)
    engine.dispose()
    registered = httpx.post(f"{shopee.url}/_sandbox/apps", json={"name": "Syndicator Thái Nguyên"}).json()
    apps = {"shopee": {"base_url": shopee.url, "app_key": registered["app_key"],
                       "app_secret": registered["app_secret"]}}
    yield from serve_app(tmp_path, url, {"SYNDICATOR_SECRET_KEY": TEST_KEY, APPS_ENV: json.dumps(apps)})


def test_a_clerk_connects_shopee_through_its_authorisation_page_and_sees_the_shop(served_app, shopee):
    from playwright.sync_api import expect

    with chromium_page() as page:
        log_in(page, served_app, "tancuong")
        page.get_by_role("link", name="Gian hàng").click()
        page.get_by_role("link", name="Kết nối Shopee").click()

        page.wait_for_url(f"{shopee.url}/api/v2/shop/auth_partner?**", timeout=30000)
        expect(page.get_by_text("Syndicator Thái Nguyên")).to_be_visible()
        page.get_by_label("Tên gian hàng").fill("Chè Tân Cương Official")
        page.get_by_role("button", name="Đồng ý").click()

        page.wait_for_url(f"{served_app}/channels?**", timeout=30000)
        # a new page load: the session cookie keeps the clerk logged in, and the page finishes the connection
        expect(page.get_by_text("Đã kết nối Shopee · HTX Chè Tân Cương")).to_be_visible(timeout=30000)
        assert page.get_by_label("Tên đăng nhập").count() == 0
        # the shops table is a canvas grid: its cells are in the page for screen readers, not drawn as text
        expect(page.get_by_text(re.compile(r"^HTX Chè Tân Cương \(\d+\)$")).first).to_be_attached(timeout=30000)
        assert "code=" not in page.url and "state=" not in page.url
        screenshot(page, "connect")
        assert page.locator("[data-testid='stException']").count() == 0
