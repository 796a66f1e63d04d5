"""Load a co-op's catalogue from a spreadsheet: every row checked first, then all rows written or none.

Re-importing the same file changes nothing; ``dry_run`` reports what would change and writes nothing.
The stock column sets on-hand stock through the ledger (one counted movement per SKU that differs).
An .xlsx may add a sheet of lots («Lô» or «Lots»): checked like the products, written in the same
transaction, each lot created or updated by its product and code.
An image cell names photos beside the spreadsheet, inside the .zip it came in, or at an https address:
each is read once and kept in the catalogue's photo store (:mod:`catalog.photo_sources`), and the row
holds their digests; a photo that cannot be read or is no picture is the row's error.
The file is read and checked before the database is written, so the write lock is held only for the
writing (a file is at most :data:`catalog.limits.SPREADSHEET_LIMITS` rows).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalog.categories import ensure_categories
from catalog.chunks import chunked
from catalog.db import busy_refused
from catalog.i18n import t
from catalog.lots import write_lot_rows
from catalog.models import Coop, MovementKind, Product, Sku, utcnow
from catalog.photo_sources import ImportedPhotos, UrlFetcher, opened_import
from catalog.photos import PhotoError
from catalog.spreadsheet import (
    COLUMN_BY_FIELD,
    LOT_COLUMN_BY_FIELD,
    Sheet,
    SpreadsheetRefused,
    UnsupportedFile,
    header_label,
    lot_header_label,
    open_lot_sheet,
    open_sheet,
)
from catalog.stock import count_movement, last_movement_ids, record_movements, stock_levels
from catalog.validation import PRODUCT_FIELDS, LotRow, ProductRow, RowError, validate_lot_row, validate_row

Progress = Callable[[int, int], Any]
_CHUNK = 500


@dataclass(frozen=True)
class Change:
    """What an import did (or, dry, would do) to one row's SKU: ``create`` (fields: ``product`` or ``sku``),
    ``update`` (the spreadsheet fields that differ) or ``stock``."""

    row: int
    sku: str
    action: str
    fields: tuple[str, ...] = ()


@dataclass
class ImportReport:
    dry_run: bool = False
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    products_created: int = 0
    products_changed: int = 0
    skus_created: int = 0
    skus_changed: int = 0
    stock_changed: int = 0
    unchanged: int = 0
    lots_created: int = 0
    lots_changed: int = 0
    lots_unchanged: int = 0
    changes: list[Change] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def changed(self) -> int:
        """How many things were (or would be) created or changed; 0 for a re-import of the same file."""
        return (self.products_created + self.products_changed + self.skus_created + self.skus_changed
                + self.stock_changed + self.lots_created + self.lots_changed)

    def bad_rows(self) -> list[int]:
        return sorted({error.row for error in self.errors})

    def summary(self, lang: str | None = None) -> str:
        if self.errors:
            return t("report_errors", lang, rows=len(self.bad_rows()), errors=len(self.errors))
        text = t("report_summary", lang, rows=self.rows, products_created=self.products_created,
                 products_changed=self.products_changed, skus_created=self.skus_created,
                 skus_changed=self.skus_changed, stock_changed=self.stock_changed, unchanged=self.unchanged)
        if self.lots_created or self.lots_changed or self.lots_unchanged:
            text += "; " + t("lots_report", lang, created=self.lots_created, changed=self.lots_changed,
                             unchanged=self.lots_unchanged)
        return f"{text} ({t('report_dry_run', lang)})" if self.dry_run else text


# ---------------------------------------------------------------- reading a file


def import_file(engine: Engine, path: Path, coop_code: str | None = None, dry_run: bool = False,
                progress: Progress | None = None, lang: str | None = None,
                fetcher: UrlFetcher | None = None) -> ImportReport:
    """Check every row of ``path`` (.xlsx, .csv, or a .zip holding one and its photos); write them all, or — if
    any is bad — none, listing every error.

    ``coop_code`` is the co-op for rows without one (and the only co-op the file may touch).
    ``progress(done, total)`` is called as rows are read. Every row is read and checked first, its photos
    read and stored (:mod:`catalog.photo_sources`, ``fetcher`` for https addresses); then the good rows are
    written in batches inside one transaction, committed only when the whole file was good (and this is
    not a dry run). A file past the limits, or damaged, is one error on row 0 (or on the row where reading
    stopped). Raises :class:`~catalog.db.DatabaseBusy` when another process holds the database's write lock
    past the busy timeout.
    """
    report = ImportReport(dry_run=dry_run)
    coop = coop_code.strip().upper() if coop_code else None
    photos = ImportedPhotos(engine, dry_run, lang)
    try:
        with opened_import(Path(path), fetcher) as (sheet_path, sources):
            photos.sources = sources
            sheet, rows = _read_products(sheet_path, coop, report, progress, photos, lang)
            lots = _read_lots(sheet_path, coop or _only_coop(rows), report, lang)
    except (UnsupportedFile, UnicodeDecodeError, SpreadsheetRefused, OSError) as error:
        photos.discard()
        return _refused(report, *_refusal(error, lang))
    if rows or lots:
        with busy_refused(lang), _Import(engine, report, lang, lots, photos) as batches:
            for number, row in rows:
                batches.add(number, row)
    return _labelled(report, sheet, lang)


def _read_products(path: Path, coop: str | None, report: ImportReport, progress: Progress | None,
                   photos: ImportedPhotos, lang: str | None) -> tuple[Sheet, list[tuple[int, ProductRow]]]:
    with open_sheet(path) as sheet:
        report.errors.extend(_header_errors(sheet, coop, lang))
        report.warnings.extend(t("header_unknown", lang, column=name) for name in sheet.unknown)
        rows = [] if report.errors else _read_rows(sheet, coop, report, progress, photos, lang)
    return sheet, rows


def _refusal(error: Exception, lang: str | None) -> tuple[int, str]:
    """A file refused as a whole: the row reading stopped at (0 before reading) and why."""
    if isinstance(error, UnsupportedFile):
        return 0, t("file_type", lang, value=str(error))
    if isinstance(error, UnicodeDecodeError):
        return 0, t("file_encoding", lang)
    if isinstance(error, SpreadsheetRefused):
        return error.row, error.message(lang)
    return 0, t("file_unreadable", lang, detail=getattr(error, "strerror", None) or type(error).__name__)


def _only_coop(rows: list[tuple[int, ProductRow]]) -> str | None:
    """The co-op of the products sheet when it names just one: the co-op of lots rows that name none."""
    coops = {row.coop_code for _, row in rows}
    return coops.pop() if len(coops) == 1 else None


def _read_lots(path: Path, coop: str | None, report: ImportReport, lang: str | None) -> list[tuple[int, LotRow]]:
    """The lots sheet's good rows; its errors into ``report``, each column named «Lô: …»."""
    good: list[tuple[int, LotRow]] = []
    errors: list[RowError] = []
    with open_lot_sheet(Path(path)) as sheet:
        if sheet is None:
            return good
        errors += [RowError(1, field, t("header_missing", lang, column=LOT_COLUMN_BY_FIELD[field].vietnamese,
                                         english=LOT_COLUMN_BY_FIELD[field].english)) for field in sheet.missing]
        errors += [RowError(1, "", t("header_duplicate", lang, column=name)) for name in sheet.duplicates]
        report.warnings.extend(t("header_unknown", lang, column=name) for name in sheet.unknown)
        for number, raw in [] if errors else sheet.rows():
            row, found = validate_lot_row(raw, number, default_coop=coop, lang=lang)
            errors += found
            if row is not None and coop is not None and row.coop_code != coop:
                errors.append(RowError(number, "coop_code", t("coop_mismatch", lang, value=row.coop_code, coop=coop)))
            elif row is not None:
                good.append((number, row))
        labels = dict(sheet.labels)
    report.errors.extend(_lot_errors(errors, labels, lang))
    return good


