"""Sessions in a real headless Chromium: a refresh and a link to a page keep the clerk logged in; a logout ends
it, and a link opened logged out leads to its page once logged in."""

from __future__ import annotations

from tests.support.browser import BROWSER, CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS
from tests.support.ui import PASSWORD
from ui.common import SESSION_COOKIE

pytestmark = BROWSER
WAIT = 30000


def _session_cookies(context) -> list[dict]:
    return [cookie for cookie in context.cookies() if cookie["name"] == SESSION_COOKIE]


def _log_in(page) -> None:
    page.get_by_label("Tên đăng nhập").fill("tancuong")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_a_clerk_stays_logged_in_across_a_refresh_and_a_deep_link_until_logging_out(served_app):
    from playwright.sync_api import expect, sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(served_app)
        _log_in(page)
        expect(page.get_by_role("heading", name="Tổng quan")).to_be_visible(timeout=WAIT)
        # the page runs again once the browser has stored the cookie: a click before that is lost in the new run
        page.wait_for_function(f"document.cookie.includes('{SESSION_COOKIE}=')", timeout=WAIT)
        page.wait_for_load_state("networkidle")
        [cookie] = _session_cookies(context)
        page.get_by_role("link", name="Doanh số").click()
        expect(page.get_by_role("heading", name="Doanh số", exact=True)).to_be_visible(timeout=WAIT)
        assert cookie["sameSite"] == "Strict" and not cookie["secure"]  # served over plain http here

        page.reload()
        expect(page.get_by_role("heading", name="Doanh số", exact=True)).to_be_visible(timeout=WAIT)
        expect(page.get_by_text("Đang đăng nhập: tancuong")).to_be_visible(timeout=WAIT)
        page.wait_for_timeout(1500)  # let the charts finish drawing for the screenshot
        page.screenshot(path=str(SCREENSHOTS / "session.png"), full_page=True)

        deep = context.new_page()
        deep.goto(f"{served_app}/listings")
        expect(deep.get_by_role("heading", name="Đăng bán", exact=True)).to_be_visible(timeout=WAIT)
        assert deep.get_by_label("Mật khẩu").count() == 0
        deep.close()

        page.get_by_role("button", name="Đăng xuất").click()
        expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=WAIT)
        page.wait_for_function(f"!document.cookie.includes('{SESSION_COOKIE}=')", timeout=WAIT)
        page.reload()
        expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=WAIT)

        context.add_cookies([cookie])  # the cookie of the ended session, kept by someone: it opens nothing
        page.goto(f"{served_app}/sales")
        expect(page.get_by_label("Tên đăng nhập")).to_be_visible(timeout=WAIT)
        assert page.get_by_role("heading", name="Doanh số", exact=True).count() == 0

        _log_in(page)  # the link asked for the sales page: that is where the login leads
        expect(page.get_by_role("heading", name="Doanh số", exact=True)).to_be_visible(timeout=WAIT)
        assert page.locator("[data-testid='stException']").count() == 0
        browser.close()


def test_a_deep_link_is_the_first_page_a_fresh_server_serves(served_app):
    from playwright.sync_api import expect

    from tests.support.browser import chromium_page

    with chromium_page() as page:
        page.goto(f"{served_app}/sales")  # nobody has opened / on this server yet
        _log_in(page)
        expect(page.get_by_role("heading", name="Doanh số", exact=True)).to_be_visible(timeout=WAIT)
