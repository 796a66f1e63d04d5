"""Hostile spreadsheets and a busy database: a clear message, little memory, never a traceback.

The hostile files are built here: a workbook whose sheet inflates far past the limit, one whose zip
understates its sizes, broken XML, an external entity, too many rows, an oversize cell.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import struct
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from sqlmodel import select

from catalog.db import init_database, session_scope
from catalog.importer import import_file
from catalog.limits import MB, SPREADSHEET_LIMITS
from catalog.models import Sku
from syndicator.access.products import product_row, save_product_row
from syndicator.users import authenticate
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.catalog import TEA_COOP, add_coops, catalog_state, tea_pack, tea_row, write_file
from tests.support.ui import PASSWORD, seed_two_coops

ROOT = Path(__file__).resolve().parents[1]
SHEET = "xl/worksheets/sheet1.xml"
SHEET_START = (b'<?xml version="1.0" encoding="UTF-8"?>'
               b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_END = b"</sheetData></worksheet>"
HEADER = ["mã HTX", "mã sản phẩm", "tên sản phẩm", "danh mục", "SKU", "giá bán", "khối lượng (g)"]
MEMORY_BOUND_MB = 300
# Runs a command as its only child and writes the child's peak resident memory (kB) to a file.
MEASURE = ("import resource, subprocess, sys\n"
           "code = subprocess.run(sys.argv[2:]).returncode\n"
           "open(sys.argv[1], 'w').write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))\n"
           "sys.exit(code)\n")


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """A workbook whose sheet inflates to 400 MB, built once for the module: deflating it takes seconds."""
    return workbook_with_sheet(tmp_path_factory.mktemp("bomb"), "che-bom.xlsx", inflating_sheet(megabytes=400))


@pytest.fixture
def coops(engine):
    add_coops(engine)
    return engine


# ---------------------------------------------------------------- building hostile workbooks


def row_xml(values: Iterable[object]) -> bytes:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(str(value))}</t></is></c>' for value in values)
    return f"<row>{cells}</row>".encode()


def tea_sku_row(number: int) -> list[object]:
    return [TEA_COOP, "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "Chè", f"CHE-TC-{number:05d}", 120000, 200]


def workbook_with_sheet(tmp_path: Path, name: str, chunks: Iterable[bytes]) -> Path:
    """A real workbook (made by openpyxl) whose first sheet is ``chunks``, streamed into the zip."""
    source = write_file(tmp_path / f"source-{name}", [tea_row()])
    path = tmp_path / name
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as rebuilt:
        for entry in original.infolist():
            if entry.filename != SHEET:
                rebuilt.writestr(entry, original.read(entry))
                continue
            with rebuilt.open(SHEET, "w") as sheet:
                for chunk in chunks:
                    sheet.write(chunk)
    return path


def inflating_sheet(megabytes: int) -> Iterable[bytes]:
    """A header, then the same tea row again and again: ``megabytes`` of XML that compresses ~1000:1."""
    block = row_xml(tea_sku_row(1)) * (MB // len(row_xml(tea_sku_row(1))))
    yield SHEET_START + row_xml(HEADER)
    for _ in range(megabytes):
        yield block
    yield SHEET_END


def understate_size(path: Path, name: str, declared: int) -> None:
    """Rewrite the zip so that ``name`` claims to inflate to ``declared`` bytes, in both of its headers."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local = archive.getinfo(name).header_offset
    assert data[local:local + 4] == b"PK\x03\x04"
    data[local + 22:local + 26] = struct.pack("<I", declared)
    central = data.index(b"PK\x01\x02")
    while data[central + 46:central + 46 + struct.unpack_from("<H", data, central + 28)[0]] != name.encode():
        central = data.index(b"PK\x01\x02", central + 4)
    data[central + 24:central + 28] = struct.pack("<I", declared)
    path.write_bytes(bytes(data))


# ---------------------------------------------------------------- running the command line


def cli_env(database_url: str, tmp_path: Path, **extra: str) -> dict[str, str]:
    return os.environ | {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_LANG": "vi", "COLUMNS": "200",
                         "SYNDICATOR_DATA_DIR": str(tmp_path / "data")} | extra