def _lot_errors(errors: list[RowError], labels: dict[str, str], lang: str | None) -> list[RowError]:
    """Errors of the lots sheet, their column named by its header as written (or as the sheet calls it)."""
    return [RowError(e.row, t("lots_sheet_column", lang, column=labels.get(e.column)
                              or (lot_header_label(e.column, lang) if e.column else "")), e.message)
            for e in errors]


def _refused(report: ImportReport, row: int, message: str) -> ImportReport:
    report.errors.append(RowError(row, "", message))
    return report


def _header_errors(sheet: Sheet, coop: str | None, lang: str | None) -> list[RowError]:
    missing = list(sheet.missing)
    if coop is None and "coop_code" not in sheet.labels:
        missing.insert(0, "coop_code")
    errors = [
        RowError(1, header_label(name, lang), t("header_missing", lang, column=COLUMN_BY_FIELD[name].vietnamese,
                                                 english=COLUMN_BY_FIELD[name].english))
        for name in missing
    ]
    errors += [RowError(1, name, t("header_duplicate", lang, column=name)) for name in sheet.duplicates]
    return errors


def _read_rows(sheet: Sheet, coop: str | None, report: ImportReport, progress: Progress | None,
               photos: ImportedPhotos, lang: str | None) -> list[tuple[int, ProductRow]]:
    """Every row checked on its own, its photos read into the store; the good ones with their row numbers,
    the errors into ``report``."""
    good: list[tuple[int, ProductRow]] = []
    done = 0
    for done, (number, raw) in enumerate(sheet.rows(), start=1):
        report.rows += 1
        row, errors = validate_row(raw, number, default_coop=coop, lang=lang)
        report.errors.extend(errors)
        if row is not None and coop is not None and row.coop_code != coop:
            report.errors.append(
                RowError(number, "coop_code", t("coop_mismatch", lang, value=row.coop_code, coop=coop)))
        elif row is not None:
            row = _with_photos(number, row, photos, report)
            if row is not None:
                good.append((number, row))
        if progress is not None:
            progress(done, max(sheet.total or 0, done))
    if progress is not None:
        progress(done, done)
    return good


