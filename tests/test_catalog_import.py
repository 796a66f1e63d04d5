"""Importing a co-op's spreadsheet: all rows or none, every bad row reported, re-imports change nothing."""

from __future__ import annotations

import unicodedata

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from catalog.db import session_scope
from catalog.importer import import_file, write_rows
from catalog.models import Category, MovementKind, Product, Sku, StockMovement
from catalog.stock import record_movement
from catalog.validation import validate_row
from tests.support.catalog import (
    HONEY_COOP,
    TEA_COOP,
    add_coops,
    catalog_state,
    english_headers,
    honey_row,
    on_hand,
    tea_pack,
    tea_row,
    write_csv,
    write_file,
)


@pytest.fixture
def coops(engine):
    add_coops(engine)
    return engine


def tea_file(tmp_path, name="che.xlsx", **changes):
    return write_file(tmp_path / name, [
        tea_row(**changes),
        tea_pack("CHE-TC-500", "Hộp 500g", "280.000 ₫", "0,5 kg"),
        tea_pack("CHE-TC-100", "Gói 100g", "65000", "100"),
    ])


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_a_good_file_creates_products_skus_and_opening_stock(coops, tmp_path, suffix):
    report = import_file(coops, tea_file(tmp_path, f"che.{suffix}"))
    assert report.errors == []
    assert (report.rows, report.products_created, report.skus_created, report.stock_changed) == (3, 1, 3, 3)
    with session_scope(coops) as session:
        product = session.execute(sa.select(Product)).scalar_one()
        prices = dict(session.execute(sa.select(Sku.sku, Sku.price)).all())
        kinds = set(session.execute(sa.select(StockMovement.kind)).scalars())
    assert (product.name, product.origin_commune_name, product.origin_commune_code) == (
        "Chè búp Tân Cương đặc biệt", "Xã Tân Cương", "05503")
    assert prices == {"CHE-TC-200": 120000, "CHE-TC-500": 280000, "CHE-TC-100": 65000}
    assert kinds == {MovementKind.receipt.value}
    assert on_hand(coops, "CHE-TC-200") == 50


def test_importing_seeds_the_built_in_categories_once(coops, tmp_path):
    import_file(coops, tea_file(tmp_path))
    import_file(coops, tea_file(tmp_path, "lan-2.xlsx"))
    with session_scope(coops) as session:
        codes = session.execute(sa.select(Category.code)).scalars().all()
    assert len(codes) == len(set(codes)) and "CHE" in codes


def test_a_file_with_one_bad_row_imports_nothing(coops, tmp_path):
    before = catalog_state(coops)
    path = write_file(tmp_path / "che.xlsx", [tea_row(), tea_pack("CHE-TC-500", "Hộp 500g", "liên hệ", "500")])
    report = import_file(coops, path)
    assert not report.ok
    assert catalog_state(coops) == before


def test_every_bad_row_is_reported_with_its_row_number_column_and_problem(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [
        tea_row(),
        tea_pack("CHE-TC-500", "Hộp 500g", "liên hệ", "500"),
        tea_pack("CHE-TC-100", "Gói 100g", "65000", "100", gtin="8938505974195"),
        tea_pack("che tc 1kg", "Túi 1kg", "400000", "1 kg"),
        tea_pack("CHE-TC-50", "Gói 50g", "40000", "50g", origin_commune="Xã Tả Van"),
    ])
    report = import_file(coops, path)
    found = [(e.row, e.column, e.message) for e in report.errors]
    assert found == [
        (3, "giá bán", "«liên hệ» không phải số tiền (ví dụ 120000, 120.000 ₫)"),
        (4, "mã vạch", "mã vạch «8938505974195» sai số kiểm tra"),
        (5, "SKU", "SKU «CHE TC 1KG» chỉ được gồm chữ A–Z, số 0–9 và dấu -, dài 3–40 ký tự"),
        (6, "xã/phường", "không có xã/phường «Xã Tả Van» ở tỉnh Thái Nguyên (danh mục 2025)"),
    ]
    assert report.bad_rows() == [3, 4, 5, 6]
    assert report.summary() == "4 dòng lỗi, 4 lỗi; không nhập dòng nào"


