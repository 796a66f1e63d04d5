"""Exporting the catalogue: the import layout, formula-safe in Excel and CSV, and back unchanged."""

from __future__ import annotations

import csv
import zipfile

import pytest
import sqlalchemy as sa

from catalog.db import init_database, session_scope
from catalog.importer import import_file
from catalog.models import Product
from catalog.spreadsheet import escape_csv, export_file, open_sheet, unescape_csv
from tests.support.catalog import (
    HONEY_COOP,
    TEA_COOP,
    add_coops,
    catalog_state,
    honey_row,
    tea_pack,
    tea_row,
    write_file,
)

RISKY = {
    "name": "=HYPERLINK(\"http://lua-dao.vn\",\"Chè ngon\")",
    "description": "+84 912 345 678 — gọi đặt hàng",
    "variant": "-Gói 200g-",
    "trace_url": "",
}


@pytest.fixture
def catalog(engine, tmp_path):
    add_coops(engine)
    rows = [tea_row(), tea_pack("CHE-TC-500", "Hộp 500g", "280.000 ₫", "0,5 kg", stock="12"),
            honey_row(), honey_row(sku="MO-VN-1L", variant="Chai 1 lít", price="520000", weight_g="1,4 kg")]
    report = import_file(engine, write_file(tmp_path / "catalog.xlsx", rows))
    assert report.ok
    return engine


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_an_export_imports_back_without_a_single_change(catalog, tmp_path, suffix):
    before = catalog_state(catalog)
    path = tmp_path / f"xuat.{suffix}"
    assert export_file(catalog, path) == 4
    report = import_file(catalog, path)
    assert report.errors == []
    assert (report.changed, report.unchanged) == (0, 4)
    assert catalog_state(catalog) == before


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_an_export_into_an_empty_database_recreates_the_same_catalogue(catalog, tmp_path, suffix):
    path = tmp_path / f"xuat.{suffix}"
    export_file(catalog, path)
    fresh = init_database(f"sqlite:///{tmp_path / 'moi.db'}")
    add_coops(fresh)
    assert import_file(fresh, path).ok
    assert catalog_state(fresh) == catalog_state(catalog)
    fresh.dispose()


def test_one_coop_can_be_exported_alone(catalog, tmp_path):
    path = tmp_path / "mat-ong.csv"
    assert export_file(catalog, path, coop_code=HONEY_COOP.lower()) == 2
    with open_sheet(path) as sheet:
        assert {raw["coop_code"] for _, raw in sheet.rows()} == {HONEY_COOP}


def test_exported_headers_are_vietnamese_and_stock_is_on_hand(catalog, tmp_path):
    path = tmp_path / "xuat.csv"
    export_file(catalog, path)
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0].keys() >= {"mã HTX", "tên sản phẩm", "giá bán", "tồn kho", "xã/phường"}
    tea = next(row for row in rows if row["SKU"] == "CHE-TC-500")
    assert (tea["giá bán"], tea["tồn kho"], tea["xã/phường"], tea["chứng nhận"]) == (
        "280000", "12", "Xã Tân Cương", "VietGAP; Chỉ dẫn địa lý")


@pytest.fixture
def risky_catalog(engine, tmp_path):
    add_coops(engine)
    assert import_file(engine, write_file(tmp_path / "risky.csv", [tea_row(**RISKY)])).ok
    return engine


def test_text_that_looks_like_a_formula_stays_text_in_excel(risky_catalog, tmp_path):
    path = tmp_path / "xuat.xlsx"
    export_file(risky_catalog, path)
    with zipfile.ZipFile(path) as workbook:
        sheet = workbook.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    assert 't="inlineStr"' in sheet and "=HYPERLINK(" in sheet


def test_text_that_looks_like_a_formula_is_quoted_in_csv(risky_catalog, tmp_path):
    path = tmp_path / "xuat.csv"
    export_file(risky_catalog, path)
    with path.open(encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert row["tên sản phẩm"] == "'" + RISKY["name"]
    assert row["mô tả"] == "'" + RISKY["description"]
    assert row["quy cách"] == "'" + RISKY["variant"]


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_formula_like_text_reimports_as_the_same_text(risky_catalog, tmp_path, suffix):
    path = tmp_path / f"xuat.{suffix}"
    export_file(risky_catalog, path)
    assert import_file(risky_catalog, path).changed == 0
    with session_scope(risky_catalog) as session:
        product = session.execute(sa.select(Product)).scalar_one()
    assert (product.name, product.description) == (RISKY["name"], RISKY["description"])


@pytest.mark.parametrize("text", ["=1+1", "+84", "-5", "@SUM(A1)", "'=quoted", "''", "'thường", "Chè"])
def test_csv_escaping_is_undone_exactly(text):
    assert unescape_csv(escape_csv(text)) == text


def test_a_coop_sees_only_its_rows_and_the_file_names_its_coop(catalog, tmp_path):
    path = tmp_path / "che.xlsx"
    export_file(catalog, path, coop_code=TEA_COOP)
    with open_sheet(path) as sheet:
        skus = sorted(raw["sku"] for _, raw in sheet.rows())
    assert skus == ["CHE-TC-200", "CHE-TC-500"]