def _with_photos(number: int, row: ProductRow, photos: ImportedPhotos, report: ImportReport) -> ProductRow | None:
    """The row with its image cell's entries replaced by the store's digests; None (and the error) when one
    cannot be a product photo."""
    if not row.images:
        return row
    try:
        return row.model_copy(update={"images": photos.digests(list(row.images))})
    except PhotoError as error:
        report.errors.append(RowError(number, "images", str(error)))
        return None


def _labelled(report: ImportReport, sheet: Sheet, lang: str | None) -> ImportReport:
    """Errors named by the column header as written in the file, in row order."""
    report.errors = sorted(
        (RowError(e.row, sheet.labels.get(e.column) or header_label(e.column, lang), e.message)
         for e in report.errors),
        key=lambda e: e.row,
    )
    return report


# ---------------------------------------------------------------- writing checked rows


def write_rows(engine: Engine, rows: Sequence[ProductRow], row_numbers: Sequence[int] | None = None,
               dry_run: bool = False, lang: str | None = None) -> ImportReport:
    """Write valid rows (from a file or the edit form) in one transaction, or report why they cannot be.

    Checks what needs the whole set or the database: a SKU twice, one product described two ways,
    an unknown co-op, a SKU already belonging to another product. Nothing is written when any fails,
    or when ``dry_run``.
    """
    numbers = list(row_numbers) if row_numbers is not None else list(range(1, len(rows) + 1))
    report = ImportReport(dry_run=dry_run, rows=len(rows))
    with _Import(engine, report, lang) as batches:
        for number, row in zip(numbers, rows, strict=True):
            batches.add(number, row)
    report.errors.sort(key=lambda e: e.row)
    return report


class _Conflicts:
    """Rows that disagree with an earlier row: the same SKU twice, one product described two ways."""

    def __init__(self, lang: str | None) -> None:
        self.lang = lang
        self.first_sku: dict[str, int] = {}
        self.first_product: dict[tuple[str, str], tuple[int, tuple[Any, ...]]] = {}

    def check(self, number: int, row: ProductRow) -> list[RowError]:
        errors: list[RowError] = []
        first_row = self.first_sku.setdefault(row.sku, number)
        if first_row != number:
            errors.append(RowError(number, "sku", t("sku_repeated", self.lang, value=row.sku, first=first_row)))
        values = tuple(getattr(row, name) for name in PRODUCT_FIELDS)
        first, theirs = self.first_product.setdefault((row.coop_code, row.product_code), (number, values))
        for name, their_value, our_value in zip(PRODUCT_FIELDS, theirs, values, strict=True):
            if their_value != our_value:
                shown = getattr(their_value, "name", their_value)
                if isinstance(shown, list | tuple):
                    shown = "; ".join(map(str, shown))
                errors.append(RowError(number, name, t("product_conflict", self.lang, product=row.product_code,
                                                       first=first, first_value="" if shown is None else shown)))
        return errors


