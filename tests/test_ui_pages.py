"""Every page of the app, for every role, run in-process with Streamlit's AppTest."""

from __future__ import annotations

import pytest
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import ChannelAccount, ChannelState, Listing, ListingState, ListingVariant, Sku
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import seed_two_coops

PAGES = ("overview", "products", "labels", "channels", "listings", "sync", "sales", "monitor")


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def test_a_wrong_password_keeps_the_login_form_with_a_message(seeded):
    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import APP

    app = AppTest.from_file(str(APP), default_timeout=30).run()
    app.text_input(key="login_username").input("tancuong")
    app.text_input(key="login_password").input("sai-mat-khau")
    app.button[0].click()
    app.run()
    assert "Sai tên đăng nhập hoặc mật khẩu." in shown_text(app)
    assert "viewer" not in app.session_state


@pytest.mark.parametrize("username", ["tancuong", "canbo", "quantri"])
def test_every_page_opens_without_an_exception_for_every_role(seeded, username):
    app = logged_in(username)
    for page in PAGES:
        assert not open_page(app, page).exception, page


def test_the_admin_page_opens_for_an_admin(seeded):
    app = open_page(logged_in("quantri"), "admin")
    assert "HTX-VONHAI" in shown_text(app)


def test_a_coop_user_never_sees_another_coops_products_listings_or_sales(seeded):
    app = logged_in("tancuong")
    for page in PAGES:
        text = shown_text(open_page(app, page))
        assert "Mật ong" not in text and "MO-VN-500" not in text and "HTX-VONHAI" not in text, page
    assert "Chè búp Tân Cương đặc biệt" in shown_text(open_page(app, "products"))


def test_an_officer_sees_every_coops_products(seeded):
    text = shown_text(open_page(logged_in("canbo"), "products"))
    assert "Chè búp Tân Cương đặc biệt" in text and "Mật ong rừng Võ Nhai" in text


def test_prices_are_shown_in_vietnamese_dong(seeded):
    text = shown_text(open_page(logged_in("tancuong"), "products"))
    assert "120.000 ₫" in text and "185.000 ₫" in text


def test_search_without_diacritics_finds_the_product(seeded):
    app = open_page(logged_in("canbo"), "products")
    app.text_input(key="products_query").input("mat ong rung")
    app.run()
    text = shown_text(app)
    assert "Mật ong rừng Võ Nhai" in text and "Chè búp" not in text


def test_an_officer_has_no_editing_on_any_page(seeded):
    app = logged_in("canbo")
    for page in PAGES:
        open_page(app, page)
        labels = {b.label for b in app.button}
        assert not labels & {"Lưu", "Đăng bán các dòng đã chọn", "Gỡ các tin đã chọn", "Đồng bộ ngay"}, page
    assert not open_page(app, "products").tabs  # no add / edit / import tabs


def test_the_overview_shows_live_listings_and_todays_orders_of_the_coop(seeded):
    text = shown_text(open_page(logged_in("tancuong"), "overview"))
    assert "Đang bán 2" in text and "Đơn hôm nay 1" in text and "240.000 ₫" in text


def test_the_overview_names_the_old_items_of_a_regrouped_product_in_words(seeded):
    with session_scope(seeded) as session:
        listing = session.exec(select(Listing).where(Listing.state == ListingState.live)).first()
        session.add(Listing(product_id=listing.product_id, channel_account_id=listing.channel_account_id,
                            state=ListingState.retired, external_item_id="880000001"))

    app = open_page(logged_in("tancuong"), "overview")

    assert not app.exception
    assert "tin cũ đã ngừng" in shown_text(app)


def test_the_sales_page_charts_and_exports_the_coops_sales(seeded):
    app = open_page(logged_in("canbo"), "sales")
    assert len(app.get("vega_lite_chart")) == 5  # revenue and orders by month, then by marketplace, co-op, product
    assert "HTX Mật ong Võ Nhai" in shown_text(app)
    assert {b.label for b in app.get("download_button")} >= {"Tải CSV", "Tải Excel"}


def test_the_sync_page_shows_the_marketplaces_message_with_the_product(seeded):
    text = shown_text(open_page(logged_in("vonhai"), "sync"))
    assert "Mật ong rừng Võ Nhai,MO-VN-500,đăng mới,bị từ chối,Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)" in text


