"""Spreadsheets in the catalogue layout (DESIGN.md): read streaming, write formula-safe, both .xlsx and .csv.

Headers may be the Vietnamese or the English name, in any order and any case. Values beginning with
``=``, ``+``, ``-`` or ``@`` are written so that neither Excel nor a CSV reader runs them as formulas,
and read back to the same text. A file past the limits of :mod:`catalog.limits` is refused before it is
parsed, or as soon as reading passes them, and so is a damaged or hostile workbook (broken XML, a DTD).
"""

from __future__ import annotations

import csv
import itertools
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from defusedxml import DefusedXmlException
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalog.db import session_scope
from catalog.i18n import current_lang, t
from catalog.limits import MB, SPREADSHEET_LIMITS, SpreadsheetLimits
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
# The optional sheet of lots (an .xlsx only), named «Lô» or «Lots»; fields as in catalog.validation.LotRow.
LOT_SHEET_NAMES = ("Lô", "Lots")
LOT_COLUMNS: tuple[Column, ...] = (
    Column("coop_code", "coop_code", "mã HTX", ("coop", "HTX", "mã hợp tác xã")),
    Column("product_code", "product_code", "mã sản phẩm", ("mã SP",)),
    Column("code", "lot_code", "mã lô", ("lô", "số lô", "lot")),
    Column("produced_on", "production_date", "ngày sản xuất",
           ("ngày thu hoạch", "NSX", "produced", "produced_on", "harvest_date")),
    Column("expires_on", "expiry_date", "hạn sử dụng", ("hạn dùng", "HSD", "expires", "expires_on")),
    Column("quantity", "quantity", "số lượng"),
    Column("notes", "notes", "ghi chú", ("hộ sản xuất",)),
)
LOT_REQUIRED_FIELDS = ("product_code", "code", "produced_on")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"
CSV_DELIMITERS = ",;\t"
HEADER_SEARCH_ROWS = 10  # a title or a note may stand above the header row
HEADER_MIN_COLUMNS = 3
CSV_SNIFF_CHARS = 64 * 1024  # of each line looked at for the delimiter
INFLATE_CHUNK = MB


def _header_key(text: str) -> str:
    return "".join(ch for ch in fold(str(text)) if ch.isalnum())


def _without_unit(text: str) -> str:
    return text.split("(")[0]


def _fields_by_header(columns: tuple[Column, ...]) -> dict[str, str]:
    return {
        _header_key(name): column.field
        for column in columns
        for name in (column.english, column.vietnamese, _without_unit(column.vietnamese), *column.aliases)
    }


