"""The rules one spreadsheet row (or the edit form) must meet, with the messages a clerk reads."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from catalog.categories import CATEGORIES, find_category
from catalog.communes import communes, find_commune, match_commune
from catalog.validation import validate_row
from tests.support.catalog import tea_row


def errors_of(**changes):
    row, errors = validate_row(tea_row(**changes), 7)
    assert row is None
    return {error.column: error.message for error in errors}


def valid(**changes):
    row, errors = validate_row(tea_row(**changes), 7)
    assert errors == []
    return row


def test_a_complete_row_is_normalised():
    row = valid()
    assert (row.coop_code, row.sku, row.category) == ("HTX-TANCUONG", "CHE-TC-200", "CHE")
    assert (row.price, row.weight_g, row.stock) == (120000, 200, 50)
    assert (row.ocop_stars, row.ocop_valid_to) == (4, date(2027, 12, 31))
    assert row.certifications == ["VietGAP", "Chỉ dẫn địa lý"]
    assert (row.origin_commune.name, row.origin_commune.code) == ("Xã Tân Cương", "05503")
    assert (row.length_cm, row.width_cm, row.height_cm, row.shelf_life_days) == (18, 12, 5, 540)


def test_every_text_is_stored_nfc_even_when_typed_decomposed():
    nfd = {key: unicodedata.normalize("NFD", value) for key, value in tea_row().items()}
    row, errors = validate_row(nfd, 2)
    assert errors == []
    assert row.name == "Chè búp Tân Cương đặc biệt"
    assert unicodedata.is_normalized("NFC", row.description)
    assert row.origin_commune.name == "Xã Tân Cương"


def test_each_error_names_the_row_and_the_column():
    _, errors = validate_row(tea_row(price="liên hệ", weight_g="nặng"), 12)
    assert {(error.row, error.column) for error in errors} == {(12, "price"), (12, "weight_g")}


def test_required_fields_left_empty_are_each_reported():
    found = errors_of(product_code="", name="  ", sku="", price="", weight_g="", category="")
    assert set(found) == {"product_code", "name", "sku", "price", "weight_g", "category"}
    assert found["sku"] == "bắt buộc, đang để trống"


def test_the_coop_comes_from_the_import_when_the_row_has_none():
    row, errors = validate_row(tea_row(coop_code=""), 3, default_coop="HTX-NARI")
    assert errors == [] and row.coop_code == "HTX-NARI"
    assert "coop_code" in errors_of(coop_code="")


@pytest.mark.parametrize("price", ["120000", "120.000", "120.000 ₫", "120,000đ"])
def test_prices_in_every_usual_form_are_whole_dong(price):
    assert valid(price=price).price == 120000


@pytest.mark.parametrize(
    ("price", "message"),
    [("0", "giá phải lớn hơn 0"), ("-50.000", "giá không được âm: «-50.000»"),
     ("99.500,5 ₫", "giá phải là số đồng nguyên: «99.500,5 ₫»")],
)
def test_prices_must_be_positive_whole_dong(price, message):
    assert errors_of(price=price)["price"] == message


@pytest.mark.parametrize(("weight", "grams"), [("200", 200), ("200g", 200), ("1,2 kg", 1200), ("0.5kg", 500),
                                                ("1.200 g", 1200), (350, 350)])
def test_weights_are_read_in_grams_or_kilograms(weight, grams):
    assert valid(weight_g=weight).weight_g == grams


@pytest.mark.parametrize("weight", ["0", "-200g", "1,25 g", "2 pound", "nặng"])
def test_weights_that_are_not_whole_grams_above_zero_are_refused(weight):
    assert "khối lượng" in errors_of(weight_g=weight)["weight_g"]


@pytest.mark.parametrize("gtin", ["96385074", "036000291452", "8938505974194", "10012345678902"])
def test_gtin_8_12_13_and_14_with_right_check_digits_are_accepted(gtin):
    assert valid(gtin=gtin).gtin == gtin


def test_a_barcode_excel_turned_into_a_number_is_read_back_as_digits():
    assert valid(gtin=8938505974194).gtin == "8938505974194"


def test_a_barcode_with_a_wrong_check_digit_is_refused():
    assert errors_of(gtin="8938505974195")["gtin"] == "mã vạch «8938505974195» sai số kiểm tra"


@pytest.mark.parametrize("gtin", ["893850597419", "12345", "89385059741AB"])
def test_a_barcode_of_the_wrong_length_or_with_letters_is_refused(gtin):
    assert "mã vạch" in errors_of(gtin=gtin)["gtin"]


def test_sku_is_upper_cased_and_may_hold_letters_digits_and_dashes():
    assert valid(sku="che-tc-200").sku == "CHE-TC-200"


@pytest.mark.parametrize("sku", ["CT", "CHÈ-200", "CHE TC 200", "CHE_TC_200", "C" * 41])
def test_sku_outside_a_to_z_0_to_9_dash_or_3_to_40_long_is_refused(sku):
    assert "SKU" in errors_of(sku=sku)["sku"]


def test_name_must_be_10_to_120_characters():
    assert errors_of(name="Chè búp")["name"] == "tên phải dài 10–120 ký tự (đang có 7)"
    assert errors_of(name="Chè " * 30 + "ngon")["name"] == "tên phải dài 10–120 ký tự (đang có 124)"
    assert valid(name="Mật ong Võ").name == "Mật ong Võ"


def test_ocop_rating_is_3_to_5_stars():
    assert valid(ocop_stars="5 sao").ocop_stars == 5
    assert valid(ocop_stars="★★★").ocop_stars == 3
    assert errors_of(ocop_stars="2")["ocop_stars"] == "hạng OCOP phải là 3, 4 hoặc 5 sao (đang là «2»)"


def test_ocop_rating_needs_a_validity_date():
    assert errors_of(ocop_valid_to="")["ocop_valid_to"] == "có hạng OCOP thì phải ghi ngày hết hiệu lực"
    assert errors_of(ocop_valid_to="sắp hết")["ocop_valid_to"].startswith("«sắp hết» không phải ngày")
    assert valid(ocop_valid_to="2027-06-30").ocop_valid_to == date(2027, 6, 30)
    assert valid(ocop_stars="", ocop_valid_to="").ocop_stars is None


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("vietgap", ["VietGAP"]),
        ("Hữu cơ; organic", ["Hữu cơ"]),
        ("Global GAP;VIETGAP", ["GlobalGAP", "VietGAP"]),
        ("chi dan dia ly", ["Chỉ dẫn địa lý"]),
        ("Hữu cơ (organic)", ["Hữu cơ"]),
    ],
)
def test_certifications_are_normalised_to_their_official_names(typed, stored):
    assert valid(certifications=typed).certifications == stored


def test_an_unknown_certification_is_refused():
    assert "«ISO 9001»" in errors_of(certifications="VietGAP; ISO 9001")["certifications"]


@pytest.mark.parametrize(
    "typed",
    ["Định Hóa", "Định Hoá", "xã định hoá", "XÃ ĐỊNH HÓA", "Dinh Hoa", unicodedata.normalize("NFD", "Định Hoá")],
)
def test_the_origin_commune_is_matched_forgivingly_and_stored_official(typed):
    row = valid(origin_commune=typed)
    assert (row.origin_commune.name, row.origin_commune.code) == ("Xã Định Hóa", "05569")


def test_communes_of_bac_kan_merged_in_2025_belong_to_thai_nguyen():
    assert find_commune("Na Rì").name == "Xã Na Rì"
    assert find_commune("Phường Bắc Kạn").code == "01843"


def test_a_commune_not_in_the_province_is_refused():
    assert errors_of(origin_commune="Xã Tả Van")["origin_commune"] == (
        "không có xã/phường «Xã Tả Van» ở tỉnh Thái Nguyên (danh mục 2025)")


def test_a_commune_typed_without_marks_that_fits_two_is_refused_with_the_choices():
    assert {c.name for c in match_commune("Van Lang")} == {"Xã Văn Lang", "Xã Văn Lăng"}
    message = errors_of(origin_commune="Van Lang")["origin_commune"]
    assert message.startswith("«Van Lang» khớp nhiều xã/phường") and "Xã Văn Lang" in message and "Xã Văn Lăng" in message
    assert valid(origin_commune="Văn Lăng").origin_commune.name == "Xã Văn Lăng"


def test_the_province_has_its_92_communes_and_wards_of_2025():
    assert len(communes()) == 92


def test_another_province_is_checked_against_its_own_communes():
    assert valid(origin_province="Hà Nội", origin_commune="Phường Hoàn Kiếm").origin_province == "Thành phố Hà Nội"
    assert "origin_commune" in errors_of(origin_province="Hà Nội")
    assert errors_of(origin_province="Xứ Đoài")["origin_province"] == "không có tỉnh/thành «Xứ Đoài»"


@pytest.mark.parametrize(("typed", "code"), [("Chè", "CHE"), ("che", "CHE"), ("MAT-ONG", "MAT-ONG"),
                                              ("Mật ong", "MAT-ONG"), ("Honey", "MAT-ONG"),
                                              ("thực phẩm khô", "THUC-PHAM-KHO")])
def test_categories_are_accepted_by_code_or_name(typed, code):
    assert valid(category=typed).category == code


def test_the_built_in_categories_cover_the_farm_products_of_the_province():
    names = {category.name_vi for category in CATEGORIES}
    assert {"Chè", "Cà phê", "Gạo", "Mật ong", "Trái cây", "Rau củ", "Nấm", "Dược liệu", "Đặc sản",
            "Thực phẩm khô"} <= names
    assert all(find_category(category.name_vi) == category for category in CATEGORIES)


def test_an_unknown_category_lists_the_choices():
    message = errors_of(category="Rượu")["category"]
    assert message.startswith("danh mục «Rượu» không có") and "Mật ong" in message


def test_dimensions_and_shelf_life_are_whole_positive_numbers():
    row = valid(length_cm="20 cm", width_cm="15", height_cm="80mm", shelf_life_days="365 ngày")
    assert (row.length_cm, row.width_cm, row.height_cm, row.shelf_life_days) == (20, 15, 8, 365)
    found = errors_of(length_cm="-3", shelf_life_days="0")
    assert set(found) == {"length_cm", "shelf_life_days"}


def test_stock_is_a_whole_number_of_zero_or_more_or_left_out():
    assert valid(stock="0").stock == 0
    assert valid(stock="").stock is None
    assert errors_of(stock="-4")["stock"] == "«-4» không phải số nguyên không âm"
    assert "stock" in errors_of(stock="2,5")


def test_the_trace_link_must_be_a_web_address():
    assert errors_of(trace_url="truyxuat.vn/123")["trace_url"].startswith("«truyxuat.vn/123» không phải địa chỉ web")


def test_images_are_files_or_https_addresses_separated_by_semicolons():
    row = valid(images="anh/che-200.png; https://htx-tancuong.vn/anh/che.jpg")
    assert row.images == ["anh/che-200.png", "https://htx-tancuong.vn/anh/che.jpg"]
    for address, scheme in (("http://127.0.0.1/anh.jpg", "http"), ("file:///etc/passwd", "file"),
                            ("ftp://htx.vn/che.jpg", "ftp")):
        assert f"chỉ nhận địa chỉ https://, không nhận {scheme}://" in errors_of(images=address)["images"]


def test_at_most_nine_photos_a_product():
    assert "tối đa 9 ảnh" in errors_of(images="; ".join(f"anh/che-{n}.jpg" for n in range(10)))["images"]


def test_messages_are_in_english_when_asked():
    _, errors = validate_row(tea_row(price="liên hệ"), 4, lang="en")
    assert errors[0].message == "«liên hệ» is not an amount of money (e.g. 120000, 120.000 ₫)"


def test_a_price_of_one_billion_dong_is_the_most_accepted():
    assert valid(price="1.000.000.000 ₫").price == 1_000_000_000
    assert errors_of(price="1.000.000.001 ₫") == {"price": "giá quá cao: «1.000.000.001 ₫», tối đa 1.000.000.000 ₫"}


def test_a_price_excel_stored_as_an_enormous_number_is_refused():
    assert errors_of(price=1e300) == {"price": "giá quá cao: «1e+300», tối đa 1.000.000.000 ₫"}


@pytest.mark.parametrize("field", ["stock", "shelf_life_days", "length_cm"])
def test_whole_numbers_above_one_billion_are_refused_before_they_are_stored(field):
    assert errors_of(**{field: "5000000000"}) == {field: "«5000000000» quá lớn, tối đa 1000000000"}


def test_an_infinite_weight_is_refused():
    assert set(errors_of(weight_g=float("inf"))) == {"weight_g"}


@pytest.mark.parametrize(("field", "typed"), [
    ("name", "Chè búp Tân Cương\x00 đặc biệt"),
    ("variant", "Gói\x1b[31m 200g"),
    ("description", "Búp chè một tôm hai lá\x07"),
    ("product_code", "CHE-BUP\x7f-DB"),
])
def test_control_characters_in_text_are_refused_with_their_code(field, typed):
    code = next(f"U+{ord(c):04X}" for c in typed if ord(c) < 32 or 127 <= ord(c) < 160)
    assert errors_of(**{field: typed}) == {field: f"có ký tự điều khiển không được phép ({code})"}


def test_a_description_keeps_its_tabs_and_line_breaks():
    assert valid(description="Búp chè một tôm hai lá.\r\n\tSao tay trên chảo gang.").description == (
        "Búp chè một tôm hai lá.\r\n\tSao tay trên chảo gang.")


def test_a_cell_longer_than_5000_characters_is_named_without_its_other_checks():
    assert errors_of(description="Chè " * 1500) == {"description": "ô dài 6000 ký tự, tối đa 5000"}