def test_the_listing_matrix_shows_each_marketplaces_state(seeded):
    app = open_page(logged_in("vonhai"), "listings")
    text = shown_text(app)
    assert "MO-VN-500" in text and "lỗi" in text
    assert "Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)" in text


def test_english_can_be_chosen(seeded):
    text = shown_text(open_page(logged_in("canbo", lang="en"), "overview"))
    assert "Live listings" in text and "Orders today" in text


def test_a_coop_user_publishes_a_selected_product_on_a_marketplace(seeded):
    app = open_page(logged_in("tancuong"), "listings")
    app.session_state["matrix"] = {"edited_rows": {1: {"select": True}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.multiselect(key="publish_targets").set_value(["shopee"])
    app.button(key="publish").click()
    app.run()
    assert "Đã yêu cầu đăng 1 SKU lên gian hàng" in shown_text(app)
    with session_scope(seeded) as session:
        variant, listing = session.exec(
            select(ListingVariant, Listing).join(Listing, ListingVariant.listing_id == Listing.id)
            .join(Sku, ListingVariant.sku_id == Sku.id).where(Sku.sku == "CHE-NT-100")
        ).one()
    assert (variant.state, variant.enabled, listing.state) == ("pending", True, "draft")


def test_a_coop_user_takes_a_selected_sku_off_one_marketplace(seeded):
    app = open_page(logged_in("tancuong"), "listings")
    app.session_state["matrix"] = {"edited_rows": {0: {"select": True}}, "added_rows": [], "deleted_rows": []}
    app.run()
    app.multiselect(key="publish_targets").set_value(["voso"])
    app.button(key="delist").click()
    app.run()
    assert "Đã ngừng bán 1 SKU trên gian hàng" in shown_text(app)
    assert "Gói 200g,đang bán,—,chờ gỡ," in shown_text(app.run())
    with session_scope(seeded) as session:
        wished = dict(session.exec(
            select(ChannelAccount.marketplace, ListingVariant.enabled)
            .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
            .join(Sku, ListingVariant.sku_id == Sku.id).where(Sku.sku == "CHE-DB-200")
        ).all())
    assert wished == {"shopee": True, "voso": False}


def test_a_pack_taken_off_its_shopee_item_reads_delisted_once(seeded):
    with session_scope(seeded) as session:
        variant = _tea_on_shopee(session)
        variant.enabled, variant.state = False, "removed"
    text = shown_text(open_page(logged_in("tancuong"), "listings"))
    assert "Gói 200g,đã ngừng bán," in text


def test_an_officer_gets_a_read_only_listing_matrix(seeded):
    app = open_page(logged_in("canbo"), "listings")
    assert not app.data_editor
    assert "Bạn chỉ có quyền xem." in shown_text(app)


def test_the_products_page_offers_the_catalog_as_a_spreadsheet(seeded):
    app = open_page(logged_in("canbo"), "products")
    app.button(key="export_now").click()
    app.run()
    assert [b.label for b in app.get("download_button")] == ["Tải Excel"]


def _edit_price(app, sku: str, price: str):
    app.text_input(key="edit_sku").input(sku)
    app.run()
    app.text_input(key=f"field_{sku}_price").input(price)
    next(b for b in app.button if b.label == "Lưu").click()
    app.run()
    return app


def test_a_bad_edit_shows_the_fields_error_and_changes_nothing(seeded):
    app = _edit_price(open_page(logged_in("tancuong"), "products"), "CHE-DB-200", "120k")
    errors = [e.value for e in app.error]
    assert errors[0] == "Chưa lưu — hãy sửa các lỗi sau:"
    assert any(e.startswith("giá bán:") and "120k" in e for e in errors), errors
    with session_scope(seeded) as session:
        assert session.exec(select(Sku.price).where(Sku.sku == "CHE-DB-200")).one() == 120000


def test_a_good_edit_is_saved(seeded):
    app = _edit_price(open_page(logged_in("tancuong"), "products"), "CHE-DB-200", "135.000 ₫")
    assert "Đã lưu CHE-DB-200." in shown_text(app)
    with session_scope(seeded) as session:
        assert session.exec(select(Sku.price).where(Sku.sku == "CHE-DB-200")).one() == 135000


def test_a_clerk_adds_a_new_product_through_the_form(seeded):
    app = open_page(logged_in("tancuong"), "products")
    typed = {"product_code": "CHE-XANH-TC", "name": "Chè xanh Tân Cương loại 1", "category": "Chè",
             "sku": "CHE-XANH-100", "variant": "Gói 100g", "price": "75.000 ₫", "weight_g": "100 g",
             "origin_commune": "Tân Cương"}
    for field, value in typed.items():
        app.text_input(key=f"field__{field}").input(value)
    next(b for b in app.button if b.label == "Lưu").click()
    app.run()

    assert "Đã lưu CHE-XANH-100." in shown_text(app), [e.value for e in app.error]
    with session_scope(seeded) as session:
        assert session.exec(select(Sku.price, Sku.weight_g).where(Sku.sku == "CHE-XANH-100")).one() == (75000, 100)


def test_a_coop_user_cannot_open_another_coops_sku_in_the_form(seeded):
    app = open_page(logged_in("tancuong"), "products")
    app.text_input(key="edit_sku").input("MO-VN-500")
    app.run()
    assert any(e.value.startswith("Không được phép") for e in app.error)
    assert not [b for b in app.button if b.label == "Lưu"]


IMPORT_HEADER = "mã sản phẩm,tên sản phẩm,danh mục,SKU,quy cách,giá bán,tồn kho,khối lượng (g)\n"


def test_an_import_shows_every_bad_row_before_anything_is_written(seeded):
    app = open_page(logged_in("tancuong"), "products")
    bad = IMPORT_HEADER + "CHE-VUN,Chè,Chè,CHE-VUN-200,Gói 200g,80k,5,200\n"
    app.file_uploader(key="import_file").set_value(("che.csv", bad.encode(), "text/csv"))
    app.run()
    assert "1 dòng lỗi — không nhập dòng nào:" in shown_text(app)
    assert not [b for b in app.button if b.label == "Nhập vào danh mục"]
    with session_scope(seeded) as session:
        assert session.exec(select(Sku).where(Sku.sku == "CHE-VUN-200")).first() is None


def test_a_good_file_is_previewed_then_imported(seeded):
    app = open_page(logged_in("tancuong"), "products")
    good = IMPORT_HEADER + "CHE-XANH,Chè xanh Tân Cương loại 1,Chè,CHE-XANH-500,Gói 500g,260.000 ₫,20,500\n"
    app.file_uploader(key="import_file").set_value(("che.csv", good.encode(), "text/csv"))
    app.run()
    with session_scope(seeded) as session:
        assert session.exec(select(Sku).where(Sku.sku == "CHE-XANH-500")).first() is None
    app.button(key="import_now").click()
    app.run()
    assert any(s.value.startswith("Đã nhập") for s in app.success)
    with session_scope(seeded) as session:
        assert session.exec(select(Sku.price).where(Sku.sku == "CHE-XANH-500")).one() == 260000


def _setting(app, field: str):
    """The settings field ``field`` of the shop the page opened on."""
    return next(box for box in app.text_input if box.key.startswith(f"settings_{field}_"))


def test_a_bad_stock_policy_shows_the_error_and_changes_nothing(seeded):
    app = open_page(logged_in("quantri"), "channels")
    next(box for box in app.selectbox if box.key.startswith("settings_allocation_")).set_value("percentage")
    app.run()
    _setting(app, "percentage").input("abc")
    app.button(key="save_shop").click()
    app.run()
    assert any(e.value.startswith("Phần trăm tồn kho đưa lên sàn: «abc»") for e in app.error)
    with session_scope(seeded) as session:
        assert all(not a.stock_policy for a in session.exec(select(ChannelAccount)).all())


def test_an_admin_typing_fees_of_100_percent_sees_why_in_vietnamese_without_pydantics_wrapper(seeded):
    app = open_page(logged_in("quantri"), "channels")
    _setting(app, "fee_phi_thanh_toan").input("60 %")
    _setting(app, "fee_phi_co_dinh").input("40 %")
    app.button(key="save_shop").click()
    app.run()
    errors = [e.value for e in app.error]
    assert "Không hợp lệ: tổng phí phần trăm phải dưới 100%" in errors
    assert not any("validation error" in e or "Value error" in e for e in errors)
    with session_scope(seeded) as session:
        assert all(not a.price_rule for a in session.exec(select(ChannelAccount)).all())


def test_a_coop_user_sees_the_price_rule_but_cannot_edit_it(seeded):
    app = open_page(logged_in("tancuong"), "channels")
    assert _setting(app, "fee_phi_thanh_toan").disabled
    assert "Giá trên sàn" in shown_text(app)


@pytest.mark.parametrize(("lang", "words", "how"), [("vi", "Cần kết nối lại", "bấm «Kết nối lại»"),
                                                   ("en", "Must be connected again", "«Connect … again»")])
def test_the_channels_page_says_which_shop_must_be_connected_again_and_how(seeded, lang, words, how):
    with session_scope(seeded) as session:
        shop = session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == "100001")).one()
        shop.state = ChannelState.needs_reauthorisation
    text = shown_text(open_page(logged_in("tancuong", lang), "channels"))
    assert words in text and how in text and "syndicator" not in text


