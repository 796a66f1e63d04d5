"""A fourth floor, Chợ phiên Bắc Kạn, added from a profile alone: no new code, end to end (its syncs reach its
sandbox app in-process; connecting and the crawl go over HTTP)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session

from adapters import registry
from adapters.common.contract import PriceUpdate, StockUpdate
from adapters.common.errors import MarketplaceError
from adapters.partner.feed import HEADERS_VI, write_feed
from adapters.partner.profile import FloorProfile, load_profile
from catalog.models import Order, StockMovement
from syndicator.channels import Reach, connect_sandbox
from syndicator.engine import run_sync
from syndicator.monitor import run_monitor
from tests.support.in_process import SandboxRouter
from tests.support.partner import Floor, feed_row, honey, tea
from tests.support.sandboxes import COOP, FAST, Sandbox, seed_catalogue, start_sandbox, use_test_settings

pytestmark = pytest.mark.anyio

CHO_PHIEN_BAC_KAN = """
name = "cho_phien_bac_kan"
display_name = "Chợ phiên Bắc Kạn"
public_page = "jsonld"
time_format = "unix"
weight_unit = "kg"
feed_columns = ["sku", "name_vi", "price_vnd", "stock", "weight_g", "ocop_stars", "cooperative_name"]

[auth]
key_header = "X-BK-Khoa"
timestamp_header = "X-BK-Thoi-Gian"
signature_header = "X-BK-Chu-Ky"
timestamp_unit = "ms"
timestamp_window_s = 120
signature_encoding = "base64"

[endpoints]
shop = "GET /v3/gian-hang"
create = "POST /v3/hang-hoa"
update = "PATCH /v3/hang-hoa/{item_id}"
delist = "POST /v3/hang-hoa/{item_id}/ngung-ban"
batch_price = "POST /v3/hang-hoa/gia"
batch_stock = "POST /v3/hang-hoa/so-luong"
lookup = "GET /v3/hang-hoa/theo-ma/{seller_sku}"
items = "GET /v3/hang-hoa"
orders = "GET /v3/don"

[fields]
item_id = "maHang"
seller_sku = "maNguoiBan"
name = "tenHang"
price = "donGia"
stock = "soLuong"
weight_g = "canNangKg"
is_ocop = "ocop"
ocop_stars = "saoOcop"
status = "tinhTrang"
sold = "daBan"

[batches]
price_limit = 4
stock_limit = 4
request_key = "hang"
results_key = "ketQua"

[paging]
style = "page"
first_page = 0
page_param = "trang"
size_param = "soDong"
page_size = 2
max_page_size = 20
items_key = "hang"
total_key = "tongSo"

[orders]
since_param = "tu"
list_key = "don"
[orders.fields]
order_id = "maDon"
status = "tinhTrang"
created_at = "luc"
updated_at = "capNhat"
total = "tongTien"
lines = "dong"
line_ref = "stt"
line_sku = "maNguoiBan"
line_quantity = "sl"
line_price = "gia"
[orders.statuses]
cho_xu_ly = "open"
huy = "cancelled"
xong = "completed"

[errors]
data_path = "ketQua.duLieu"
code_path = "ketQua.loi.ma"
message_path = "ketQua.loi.noiDung"
field_path = "ketQua.loi.truong"
server_time_path = "ketQua.gioMay"
[errors.codes]
bad_signature = "CHU_KY_SAI"
timestamp_expired = "HET_HAN"
unknown_key = "KHOA_SAI"
rate_limited = "QUA_NHIEU"
invalid_field = "DU_LIEU_SAI"
batch_too_large = "QUA_LON"
not_found = "KHONG_THAY"
duplicate_sku = "TRUNG_MA"
server_error = "LOI_MAY"

[limits]
requests_per_second = 200
name_length = [8, 80]
max_images = 3