def run_measured(args: list[str], env: dict[str, str],
                 tmp_path: Path) -> tuple[subprocess.CompletedProcess, int]:
    """``syndicator args`` in a child process: its result, and its peak resident memory in MB."""
    peak = tmp_path / "peak-kb"
    command = [sys.executable, "-m", "syndicator", *args]
    result = subprocess.run([sys.executable, "-c", MEASURE, str(peak), *command],
                            env=env, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    return result, int(peak.read_text()) // 1024


def assert_refused(result: subprocess.CompletedProcess, message: str) -> None:
    assert result.returncode == 1, result.stdout + result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


# ---------------------------------------------------------------- size limits


@pytest.mark.slow
def test_a_workbook_inflating_past_50_mb_is_refused_by_the_cli_in_little_memory(coops, database_url,
                                                                                tmp_path, bomb):
    assert bomb.stat().st_size < 2 * MB
    before = catalog_state(coops)
    result, peak_mb = run_measured(["import", str(bomb)], cli_env(database_url, tmp_path), tmp_path)
    assert_refused(result, "tệp quá lớn: hơn 50 MB dữ liệu (tệp .xlsx tính khi giải nén)")
    assert peak_mb < MEMORY_BOUND_MB
    assert catalog_state(coops) == before


@pytest.mark.slow
def test_a_workbook_whose_zip_understates_its_size_is_refused_in_little_memory(coops, database_url, tmp_path,
                                                                             bomb):
    liar = Path(shutil.copyfile(bomb, tmp_path / "che-noi-doi.xlsx"))
    understate_size(liar, SHEET, declared=4096)
    with zipfile.ZipFile(liar) as archive:
        assert sum(entry.file_size for entry in archive.infolist()) < SPREADSHEET_LIMITS.uncompressed_bytes
    before = catalog_state(coops)
    result, peak_mb = run_measured(["import", str(liar)], cli_env(database_url, tmp_path), tmp_path)
    assert_refused(result, "không đọc được tệp: tệp .xlsx bị hỏng")
    assert peak_mb < MEMORY_BOUND_MB
    assert catalog_state(coops) == before


def test_a_workbook_of_too_many_parts_is_refused_before_it_is_parsed(coops, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [tea_row()])
    with zipfile.ZipFile(path, "a") as archive:
        for number in range(SPREADSHEET_LIMITS.zip_entries):
            archive.writestr(f"xl/media/anh-{number}.txt", "ảnh")
        parts = len(archive.infolist())
    report = import_file(coops, path)
    assert [(e.row, e.message) for e in report.errors] == [
        (0, f"tệp .xlsx có quá nhiều phần ({parts}, tối đa 1000)")]


def test_a_csv_past_50_mb_is_refused_before_it_is_read(coops, tmp_path):
    path = write_file(tmp_path / "che.csv", [tea_row()])
    with path.open("r+b") as handle:
        handle.truncate(SPREADSHEET_LIMITS.csv_bytes + 1)
    report = import_file(coops, path)
    assert [e.message for e in report.errors] == [
        "tệp quá lớn: hơn 50 MB dữ liệu (tệp .xlsx tính khi giải nén); hãy chia thành nhiều tệp"]


def many_rows_csv(path: Path, count: int) -> Path:
    lines = [",".join(HEADER)] + [",".join(map(str, tea_sku_row(number))) for number in range(count)]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def many_rows_xlsx(path: Path, count: int) -> Path:
    """With its ``<dimension>`` declared, as Excel and openpyxl write it: without one, openpyxl reads the
    whole sheet once more only to size it."""
    dimension = f'<dimension ref="A1:G{count + 1}"/>'.encode()
    start = SHEET_START.replace(b"<sheetData>", dimension + b"<sheetData>")
    rows = (row_xml(tea_sku_row(number)) for number in range(count))
    return workbook_with_sheet(path.parent, path.name, [start, row_xml(HEADER), *rows, SHEET_END])


@pytest.mark.parametrize("write", [many_rows_csv, many_rows_xlsx], ids=["csv", "xlsx"])
def test_a_file_of_more_than_20000_rows_is_refused_at_the_first_row_past_the_limit(coops, tmp_path, write):
    suffix = "csv" if write is many_rows_csv else "xlsx"
    path = write(tmp_path / f"che.{suffix}", SPREADSHEET_LIMITS.rows + 1)
    before = catalog_state(coops)
    report = import_file(coops, path)
    assert [(e.row, e.message) for e in report.errors] == [
        (20_002, "tệp có hơn 20000 dòng; hãy chia thành nhiều tệp, mỗi tệp tối đa 20000 dòng")]
    assert catalog_state(coops) == before


# ---------------------------------------------------------------- damaged and hostile content


@pytest.mark.slow
def test_broken_xml_in_a_workbook_is_a_clear_cli_error_not_a_traceback(coops, database_url, tmp_path):
    unclosed = "<row><c t='inlineStr'><is><t>Chè búp</is></c></row>".encode()
    broken = SHEET_START + row_xml(HEADER) + unclosed + SHEET_END
    path = workbook_with_sheet(tmp_path, "che-hong.xlsx", [broken])
    result = subprocess.run([sys.executable, "-m", "syndicator", "import", str(path)], cwd=ROOT, timeout=120,
                            env=cli_env(database_url, tmp_path), capture_output=True, text=True, check=False)
    assert_refused(result, "không đọc được tệp: XML trong tệp .xlsx bị hỏng (mismatched tag: line 1")
    assert str(tmp_path) not in result.stderr


LAUGHS = "".join(f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10))


