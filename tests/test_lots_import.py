"""The optional sheet of lots («Lô» or «Lots») of a catalogue workbook: checked like the products, written in
the same transaction, updated rather than duplicated on a re-import."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from catalog.db import session_scope
from catalog.importer import import_file
from catalog.lots import list_lots
from tests.support.catalog import add_coops, catalog_state, tea_row, write_file

MAI = "Hộ bà Lê Thị Mai"
HUNG = "Hộ ông Nguyễn Văn Hùng, xóm Hồng Thái"
VI_HEADER = ["mã sản phẩm", "mã lô", "ngày sản xuất", "hạn sử dụng", "số lượng", "ghi chú"]
TEA_LOT = ["CHE-BUP-DB", "TC-2611-01", "20/11/2026", "", "300", MAI]


@pytest.fixture
def coops(engine):
    add_coops(engine)
    return engine


def workbook(tmp_path, lots, header=VI_HEADER, sheet="Lô", products=None):
    """The tea's catalogue (shelf life 365 days) with a lots sheet of ``lots`` rows."""
    path = write_file(tmp_path / "danh-muc.xlsx", products or [tea_row(shelf_life_days="365")])
    book = load_workbook(path)
    lot_sheet = book.create_sheet(sheet)
    for row in [header, *lots]:
        lot_sheet.append(row)
    book.save(path)
    return path


def lots(engine):
    with session_scope(engine) as session:
        return [(lot["code"], lot["produced_on"], lot["expires_on"], lot["quantity"], lot["notes"])
                for lot in list_lots(session)]


def test_a_new_product_and_its_lot_come_in_from_one_workbook(coops, tmp_path):
    report = import_file(coops, workbook(tmp_path, [TEA_LOT]))
    assert report.ok, report.errors
    assert (report.products_created, report.lots_created) == (1, 1)
    assert lots(coops) == [("TC-2611-01", date(2026, 11, 20), date(2027, 11, 20), 300, MAI)]
    assert "lô: 1 mới, 0 sửa, 0 không đổi" in report.summary("vi")


def test_importing_the_same_workbook_again_changes_nothing(coops, tmp_path):
    path = workbook(tmp_path, [TEA_LOT, ["CHE-BUP-DB", "TC-2612-01", "2026-12-01", "2027-06-01", "", HUNG]])
    import_file(coops, path)
    again = import_file(coops, path)
    assert again.ok and again.changed == 0 and again.lots_unchanged == 2
    assert len(lots(coops)) == 2


def test_a_lot_imported_again_with_new_notes_is_updated_not_duplicated(coops, tmp_path):
    import_file(coops, workbook(tmp_path, [TEA_LOT]))
    report = import_file(coops, workbook(tmp_path, [TEA_LOT[:5] + [HUNG]]))
    assert (report.lots_created, report.lots_changed) == (0, 1)
    assert lots(coops) == [("TC-2611-01", date(2026, 11, 20), date(2027, 11, 20), 300, HUNG)]


def test_a_bad_lot_row_is_named_by_row_and_column_and_nothing_is_written(coops, tmp_path):
    before = catalog_state(coops)
    bad = ["CHE-BUP-DB", "TC 2611", "11/20/2026", "", "nhiều", MAI]
    report = import_file(coops, workbook(tmp_path, [TEA_LOT, bad]))
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "Lô: mã lô"), (3, "Lô: ngày sản xuất"), (3, "Lô: số lượng")]
    assert "«11/20/2026» không phải ngày" in report.errors[1].message
    assert catalog_state(coops) == before and lots(coops) == []


def test_a_lot_of_a_product_not_in_the_catalogue_stops_the_whole_import(coops, tmp_path):
    report = import_file(coops, workbook(tmp_path, [["CHE-KHONG-CO", "TC-2611-01", "20/11/2026", "", "", ""]]))
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "Lô: mã sản phẩm", "HTX «HTX-TANCUONG» không có sản phẩm «CHE-KHONG-CO»")]
    assert catalog_state(coops)["products"] == [] and lots(coops) == []


def test_the_same_lot_twice_in_the_sheet_is_refused(coops, tmp_path):
    report = import_file(coops, workbook(tmp_path, [TEA_LOT, TEA_LOT]))
    assert [(e.row, e.message) for e in report.errors] == [
        (3, "lô «TC-2611-01» của sản phẩm «CHE-BUP-DB» đã có ở dòng 2")]
    assert lots(coops) == []


def test_an_expiry_before_production_is_refused(coops, tmp_path):
    report = import_file(coops, workbook(tmp_path, [TEA_LOT[:3] + ["01/11/2026"] + TEA_LOT[4:]]), lang="en")
    assert [(e.column, e.message) for e in report.errors] == [
        ("Lots: hạn sử dụng", "the expiry date 01/11/2026 is before the production date 20/11/2026")]


def test_an_english_lots_sheet_with_english_headers_is_read(coops, tmp_path):
    header = ["product_code", "lot_code", "production_date", "expiry_date", "quantity", "notes"]
    report = import_file(coops, workbook(tmp_path, [TEA_LOT], header=header, sheet="Lots"))
    assert report.ok, report.errors
    assert lots(coops)[0][:3] == ("TC-2611-01", date(2026, 11, 20), date(2027, 11, 20))


def test_a_lots_sheet_missing_the_production_date_column_is_refused(coops, tmp_path):
    report = import_file(coops, workbook(tmp_path, [TEA_LOT[:2]], header=VI_HEADER[:2] + ["ghi chú"]))
    assert [(e.row, e.column) for e in report.errors] == [(1, "Lô: ngày sản xuất")]
    assert catalog_state(coops)["products"] == []


def test_a_dry_run_counts_the_lots_and_writes_none(coops, tmp_path):
    report = import_file(coops, workbook(tmp_path, [TEA_LOT]), dry_run=True)
    assert report.ok and report.lots_created == 1
    assert lots(coops) == []


def test_a_workbook_whose_lots_sheet_comes_first_still_reads_its_products(coops, tmp_path):
    path = workbook(tmp_path, [TEA_LOT])
    book = load_workbook(path)
    book.move_sheet("Lô", offset=-1)
    book.save(path)
    report = import_file(coops, path)
    assert report.ok and (report.products_created, report.lots_created) == (1, 1)


def test_dates_typed_as_real_excel_dates_are_read(coops, tmp_path):
    row = ["CHE-BUP-DB", "TC-2611-01", datetime(2026, 11, 20), datetime(2027, 5, 20), 300, MAI]
    assert import_file(coops, workbook(tmp_path, [row])).ok
    assert lots(coops)[0][1:3] == (date(2026, 11, 20), date(2027, 5, 20))
