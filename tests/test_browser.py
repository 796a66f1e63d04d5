"""The app served by ``syndicator ui`` and used in a real headless Chromium: log in, open listings and sales."""

from __future__ import annotations

from tests.support.browser import BROWSER, CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS, log_in

pytestmark = BROWSER


def test_an_officer_logs_in_and_opens_listings_and_sales_without_an_exception(served_app):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        log_in(page, served_app, "canbo")

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