def test_a_clerk_confirms_an_uploaded_feed_on_the_channels_page(seeded):
    with session_scope(seeded) as session:
        shop = session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == "V-77")).one()
        shop.state = ChannelState.feed
        listing = session.exec(select(Listing).where(Listing.channel_account_id == shop.id)).one()
        listing.state = ListingState.awaiting_upload
    app = open_page(logged_in("tancuong"), "channels")
    assert "1 tin chờ đăng tải" in shown_text(app)

    app.button(key=f"confirm_{shop.id}").click()
    app.run()

    assert any("1 tin đăng đang bán" in message.value for message in app.success)
    with session_scope(seeded) as session:
        assert session.get(Listing, listing.id).state == ListingState.live


def test_an_officer_sees_a_feed_awaiting_upload_but_cannot_confirm_it(seeded):
    with session_scope(seeded) as session:
        shop = session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == "V-77")).one()
        shop.state = ChannelState.feed
        session.exec(select(Listing).where(Listing.channel_account_id == shop.id)).one().state = (
            ListingState.awaiting_upload)
    app = open_page(logged_in("canbo"), "channels")

    assert "1 tin chờ đăng tải" in shown_text(app)
    assert not [button for button in app.button if button.key == f"confirm_{shop.id}"]


def _tea_on_shopee(session) -> ListingVariant:
    return session.exec(
        select(ListingVariant).join(Listing, ListingVariant.listing_id == Listing.id)
        .where(Listing.external_item_id == "9001")
    ).one()


