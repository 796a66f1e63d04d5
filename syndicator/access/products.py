"""The Sản phẩm page: browse and search the SKUs, edit one as a spreadsheet row and its product's photos,
import (a spreadsheet, or a .zip of it and its photos) and export."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.i18n import t
from catalog.importer import import_file, write_rows
from catalog.models import Category, Coop, Photo, Product, Role, Sku, utcnow
from catalog.photos import PhotoError, is_digest, store_photo, thumbnail
from catalog.search import prepare_vietnamese, text_matches, vietnamese_order
from catalog.spreadsheet import export_file, row_for_sku
from catalog.stock import stock_levels
from catalog.validation import MAX_PHOTOS, validate_row
from syndicator.access.roles import AccessDenied, Page, paged, require_editor_of, scope_coop_id, sync_scope
from syndicator.users import Viewer

PRODUCT_COLUMNS = ("sku_id", "coop_code", "product_code", "name", "sku", "variant", "price", "weight_g",
                   "enabled", "category")


def _sku_statement(session: Session, viewer: Viewer, query: str, coop_code: str | None) -> Any:
    coop_id = scope_coop_id(session, viewer, coop_code)
    statement = (
        select(
            Sku.id, Coop.code, Product.code, Product.name, Sku.sku, Sku.variant, Sku.price, Sku.weight_g,
            Sku.enabled, Category.name_vi,
        )
        .join(Product, Sku.product_id == Product.id)
        .join(Coop, Product.coop_id == Coop.id)
        .join(Category, Product.category_id == Category.id, isouter=True)
    )
    if coop_id is not None:
        statement = statement.where(Product.coop_id == coop_id)
    if query.strip():
        statement = statement.where(text_matches(session, query, (Product.name, Sku.variant), (Product.code, Sku.sku)))
    return statement


def sku_page(session: Session, viewer: Viewer, query: str, coop_code: str | None, offset: int, limit: int
             ) -> tuple[list[dict[str, Any]], int]:
    """One page of the SKUs the viewer may see, matching ``query``, in Vietnamese order of product name."""
    prepare_vietnamese(session)
    statement = _sku_statement(session, viewer, query, coop_code).order_by(
        vietnamese_order(session, Product.name), Sku.sku
    )
    rows, total = paged(session, statement, offset, limit)
    return [dict(zip(PRODUCT_COLUMNS, row, strict=True)) for row in rows], total


def matching_sku_ids(session: Session, viewer: Viewer, query: str, coop_code: str | None) -> list[int]:
    """Every SKU the viewer may see that matches ``query`` (all pages of it)."""
    return [row[0] for row in session.exec(_sku_statement(session, viewer, query, coop_code)).all()]


def products(engine: Engine, viewer: Viewer, query: str = "", coop_code: str | None = None,
             offset: int = 0, limit: int = 50) -> Page:
    """One row per SKU with its stock (on hand, available), in Vietnamese order of product name."""
    with session_scope(engine) as session:
        records, total = sku_page(session, viewer, query, coop_code, offset, limit)
        levels = stock_levels(session, [r["sku_id"] for r in records])
    for record in records:
        record["on_hand"], record["available"] = levels[record["sku_id"]].on_hand, levels[record["sku_id"]].available
    return Page(records, total, offset, limit)


def product_row(engine: Engine, viewer: Viewer, sku: str) -> dict[str, Any]:
    """One SKU as a spreadsheet row (the same fields an import takes), for the edit form."""
    with session_scope(engine) as session:
        found = session.exec(
            select(Sku, Product).join(Product, Sku.product_id == Product.id).where(Sku.sku == sku)
        ).first()
        if found is None:
            raise LookupError(t("sku_unknown", value=sku))
        if viewer.role is Role.coop and found[1].coop_id != viewer.coop_id:
            raise AccessDenied(t("access_other_coop"))
        return row_for_sku(session, found[0])


def save_product_row(engine: Engine, viewer: Viewer, raw: dict[str, Any], lang: str | None = None) -> list[Any]:
    """Validate one row exactly as an import would and write it; its errors (and nothing written) otherwise.
    The product keeps its photos: they change only through the photo functions below."""
    if viewer.role is Role.coop:
        raw = raw | {"coop_code": viewer.coop_code}
    with session_scope(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == raw.get("coop_code"))).first()
    if viewer.role is not Role.admin or coop_id is not None:
        require_editor_of(viewer, coop_id)
    row, errors = validate_row({name: value for name, value in raw.items() if name != "images"}, 1, lang=lang)
    if errors or row is None:
        return errors
    with session_scope(engine) as session:
        kept = session.exec(select(Product.images).where(Product.coop_id == coop_id,
                                                         Product.code == row.product_code)).first()
    return write_rows(engine, [row.model_copy(update={"images": list(kept or [])})], lang=lang).errors


def import_catalog(engine: Engine, viewer: Viewer, path: Path, coop_code: str | None = None,
                   dry_run: bool = True, progress: Callable[..., Any] | None = None, lang: str | None = None) -> Any:
    """Import a spreadsheet, or a .zip of one and its photos (all rows or none); a co-op user imports only into
    its own co-op."""
    if viewer.role is Role.officer:
        raise AccessDenied(t("access_read_only"))
    if viewer.role is Role.coop:
        coop_code = sync_scope(viewer, coop_code)
    return import_file(engine, path, coop_code=coop_code, dry_run=dry_run, progress=progress, lang=lang)


def export_catalog(engine: Engine, viewer: Viewer, path: Path, coop_code: str | None = None) -> Path:
    """Write the catalog the viewer may see in the import layout."""
    with session_scope(engine) as session:
        scope_coop_id(session, viewer, coop_code)
    if viewer.role is Role.coop:
        coop_code = viewer.coop_code
    export_file(engine, path, coop_code=coop_code)
    return path


# ---------------------------------------------------------------- a product's photos


def _product_of_sku(session: Session, viewer: Viewer, sku: str, edit: bool = False) -> Product:
    product = session.exec(select(Product).join(Sku, Sku.product_id == Product.id).where(Sku.sku == sku)).first()
    if product is None:
        raise LookupError(t("sku_unknown", value=sku))
    if edit:
        require_editor_of(viewer, product.coop_id)
    elif viewer.role is Role.coop and product.coop_id != viewer.coop_id:
        raise AccessDenied(t("access_other_coop"))
    return product


def product_photos(engine: Engine, viewer: Viewer, sku: str) -> dict[str, Any]:
    """The photos of the product ``sku`` belongs to, main photo first: each entry with its store facts
    (``format`` None for an entry kept from before the store, which is never read)."""
    with session_scope(engine) as session:
        product = _product_of_sku(session, viewer, sku)
        stored = {photo.digest: photo for photo in session.exec(
            select(Photo).where(Photo.digest.in_([e for e in product.images if is_digest(e)]))).all()}
        photos = [_photo_facts(entry, stored.get(entry)) for entry in product.images]
        return {"product_id": product.id, "product_code": product.code, "name": product.name, "photos": photos}


def _photo_facts(entry: str, photo: Photo | None) -> dict[str, Any]:
    if photo is None:
        return {"entry": entry, "format": None, "width": None, "height": None}
    return {"entry": entry, "format": photo.format, "width": photo.width, "height": photo.height}


def photo_preview(entry: dict[str, Any]) -> bytes:
    """A small JPEG of a stored photo of :func:`product_photos` (read from the store by its digest)."""
    return thumbnail(entry["entry"], entry["format"])


def add_product_photos(engine: Engine, viewer: Viewer, sku: str, uploads: list[tuple[str, bytes]],
                       lang: str | None = None) -> list[tuple[str, str]]:
    """Keep each uploaded photo in the store and add it after the product's photos (a photo it has already
    is not added twice). Returns the refused ones: (file name as uploaded, why)."""
    refused: list[tuple[str, str]] = []
    with session_scope(engine) as session:
        product = _product_of_sku(session, viewer, sku, edit=True)
        images = list(product.images)
        for name, content in uploads:
            try:
                digest = store_photo(session, content, lang).digest
            except PhotoError as error:
                refused.append((name, str(error)))
                continue
            if digest in images:
                continue
            if len(images) >= MAX_PHOTOS:
                refused.append((name, t("photo_too_many", lang, limit=MAX_PHOTOS)))
                continue
            images.append(digest)
        _set_images(product, images)
    return refused


def arrange_product_photos(engine: Engine, viewer: Viewer, sku: str, entries: list[str],
                           lang: str | None = None) -> None:
    """Reorder or remove the product's photos: ``entries`` are some of its own, main photo first."""
    with session_scope(engine) as session:
        product = _product_of_sku(session, viewer, sku, edit=True)
        if not set(entries) <= set(product.images):
            raise LookupError(t("photos_not_on_product", lang))
        _set_images(product, list(dict.fromkeys(entries)))


def _set_images(product: Product, images: list[str]) -> None:
    if images != product.images:
        product.images = images
        product.updated_at = utcnow()
