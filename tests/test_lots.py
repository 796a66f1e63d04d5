"""A product's lots (lô): added with their dates checked, listed, and named by a stock receipt."""

from __future__ import annotations

import json
import unicodedata
from datetime import date

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.importer import import_file
from catalog.lots import LotError, add_lot, list_lots
from catalog.models import Lot, Sku, StockMovement
from catalog.stock import StockRefused, adjust_stock
from syndicator.cli import app
from tests.support.catalog import TEA_COOP, add_coops, honey_row, tea_row, write_file

MAI = "Hộ bà Lê Thị Mai, xóm Hồng Thái"


@pytest.fixture
def catalog(engine, tmp_path):
    """The Tân Cương tea (shelf life 365 days) and the Võ Nhai honey (no shelf life)."""
    add_coops(engine)
    path = write_file(tmp_path / "danh-muc.xlsx", [tea_row(shelf_life_days="365"), honey_row(shelf_life_days="")])
    assert import_file(engine, path).ok
    return engine


def tea_lot(**changes):
    return {"coop_code": TEA_COOP, "product_code": "CHE-BUP-DB", "code": "TC-2611-01", "produced_on": "20/11/2026",
            "notes": MAI} | changes


@pytest.fixture
def run(database_url, tmp_path):
    runner = CliRunner()
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path / "data"),
           "COLUMNS": "200", "SYNDICATOR_LANG": "vi"}
    return lambda *args: runner.invoke(app, list(args), env=env)


def test_a_lot_without_expiry_expires_after_the_products_shelf_life(catalog):
    with session_scope(catalog) as session:
        lot = add_lot(session, tea_lot())
        assert (lot.code, lot.produced_on, lot.expires_on) == ("TC-2611-01", date(2026, 11, 20), date(2027, 11, 20))
        assert lot.notes == MAI


def test_a_given_expiry_wins_over_the_shelf_life(catalog):
    with session_scope(catalog) as session:
        lot = add_lot(session, tea_lot(produced_on="2026-11-20", expires_on="20/05/2027"))
        assert lot.expires_on == date(2027, 5, 20)


def test_a_product_without_shelf_life_gets_a_lot_without_expiry(catalog):
    with session_scope(catalog) as session:
        lot = add_lot(session, {"coop_code": "HTX-VONHAI", "product_code": "MAT-ONG-RUNG", "code": "MO-2610",
                                "produced_on": "15/10/2026", "quantity": "120"})
        assert (lot.expires_on, lot.quantity) == (None, 120)


def test_notes_typed_decomposed_are_stored_composed(catalog):
    with session_scope(catalog) as session:
        lot = add_lot(session, tea_lot(notes=unicodedata.normalize("NFD", MAI)))
        assert lot.notes == MAI


def test_every_bad_field_is_named_with_its_problem_in_vietnamese(catalog):
    with session_scope(catalog) as session, pytest.raises(LotError) as refused:
        add_lot(session, tea_lot(code="TC 2611", produced_on="31/11/2026", quantity="-5", notes="x" * 501))
    message = str(refused.value)
    assert "mã lô: mã lô «TC 2611» chỉ được gồm chữ A–Z" in message
    assert "ngày sản xuất: «31/11/2026» không phải ngày" in message
    assert "số lượng: «-5» không phải số nguyên không âm" in message
    assert "ghi chú: dài quá 500 ký tự" in message
    assert [e.column for e in refused.value.errors] == ["code", "produced_on", "quantity", "notes"]


def test_the_same_refusal_reads_in_english(catalog):
    with session_scope(catalog) as session, pytest.raises(LotError) as refused:
        add_lot(session, tea_lot(code="TC/2611", expires_on="01/11/2026"), lang="en")
    assert str(refused.value) == "expiry date: the expiry date 01/11/2026 is before the production date 20/11/2026"


def test_a_lot_code_is_unique_within_its_product_only(catalog):
    with session_scope(catalog) as session:
        add_lot(session, tea_lot())
        with pytest.raises(LotError, match="sản phẩm «CHE-BUP-DB» đã có lô «TC-2611-01»"):
            add_lot(session, tea_lot(code="tc-2611-01", produced_on="21/11/2026"))
        add_lot(session, {"coop_code": "HTX-VONHAI", "product_code": "MAT-ONG-RUNG", "code": "TC-2611-01",
                          "produced_on": "20/11/2026"})
        assert session.execute(sa.select(sa.func.count()).select_from(Lot)).scalar() == 2


def test_a_lot_of_a_product_the_coop_does_not_have_is_refused(catalog):
    with session_scope(catalog) as session, pytest.raises(LotError) as refused:
        add_lot(session, tea_lot(coop_code="HTX-VONHAI"))
    assert str(refused.value) == "mã sản phẩm: HTX «HTX-VONHAI» không có sản phẩm «CHE-BUP-DB»"