@pytest.mark.parametrize("declared", [
    '<!ENTITY xxe SYSTEM "file://{secret}">',
    '<!ENTITY lol0 "lol">' + LAUGHS + '<!ENTITY xxe "&lol9;">',
], ids=["external-file", "billion-laughs"])
def test_a_workbook_declaring_xml_entities_is_refused_and_reads_no_file(coops, tmp_path, declared):
    secret = tmp_path / "bi-mat.txt"
    secret.write_text("mật khẩu ngân hàng của HTX")
    doctype = f"<!DOCTYPE worksheet [{declared.format(secret=secret)}]>".encode()
    declaration, _, body = SHEET_START.partition(b"?>")
    entity_row = row_xml(tea_sku_row(200)).replace(b"CHE-TC-00200", b"&xxe;")
    path = workbook_with_sheet(tmp_path, "che-xxe.xlsx",
                               [declaration + b"?>" + doctype + body, row_xml(HEADER), entity_row, SHEET_END])
    report = import_file(coops, path)
    assert [(e.row, e.message) for e in report.errors] == [
        (0, "không đọc được tệp: tệp .xlsx khai báo DTD/thực thể XML, không được phép")]


def test_an_oversize_cell_is_named_by_its_row_and_column(coops, tmp_path):
    long_description = "Búp chè một tôm hai lá, sao tay trên chảo gang. " * 120
    path = write_file(tmp_path / "che.xlsx", [tea_row(), tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500",
                                                                    description=long_description)])
    report = import_file(coops, path)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "mô tả", f"ô dài {len(long_description)} ký tự, tối đa 5000")]


def test_a_price_above_one_billion_dong_is_a_row_error(coops, tmp_path):
    dear = tea_pack("CHE-TC-500", "Hộp 500g", "1.000.000.001 ₫", "500")
    path = write_file(tmp_path / "che.csv", [tea_row(), dear])
    report = import_file(coops, path)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (3, "giá bán", "giá quá cao: «1.000.000.001 ₫», tối đa 1.000.000.000 ₫")]


def test_a_nul_byte_in_a_product_name_is_a_row_error(coops, tmp_path):
    path = write_file(tmp_path / "che.csv", [tea_row(name="Chè búp Tân Cương\x00 đặc biệt")])
    report = import_file(coops, path)
    assert [(e.row, e.column, e.message) for e in report.errors] == [
        (2, "tên sản phẩm", "có ký tự điều khiển không được phép (U+0000)")]


def test_the_product_form_refuses_a_price_above_one_billion_dong_and_a_nul_byte(engine):
    seed_two_coops(engine)
    clerk = authenticate(engine, "tancuong", PASSWORD)
    typed = {"price": "2.000.000.000", "variant": "Gói\x00200g"}
    row = product_row(engine, clerk, "CHE-DB-200") | typed
    errors = save_product_row(engine, clerk, row)
    assert {e.column: e.message for e in errors} == {
        "price": "giá quá cao: «2.000.000.000», tối đa 1.000.000.000 ₫",
        "variant": "có ký tự điều khiển không được phép (U+0000)",
    }


