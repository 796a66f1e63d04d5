"""The Đơn hàng page in a real headless Chromium: a clerk logs in and sees the co-op's orders in Vietnamese."""

from __future__ import annotations

from catalog.db import make_engine
from tests.support.browser import BROWSER, CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, log_in
from tests.test_access_orders import seed_tea_orders

pytestmark = BROWSER


def test_a_clerk_opens_the_orders_page_and_sees_the_coops_orders_in_vietnamese(served_app, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    engine = make_engine(f"sqlite:///{tmp_path / 'syndicator.db'}")  # the database the served app reads
    seed_tea_orders(engine)  # a cancelled, a returned and a completed order, and a line of an unknown SKU
    engine.dispose()

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        log_in(page, served_app, "tancuong")

        page.get_by_role("link", name="Đơn hàng").click()
        expect(page.get_by_role("heading", name="Đơn hàng", exact=True)).to_be_visible(timeout=30000)
        expect(page.get_by_text("Trang 1/1 · 5 dòng")).to_be_visible(timeout=30000)
        grid = page.locator("[data-testid='stDataFrame']")
        expect(grid).to_be_visible(timeout=30000)
        # the grid draws on a canvas; its cells are also written in a hidden table beside it, for screen readers
        for cell in ("SP-240001", "Đang xử lý", "Đã hủy", "Shopee", "CHE-DB-500", "Có"):
            expect(grid.locator("[role='gridcell']", has_text=cell).first).to_be_attached(timeout=30000)
        page.wait_for_timeout(1500)  # let the grid finish drawing for the screenshot
        page.screenshot(path=str(SCREENSHOTS / "orders.png"), full_page=True)
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()
