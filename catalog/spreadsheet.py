"""Spreadsheets in the catalogue layout (DESIGN.md): read streaming, write formula-safe, both .xlsx and .csv.

Headers may be the Vietnamese or the English name, in any order and any case. Values beginning with
``=``, ``+``, ``-`` or ``@`` are written so that neither Excel nor a CSV reader runs them as formulas,
and read back to the same text.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalog.db import session_scope
from catalog.i18n import current_lang
from catalog.models import Category, Coop, Product, Sku
from catalog.stock import stock_levels
from catalog.text import fold, nfc
from catalog.validation import LIST_SEPARATOR, ProductRow


@dataclass(frozen=True)
class Column:
    field: str
    english: str
    vietnamese: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("coop_code", "coop_code", "mã HTX", ("coop", "HTX", "mã hợp tác xã")),
    Column("product_code", "product_code", "mã sản phẩm", ("mã SP",)),
    Column("name", "name", "tên sản phẩm", ("product name", "tên")),
    Column("description", "description", "mô tả"),
    Column("category", "category", "danh mục", ("loại", "ngành hàng")),
    Column("sku", "sku", "SKU", ("mã SKU",)),
    Column("variant", "variant", "quy cách", ("đóng gói",)),
    Column("price", "price", "giá bán", ("giá",)),
    Column("stock", "stock", "tồn kho", ("số lượng",)),
    Column("weight_g", "weight_g", "khối lượng (g)", ("weight", "trọng lượng")),
    Column("length_cm", "length_cm", "dài (cm)", ("length",)),
    Column("width_cm", "width_cm", "rộng (cm)", ("width",)),
    Column("height_cm", "height_cm", "cao (cm)", ("height",)),
    Column("gtin", "gtin", "mã vạch", ("barcode", "EAN")),
    Column("ocop_stars", "ocop_stars", "OCOP", ("số sao OCOP", "hạng OCOP")),
    Column("ocop_valid_to", "ocop_valid_to", "OCOP hiệu lực đến", ("hạn OCOP",)),
    Column("certifications", "certifications", "chứng nhận"),
    Column("origin_commune", "origin_commune", "xã/phường", ("xã", "phường", "commune")),
    Column("origin_province", "origin_province", "tỉnh", ("province",)),
    Column("shelf_life_days", "shelf_life_days", "hạn sử dụng (ngày)", ("hạn sử dụng", "shelf_life")),
    Column("trace_url", "trace_url", "truy xuất nguồn gốc", ("truy xuất",)),
    Column("images", "images", "ảnh", ("hình ảnh",)),
)
REQUIRED_FIELDS = ("product_code", "name", "sku", "price", "weight_g", "category")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"
CSV_DELIMITERS = ",;\t"
HEADER_SEARCH_ROWS = 10  # a title or a note may stand above the header row
HEADER_MIN_COLUMNS = 3


def _header_key(text: str) -> str:
    return "".join(ch for ch in fold(str(text)) if ch.isalnum())


def _without_unit(text: str) -> str:
    return text.split("(")[0]


_FIELD_BY_HEADER = {
    _header_key(name): column.field
    for column in COLUMNS
    for name in (column.english, column.vietnamese, _without_unit(column.vietnamese), *column.aliases)
}
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}


def header_label(field_name: str, lang: str | None = None) -> str:
    column = COLUMN_BY_FIELD.get(field_name)
    if column is None:
        return field_name
    return column.english if (lang or current_lang()) == "en" else column.vietnamese


# ---------------------------------------------------------------- formula safety


def _quoted(value: str) -> bool:
    return value[:1] == CSV_ESCAPE and value[1:2] in (*FORMULA_TRIGGERS, CSV_ESCAPE)


def escape_csv(value: str) -> str:
    """Put a ``'`` before text Excel would run as a formula (and before text already escaped that way)."""
    return CSV_ESCAPE + value if value.startswith(FORMULA_TRIGGERS) or _quoted(value) else value


def unescape_csv(value: str) -> str:
    """The inverse of :func:`escape_csv`: the text as it was before it was written."""
    return value[1:] if _quoted(value) else value


# ---------------------------------------------------------------- reading


