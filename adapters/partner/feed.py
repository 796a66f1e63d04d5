"""The spreadsheet feed for a shop on a floor without API access (vn-context §1.6 column set).

``write_feed`` is a pure function of plain rows: a full upload workbook (every listed SKU once) and a
changes-only workbook (exactly the rows it is given as changed), Vietnamese headers, formula-safe.
Which rows changed, and when to write, is the sync engine's decision. ``read_feed`` reads such a
workbook back (the sandbox's seller centre uses it to take an upload).
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from adapters.partner.profile import FEED_COLUMNS, FloorProfile
from catalog.db import private_folder

HEADERS_VI: dict[str, str] = {
    "channel_listing_id": "Mã sản phẩm trên sàn",
    "sku": "Mã SKU",
    "name_vi": "Tên sản phẩm",
    "name_ascii": "Tên không dấu",
    "category": "Danh mục",
    "unit": "Đơn vị tính",
    "net_qty": "Khối lượng tịnh",
    "net_unit": "Đơn vị khối lượng tịnh",
    "price_vnd": "Giá bán (đồng)",
    "list_price_vnd": "Giá niêm yết (đồng)",
    "stock": "Tồn kho",
    "weight_g": "Khối lượng (g)",
    "length_cm": "Dài (cm)",
    "width_cm": "Rộng (cm)",
    "height_cm": "Cao (cm)",
    "shelf_life_days": "Hạn sử dụng (ngày)",
    "storage": "Bảo quản",
    "ocop_stars": "Hạng sao OCOP",
    "ocop_cert_no": "Số chứng nhận OCOP",
    "ocop_valid_to": "OCOP hiệu lực đến",
    "vietgap_cert_no": "Số chứng nhận VietGAP",
    "organic_cert_no": "Số chứng nhận hữu cơ",
    "gtin": "Mã vạch",
    "trace_url": "Truy xuất nguồn gốc",
    "origin_ward_code": "Mã xã/phường",
    "origin_address": "Địa chỉ xuất xứ",
    "cooperative_name": "Tên hợp tác xã",
    "cooperative_tax_code": "Mã số thuế hợp tác xã",
    "image_urls": "Ảnh (URL)",
    "description_html": "Mô tả",
}
SHEET_TITLE = "Sản phẩm"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "; "


class FeedRow(BaseModel):
    """One SKU in a floor's upload sheet, in the column set of vn-context §1.6."""

    model_config = ConfigDict(extra="forbid")

    channel_listing_id: str | None = None
    sku: str
    name_vi: str
    name_ascii: str | None = Field(None, description="derived from name_vi when not given")
    category: str | None = None
    unit: str | None = None
    net_qty: float | None = None
    net_unit: str | None = None
    price_vnd: int = Field(gt=0)
    list_price_vnd: int | None = None
    stock: int = Field(ge=0)
    weight_g: int | None = None
    length_cm: int | None = None
    width_cm: int | None = None
    height_cm: int | None = None
    shelf_life_days: int | None = None
    storage: str | None = None
    ocop_stars: int | None = None
    ocop_cert_no: str | None = None
    ocop_valid_to: date | None = None
    vietgap_cert_no: str | None = None
    organic_cert_no: str | None = None
    gtin: str | None = None
    trace_url: str | None = None
    origin_ward_code: str | None = None
    origin_address: str | None = None
    cooperative_name: str | None = None
    cooperative_tax_code: str | None = None
    image_urls: list[str] = Field(default_factory=list)
    description_html: str = ""

    def cell_values(self) -> dict[str, Any]:
        values = self.model_dump()
        values["name_ascii"] = self.name_ascii or fold_accents(self.name_vi)
        values["image_urls"] = LIST_SEPARATOR.join(self.image_urls) or None
        return values

    def listing_values(self) -> dict[str, Any]:
        """The row as listing values under our field names (what a floor's seller centre takes in)."""
        values = {
            "seller_sku": self.sku,
            "name": self.name_vi,
            "description": self.description_html,
            "category": self.category,
            "price": self.price_vnd,
            "stock": self.stock,
            "weight_g": self.weight_g,
            "length_cm": self.length_cm,
            "width_cm": self.width_cm,
            "height_cm": self.height_cm,
            "gtin": self.gtin,
            "images": self.image_urls,
            "is_ocop": self.ocop_stars is not None,
            "ocop_stars": self.ocop_stars,
            "ocop_valid_to": self.ocop_valid_to.isoformat() if self.ocop_valid_to else None,
            "origin": self.origin_address,
            "shelf_life_days": self.shelf_life_days,
            "trace_url": self.trace_url,
        }
        return {key: value for key, value in values.items() if value is not None}


class FeedFiles(BaseModel):
    full_path: Path
    changes_path: Path


class FeedError(ValueError):
    """A feed that cannot be written or read; ``problems`` names each row, column and fault."""

    def __init__(self, problems: list[dict[str, Any]]):
        super().__init__("; ".join(f"dòng {p['row']}, {p['field']}: {p['message']}" for p in problems))
        self.problems = problems