class _Import:
    """Rows written in batches inside one transaction, committed only if no row anywhere had an error."""

    def __init__(self, engine: Engine, report: ImportReport, lang: str | None,
                 lots: Sequence[tuple[int, LotRow]] = (), photos: ImportedPhotos | None = None) -> None:
        self.engine = engine
        self.report = report
        self.lang = lang
        self.lots = lots
        self.photos = photos
        self.conflicts = _Conflicts(lang)
        self.batch: list[tuple[int, ProductRow]] = []

    def __enter__(self) -> Self:
        self.session = Session(self.engine, expire_on_commit=False)
        self.categories = ensure_categories(self.session)
        return self

    def add(self, number: int, row: ProductRow) -> None:
        clashes = self.conflicts.check(number, row)
        if clashes:
            self.report.errors.extend(clashes)
            return
        self.batch.append((number, row))
        if len(self.batch) >= _CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.batch:
            return
        plan = _Plan(self.session, self.batch, self.categories, self.lang)
        self.batch = []
        if plan.errors:
            self.report.errors.extend(plan.errors)
            return
        plan.tally(self.report)
        plan.apply()

    def write_lots(self) -> None:
        """After the products, so a lot may belong to a product the same file adds."""
        tally = write_lot_rows(self.session, self.lots, self.lang)
        self.report.errors.extend(_lot_errors(tally.errors, {}, self.lang))
        self.report.lots_created += tally.created
        self.report.lots_changed += tally.changed
        self.report.lots_unchanged += tally.unchanged

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        try:
            if kind is None:
                self.flush()
            if kind is None and self.lots and not self.report.errors:
                self.write_lots()
            if kind is None and not self.report.errors and not self.report.dry_run:
                if self.photos is not None:
                    self.photos.keep(self.session)
                self.session.commit()
            else:
                self.session.rollback()
                if self.photos is not None:
                    self.photos.discard()
        finally:
            self.session.close()


# Database columns named by the spreadsheet column they come from.
_COLUMN_FIELD = {"origin_commune_code": "origin_commune", "origin_commune_name": "origin_commune",
                 "category_id": "category"}


def _differences(current: Any, wanted: dict[str, Any]) -> tuple[str, ...]:
    """The spreadsheet fields whose values differ from what is stored."""
    changed = (_COLUMN_FIELD.get(name, name) for name, value in wanted.items() if getattr(current, name) != value)
    return tuple(dict.fromkeys(changed))


