"""The Tồn kho page: each SKU's stock and what each shop shows, one SKU's ledger in words (what, from where, who,
when, why), receipts and adjustments with a reason from the app and the command line; clerks record for their own
co-op only, officers read every co-op's."""

from __future__ import annotations

import getpass
import re

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.lots import add_lot
from catalog.models import ChannelAccount, ListingVariant, MovementKind, Sku, StockMovement
from catalog.stock import order_line_source, record_movement
from syndicator.access.roles import AccessDenied
from syndicator.access.stock import record_stock, sku_ledger, stock_rows
from syndicator.cli import app as cli
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import TAN_CUONG, VO_NHAI, login, seed_two_coops

TEA = "CHE-DB-200"  # Chè búp Tân Cương đặc biệt, Gói 200g: 40 received, 2 sold on Shopee (order still open)
VIETNAM_TIME = re.compile(r"^\d\d/\d\d/\d{4} \d\d:\d\d$")


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    """The two co-ops of the app's tests; Shopee was last sent 38 packs of the tea and its order SP-240001 took 2."""
    seed_two_coops(engine)
    with session_scope(engine) as session:
        tea = session.execute(sa.select(Sku.id).where(Sku.sku == TEA)).scalar_one()
        shopee = session.execute(sa.select(ChannelAccount.id).where(ChannelAccount.shop_id == "100001")).scalar_one()
        session.execute(sa.update(ListingVariant).where(ListingVariant.channel_account_id == shopee)
                        .values(pushed_stock=38))
        record_movement(session, tea, MovementKind.sale, -2, order_line_source(shopee, "SP-240001", "1", "sale"),
                        "đơn Shopee")
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def history(app) -> list[dict[str, str]]:
    """The ledger table the page shows, newest first, as records of its Vietnamese headings."""
    frame = next(f.value for f in app.dataframe if "Nguồn" in f.value.columns)
    return frame.astype(str).to_dict("records")


def record_in_the_app(app, quantity: int, reason: str, receipt: bool = False, lot: str | None = None):
    if receipt:
        app.radio(key="stock_kind").set_value("receipt")
    if lot:
        app.selectbox(key="stock_lot").set_value(lot)
    app.number_input(key="stock_quantity").set_value(quantity)
    app.text_input(key="stock_reason").input(reason)
    next(b for b in app.button if b.label == "Ghi sổ kho").click()
    app.run()
    return app


def test_each_sku_shows_on_hand_reserved_available_and_what_each_shop_shows(seeded):
    page = stock_rows(seeded, login(seeded, "tancuong"))

    tea = next(row for row in page.rows if row["sku"] == TEA)
    assert (tea["on_hand"], tea["reserved"], tea["available"]) == (40, 2, 38)
    assert [(shop["marketplace"], shop["shown"]) for shop in tea["shops"]] == [("Shopee", 38), ("Voso", None)]


def test_the_page_shows_the_levels_and_the_shops_in_words(seeded):
    app = open_page(logged_in("tancuong"), "stock")

    levels = next(f.value for f in app.dataframe if "SKU" in f.value.columns)
    tea = levels[levels["SKU"] == TEA].iloc[0]
    assert (tea["Tồn kho"], tea["Đang giữ cho đơn"], tea["Còn bán được"]) == (40, 2, 38)
    assert tea["Các sàn đang hiển thị"] == "Shopee: 38 · Voso: chưa gửi"
    assert set(levels["SKU"]) == {TEA, "CHE-NT-100"}  # never Võ Nhai's honey


