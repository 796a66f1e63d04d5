"""A clerk uploads a feed workbook in a floor's seller centre (the sandbox) and its items go live."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from adapters.partner.feed import write_feed
from tests.support.partner import FLOORS, Floor, feed_row

AT = datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(params=FLOORS)
def floor(request) -> Iterator[Floor]:
    started = Floor.start(importlib.import_module(f"adapters.{request.param}").PROFILE)
    yield started
    started.server.stop()


def open_shop(floor: Floor, name: str = "HTX Chè Tân Cương") -> str:
    return floor.control("POST", "shops", {"name": name})["shop_id"]


def upload(floor: Floor, shop_id: str, path: Path, *, multipart: bool = False) -> httpx.Response:
    url = f"{floor.base_url}/_sandbox/feed-upload?shop_id={shop_id}"
    if multipart:
        return httpx.post(url, files={"file": (path.name, path.read_bytes(), XLSX)}, timeout=10)
    return httpx.post(url, content=path.read_bytes(), headers={"Content-Type": XLSX}, timeout=10)


def test_an_uploaded_feed_puts_its_items_on_sale(floor: Floor, tmp_path: Path):
    shop_id = open_shop(floor)
    rows = [feed_row("TN-CHE-200G"), feed_row("TN-MAT-ONG-500", name_vi="Mật ong rừng Võ Nhai", price_vnd=250000)]
    files = write_feed(floor.profile, 1, rows, rows, tmp_path, at=AT)

    answer = upload(floor, shop_id, files.full_path)

    assert answer.json() == {"created": 2, "updated": 0}
    items = {item["seller_sku"]: item for item in floor.items(shop_id)}
    assert (items["TN-MAT-ONG-500"]["price"], items["TN-MAT-ONG-500"]["status"]) == (250000, "live")
    page = httpx.get(f"{floor.base_url}/shop/{shop_id}/{items['TN-CHE-200G']['item_id']}", timeout=10)
    assert page.status_code == 200 and "120.000 ₫" in page.text and "TN-CHE-200G" in page.text


def test_a_changes_workbook_updates_the_items_already_on_sale(floor: Floor, tmp_path: Path):
    shop_id = open_shop(floor)
    rows = [feed_row("TN-CHE-200G"), feed_row("TN-CHE-500G", price_vnd=280000)]
    first = write_feed(floor.profile, 1, rows, rows, tmp_path / "1", at=AT)
    upload(floor, shop_id, first.full_path)
    repriced = rows[1].model_copy(update={"price_vnd": 295000, "stock": 12})
    second = write_feed(floor.profile, 1, [rows[0], repriced], [repriced], tmp_path / "2", at=AT)

    answer = upload(floor, shop_id, second.changes_path, multipart=True)

    assert answer.json() == {"created": 0, "updated": 1}
    items = {item["seller_sku"]: (item["price"], item["stock"]) for item in floor.items(shop_id)}
    assert items == {"TN-CHE-200G": (120000, 40), "TN-CHE-500G": (295000, 12)}


def test_a_feed_with_a_row_the_floor_refuses_puts_nothing_on_sale(floor: Floor, tmp_path: Path):
    shop_id = open_shop(floor)
    rows = [feed_row("TN-CHE-200G"), feed_row("TN-CHE-500G", name_vi="Chè"), feed_row("TN-CHE-1KG", weight_g=None)]
    files = write_feed(floor.profile, 1, rows, [], tmp_path, at=AT)

    answer = upload(floor, shop_id, files.full_path)

    assert answer.status_code == 400
    assert [(e["row"], e["field"]) for e in answer.json()["errors"]] == [(3, "name"), (4, "weight_g")]
    assert floor.items(shop_id) == []


def test_a_feed_for_an_unknown_shop_is_refused(floor: Floor, tmp_path: Path):
    files = write_feed(floor.profile, 1, [feed_row()], [], tmp_path, at=AT)

    assert upload(floor, "khong-co", files.full_path).status_code == 404
