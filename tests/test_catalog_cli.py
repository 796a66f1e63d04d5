"""``syndicator coops``, ``import``, ``export`` and ``stock`` as an operator runs them."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from syndicator.cli import app
from tests.support.catalog import TEA_COOP, catalog_state, on_hand, tea_pack, tea_row, write_file


@pytest.fixture
def run(database_url, engine, tmp_path):
    """Run a ``syndicator`` command against the test database; returns the click result."""
    runner = CliRunner()
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path / "data"),
           "COLUMNS": "200", "SYNDICATOR_LANG": "vi"}

    def invoke(*args: str):
        return runner.invoke(app, list(args), env=env)

    return invoke


@pytest.fixture
def tea_coop(run):
    result = run("coops", "add", "htx-tancuong", "--name", "Hợp tác xã Chè Tân Cương", "--commune", "tan cuong")
    assert result.exit_code == 0, result.output
    return TEA_COOP


def test_coops_add_stores_the_official_commune_and_list_shows_it(run, tea_coop):
    listed = run("coops", "list")
    assert listed.exit_code == 0
    assert "HTX-TANCUONG" in listed.stdout and "Xã Tân Cương" in listed.stdout


def test_coops_add_refuses_a_taken_code_or_an_unknown_commune(run, tea_coop):
    taken = run("coops", "add", "HTX-TANCUONG", "--name", "Hợp tác xã khác")
    assert taken.exit_code == 1 and "mã HTX «HTX-TANCUONG» đã có" in taken.stderr
    nowhere = run("coops", "add", "HTX-SAPA", "--name", "Hợp tác xã Sa Pa", "--commune", "Tả Van")
    assert nowhere.exit_code == 1 and "Tả Van" in nowhere.stderr


def test_import_of_a_bad_file_exits_1_lists_every_error_and_writes_nothing(run, tea_coop, engine, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [
        tea_row(price="liên hệ"),
        tea_pack("CHE-TC-500", "Hộp 500g", "280000", "nặng"),
    ])
    before = catalog_state(engine)
    result = run("import", str(path))
    assert result.exit_code == 1
    assert "«liên hệ» không phải số tiền" in result.stderr
    assert "khối lượng «nặng» không đọc được" in result.stderr
    assert "2 dòng lỗi, 2 lỗi; không nhập dòng nào" in result.stderr
    assert catalog_state(engine) == before


def test_import_dry_run_shows_the_changes_and_writes_nothing(run, tea_coop, engine, tmp_path):
    path = write_file(tmp_path / "che.csv", [tea_row(coop_code="")])
    before = catalog_state(engine)
    result = run("import", str(path), "--coop", TEA_COOP, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "CHE-TC-200" in result.stdout and "chạy thử, chưa ghi gì" in result.stdout
    assert catalog_state(engine) == before


def test_import_then_export_then_import_changes_nothing(run, tea_coop, engine, tmp_path):
    path = write_file(tmp_path / "che.xlsx", [tea_row(), tea_pack("CHE-TC-500", "Hộp 500g", "280000", "500")])
    first = run("import", str(path))
    assert first.exit_code == 0, first.output
    assert "2 SKU mới" in first.stdout
    exported = run("export", str(tmp_path / "xuat.xlsx"), "--coop", TEA_COOP)
    assert exported.exit_code == 0 and "Đã xuất 2 dòng" in exported.stdout
    again = run("import", str(tmp_path / "xuat.xlsx"))
    assert again.exit_code == 0 and "2 dòng không đổi" in again.stdout


def test_stock_adjust_records_a_receipt_or_a_correction_and_show_lists_it(run, tea_coop, engine, tmp_path):
    assert run("import", str(write_file(tmp_path / "che.xlsx", [tea_row()]))).exit_code == 0
    received = run("stock", "adjust", "che-tc-200", "20", "--reason", "hàng về", "--receipt")
    assert received.exit_code == 0 and "tồn 70" in received.stdout
    corrected = run("stock", "adjust", "CHE-TC-200", "-3", "--reason", "gói rách")
    assert corrected.exit_code == 0, corrected.output
    assert on_hand(engine, "CHE-TC-200") == 67
    shown = run("stock", "show", "--coop", TEA_COOP)
    assert shown.exit_code == 0 and "CHE-TC-200" in shown.stdout and "67" in shown.stdout


def test_stock_adjust_refuses_to_take_more_than_is_on_hand_and_records_nothing(run, tea_coop, engine, tmp_path):
    assert run("import", str(write_file(tmp_path / "che.xlsx", [tea_row()]))).exit_code == 0

    refused = run("stock", "adjust", "CHE-TC-200", "-500", "--reason", "kiểm kho")

    assert refused.exit_code == 2
    assert "SKU CHE-TC-200: không thể trừ 500 vì trong kho chỉ còn 50" in refused.output
    assert on_hand(engine, "CHE-TC-200") == 50


def test_stock_adjust_refuses_an_unknown_sku_or_a_negative_receipt(run, tea_coop):
    assert run("stock", "adjust", "KHONG-CO", "5", "--reason", "thử").exit_code == 1
    assert run("stock", "adjust", "KHONG-CO", "-5", "--reason", "thử", "--receipt").exit_code == 1


def test_errors_are_in_english_when_the_operator_asks(database_url, engine, tmp_path):
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_LANG": "en", "COLUMNS": "200"}
    path = write_file(tmp_path / "che.csv", [tea_row(price="liên hệ")], lang="en")
    result = CliRunner().invoke(app, ["import", str(path)], env=env)
    assert result.exit_code == 1
    assert "«liên hệ» is not an amount of money" in result.stderr
    assert "1 bad rows, 1 errors; nothing was imported" in result.stderr


def test_coops_add_with_a_commune_typed_without_marks_that_fits_two_asks_which(run):
    result = run("coops", "add", "HTX-VANLANG", "--name", "Hợp tác xã Văn Lăng", "--commune", "Van Lang")
    assert result.exit_code == 1
    assert "khớp nhiều xã/phường" in result.stderr and "Xã Văn Lăng" in result.stderr