def test_errors_name_the_column_as_the_file_writes_it(coops, tmp_path):
    path = write_file(tmp_path / "che.csv", [tea_row(price="liên hệ")], lang="en")
    assert [(e.row, e.column) for e in import_file(coops, path).errors] == [(2, "price")]


def test_rows_that_clash_with_each_other_are_reported_with_the_row_they_clash_with(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [
        tea_row(),
        tea_pack("CHE-TC-200", "Gói 200g", "120000", "200"),
        tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500", name="Chè búp Tân Cương loại một"),
    ])
    found = [(e.row, e.column, e.message) for e in import_file(coops, path).errors]
    assert found == [
        (3, "SKU", "SKU «CHE-TC-200» đã có ở dòng 2"),
        (4, "tên sản phẩm", "sản phẩm «CHE-BUP-DB» ở dòng 2 ghi khác: «Chè búp Tân Cương đặc biệt»"),
    ]


def test_a_clash_over_certifications_quotes_them_as_the_file_writes_them(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [
        tea_row(),
        tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500", certifications="VietGAP"),
    ])
    (error,) = import_file(coops, path).errors
    assert (error.row, error.message) == (3, "sản phẩm «CHE-BUP-DB» ở dòng 2 ghi khác: «VietGAP; Chỉ dẫn địa lý»")


def test_row_errors_and_clashes_elsewhere_are_reported_together(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [
        tea_row(weight_g="nặng"),
        tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500"),
        tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500"),
    ])
    assert [(e.row, e.column) for e in import_file(coops, path).errors] == [(2, "khối lượng (g)"), (4, "SKU")]


def test_an_unknown_coop_is_reported_on_each_of_its_rows(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [tea_row(coop_code="HTX-KHONGCO"), tea_row(sku="CHE-TC-300",
                                                                                        coop_code="HTX-KHONGCO")])
    report = import_file(coops, path)
    assert [(e.row, e.column) for e in report.errors] == [(2, "mã HTX"), (3, "mã HTX")]
    assert "syndicator coops add" in report.errors[0].message


def test_a_sku_of_another_coops_product_is_refused(coops, tmp_path):
    import_file(coops, tea_file(tmp_path))
    path = write_file(tmp_path / "mat-ong.xlsx", [honey_row(sku="CHE-TC-200")])
    assert [e.message for e in import_file(coops, path).errors] == ["SKU «CHE-TC-200» đã thuộc sản phẩm «CHE-BUP-DB»"]


def test_the_coop_option_fills_rows_without_one_and_refuses_rows_of_another(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [tea_row(coop_code=""), tea_row(sku="MO-1", coop_code=HONEY_COOP)])
    report = import_file(coops, path, coop_code="htx-tancuong")
    assert [(e.row, e.column) for e in report.errors] == [(3, "mã HTX")]
    assert report.errors[0].message == "dòng thuộc HTX «HTX-VONHAI» nhưng đang nhập cho HTX «HTX-TANCUONG»"


def test_reimporting_the_same_file_changes_nothing(coops, tmp_path):
    path = tea_file(tmp_path)
    import_file(coops, path)
    before = catalog_state(coops)
    again = import_file(coops, path)
    assert (again.changed, again.unchanged) == (0, 3)
    assert catalog_state(coops) == before


def test_a_changed_price_is_the_only_change_reported(coops, tmp_path):
    import_file(coops, tea_file(tmp_path))
    report = import_file(coops, tea_file(tmp_path, "gia-moi.xlsx", price="125.000 ₫"))
    assert (report.skus_changed, report.changed, report.unchanged) == (1, 1, 2)
    assert [(c.row, c.sku, c.action, c.fields) for c in report.changes] == [(2, "CHE-TC-200", "update", ("price",))]


