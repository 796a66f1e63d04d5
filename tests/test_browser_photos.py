"""The Sản phẩm page's photos in a real headless Chromium: a clerk uploads two photos of a tea at once, sees both
previews, makes the second the main photo, and removes one; and imports a .zip of a spreadsheet and its photos."""

from __future__ import annotations

import io
import zipfile

from PIL import Image

from tests.support.browser import BROWSER, chromium_page, log_in, screenshot
from tests.support.catalog import tea_row, write_file

pytestmark = BROWSER


def test_a_clerk_uploads_two_photos_at_once_sees_both_and_makes_the_second_the_main_one(served_app, tmp_path):
    from playwright.sync_api import expect

    Image.new("RGB", (800, 600), (46, 125, 50)).save(tmp_path / "che-bup-tan-cuong.jpg", "JPEG")
    Image.new("RGB", (600, 900), (140, 90, 30)).save(tmp_path / "hop-qua-tet.png", "PNG")
    with chromium_page(height=1600) as page:
        log_in(page, served_app, "tancuong")
        page.get_by_role("link", name="Sản phẩm").click()
        page.get_by_role("tab", name="Thêm / sửa").click()
        page.get_by_label("SKU cần sửa (để trống để thêm mới)").fill("CHE-DB-200")
        page.get_by_label("SKU cần sửa (để trống để thêm mới)").press("Enter")
        expect(page.get_by_text("Sản phẩm chưa có ảnh")).to_be_visible(timeout=30000)

        uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Thêm ảnh")
        uploader.locator("input[type='file']").set_input_files(
            [str(tmp_path / "che-bup-tan-cuong.jpg"), str(tmp_path / "hop-qua-tet.png")])

        expect(page.get_by_text("Đã thêm 2 ảnh")).to_be_visible(timeout=30000)
        expect(page.get_by_text("Ảnh chính · 800×600")).to_be_visible()
        expect(page.get_by_text("Ảnh 2 · 600×900")).to_be_visible()
        assert page.locator("[data-testid='stImage'] img").count() == 2
        screenshot(page, "product-photos")

        page.get_by_role("button", name="Làm ảnh chính").click()
        expect(page.get_by_text("Ảnh chính · 600×900")).to_be_visible(timeout=30000)
        page.get_by_role("button", name="Xoá ảnh").last.click()
        expect(page.get_by_text("Ảnh 2 · 800×600")).to_have_count(0, timeout=30000)
        expect(page.get_by_text("Ảnh chính · 600×900")).to_be_visible()
        assert page.locator("[data-testid='stException']").count() == 0


def test_a_clerk_imports_a_zip_of_a_spreadsheet_and_its_photo_folder(served_app, tmp_path):
    from playwright.sync_api import expect

    sheet = write_file(tmp_path / "danh-muc.xlsx", [tea_row(coop_code="HTX-TANCUONG", product_code="CHE-MOC",
                                                            name="Chè móc câu Tân Cương", sku="CHE-MC-200", gtin="",
                                                            images="anh/che-moc-cau.jpg")])
    archive = tmp_path / "htx-tancuong.zip"
    with zipfile.ZipFile(archive, "w") as bundle:
        bundle.write(sheet, "danh-muc.xlsx")
        picture = io.BytesIO()
        Image.new("RGB", (900, 900), (30, 110, 40)).save(picture, "JPEG")
        bundle.writestr("anh/che-moc-cau.jpg", picture.getvalue())
    with chromium_page(height=1400) as page:
        log_in(page, served_app, "tancuong")
        page.get_by_role("link", name="Sản phẩm").click()
        page.get_by_role("tab", name="Nhập từ file").click()
        uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="tệp .zip chứa bảng tính")
        uploader.locator("input[type='file']").set_input_files(str(archive))
        expect(page.get_by_text("File hợp lệ")).to_be_visible(timeout=30000)
        page.get_by_role("button", name="Nhập vào danh mục").click()
        expect(page.get_by_text("Đã nhập")).to_be_visible(timeout=30000)

        page.get_by_role("tab", name="Thêm / sửa").click()
        page.get_by_label("SKU cần sửa (để trống để thêm mới)").fill("CHE-MC-200")
        page.get_by_label("SKU cần sửa (để trống để thêm mới)").press("Enter")
        expect(page.get_by_text("Ảnh chính · 900×900")).to_be_visible(timeout=30000)
        assert page.locator("[data-testid='stException']").count() == 0
