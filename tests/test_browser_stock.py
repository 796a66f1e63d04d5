"""The Tồn kho page in a real headless Chromium: a clerk records an adjustment with its reason and sees it in the
SKU's ledger."""



from __future__ import annotations

from tests.support.browser import BROWSER, chromium_page, log_in, screenshot

pytestmark = BROWSER


def test_a_clerk_adjusts_stock_with_a_reason_and_sees_it_in_the_ledger(served_app):
    from playwright.sync_api import expect

    with chromium_page(height=1400) as page:
        log_in(page, served_app, "tancuong")
        page.get_by_role("link", name="Tồn kho").click()
        expect(page.get_by_role("heading", name="Tồn kho", exact=True)).to_be_visible(timeout=30000)
        expect(page.get_by_text("Sổ kho của CHE-DB-200")).to_be_visible(timeout=30000)

        page.get_by_label("Số lượng", exact=True).fill("-3")
        page.get_by_label("Số lượng", exact=True).press("Tab")
        page.get_by_label("Lý do (bắt buộc)").fill("3 gói rách khi đóng thùng")
        page.get_by_role("button", name="Ghi sổ kho").click()

        expect(page.get_by_text("Đã ghi. CHE-DB-200: tồn 37")).to_be_visible(timeout=30000)
        ledger = page.locator("[data-testid='stDataFrame']").last
        expect(ledger.get_by_text("3 gói rách khi đóng thùng")).to_be_attached(timeout=30000)
        expect(ledger.get_by_text("tancuong")).to_be_attached()
        screenshot(page, "stock")
        assert page.locator("[data-testid='stException']").count() == 0