def test_lots_are_listed_per_coop_and_product_newest_first(catalog):
    with session_scope(catalog) as session:
        add_lot(session, tea_lot())
        add_lot(session, tea_lot(code="TC-2612-01", produced_on="01/12/2026"))
        add_lot(session, {"coop_code": "HTX-VONHAI", "product_code": "MAT-ONG-RUNG", "code": "MO-2610",
                          "produced_on": "15/10/2026"})
        assert [lot["code"] for lot in list_lots(session, coop_code="htx-tancuong")] == ["TC-2612-01", "TC-2611-01"]
        assert [lot["code"] for lot in list_lots(session, product_code="MAT-ONG-RUNG")] == ["MO-2610"]


def test_lots_add_on_the_command_line_takes_a_vietnamese_date(run, catalog):
    added = run("lots", "add", "--coop", "htx-tancuong", "--product", "che-bup-db", "--code", "TC-2611-01",
                "--produced", "20/11/2026", "--quantity", "300", "--notes", MAI)
    assert added.exit_code == 0, added.output
    assert "Đã thêm lô TC-2611-01 của CHE-BUP-DB: sản xuất 20/11/2026, hạn dùng 20/11/2027" in added.stdout
    listed = json.loads(run("lots", "list", "--coop", TEA_COOP, "--json").stdout)
    assert [(lot["code"], lot["produced_on"], lot["expires_on"], lot["quantity"], lot["notes"]) for lot in listed] == [
        ("TC-2611-01", "2026-11-20", "2027-11-20", 300, MAI)]
    assert "TC-2611-01" in run("lots", "list", "--product", "CHE-BUP-DB").stdout


def test_lots_add_with_a_bad_date_exits_1_naming_the_field(run, catalog):
    result = run("lots", "add", "--coop", TEA_COOP, "--product", "CHE-BUP-DB", "--code", "TC-2611-01",
                 "--produced", "20-11-26")
    assert result.exit_code == 1
    assert "ngày sản xuất: «20-11-26» không phải ngày" in result.stderr
    with session_scope(catalog) as session:
        assert list_lots(session) == []


def _receipts(engine):
    with session_scope(engine) as session:
        return session.execute(
            sa.select(Sku.sku, StockMovement.quantity, Lot.code).join(Sku, Sku.id == StockMovement.sku_id)
            .outerjoin(Lot, Lot.id == StockMovement.lot_id).where(StockMovement.kind == "receipt",
                                                                  StockMovement.source.like("manual:%"))
        ).all()


def test_a_receipt_on_the_command_line_names_its_lot(run, catalog):
    with session_scope(catalog) as session:
        add_lot(session, tea_lot())
    result = run("stock", "adjust", "CHE-TC-200", "40", "--reason", "chè lô mới về", "--receipt", "--lot", "tc-2611-01")
    assert result.exit_code == 0, result.output
    assert _receipts(catalog) == [("CHE-TC-200", 40, "TC-2611-01")]


def test_a_receipt_naming_another_products_lot_is_refused_and_records_nothing(run, catalog):
    with session_scope(catalog) as session:
        add_lot(session, {"coop_code": "HTX-VONHAI", "product_code": "MAT-ONG-RUNG", "code": "MO-2610",
                          "produced_on": "15/10/2026"})
    result = run("stock", "adjust", "CHE-TC-200", "40", "--reason", "hàng về", "--receipt", "--lot", "MO-2610")
    assert result.exit_code == 1
    assert "sản phẩm «CHE-BUP-DB» của SKU CHE-TC-200 không có lô «MO-2610»" in result.stderr
    assert _receipts(catalog) == []


def test_only_a_receipt_may_name_a_lot(run, catalog):
    with session_scope(catalog) as session:
        add_lot(session, tea_lot())
    result = run("stock", "adjust", "CHE-TC-200", "-3", "--reason", "gói rách", "--lot", "TC-2611-01")
    assert result.exit_code == 1 and "chỉ lần nhập kho (--receipt) mới ghi lô" in result.stderr


def test_the_ledger_refuses_a_lot_id_of_another_product(catalog):
    with session_scope(catalog) as session:
        honey = add_lot(session, {"coop_code": "HTX-VONHAI", "product_code": "MAT-ONG-RUNG", "code": "MO-2610",
                                  "produced_on": "15/10/2026"})
        tea_sku = session.execute(sa.select(Sku.id).where(Sku.sku == "CHE-TC-200")).scalar_one()
        with pytest.raises(StockRefused, match="không có lô «MO-2610»"):
            adjust_stock(session, tea_sku, 40, "hàng về", receipt=True, lot_id=honey.id)
    assert _receipts(catalog) == []