def test_a_sale_is_shown_as_its_order_on_its_marketplace_recorded_by_the_system(seeded):
    app = open_page(logged_in("tancuong"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()

    sale = history(app)[0]
    assert (sale["Loại"], sale["Số lượng"], sale["Nguồn"], sale["Người ghi"]) == (
        "Bán", "−2", "Đơn SP-240001 · Shopee", "hệ thống")
    assert VIETNAM_TIME.match(sale["Thời gian"])


def test_a_clerk_records_a_receipt_with_its_lot_and_sees_it_in_the_history(seeded):
    with session_scope(seeded) as session:
        add_lot(session, {"coop_code": TAN_CUONG, "product_code": "CHE-DB", "code": "TC-2611-01",
                          "produced_on": "20/11/2026"})
    app = open_page(logged_in("tancuong"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()

    record_in_the_app(app, 24, "hàng về từ đồi chè xóm Hồng Thái", receipt=True, lot="TC-2611-01")

    assert "Đã ghi. CHE-DB-200: tồn 64, đang giữ 2, còn bán được 62." in shown_text(app).replace("\\", "")
    latest = history(app)[0]
    assert (latest["Loại"], latest["Số lượng"], latest["Nguồn"], latest["Người ghi"], latest["Lý do / ghi chú"],
            latest["Lô"]) == ("Nhập kho", "+24", "Nhập kho", "tancuong", "hàng về từ đồi chè xóm Hồng Thái",
                              "TC-2611-01")
    levels = next(f.value for f in app.dataframe if "SKU" in f.value.columns)
    assert levels.set_index("SKU").loc[TEA, "Tồn kho"] == 64


def test_a_clerk_records_an_adjustment_with_its_reason_and_sees_it_in_the_history(seeded):
    app = open_page(logged_in("tancuong"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()

    record_in_the_app(app, -3, "3 gói rách khi đóng thùng")

    latest = history(app)[0]
    assert (latest["Loại"], latest["Số lượng"], latest["Nguồn"], latest["Người ghi"], latest["Lý do / ghi chú"]) == (
        "Điều chỉnh", "−3", "Điều chỉnh", "tancuong", "3 gói rách khi đóng thùng")


def test_an_adjustment_without_a_reason_is_refused_in_the_app_and_records_nothing(seeded):
    app = open_page(logged_in("tancuong"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()

    record_in_the_app(app, -3, "")

    assert [e.value.replace("\\", "") for e in app.error] == ["Không ghi: lý do: cần ghi lý do nhập kho hoặc điều chỉnh"]
    assert len(history(app)) == 2  # the opening receipt and the sale


def test_receipts_and_adjustments_from_the_command_line_record_who_ran_them(seeded, database_url, tmp_path):
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path / "data"),
           "SYNDICATOR_LANG": "vi"}
    runner = CliRunner()
    received = runner.invoke(cli, ["stock", "adjust", TEA, "20", "--reason", "hàng về", "--receipt"], env=env)
    corrected = runner.invoke(cli, ["stock", "adjust", TEA, "-1", "--reason", "gói mẫu tặng khách"], env=env)
    assert (received.exit_code, corrected.exit_code) == (0, 0), received.output + corrected.output

    moves = sku_ledger(seeded, login(seeded, "tancuong"), TEA)["movements"]
    assert [(m["kind"], m["quantity"], m["source"], m["actor"], m["note"]) for m in moves[:2]] == [
        ("adjustment", -1, "manual", f"cli:{getpass.getuser()}", "gói mẫu tặng khách"),
        ("receipt", 20, "manual", f"cli:{getpass.getuser()}", "hàng về"),
    ]
    app = open_page(logged_in("tancuong"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()
    assert history(app)[0]["Người ghi"] == f"dòng lệnh ({getpass.getuser()})"


def test_a_clerk_cannot_see_or_touch_another_coops_sku(seeded):
    tea_clerk = login(seeded, "tancuong")

    with pytest.raises(AccessDenied):
        record_stock(seeded, tea_clerk, "MO-VN-500", 10, "hàng về", receipt=True)
    with pytest.raises(AccessDenied):
        sku_ledger(seeded, tea_clerk, "MO-VN-500")
    with pytest.raises(AccessDenied):
        stock_rows(seeded, tea_clerk, coop_code=VO_NHAI)
    with session_scope(seeded) as session:
        assert session.execute(sa.select(sa.func.count()).select_from(StockMovement)
                               .where(StockMovement.actor.is_not(None))).scalar_one() == 0


def test_an_officer_reads_every_coop_with_a_coop_filter_and_cannot_record(seeded):
    officer = login(seeded, "canbo")

    assert {row["sku"] for row in stock_rows(seeded, officer).rows} == {TEA, "CHE-NT-100", "MO-VN-500"}
    assert {row["sku"] for row in stock_rows(seeded, officer, coop_code=VO_NHAI).rows} == {"MO-VN-500"}
    assert sku_ledger(seeded, officer, "MO-VN-500")["total"] == 1
    with pytest.raises(AccessDenied):
        record_stock(seeded, officer, "MO-VN-500", 10, "hàng về", receipt=True)


def test_the_officers_page_has_a_coop_filter_and_no_form(seeded):
    app = open_page(logged_in("canbo"), "stock")
    app.selectbox(key="stock_coop").set_value(VO_NHAI).run()

    assert "Bạn chỉ có quyền xem." in shown_text(app)
    assert not [b for b in app.button if b.label == "Ghi sổ kho"]
    levels = next(f.value for f in app.dataframe if "SKU" in f.value.columns)
    assert list(levels["SKU"]) == ["MO-VN-500"]
    assert history(app)[0]["Loại"] == "Nhập kho"


def test_search_by_product_name_or_sku_and_paging(seeded):
    clerk = login(seeded, "tancuong")

    assert [row["sku"] for row in stock_rows(seeded, clerk, query="nõn tôm").rows] == ["CHE-NT-100"]
    assert [row["sku"] for row in stock_rows(seeded, clerk, query="che-db").rows] == [TEA]
    first = stock_rows(seeded, clerk, limit=1)
    second = stock_rows(seeded, clerk, offset=1, limit=1)
    assert (first.total, len(first.rows), len(second.rows)) == (2, 1, 1)
    assert first.rows[0]["sku"] != second.rows[0]["sku"]


def test_a_sku_with_few_left_to_sell_is_marked_running_low(seeded):
    clerk = login(seeded, "tancuong")
    record_stock(seeded, clerk, "CHE-NT-100", -8, "hút ẩm, bỏ 8 hộp")  # 12 → 4

    low = {row["sku"]: row["low"] for row in stock_rows(seeded, clerk).rows}
    assert low == {TEA: False, "CHE-NT-100": True}
    app = open_page(logged_in("tancuong"), "stock")
    levels = next(f.value for f in app.dataframe if "SKU" in f.value.columns)
    assert levels.set_index("SKU").loc["CHE-NT-100", "Cảnh báo"] == "Sắp hết"


def test_the_product_form_no_longer_overwrites_stock_and_points_to_the_stock_page(seeded):
    app = open_page(logged_in("tancuong"), "products")
    app.text_input(key="edit_sku").input(TEA).run()

    assert f"field_{TEA}_stock" not in [w.key for w in app.text_input]
    assert "ở trang Tồn kho" in shown_text(app)


def test_the_page_speaks_english_when_asked(seeded):
    app = open_page(logged_in("tancuong", lang="en"), "stock")
    app.selectbox(key="stock_sku").set_value(TEA).run()

    sale = next(f.value for f in app.dataframe if "Source" in f.value.columns).astype(str).iloc[0]
    assert (sale["Movement"], sale["Source"], sale["Recorded by"]) == ("Sale", "Order SP-240001 · Shopee", "system")
    assert any(b.label == "Record" for b in app.button)