def test_a_dry_run_reports_what_would_change_and_writes_nothing(coops, tmp_path):
    before = catalog_state(coops)
    report = import_file(coops, tea_file(tmp_path), dry_run=True)
    assert (report.products_created, report.skus_created, report.stock_changed) == (1, 3, 3)
    assert report.summary().endswith("(chạy thử, chưa ghi gì)")
    assert catalog_state(coops) == before


def test_the_stock_column_sets_on_hand_stock_through_one_adjustment(coops, tmp_path):
    import_file(coops, tea_file(tmp_path))
    with session_scope(coops) as session:
        sku_id = session.execute(sa.select(Sku.id).where(Sku.sku == "CHE-TC-200")).scalar_one()
        record_movement(session, sku_id, MovementKind.adjustment, -8, "kiem-kho:2026-11")
    report = import_file(coops, tea_file(tmp_path, "kiem-kho.xlsx", stock="45"))
    assert report.stock_changed == 1
    assert on_hand(coops, "CHE-TC-200") == 45
    with session_scope(coops) as session:
        last = session.execute(sa.select(StockMovement).order_by(StockMovement.id.desc())).scalars().first()
    assert (last.kind, last.quantity) == (MovementKind.adjustment.value, 3)


def test_a_blank_stock_cell_leaves_the_stock_alone(coops, tmp_path):
    import_file(coops, tea_file(tmp_path))
    report = import_file(coops, tea_file(tmp_path, "khong-ton.xlsx", stock=""))
    assert report.stock_changed == 0
    assert on_hand(coops, "CHE-TC-200") == 50


def test_text_from_a_mac_in_nfd_is_stored_nfc(coops, tmp_path):
    header = ["mã HTX", "mã sản phẩm", "tên sản phẩm", "danh mục", "SKU", "giá bán", "khối lượng (g)", "xã/phường"]
    row = [TEA_COOP, "MIEN-DONG", "Miến dong Na Rì loại một", "Thực phẩm khô", "MD-NR-500", "65.000 ₫", "500g",
           "Xã Định Hoá"]
    path = write_csv(tmp_path / "mac.csv", header, [row], bom=False, normal_form="NFD")
    assert unicodedata.normalize("NFD", "Miến") in path.read_text(encoding="utf-8")
    report = import_file(coops, path)
    assert report.errors == []
    with session_scope(coops) as session:
        product = session.execute(sa.select(Product)).scalar_one()
    assert product.name == "Miến dong Na Rì loại một"
    assert unicodedata.is_normalized("NFC", product.name)
    assert product.origin_commune_name == "Xã Định Hóa"


def test_english_or_vietnamese_headers_in_any_order_and_case_are_read(coops, tmp_path):
    header = ["PRICE", "Tên sản phẩm", "sku", "Mã HTX", "weight_g", "Danh Mục", "product_code"]
    row = ["280,000đ", "Mật ong rừng Võ Nhai", "MO-VN-500", HONEY_COOP, "700", "mat ong", "MAT-ONG-RUNG"]
    path = write_csv(tmp_path / "mat-ong.csv", header, [row], delimiter=";")
    report = import_file(coops, path)
    assert report.errors == [] and report.skus_created == 1
    with session_scope(coops) as session:
        assert session.execute(sa.select(Sku.price)).scalar_one() == 280000


def test_a_missing_required_column_is_reported_on_the_header_row(coops, tmp_path):
    header = [h for h in english_headers() if h not in ("price", "coop_code")]
    path = write_csv(tmp_path / "thieu.csv", header, [])
    found = {(e.row, e.column) for e in import_file(coops, path).errors}
    assert found == {(1, "mã HTX"), (1, "giá bán")}