def _type_own_price(app, variant_id: int, price: str):
    app.selectbox(key="override_variant").set_value(variant_id)
    app.run()
    app.text_input(key=f"override_{variant_id}").input(price)
    app.button(key="save_override").click()
    app.run()
    return app


def test_a_clerk_gives_one_sku_its_own_price_on_one_marketplace_on_the_listings_page(seeded):
    with session_scope(seeded) as session:
        variant = _tea_on_shopee(session)
    app = _type_own_price(open_page(logged_in("tancuong"), "listings"), variant.id, "99.000 ₫")

    assert any(message.value == "CHE-DB-200 · Shopee: bán giá 99.000 ₫; lần đồng bộ tới sẽ gửi đi."
               for message in app.success)
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant.id).price_override == 99000


def test_a_feed_shop_offers_its_latest_workbooks_to_download(seeded, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    with session_scope(seeded) as session:
        shop = session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == "V-77")).one()
        shop.state = ChannelState.feed
    folder = tmp_path / "feeds"
    folder.mkdir()
    for kind in ("day-du", "thay-doi"):
        (folder / f"voso-gian-hang-{shop.id}-20261129-020000-{kind}.xlsx").write_bytes(b"PK")

    app = open_page(logged_in("tancuong"), "channels")

    labels = [button.label for button in app.get("download_button")]
    assert labels == [f"Tải bảng đầy đủ (voso-gian-hang-{shop.id}-20261129-020000-day-du.xlsx)",
                      f"Tải bảng thay đổi (voso-gian-hang-{shop.id}-20261129-020000-thay-doi.xlsx)"]


def test_a_clerk_clears_a_skus_own_price_on_the_listings_page(seeded):
    with session_scope(seeded) as session:
        variant = _tea_on_shopee(session)
        variant.price_override = 99000
    app = _type_own_price(open_page(logged_in("tancuong"), "listings"), variant.id, "")

    assert any("giá theo quy tắc của gian hàng" in message.value for message in app.success)
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant.id).price_override is None
