"""Publishing from the listing matrix in a real headless Chromium: a clerk ticks two products and publishes
them on one shop."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from catalog.db import make_engine, session_scope
from catalog.models import ChannelAccount, Coop, ListingVariant, Product, Sku
from tests.support.browser import BROWSER, chromium_page, log_in, screenshot
from tests.support.ui import TAN_CUONG

pytestmark = BROWSER

ROW_HEIGHT = 35  # Streamlit's grid: the header and each row


def add_green_tea(url: str) -> None:
    with session_scope(make_engine(url)) as session:
        coop = session.scalar(sa.select(Coop.id).where(Coop.code == TAN_CUONG))
        product = Product(coop_id=coop, code="CHE-XANH", name="Chè xanh Thái Nguyên")
        session.add(product)
        session.flush()
        session.add(Sku(product_id=product.id, sku="CHE-XANH-500", variant="Gói 500g", price=95000, weight_g=500))


def published_on_voso(url: str) -> set[str]:
    with Session(make_engine(url)) as session:
        return set(session.scalars(
            sa.select(Sku.sku).join(ListingVariant, ListingVariant.sku_id == Sku.id)
            .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
            .where(ChannelAccount.marketplace == "voso", ListingVariant.enabled)))


def test_a_clerk_publishes_two_products_on_one_shop_from_the_matrix(served_app, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    add_green_tea(url)
    with chromium_page() as page:
        log_in(page, served_app, "tancuong")
        page.get_by_role("link", name="Đăng bán").click()
        expect(page.get_by_text("Trang 1/1 · 3 dòng")).to_be_visible(timeout=30000)
        grid = page.locator("[data-testid='stDataFrame']").first
        box = grid.bounding_box()
        for row in (2, 3):  # Chè nõn tôm, Chè xanh (Vietnamese order of names); row 1 is Chè búp, live already
            page.mouse.click(box["x"] + 36, box["y"] + ROW_HEIGHT * row + ROW_HEIGHT / 2)  # selects the cell
            page.keyboard.press("Space")  # ticks it
            page.wait_for_timeout(500)
        targets = page.get_by_label("Đăng lên sàn")
        targets.press("Control+a")  # focus the picker, then clear it and choose Voso alone
        page.get_by_role("button", name="Clear all").first.click()
        targets.fill("Voso")
        page.get_by_role("option", name="Voso").click()
        page.keyboard.press("Escape")
        page.get_by_role("button", name="Đăng bán các dòng đã chọn").click()

        expect(page.get_by_text("Đã yêu cầu đăng 2 SKU lên gian hàng")).to_be_visible(timeout=30000)
        screenshot(page, "publish")
        assert page.locator("[data-testid='stException']").count() == 0
    assert published_on_voso(url) == {"CHE-DB-200", "CHE-NT-100", "CHE-XANH-500"}
