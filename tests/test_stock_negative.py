"""Stock never goes below zero by a clerk's hand: a movement that would is refused, with the SKU, what is on hand
and what was asked, from the ledger, the command line and the app alike, and nothing is written."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import Sku, StockMovement
from catalog.stock import StockBelowZero, StockRefused, adjust_stock, stock_levels
from syndicator.cli import app as cli
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import seed_two_coops

TEA = "CHE-DB-200"  # 40 packs of Chè búp Tân Cương đặc biệt, Gói 200g, received


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def tea_id(engine) -> int:
    with session_scope(engine) as session:
        return session.execute(sa.select(Sku.id).where(Sku.sku == TEA)).scalar_one()


def ledger(engine) -> list[tuple]:
    with session_scope(engine) as session:
        return session.execute(sa.select(StockMovement.sku_id, StockMovement.kind, StockMovement.quantity,
                                         StockMovement.note).order_by(StockMovement.id)).all()


def on_hand(engine) -> int:
    sku_id = tea_id(engine)
    with session_scope(engine) as session:
        return stock_levels(session, [sku_id])[sku_id].on_hand


def test_the_ledger_refuses_taking_more_than_is_on_hand_naming_the_sku_and_both_numbers(seeded):
    before = ledger(seeded)

    with pytest.raises(StockBelowZero) as refused, session_scope(seeded) as session:
        adjust_stock(session, tea_id(seeded), -500, "kiểm kho cuối năm", actor="tancuong")

    assert str(refused.value) == ("SKU CHE-DB-200: không thể trừ 500 vì trong kho chỉ còn 40; "
                                  "tồn kho không được âm, không ghi gì")
    assert ledger(seeded) == before


def test_taking_exactly_what_is_on_hand_leaves_zero(seeded):
    with session_scope(seeded) as session:
        level = adjust_stock(session, tea_id(seeded), -40, "mốc hết cả lô", actor="tancuong")
    assert level.on_hand == 0


def test_an_adjustment_without_a_reason_is_refused_and_records_nothing(seeded):
    before = ledger(seeded)
    with pytest.raises(StockRefused, match="lý do: cần ghi lý do"), session_scope(seeded) as session:
        adjust_stock(session, tea_id(seeded), -2, "   ", actor="tancuong")
    assert ledger(seeded) == before


def test_two_clerks_taking_stock_at_once_cannot_together_go_below_zero(seeded):
    """The second waits for the first's transaction (the SKU is locked before the ledger is read), then sees
    the 10 packs left and is refused; without the lock both would see 40 and leave −20."""
    sku_id = tea_id(seeded)
    second: list[BaseException | None] = []

    def second_clerk() -> None:
        try:
            with session_scope(seeded) as session:
                adjust_stock(session, sku_id, -30, "xuất cho đại lý Sông Công", actor="vonhai-kho")
            second.append(None)
        except StockRefused as refused:
            second.append(refused)

    with session_scope(seeded) as session:
        adjust_stock(session, sku_id, -30, "xuất cho đại lý Phổ Yên", actor="tancuong")
        racer = threading.Thread(target=second_clerk)
        racer.start()
        racer.join(timeout=1.0)  # it cannot finish while the first transaction holds the SKU
        assert racer.is_alive()
    racer.join(timeout=30)

    assert isinstance(second[0], StockBelowZero) and "trong kho chỉ còn 10" in str(second[0])
    assert on_hand(seeded) == 10


def test_the_command_line_refuses_it_with_exit_code_2_and_records_nothing(seeded, database_url, tmp_path):
    before = ledger(seeded)
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path / "data"),
           "COLUMNS": "200", "SYNDICATOR_LANG": "vi"}

    result = CliRunner().invoke(cli, ["stock", "adjust", TEA, "-500", "--reason", "kiểm kho"], env=env)

    assert result.exit_code == 2
    assert "SKU CHE-DB-200: không thể trừ 500 vì trong kho chỉ còn 40" in result.stderr
    assert ledger(seeded) == before


def test_the_app_refuses_it_with_the_message_and_records_nothing(seeded):
    before = ledger(seeded)
    app = open_page(logged_in("tancuong"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()

    app.number_input(key="stock_quantity").set_value(-500)
    app.text_input(key="stock_reason").input("kiểm kho cuối năm")
    next(b for b in app.button if b.label == "Ghi sổ kho").click()
    app.run()

    assert [e.value.replace("\\", "") for e in app.error] == [  # plain() escapes the colons
        "Không ghi: SKU CHE-DB-200: không thể trừ 500 vì trong kho chỉ còn 40; tồn kho không được âm, không ghi gì"]
    assert "Đã ghi" not in shown_text(app)
    assert ledger(seeded) == before