def fold_accents(text: str) -> str:
    """Vietnamese without diacritics, as floors' search keywords carry it (``Chè búp`` → ``Che bup``).

    Unlike ``catalog.text.fold`` (a search key, lower case) this keeps the capitals of a product name."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def _shop_prefix(profile: FloorProfile, shop_id: int) -> str:
    """Workbook names start with the floor and our shop's id: a co-op's code or name could fold to
    another's, an id cannot."""
    return f"{profile.name}-gian-hang-{shop_id}-"


def _formula_safe(cell: Any, value: Any) -> None:
    cell.value = value
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        cell.data_type = "s"
        cell.quotePrefix = True


def _write_workbook(columns: tuple[str, ...], rows: Iterable[FeedRow], path: Path) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    sheet.append([HEADERS_VI[column] for column in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for row_number, row in enumerate(rows, start=2):
        values = row.cell_values()
        for column_number, column in enumerate(columns, start=1):
            _formula_safe(sheet.cell(row=row_number, column=column_number), values[column])
    for column_number, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(column_number)].width = max(12, len(HEADERS_VI[column]) + 2)
    private_folder(path.parent)
    book.save(path)
    return path


def _check_unique(rows: list[FeedRow], which: str) -> None:
    seen: set[str] = set()
    problems = []
    for number, row in enumerate(rows, start=2):
        if row.sku in seen:
            problems.append(
                {"row": number, "field": "sku", "message": f"mã SKU {row.sku} lặp lại trong {which}"}
            )
        seen.add(row.sku)
    if problems:
        raise FeedError(problems)


def write_feed(
    profile: FloorProfile,
    shop_id: int,
    all_rows: list[FeedRow],
    changed_rows: list[FeedRow],
    folder: Path,
    *,
    at: datetime | None = None,
) -> FeedFiles:
    """Write ``<floor>-gian-hang-<shop id>-<time>-day-du.xlsx`` (every row) and ``…-thay-doi.xlsx`` (the
    changed rows) under ``folder``; ``shop_id`` is our channel account's id. Raises :class:`FeedError`
    when a SKU repeats or a changed row is not listed."""
    _check_unique(all_rows, "bảng đầy đủ")
    _check_unique(changed_rows, "bảng thay đổi")
    listed = {row.sku for row in all_rows}
    strays = [
        {"row": number, "field": "sku", "message": f"mã SKU {row.sku} không có trong bảng đầy đủ"}
        for number, row in enumerate(changed_rows, start=2)
        if row.sku not in listed
    ]
    if strays:
        raise FeedError(strays)
    stamp = (at or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    stem = f"{_shop_prefix(profile, shop_id)}{stamp}"
    columns = profile.feed_columns
    return FeedFiles(
        full_path=_write_workbook(columns, all_rows, folder / f"{stem}-day-du.xlsx"),
        changes_path=_write_workbook(columns, changed_rows, folder / f"{stem}-thay-doi.xlsx"),
    )


def latest_feed(profile: FloorProfile, shop_id: int, folder: Path) -> FeedFiles | None:
    """The newest pair ``write_feed`` left under ``folder`` for this shop, or None when it wrote none."""
    fulls = sorted(folder.glob(f"{_shop_prefix(profile, shop_id)}*-day-du.xlsx"))
    if not fulls:
        return None
    newest = fulls[-1]
    return FeedFiles(full_path=newest, changes_path=newest.with_name(newest.name.replace("-day-du.", "-thay-doi.")))


_COLUMN_BY_HEADER = {header.casefold(): column for column, header in HEADERS_VI.items()} | {
    column: column for column in FEED_COLUMNS
}


def _cell(column: str, value: Any) -> Any:
    if column == "image_urls":
        return [part.strip() for part in str(value or "").split(";") if part.strip()]
    if isinstance(value, datetime):
        return value.date()
    return value


def read_feed(data: bytes) -> list[FeedRow]:
    """The rows of a feed workbook (Vietnamese or English headers). Raises :class:`FeedError` naming every
    bad row and column."""
    try:
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    except (BadZipFile, InvalidFileException, KeyError, ValueError, OSError, IndexError) as exc:
        raise FeedError(
            [{"row": 0, "field": "", "message": f"không đọc được bảng tính: {type(exc).__name__}"}]
        ) from None
    lines = sheet.iter_rows(values_only=True)
    header = next(lines, ())
    columns = [_COLUMN_BY_HEADER.get(str(title or "").strip().casefold()) for title in header]
    rows, problems = [], []
    for number, line in enumerate(lines, start=2):
        values = {
            column: _cell(column, value) for column, value in zip(columns, line, strict=False) if column
        }
        if all(value in (None, "", []) for value in values.values()):
            continue
        try:
            rows.append(FeedRow.model_validate({k: v for k, v in values.items() if v is not None}))
        except ValidationError as exc:
            problems += [
                {"row": number, "field": str(error["loc"][0]), "message": error["msg"]}
                for error in exc.errors()
            ]
    if problems:
        raise FeedError(problems)
    return rows