# ---------------------------------------------------------------- a busy database


@pytest.fixture
def sqlite_with_a_sku(tmp_path):
    """A SQLite catalogue holding one SKU, and its URL."""
    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = init_database(url)
    add_coops(engine)
    assert import_file(engine, write_file(tmp_path / "che.xlsx", [tea_row()])).errors == []
    engine.dispose()
    return url


@pytest.fixture
def write_lock_held(tmp_path, sqlite_with_a_sku):
    """Another process's write transaction, open for as long as the test runs."""
    other = sqlite3.connect(tmp_path / "syndicator.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    yield sqlite_with_a_sku
    other.execute("ROLLBACK")
    other.close()


@pytest.mark.slow
@pytest.mark.parametrize("command", [
    ["stock", "adjust", "CHE-TC-200", "5", "--reason", "kiểm kê cuối tháng"],
    ["import", "che.xlsx"],
    ["sync"],
], ids=["stock-adjust", "import", "sync"])
def test_a_command_facing_a_held_write_lock_says_the_database_is_busy(write_lock_held, tmp_path, command):
    env = cli_env(write_lock_held, tmp_path, SYNDICATOR_SQLITE_BUSY_TIMEOUT_MS="200")
    write_file(tmp_path / "che.xlsx", [tea_row(price="125.000 ₫")])
    result = subprocess.run([sys.executable, "-m", "syndicator", *command], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert_refused(result, "cơ sở dữ liệu đang bận (một việc khác đang ghi), thử lại sau")


@pytest.mark.slow
def test_stock_adjust_of_an_unknown_sku_says_so_without_a_traceback(sqlite_with_a_sku, tmp_path):
    result = subprocess.run([sys.executable, "-m", "syndicator", "stock", "adjust", "CHE-KHONG-CO", "5",
                             "--reason", "kiểm kê"], cwd=ROOT, env=cli_env(sqlite_with_a_sku, tmp_path),
                            capture_output=True, text=True, timeout=120, check=False)
    assert_refused(result, "không có SKU «CHE-KHONG-CO»")


# ---------------------------------------------------------------- the app


@pytest.fixture
def app_temp(engine, database_url, monkeypatch, tmp_path):
    """The app on two co-ops' data, with its temporary files going to a folder of the test's own."""
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    folder = tmp_path / "tam"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    return folder


def test_the_app_refuses_an_inflating_workbook_and_keeps_no_copy_of_it(app_temp, engine, tmp_path):
    bomb = workbook_with_sheet(tmp_path, "che-bom.xlsx", inflating_sheet(megabytes=120))
    app = open_page(logged_in("tancuong"), "products")
    app.file_uploader(key="import_file").set_value(("che-bom.xlsx", bomb.read_bytes(), "application/zip"))
    app.run()
    assert not app.exception
    assert "tệp quá lớn: hơn 50 MB dữ liệu (tệp .xlsx tính khi giải nén)" in shown_text(app)
    assert list(app_temp.iterdir()) == []
    with session_scope(engine) as session:
        assert session.exec(select(Sku).where(Sku.sku == "CHE-TC-00001")).first() is None


def test_the_app_shows_broken_workbook_xml_as_a_message(app_temp):
    unclosed = "<row><c t='inlineStr'><is><t>Chè</t></is></c><row>".encode()
    broken = SHEET_START + row_xml(HEADER) + unclosed + SHEET_END
    app = open_page(logged_in("tancuong"), "products")
    path = workbook_with_sheet(app_temp.parent, "che-hong.xlsx", [broken])
    app.file_uploader(key="import_file").set_value(("che-hong.xlsx", path.read_bytes(), "application/zip"))
    app.run()
    assert not app.exception
    assert "XML trong tệp .xlsx bị hỏng" in shown_text(app)


def test_the_app_export_keeps_no_temporary_file(app_temp):
    app = open_page(logged_in("tancuong"), "products")
    app.button(key="export_now").click()
    app.run()
    assert not app.exception
    assert list(app_temp.iterdir()) == []