class _Plan:
    """What writing the rows means for the database: looked up in bulk, compared, then applied in bulk."""

    def __init__(self, session: Session, rows: list[tuple[int, ProductRow]], categories: dict[str, int],
                 lang: str | None):
        self.session = session
        self.rows = rows
        self.errors: list[RowError] = []
        self.categories = categories
        self.coop_ids = self._coops({row.coop_code for _, row in rows}, lang)
        self.products = self._products()
        self.skus = self._skus([row.sku for _, row in rows])
        self._check_owners(lang)
        self.new_products: dict[tuple[int, str], dict[str, Any]] = {}
        self.product_updates: dict[int, dict[str, Any]] = {}
        self.new_skus: dict[str, dict[str, Any]] = {}
        self.sku_updates: dict[int, dict[str, Any]] = {}
        self.stock_targets: dict[str, int] = {}
        self.changes: list[Change] = []

    def _coops(self, codes: set[str], lang: str | None) -> dict[str, int]:
        found = dict(self.session.execute(sa.select(Coop.code, Coop.id).where(Coop.code.in_(codes))).all())
        self.errors += [
            RowError(number, "coop_code", t("coop_unknown", lang, value=row.coop_code))
            for number, row in self.rows
            if row.coop_code not in found
        ]
        return found

    def _products(self) -> dict[tuple[int, str], Product]:
        codes = sorted({row.product_code for _, row in self.rows})
        if not self.coop_ids:
            return {}
        products = self.session.execute(
            sa.select(Product).where(Product.coop_id.in_(list(self.coop_ids.values())), Product.code.in_(codes))
        ).scalars()
        return {(product.coop_id, product.code): product for product in products}

    def _skus(self, codes: list[str]) -> dict[str, tuple[Sku, int, str]]:
        found: dict[str, tuple[Sku, int, str]] = {}
        for chunk in chunked(codes, _CHUNK):
            for sku, coop_id, product_code in self.session.execute(
                sa.select(Sku, Product.coop_id, Product.code)
                .join(Product, Product.id == Sku.product_id)
                .where(Sku.sku.in_(chunk))
            ):
                found[sku.sku] = (sku, coop_id, product_code)
        return found

    def _check_owners(self, lang: str | None) -> None:
        for number, row in self.rows:
            existing = self.skus.get(row.sku)
            if existing is None or row.coop_code not in self.coop_ids:
                continue
            _, coop_id, product_code = existing
            if (coop_id, product_code) != (self.coop_ids[row.coop_code], row.product_code):
                self.errors.append(RowError(number, "sku", t("sku_other_product", lang, value=row.sku,
                                                              owner=product_code)))

    def _product_wanted(self, row: ProductRow) -> dict[str, Any]:
        return row.product_values() | {"category_id": self.categories[row.category]}

    def tally(self, report: ImportReport) -> None:
        """Compare every row with the database; fill the report with what is new or different."""
        levels = stock_levels(self.session, [entry[0].id for entry in self.skus.values()])
        for number, row in self.rows:
            key = (self.coop_ids[row.coop_code], row.product_code)
            actions = self._product_change(key, row, report) + self._sku_change(row, report)
            if row.stock is not None:
                existing = self.skus.get(row.sku)
                on_hand = levels[existing[0].id].on_hand if existing else 0
                if on_hand != row.stock:
                    self.stock_targets[row.sku] = row.stock
                    report.stock_changed += 1
                    actions.append(("stock", ("stock",)))
            if not actions:
                report.unchanged += 1
            report.changes += [Change(number, row.sku, action, fields) for action, fields in actions]

    def _product_change(self, key: tuple[int, str], row: ProductRow, report: ImportReport) -> list[tuple[str, tuple[str, ...]]]:
        wanted = self._product_wanted(row)
        current = self.products.get(key)
        if current is None:
            if key in self.new_products:
                return []
            self.new_products[key] = wanted
            report.products_created += 1
            return [("create", ("product",))]
        fields = _differences(current, wanted)
        if not fields or current.id in self.product_updates:
            return []
        self.product_updates[current.id] = wanted
        report.products_changed += 1
        return [("update", fields)]

    def _sku_change(self, row: ProductRow, report: ImportReport) -> list[tuple[str, tuple[str, ...]]]:
        wanted = row.sku_values()
        existing = self.skus.get(row.sku)
        if existing is None:
            self.new_skus[row.sku] = wanted | {"product_code": row.product_code, "coop_id": self.coop_ids[row.coop_code]}
            report.skus_created += 1
            return [("create", ("sku",))]
        fields = _differences(existing[0], wanted)
        if not fields:
            return []
        self.sku_updates[existing[0].id] = wanted
        report.skus_changed += 1
        return [("update", fields)]

    def apply(self) -> None:
        now = utcnow()
        session = self.session
        if self.new_products:
            session.execute(sa.insert(Product), [
                values | {"coop_id": coop_id, "code": code, "created_at": now, "updated_at": now}
                for (coop_id, code), values in self.new_products.items()
            ])
        if self.product_updates:
            session.execute(sa.update(Product), [values | {"id": pid, "updated_at": now}
                                                  for pid, values in self.product_updates.items()])
        product_ids = {
            (coop_id, code): pid
            for pid, coop_id, code in session.execute(
                sa.select(Product.id, Product.coop_id, Product.code).where(
                    Product.coop_id.in_(list(self.coop_ids.values())),
                    Product.code.in_(sorted({values["product_code"] for values in self.new_skus.values()})),
                )
            )
        }
        if self.new_skus:
            session.execute(sa.insert(Sku), [
                {key: value for key, value in values.items() if key not in ("product_code", "coop_id")}
                | {"sku": sku, "product_id": product_ids[(values["coop_id"], values["product_code"])],
                   "updated_at": now}
                for sku, values in self.new_skus.items()
            ])
        if self.sku_updates:
            session.execute(sa.update(Sku), [values | {"id": sid, "updated_at": now}
                                              for sid, values in self.sku_updates.items()])
        self._apply_stock()

    def _apply_stock(self) -> None:
        if not self.stock_targets:
            return
        ids: dict[str, int] = {}
        for chunk in chunked(self.stock_targets, _CHUNK):
            ids.update(self.session.execute(sa.select(Sku.sku, Sku.id).where(Sku.sku.in_(chunk))).all())
        levels = stock_levels(self.session, ids.values())
        last = last_movement_ids(self.session, ids.values())
        note = t("stock_import", "vi")
        movements = [
            count_movement(ids[sku], levels[ids[sku]].on_hand, last[ids[sku]], target, note,
                           MovementKind.receipt if sku in self.new_skus else MovementKind.adjustment)
            for sku, target in self.stock_targets.items()
        ]
        record_movements(self.session, [m for m in movements if m is not None])
