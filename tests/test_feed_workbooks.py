"""The spreadsheet feed for shops on floors without API access: full and changes-only workbooks."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from adapters.partner.feed import HEADERS_VI, FeedError, fold_accents, read_feed, write_feed
from adapters.postmart import PROFILE as POSTMART
from adapters.voso import PROFILE as VOSO
from catalog.categories import ensure_categories
from catalog.coops import add_coop
from catalog.db import session_scope
from catalog.models import Product, Role, Sku
from catalog.stock import record_movement
from syndicator.access.shops import channels
from syndicator.channels import connect_feed
from syndicator.engine import run_sync
from syndicator.users import add_user
from tests.support.partner import feed_row
from tests.support.sandboxes import stored_picture

AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
SHOP = 7  # our channel account id of the shop


def catalogue() -> list:
    return [
        feed_row("TN-CHE-200G"),
        feed_row("TN-CHE-500G", name_vi="Chè búp Tân Cương đặc biệt hộp 500g", price_vnd=280000, net_qty=500),
        feed_row("VN-MAT-ONG-500", name_vi="Mật ong rừng Võ Nhai", category="Mật ong", unit="Chai", net_qty=500,
                 net_unit="ml", price_vnd=250000, stock=25, weight_g=700, cooperative_name="HTX Mật ong Võ Nhai"),
        feed_row("NR-MIEN-500", name_vi="Miến dong Na Rì loại 1", category="Thực phẩm khô", price_vnd=65000,
                 stock=120, weight_g=520, ocop_stars=3, ocop_valid_to=date(2027, 6, 30)),
    ]


def sheet_rows(path: Path) -> list[dict]:
    sheet = load_workbook(path).active
    lines = list(sheet.iter_rows(values_only=True))
    return [dict(zip(lines[0], line, strict=True)) for line in lines[1:]]


def test_the_full_workbook_opens_and_carries_every_sku_once(tmp_path: Path):
    files = write_feed(VOSO, SHOP, catalogue(), [], tmp_path, at=AT)

    rows = sheet_rows(files.full_path)

    assert sorted(row["Mã SKU"] for row in rows) == sorted(["TN-CHE-200G", "TN-CHE-500G", "VN-MAT-ONG-500", "NR-MIEN-500"])
    honey = next(row for row in rows if row["Mã SKU"] == "VN-MAT-ONG-500")
    assert (honey["Giá bán (đồng)"], honey["Tồn kho"], honey["Khối lượng (g)"]) == (250000, 25, 700)


def test_headers_are_vietnamese_in_the_column_set_of_the_reference(tmp_path: Path):
    files = write_feed(POSTMART, SHOP, catalogue(), [], tmp_path, at=AT)

    header = [cell.value for cell in load_workbook(files.full_path).active[1]]

    assert header == [HEADERS_VI[column] for column in POSTMART.feed_columns]
    assert header[:4] == ["Mã sản phẩm trên sàn", "Mã SKU", "Tên sản phẩm", "Tên không dấu"]
    assert len(header) == 30


def test_the_changes_workbook_holds_exactly_the_changed_rows(tmp_path: Path):
    rows = catalogue()
    repriced = rows[1].model_copy(update={"price_vnd": 295000})
    restocked = rows[3].model_copy(update={"stock": 80})
    everything = [rows[0], repriced, rows[2], restocked]

    files = write_feed(VOSO, SHOP, everything, [repriced, restocked], tmp_path, at=AT)

    changes = sheet_rows(files.changes_path)
    assert [(row["Mã SKU"], row["Giá bán (đồng)"], row["Tồn kho"]) for row in changes] == [
        ("TN-CHE-500G", 295000, 40), ("NR-MIEN-500", 65000, 80)
    ]
    assert len(sheet_rows(files.full_path)) == 4


def test_nothing_changed_gives_a_changes_workbook_with_headers_only(tmp_path: Path):
    files = write_feed(VOSO, SHOP, catalogue(), [], tmp_path, at=AT)

    assert sheet_rows(files.changes_path) == []


def test_files_are_named_for_floor_shop_id_and_time(tmp_path: Path):
    files = write_feed(VOSO, SHOP, catalogue(), [], tmp_path / "feeds", at=AT)

    assert files.full_path == tmp_path / "feeds" / "voso-gian-hang-7-20261128-020000-day-du.xlsx"
    assert files.changes_path.name == "voso-gian-hang-7-20261128-020000-thay-doi.xlsx"


def test_values_that_look_like_formulas_stay_text(tmp_path: Path):
    tricky = feed_row("TN-CHE-200G", name_vi="=HYPERLINK(\"http://x.vn\",\"Chè\")", storage="+84 giữ khô",
                      description_html="-- Chè ngon --", cooperative_name="@HTX Tân Cương")

    files = write_feed(VOSO, SHOP, [tricky], [], tmp_path, at=AT)

    sheet = load_workbook(files.full_path).active
    header = [cell.value for cell in sheet[1]]
    for column, expected in (("Tên sản phẩm", tricky.name_vi), ("Bảo quản", "+84 giữ khô"),
                             ("Mô tả", "-- Chè ngon --"), ("Tên hợp tác xã", "@HTX Tân Cương")):
        cell = sheet.cell(row=2, column=header.index(column) + 1)
        assert (cell.value, cell.data_type, cell.quotePrefix) == (expected, "s", True)


def test_the_ascii_name_is_folded_from_the_vietnamese_name(tmp_path: Path):
    files = write_feed(VOSO, SHOP, [feed_row(name_vi="Đặc sản Miến dong Na Rì")], [], tmp_path, at=AT)

    [row] = sheet_rows(files.full_path)

    assert row["Tên không dấu"] == "Dac san Mien dong Na Ri"
    assert fold_accents("Chè búp Tân Cương") == "Che bup Tan Cuong"


def test_a_sku_listed_twice_is_refused_naming_the_row(tmp_path: Path):
    rows = [feed_row("TN-CHE-200G"), feed_row("TN-CHE-500G"), feed_row("TN-CHE-200G")]

    with pytest.raises(FeedError) as refused:
        write_feed(VOSO, SHOP, rows, [], tmp_path, at=AT)

    assert refused.value.problems == [
        {"row": 4, "field": "sku", "message": "mã SKU TN-CHE-200G lặp lại trong bảng đầy đủ"}
    ]
    assert list(tmp_path.iterdir()) == []


def test_a_changed_row_missing_from_the_full_list_is_refused(tmp_path: Path):
    with pytest.raises(FeedError, match="TN-KHONG-CO"):
        write_feed(VOSO, SHOP, catalogue(), [feed_row("TN-KHONG-CO")], tmp_path, at=AT)


def test_a_written_feed_reads_back_to_the_same_rows(tmp_path: Path):
    rows = catalogue()
    files = write_feed(VOSO, SHOP, rows, [], tmp_path, at=AT)

    again = read_feed(files.full_path.read_bytes())

    expected = [row.model_copy(update={"name_ascii": fold_accents(row.name_vi)}) for row in rows]
    assert again == expected


def test_reading_a_feed_reports_every_bad_row(tmp_path: Path):
    files = write_feed(VOSO, SHOP, catalogue(), [], tmp_path, at=AT)
    book = load_workbook(files.full_path)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    sheet.cell(row=3, column=header.index("Giá bán (đồng)") + 1).value = "một trăm nghìn"
    sheet.cell(row=5, column=header.index("Tồn kho") + 1).value = -3
    book.save(files.full_path)

    with pytest.raises(FeedError) as refused:
        read_feed(files.full_path.read_bytes())

    assert [(p["row"], p["field"]) for p in refused.value.problems] == [(3, "price_vnd"), (5, "stock")]


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(FeedError, match="không đọc được bảng tính"):
        read_feed(b"ma_sku,gia\nTN-CHE-200G,120000\n")


def seed_honey_coop(engine, code: str, sku: str) -> None:
    """A honey co-op with one pack of its own, under ``code``."""
    with session_scope(engine) as session:
        coop = add_coop(session, code, f"HTX Mật ong {code}")
        product = Product(coop_id=coop.id, code=f"MAT-ONG-{sku}", name=f"Mật ong rừng Võ Nhai {sku}",
                          category_id=ensure_categories(session)["MAT-ONG"], description="Mật ong hoa rừng.",
                          images=[stored_picture(session)], shelf_life_days=365)
        session.add(product)
        session.flush()
        pack = Sku(product_id=product.id, sku=sku, variant="Chai 500ml", price=250000, weight_g=700,
                   length_cm=8, width_cm=8, height_cm=20)
        session.add(pack)
        session.flush()
        record_movement(session, pack.id, "receipt", 20, f"opening:{sku}", "tồn đầu kỳ")


def offered_workbook(engine, code: str) -> Path:
    """The full workbook the Shops page offers the co-op's clerk for its Voso feed shop."""
    clerk = add_user(engine, f"thu-ky-{code.lower()}", "mat-khau-dai-2026", Role.coop, coop_code=code)
    (shop,) = channels(engine, clerk)
    return Path(shop["feed_full_path"])


@pytest.mark.parametrize("codes", [("HTX_FEEDA", "HTX-FEEDA"), ("HTX-ĐẠI-TỪ", "HTX-DAI-TU")])
def test_co_ops_whose_codes_fold_alike_each_get_only_their_own_workbooks(engine, tmp_path, monkeypatch,
                                                                         codes):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    skus = {codes[0]: "VN-MAT-ONG-A500", codes[1]: "VN-MAT-ONG-B500"}
    for code, sku in skus.items():
        seed_honey_coop(engine, code, sku)
        connect_feed(engine, code, "voso", publish_all=True)

    run_sync(engine)

    offered = {code: offered_workbook(engine, code) for code in codes}
    assert offered[codes[0]] != offered[codes[1]]
    for code, sku in skus.items():
        assert [row["Mã SKU"] for row in sheet_rows(offered[code])] == [sku]