@dataclass
class Sheet:
    """An open spreadsheet: which column holds which field, problems with the header row, and the rows."""

    labels: dict[str, str]  # field → header as written in the file
    positions: dict[int, str]  # column index → field
    unknown: list[str]
    duplicates: list[str]
    missing: list[str]
    total: int | None
    header_row: int
    _rows: Iterator[tuple[Any, ...]] = field(repr=False)

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number as the spreadsheet shows it, {field: value}) for every non-blank row after the header."""
        for number, values in enumerate(self._rows, start=self.header_row + 1):
            raw = {
                name: values[index]
                for index, name in self.positions.items()
                if index < len(values) and values[index] is not None and str(values[index]).strip() != ""
            }
            if raw:
                yield number, raw


def _header(cells: Iterable[Any]) -> tuple[dict[str, str], dict[int, str], list[str], list[str]]:
    labels: dict[str, str] = {}
    positions: dict[int, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        text = nfc(str(cell)).strip()
        name = _FIELD_BY_HEADER.get(_header_key(text))
        if name is None:
            unknown.append(text)
        elif name in labels:
            duplicates.append(text)
        else:
            labels[name] = text
            positions[index] = name
    return labels, positions, unknown, duplicates


def _sheet(rows: Iterator[tuple[Any, ...]], total: int | None) -> Sheet:
    """Find the header row — the first with a few known column names, below any title rows — and open on it."""
    first: tuple[Any, ...] | None = None
    for number, cells in enumerate(itertools.islice(rows, HEADER_SEARCH_ROWS), start=1):
        first = cells if first is None else first
        labels, positions, unknown, duplicates = _header(cells)
        if len(labels) >= HEADER_MIN_COLUMNS:
            missing = [name for name in REQUIRED_FIELDS if name not in labels]
            remaining = None if total is None else max(total - number, 0)
            return Sheet(labels, positions, unknown, duplicates, missing, remaining, number, rows)
    labels, positions, unknown, duplicates = _header(first or ())
    missing = [name for name in REQUIRED_FIELDS if name not in labels]
    return Sheet(labels, positions, unknown, duplicates, missing, 0, 1, iter(()))


class UnsupportedFile(ValueError):
    """Not a file type the catalogue can be read from."""


@contextmanager
def open_sheet(path: Path) -> Iterator[Sheet]:
    """Open ``path`` (.xlsx or .csv, UTF-8 with or without BOM) for reading row by row."""
    suffix = Path(path).suffix.lower()
    if suffix == ".xlsx":
        with _open_xlsx(Path(path)) as sheet:
            yield sheet
    elif suffix == ".csv":
        with _open_csv(Path(path)) as sheet:
            yield sheet
    else:
        raise UnsupportedFile(suffix or str(path))


@contextmanager
def _open_xlsx(path: Path) -> Iterator[Sheet]:
    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        worksheet = workbook.worksheets[0]
        rows = worksheet.iter_rows(values_only=True)
        yield _sheet((tuple(_from_xlsx(v) for v in row) for row in rows), worksheet.max_row)
    finally:
        workbook.close()


def _from_xlsx(value: Any) -> Any:
    return nfc(value) if isinstance(value, str) else value


@contextmanager
def _open_csv(path: Path) -> Iterator[Sheet]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        total = sum(1 for _ in csv.reader(handle))
        handle.seek(0)
        top = "".join(itertools.islice(handle, HEADER_SEARCH_ROWS))
        handle.seek(0)
        # Excel writes ';' where the decimal mark is a comma: the first lines tell which one this file uses.
        reader = csv.reader(handle, delimiter=max(CSV_DELIMITERS, key=top.count))
        yield _sheet((tuple(unescape_csv(nfc(value)) for value in row) for row in reader), total)


# ---------------------------------------------------------------- writing


def row_cells(values: dict[str, Any]) -> dict[str, Any]:
    """Field values as they go into a cell: lists joined with ``; ``, communes by name, None as blank."""
    cells: dict[str, Any] = {}
    for column in COLUMNS:
        value = values.get(column.field)
        if isinstance(value, list | tuple):
            value = f"{LIST_SEPARATOR} ".join(value)
        elif hasattr(value, "name") and hasattr(value, "code"):
            value = value.name
        cells[column.field] = "" if value is None else value
    return cells


def product_row_cells(row: ProductRow) -> dict[str, Any]:
    return row_cells(row.model_dump() | {"origin_commune": row.origin_commune})


def write_sheet(path: Path, rows: Iterable[dict[str, Any]], lang: str | None = None) -> int:
    """Write cell dicts (see :func:`row_cells`) to ``path`` (.xlsx or .csv); returns the rows written."""
    suffix = Path(path).suffix.lower()
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    header = [header_label(column.field, lang) for column in COLUMNS]
    if suffix == ".xlsx":
        return _write_xlsx(Path(path), header, rows)
    if suffix == ".csv":
        return _write_csv(Path(path), header, rows)
    raise UnsupportedFile(suffix or str(path))


def _write_xlsx(path: Path, header: list[str], rows: Iterable[dict[str, Any]]) -> int:
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet("catalog")
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    worksheet.append([_text_cell(worksheet, label, font=bold) for label in header])
    count = 0
    for cells in rows:
        worksheet.append([_xlsx_cell(worksheet, cells[column.field]) for column in COLUMNS])
        count += 1
    workbook.save(path)
    return count


def _text_cell(worksheet: Any, text: str, font: Font | None = None) -> WriteOnlyCell:
    """A cell that holds ``text`` as text even when it starts like a formula."""
    cell = WriteOnlyCell(worksheet, value=text)
    cell.data_type = "s"
    if text.startswith(FORMULA_TRIGGERS):
        cell.quotePrefix = True  # Excel shows it as typed text, and keeps it text when edited
    if font is not None:
        cell.font = font
    return cell


def _xlsx_cell(worksheet: Any, value: Any) -> Any:
    if isinstance(value, str):
        return _text_cell(worksheet, value)
    cell = WriteOnlyCell(worksheet, value=value)
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def _write_csv(path: Path, header: list[str], rows: Iterable[dict[str, Any]]) -> int:
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for cells in rows:
            writer.writerow([_csv_value(cells[column.field]) for column in COLUMNS])
            count += 1
    return count


def _csv_value(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    return escape_csv(value) if isinstance(value, str) else str(value)


# ---------------------------------------------------------------- the catalogue as rows


def _catalog_query(coop_code: str | None) -> sa.Select:
    query = (
        sa.select(Sku, Product, Coop.code, Category.code)
        .join(Product, Product.id == Sku.product_id)
        .join(Coop, Coop.id == Product.coop_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .order_by(Coop.code, Product.code, Sku.sku)
    )
    return query if coop_code is None else query.where(Coop.code == coop_code.upper())


def _values(sku: Sku, product: Product, coop_code: str, category_code: str | None, stock: int) -> dict[str, Any]:
    return {
        "coop_code": coop_code,
        "product_code": product.code,
        "name": product.name,
        "description": product.description,
        "category": category_code,
        "sku": sku.sku,
        "variant": sku.variant,
        "price": sku.price,
        "stock": stock,
        "weight_g": sku.weight_g,
        "length_cm": sku.length_cm,
        "width_cm": sku.width_cm,
        "height_cm": sku.height_cm,
        "gtin": sku.gtin,
        "ocop_stars": product.ocop_stars,
        "ocop_valid_to": product.ocop_valid_to,
        "certifications": product.certifications,
        "origin_commune": product.origin_commune_name,
        "origin_province": product.origin_province,
        "shelf_life_days": product.shelf_life_days,
        "trace_url": product.trace_url,
        "images": product.images,
    }


def row_for_sku(session: Session, sku: Sku) -> dict[str, Any]:
    """One SKU as the cells of a spreadsheet row (the same fields an import takes), stock as on hand."""
    product, coop_code, category_code = session.execute(
        sa.select(Product, Coop.code, Category.code)
        .join(Coop, Coop.id == Product.coop_id)
        .outerjoin(Category, Category.id == Product.category_id)
        .where(Product.id == sku.product_id)
    ).one()
    stock = stock_levels(session, [sku.id])[sku.id].on_hand
    return row_cells(_values(sku, product, coop_code, category_code, stock))


def catalog_rows(session: Session, coop_code: str | None = None, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every SKU (of one co-op, or all) as row cells, read in batches so memory stays flat."""
    result = session.execute(_catalog_query(coop_code).execution_options(yield_per=batch))
    for chunk in result.partitions():
        levels = stock_levels(session, [sku.id for sku, *_ in chunk])
        for sku, product, coop, category in chunk:
            yield row_cells(_values(sku, product, coop, category, levels[sku.id].on_hand))


def export_file(engine: Engine, path: Path, coop_code: str | None = None, lang: str | None = None,
                progress: Callable[[int, int], Any] | None = None) -> int:
    """Write the catalogue (one co-op's, or every co-op's) in the import layout; returns the rows written."""
    with session_scope(engine) as session:
        total = session.execute(sa.select(sa.func.count()).select_from(_catalog_query(coop_code).subquery())).scalar()

        def counted() -> Iterator[dict[str, Any]]:
            for done, cells in enumerate(catalog_rows(session, coop_code), start=1):
                if progress is not None:
                    progress(done, total or 0)
                yield cells

        return write_sheet(Path(path), counted(), lang)