[push]
mode = "none"
"""


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def profile(tmp_path: Path) -> FloorProfile:
    path = tmp_path / "profile.toml"
    path.write_text(CHO_PHIEN_BAC_KAN, encoding="utf-8")
    return load_profile(path)


@pytest.fixture
async def floor(profile: FloorProfile) -> AsyncIterator[Floor]:
    started = Floor.start(profile)
    yield started
    await started.close()


async def test_every_operation_works_against_a_sandbox_from_the_same_profile(floor: Floor):
    adapter = await floor.connected("HTX Miến dong Côn Minh")
    shop = adapter.credentials.shop_id
    watermark = datetime.now(UTC) - timedelta(minutes=1)

    created = [await adapter.create_listing(tea(f"BK-CHE-{n}")) for n in range(5)]
    updated = await adapter.update_content(created[0].ref, tea("BK-CHE-0", name="Chè Shan tuyết Bắc Kạn"))
    prices = await adapter.update_prices([PriceUpdate(ref=r.ref, price=99000 + n) for n, r in enumerate(created)])
    stock = await adapter.update_stock([StockUpdate(ref=r.ref, stock=10 + n) for n, r in enumerate(created)])
    found = await adapter.find_by_seller_sku("BK-CHE-3")
    floor.buy(shop, ("BK-CHE-1", 2))
    orders = await adapter.orders_since(watermark)
    delisted = await adapter.delist(created[4].ref)
    listed, cursor = [], None
    while True:
        page = await adapter.list_items(cursor)
        listed += [ref.seller_sku for ref in page.items]
        if (cursor := page.next_cursor) is None:
            break

    assert all(r.ok for r in [*created, updated, *prices, *stock, delisted])
    assert found.item_id == created[3].ref.item_id and found.price == 99003 and found.stock == 13
    assert [(o.status, [(li.seller_sku, li.quantity, li.unit_price) for li in o.lines]) for o in orders] == [
        ("open", [("BK-CHE-1", 2, 99001)])
    ]
    assert listed == ["BK-CHE-0", "BK-CHE-1", "BK-CHE-2", "BK-CHE-3"]
    assert floor.outcomes("/v3/hang-hoa/gia") == {"200": 2}  # five prices, four to a batch
    record = floor.sandbox.state.items[created[0].ref.item_id].payload
    named_by_the_profile = {"maNguoiBan", "tenHang", "donGia", "soLuong", "canNangKg", "ocop", "saoOcop"}
    assert {key: record[key] for key in named_by_the_profile} == {
        "maNguoiBan": "BK-CHE-0", "tenHang": "Chè Shan tuyết Bắc Kạn", "donGia": 120000, "soLuong": 40,
        "canNangKg": 0.2, "ocop": True, "saoOcop": 4,
    }


async def test_its_signature_and_error_shape_come_from_the_profile(floor: Floor):
    credentials = await floor.open_shop()
    wrong = floor.signed(credentials, "GET", "/v3/gian-hang", secret="sai")
    adapter = floor.client(credentials)

    refused = await adapter.create_listing(honey(name="Mật ong"[:6]))
    with pytest.raises(MarketplaceError) as failed:
        await floor.client(credentials.model_copy(update={"app_key": "khoa-la"})).find_by_seller_sku("BK-1")

    assert wrong.status_code == 401 and wrong.json()["ketQua"]["loi"]["ma"] == "CHU_KY_SAI"
    assert refused.error.code == "DU_LIEU_SAI" and refused.error.field == "name"
    assert failed.value.kind == "auth_expired" and failed.value.info.code == "KHOA_SAI"


async def test_its_public_page_is_json_ld(floor: Floor):
    adapter = await floor.connected()
    ref = (await adapter.create_listing(tea("BK-CHE-1"))).ref

    async with httpx.AsyncClient(base_url=floor.base_url) as client:
        html = (await client.get(f"/shop/{adapter.credentials.shop_id}/{ref.item_id}")).text

    assert '"@type": "Product"' in html and "120.000 ₫" in html and "Còn 40 sản phẩm" in html


def test_its_feed_carries_only_its_columns(profile: FloorProfile, tmp_path: Path):
    files = write_feed(profile, 12, [feed_row("BK-MIEN-500")], [], tmp_path)

    header = [cell.value for cell in load_workbook(files.full_path).active[1]]

    assert header == [HEADERS_VI[column] for column in profile.feed_columns]
    assert files.full_path.name.startswith("cho_phien_bac_kan-gian-hang-12-")


def test_a_profile_with_a_mistake_is_refused_naming_the_file(tmp_path: Path):
    path = tmp_path / "profile.toml"
    path.write_text(CHO_PHIEN_BAC_KAN.replace('create = "POST /v3/hang-hoa"', 'create = "SEND /v3/hang-hoa"'))

    with pytest.raises(ValueError, match="(?s)profile.toml.*SEND"):
        load_profile(path)


def test_a_floor_lists_one_item_per_sku_and_a_profile_claiming_variants_is_refused(profile: FloorProfile,
                                                                                   tmp_path: Path):
    path = tmp_path / "profile.toml"
    path.write_text(CHO_PHIEN_BAC_KAN.replace("[limits]\n", "[limits]\nvariants = true\n"), encoding="utf-8")

    assert profile.capabilities().variants is False
    with pytest.raises(ValueError, match="(?s)profile.toml.*variants"):
        load_profile(path)


@pytest.fixture
def found_floor(tmp_path: Path, monkeypatch) -> Iterator[Sandbox]:
    """The profile dropped into a folder of SYNDICATOR_FLOOR_PATH, and its sandbox started from it."""
    folder = tmp_path / "floors" / "cho-phien-bac-kan"
    folder.mkdir(parents=True)
    (folder / "profile.toml").write_text(CHO_PHIEN_BAC_KAN, encoding="utf-8")
    monkeypatch.setenv(registry.FLOOR_PATH_ENV, str(tmp_path / "floors"))
    use_test_settings(monkeypatch)
    sandbox = start_sandbox("cho_phien_bac_kan")
    yield sandbox
    sandbox.server.stop()


def test_a_floor_found_by_its_profile_is_connected_synced_sold_on_and_crawled(engine, found_floor: Sandbox):
    seed_catalogue(engine)
    shop = connect_sandbox(engine, COOP, "cho_phien_bac_kan", found_floor.url, publish_all=True)

    in_process = Reach(http=FAST, transport=SandboxRouter({"cho_phien_bac_kan": found_floor}))
    listed = run_sync(engine, reach=in_process)
    found_floor.order(shop.shop_id, "TC-CHE-200G", 2)
    time.sleep(1.05)  # orders are listed by whole-second update times
    after_sale = run_sync(engine, reach=in_process)
    crawled = run_monitor(engine, marketplace="cho_phien_bac_kan", throttle_start_s=0.05)

    assert listed.succeeded and after_sale.succeeded, after_sale.summary()
    assert sorted(item["seller_sku"] for item in found_floor.items()) == [
        "TC-CHE-200G", "TC-CHE-500G", "TC-MATONG-500", "TC-MIEN-500G"]
    assert found_floor.item("TC-CHE-200G")["stock"] == 38
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Order)) == 1
        assert session.scalar(sa.select(sa.func.sum(StockMovement.quantity)).where(StockMovement.kind == "sale")) == -2
    assert crawled.ok and crawled.observed == 4 and crawled.drift == [], crawled.log_tail


def test_a_floor_profile_may_not_take_a_built_in_marketplaces_name(tmp_path: Path, monkeypatch):
    folder = tmp_path / "floors" / "shopee-copy"
    folder.mkdir(parents=True)
    (folder / "profile.toml").write_text(CHO_PHIEN_BAC_KAN.replace('name = "cho_phien_bac_kan"', 'name = "shopee"'),
                                         encoding="utf-8")
    monkeypatch.setenv(registry.FLOOR_PATH_ENV, str(tmp_path / "floors"))

    with pytest.raises(ValueError, match="'shopee' is already taken"):
        registry.names()