def test_an_unknown_column_is_named_in_a_warning(coops, tmp_path):
    header = ["coop_code", "product_code", "name", "category", "sku", "price", "weight_g", "ghi chú"]
    row = [TEA_COOP, "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "Chè", "CHE-TC-200", "120000", "200", "giao sớm"]
    report = import_file(coops, write_csv(tmp_path / "che.csv", header, [row]))
    assert report.ok and report.warnings == ["cột «ghi chú» không dùng đến, bỏ qua"]


def test_blank_rows_are_skipped_and_row_numbers_stay_those_of_the_spreadsheet(coops, tmp_path):
    header = ["coop_code", "product_code", "name", "category", "sku", "price", "weight_g"]
    rows = [[TEA_COOP, "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "Chè", "CHE-TC-200", "120000", "200"],
            ["", "", "", "", "", "", ""],
            [TEA_COOP, "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "Chè", "CHE-TC-500", "0", "500"]]
    report = import_file(coops, write_csv(tmp_path / "che.csv", header, rows))
    assert [(e.row, e.column) for e in report.errors] == [(4, "price")]


def test_a_file_that_is_not_a_spreadsheet_is_refused(coops, tmp_path):
    path = tmp_path / "che.pdf"
    path.write_bytes(b"%PDF-1.4")
    assert import_file(coops, path).errors[0].message == "chỉ nhận tệp .xlsx hoặc .csv (đang là «.pdf»)"


def test_progress_is_reported_as_rows_are_read(coops, tmp_path):
    seen = []
    import_file(coops, tea_file(tmp_path), progress=lambda done, total: seen.append((done, total)))
    assert seen[-1] == (3, 3) and [done for done, _ in seen[:3]] == [1, 2, 3]


def test_the_edit_form_saves_one_row_through_the_same_rules(coops):
    row, errors = validate_row(tea_row(price="130.000 ₫"), 1)
    assert errors == []
    report = write_rows(coops, [row])
    assert report.ok and report.skus_created == 1
    with session_scope(coops) as session:
        assert session.execute(sa.select(Sku.price)).scalar_one() == 130000


def test_a_column_given_twice_is_reported_on_the_header_row(coops, tmp_path):
    header = ["coop_code", "product_code", "name", "category", "sku", "price", "giá bán", "weight_g"]
    found = import_file(coops, write_csv(tmp_path / "che.csv", header, [])).errors
    assert [(e.row, e.message) for e in found] == [(1, "cột «giá bán» xuất hiện hai lần")]


def test_a_csv_saved_in_a_legacy_vietnamese_encoding_is_refused_with_how_to_fix_it(coops, tmp_path):
    path = tmp_path / "cu.csv"
    path.write_bytes("mã HTX,tên sản phẩm\r\nHTX-TANCUONG,Chè búp\r\n".encode("cp1258", errors="replace"))
    assert import_file(coops, path).errors[0].message.startswith("tệp CSV phải lưu bằng mã UTF-8")


def test_a_damaged_workbook_is_refused_not_crashed_on(coops, tmp_path):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    assert import_file(coops, path).errors[0].message.startswith("không đọc được tệp")


def test_a_title_above_the_header_row_is_skipped_and_row_numbers_stay_true(coops, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet["A1"] = "DANH MỤC SẢN PHẨM HTX CHÈ TÂN CƯƠNG — VỤ XUÂN 2026"
    sheet.append([])
    sheet.append(["mã HTX", "mã sản phẩm", "tên sản phẩm", "danh mục", "SKU", "giá bán", "khối lượng (g)"])
    sheet.append([TEA_COOP, "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "Chè", "CHE-TC-200", 120000, 200])
    sheet.append([])
    sheet.append([TEA_COOP, "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "Chè", "CHE-TC-500", "liên hệ", 500])
    workbook.save(tmp_path / "vu-xuan.xlsx")
    report = import_file(coops, tmp_path / "vu-xuan.xlsx")
    assert [(e.row, e.column) for e in report.errors] == [(6, "giá bán")]


def test_a_product_change_is_named_by_the_spreadsheet_columns_that_differ(coops, tmp_path):
    import_file(coops, tea_file(tmp_path))
    report = import_file(coops, tea_file(tmp_path, "doi.xlsx", origin_commune="Xã Đại Phúc", category="Đặc sản"),
                         dry_run=True)
    assert report.products_changed == 1
    assert [(c.row, c.action, c.fields) for c in report.changes] == [(2, "update", ("origin_commune", "category"))]