_FIELD_BY_HEADER = _fields_by_header(COLUMNS)
_LOT_FIELD_BY_HEADER = _fields_by_header(LOT_COLUMNS)
_LOT_SHEET_KEYS = {_header_key(name) for name in LOT_SHEET_NAMES}
COLUMN_BY_FIELD = {column.field: column for column in COLUMNS}
LOT_COLUMN_BY_FIELD = {column.field: column for column in LOT_COLUMNS}


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
    max_rows: int = SPREADSHEET_LIMITS.rows

    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number as the spreadsheet shows it, {field: value}) for every non-blank row after the header.

        Raises :class:`SpreadsheetRefused` on reaching a row past the limit, blank or not.
        """
        for number, values in enumerate(self._rows, start=self.header_row + 1):
            if number - self.header_row > self.max_rows:
                raise SpreadsheetRefused("file_too_many_rows", row=number, limit=self.max_rows)
            raw = {
                name: values[index]
                for index, name in self.positions.items()
                if index < len(values) and values[index] is not None and str(values[index]).strip() != ""
            }
            if raw:
                yield number, raw


def _header(cells: Iterable[Any], by_header: dict[str, str]
            ) -> tuple[dict[str, str], dict[int, str], list[str], list[str]]:
    labels: dict[str, str] = {}
    positions: dict[int, str] = {}
    unknown: list[str] = []
    duplicates: list[str] = []
    for index, cell in enumerate(cells):
        if cell is None or not str(cell).strip():
            continue
        text = nfc(str(cell)).strip()
        name = by_header.get(_header_key(text))
        if name is None:
            unknown.append(text)
        elif name in labels:
            duplicates.append(text)
        else:
            labels[name] = text
            positions[index] = name
    return labels, positions, unknown, duplicates


def _sheet(rows: Iterator[tuple[Any, ...]], total: int | None, limits: SpreadsheetLimits,
           by_header: dict[str, str] = _FIELD_BY_HEADER, required: tuple[str, ...] = REQUIRED_FIELDS) -> Sheet:
    """Find the header row — the first with a few known column names, below any title rows — and open on it."""
    first: tuple[Any, ...] | None = None
    for number, cells in enumerate(itertools.islice(rows, HEADER_SEARCH_ROWS), start=1):
        first = cells if first is None else first
        labels, positions, unknown, duplicates = _header(cells, by_header)
        if len(labels) >= HEADER_MIN_COLUMNS:
            missing = [name for name in required if name not in labels]
            remaining = None if total is None else max(total - number, 0)
            return Sheet(labels, positions, unknown, duplicates, missing, remaining, number, rows,
                         limits.rows)
    labels, positions, unknown, duplicates = _header(first or (), by_header)
    missing = [name for name in required if name not in labels]
    return Sheet(labels, positions, unknown, duplicates, missing, 0, 1, iter(()))


class UnsupportedFile(ValueError):
    """Not a file type the catalogue can be read from."""


class SpreadsheetRefused(Exception):
    """A file refused as a whole (too large, too many rows, damaged): ``key`` names the i18n message,
    ``row`` the row reading stopped at (0 when refused before reading)."""

    def __init__(self, key: str, row: int = 0, **context: Any) -> None:
        super().__init__(key, row, context)
        self.key = key
        self.row = row
        self.context = context

    def message(self, lang: str | None = None) -> str:
        return t(self.key, lang, **self.context)


# What openpyxl and zipfile raise on a damaged workbook, besides SyntaxError (XML that is not well-formed,
# from ElementTree or lxml) and DefusedXmlException, a ValueError (a DTD or entities).
_DAMAGED_WORKBOOK = (ValueError, KeyError, TypeError, IndexError, AttributeError, EOFError, RuntimeError,
                     NotImplementedError, zlib.error, zipfile.BadZipFile, InvalidFileException)


@contextmanager
def open_sheet(path: Path, limits: SpreadsheetLimits = SPREADSHEET_LIMITS) -> Iterator[Sheet]:
    """Open ``path`` (.xlsx or .csv, UTF-8 with or without BOM) for reading row by row, within ``limits``.

    Raises :class:`SpreadsheetRefused` before parsing a file past the limits, or while reading one that
    passes them or is damaged.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".csv") or not path.is_file():  # not a FIFO or /dev/zero named .csv
        raise UnsupportedFile(suffix or path.name)
    if suffix == ".xlsx":
        with _parsing(path), zipfile.ZipFile(path) as archive:
            _check_inflated_size(archive, limits)
        with _open_xlsx(path, limits) as sheet:
            yield sheet
    else:
        if path.stat().st_size > limits.csv_bytes:
            raise SpreadsheetRefused("file_too_large", limit_mb=limits.csv_bytes // MB)
        with _open_csv(path, limits) as sheet:
            yield sheet


def _check_inflated_size(archive: zipfile.ZipFile, limits: SpreadsheetLimits) -> None:
    """Refuse a workbook whose parts inflate past the limit: by the sizes its zip declares, then by
    inflating each part in chunks and counting, in case the declared sizes lie."""
    entries = archive.infolist()
    if len(entries) > limits.zip_entries:
        raise SpreadsheetRefused("file_too_many_parts", count=len(entries), limit=limits.zip_entries)
    too_large = SpreadsheetRefused("file_too_large", limit_mb=limits.uncompressed_bytes // MB)
    if sum(entry.file_size for entry in entries) > limits.uncompressed_bytes:
        raise too_large
    inflated = 0
    for entry in entries:
        with archive.open(entry) as part:
            while chunk := part.read(INFLATE_CHUNK):
                inflated += len(chunk)
                if inflated > limits.uncompressed_bytes:
                    raise too_large


@contextmanager
def _parsing(path: Path) -> Iterator[None]:
    """What openpyxl or zipfile raise on a damaged or hostile workbook, as a refusal saying what is wrong
    (and naming the file, never the server folder it is in)."""
    try:
        yield
    except (SyntaxError, *_DAMAGED_WORKBOOK) as error:
        cause = _first_cause(error)
        detail = str(cause).replace(str(path), path.name)[:200] or type(cause).__name__
        if isinstance(cause, DefusedXmlException):
            raise SpreadsheetRefused("file_xml_entities") from None
        if isinstance(cause, SyntaxError):
            raise SpreadsheetRefused("file_xml", detail=detail) from None
        raise SpreadsheetRefused("file_damaged", detail=detail) from None


def _first_cause(error: BaseException) -> BaseException:
    """openpyxl re-raises a parser's error as its own ValueError: the parser's error says what is wrong."""
    while error.__cause__ is not None:
        error = error.__cause__
    return error


def _lot_sheet(worksheet: Any) -> bool:
    return _header_key(worksheet.title) in _LOT_SHEET_KEYS


@contextmanager
def _open_xlsx(path: Path, limits: SpreadsheetLimits, lots: bool = False) -> Iterator[Sheet | None]:
    """The workbook's product sheet (its first sheet that is not the lots sheet), or with ``lots`` its lots
    sheet (None when it has none)."""
    with _parsing(path):
        workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        with _parsing(path):
            worksheet = next((w for w in workbook.worksheets if _lot_sheet(w) == lots),
                             None if lots else workbook.worksheets[0])
        if worksheet is None:
            yield None
            return
        with _parsing(path):
            total = worksheet.max_row
            # The declared dimensions may lie: past them openpyxl would pad with empty rows, or stop early.
            worksheet.reset_dimensions()
            rows = worksheet.iter_rows(values_only=True, max_col=limits.columns)
        cells = (tuple(_from_xlsx(v) for v in row) for row in _parsed(rows, path))
        if lots:
            yield _sheet(cells, total, limits, _LOT_FIELD_BY_HEADER, LOT_REQUIRED_FIELDS)
        else:
            yield _sheet(cells, total, limits)
    finally:
        workbook.close()


@contextmanager
def open_lot_sheet(path: Path, limits: SpreadsheetLimits = SPREADSHEET_LIMITS) -> Iterator[Sheet | None]:
    """The lots sheet («Lô» or «Lots») of a workbook :func:`open_sheet` has already checked, or None (a .csv
    has only the product sheet)."""
    if Path(path).suffix.lower() != ".xlsx":
        yield None
        return
    with _open_xlsx(Path(path), limits, lots=True) as sheet:
        yield sheet


def lot_header_label(field_name: str, lang: str | None = None) -> str:
    column = LOT_COLUMN_BY_FIELD[field_name]
    return column.english if (lang or current_lang()) == "en" else column.vietnamese


def _parsed(rows: Iterator[tuple[Any, ...]], path: Path) -> Iterator[tuple[Any, ...]]:
    """The rows openpyxl reads lazily, each read inside :func:`_parsing`."""
    while True:
        with _parsing(path):
            row = next(rows, None)
        if row is None:
            return
        yield row


def _from_xlsx(value: Any) -> Any:
    return nfc(value) if isinstance(value, str) else value


@contextmanager
def _open_csv(path: Path, limits: SpreadsheetLimits) -> Iterator[Sheet]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        total = sum(1 for _ in _csv_rows(csv.reader(handle)))
        handle.seek(0)
        top = "".join(handle.readline(CSV_SNIFF_CHARS) for _ in range(HEADER_SEARCH_ROWS))
        handle.seek(0)
        # Excel writes ';' where the decimal mark is a comma: the first lines tell which one this file uses.
        reader = csv.reader(handle, delimiter=max(CSV_DELIMITERS, key=top.count))
        rows = _csv_rows(reader)
        yield _sheet((tuple(unescape_csv(nfc(value)) for value in row) for row in rows), total, limits)


def _csv_rows(reader: Any) -> Iterator[list[str]]:
    """The rows of a csv reader; a line it cannot read (a field past csv's own limit) is refused by its
    row number."""
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            raise SpreadsheetRefused("file_unreadable", row=reader.line_num, detail=str(error)) from None
        if row is None:
            return
        yield row


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
