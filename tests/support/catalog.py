"""What the catalog tests share: real-looking rows of a Thái Nguyên tea co-op and files built from them."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.coops import add_coop
from catalog.db import session_scope
from catalog.models import Product, Sku, StockMovement
from catalog.spreadsheet import COLUMNS, row_cells, write_sheet
from catalog.stock import stock_levels

TEA_COOP = "HTX-TANCUONG"
HONEY_COOP = "HTX-VONHAI"


def tea_row(**changes: Any) -> dict[str, Any]:
    """One SKU row as a clerk types it, in English field names; ``changes`` replace or add fields."""
    row = {
        "coop_code": TEA_COOP,
        "product_code": "CHE-BUP-DB",
        "name": "Chè búp Tân Cương đặc biệt",
        "description": "Búp chè một tôm hai lá, sao tay trên chảo gang.",
        "category": "Chè",
        "sku": "CHE-TC-200",
        "variant": "Gói 200g",
        "price": "120.000 ₫",
        "stock": "50",
        "weight_g": "200g",
        "length_cm": "18",
        "width_cm": "12",
        "height_cm": "5",
        "gtin": "8938505974194",
        "ocop_stars": "4",
        "ocop_valid_to": "31/12/2027",
        "certifications": "VietGAP; Chỉ dẫn địa lý",
        "origin_commune": "Tân Cương",
        "origin_province": "Thái Nguyên",
        "shelf_life_days": "540",
        "trace_url": "https://truyxuat.thainguyen.gov.vn/sp/che-bup-db",
        "images": "",  # photos are read from files at import: tests/test_import_photos.py
    }
    row.update(changes)
    return row


def tea_pack(sku: str, variant: str, price: str, weight: str, stock: str = "30", **changes: Any) -> dict[str, Any]:
    """Another pack of the same tea, e.g. ``tea_pack("CHE-TC-500", "Hộp 500g", "280000", "0,5 kg")``."""
    return tea_row(**({"sku": sku, "variant": variant, "price": price, "weight_g": weight, "stock": stock, "gtin": ""}
                      | changes))


def honey_row(**changes: Any) -> dict[str, Any]:
    row = tea_row(
        coop_code=HONEY_COOP, product_code="MAT-ONG-RUNG", name="Mật ong rừng Võ Nhai", category="Mật ong",
        sku="MO-VN-500", variant="Chai 500ml", price="280,000đ", weight_g="700", gtin="", ocop_stars="",
        ocop_valid_to="", certifications="", origin_commune="Võ Nhai", trace_url="", images="",
        description="Mật ong khai thác từ tổ ong rừng, không pha đường.",
    )
    row.update(changes)
    return row


def write_file(path: Path, rows: list[dict[str, Any]], lang: str = "vi") -> Path:
    """A spreadsheet (.xlsx or .csv) of ``rows`` with every column, headers in ``lang``."""
    write_sheet(path, (row_cells(row) for row in rows), lang)
    return path


def write_csv(path: Path, header: list[str], rows: list[list[str]], *, bom: bool = True, delimiter: str = ",",
              normal_form: str | None = None) -> Path:
    """A hand-made CSV, the way Excel or a Mac writes one (BOM or not, ``;`` or ``,``, NFD or NFC)."""
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    if normal_form:
        text = unicodedata.normalize(normal_form, text)
    path.write_bytes(("\ufeff" if bom else "").encode() + text.encode("utf-8"))
    return path


def english_headers() -> list[str]:
    return [column.english for column in COLUMNS]


def add_coops(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_coop(session, TEA_COOP, "Hợp tác xã Chè Tân Cương", "Tân Cương")
        add_coop(session, HONEY_COOP, "Hợp tác xã Mật ong rừng Võ Nhai", "Võ Nhai")


def catalog_state(engine: Engine) -> dict[str, Any]:
    """Everything an import may change, as plain values: products, SKUs, movements and stock levels (not a
    product's trace code: each database draws its own, and a spreadsheet does not carry it)."""
    with session_scope(engine) as session:
        products = [p.model_dump(exclude={"id", "created_at", "updated_at", "trace_code"})
                    for p in session.execute(sa.select(Product).order_by(Product.code)).scalars()]
        skus = [s.model_dump(exclude={"id", "product_id", "updated_at"})
                for s in session.execute(sa.select(Sku).order_by(Sku.sku)).scalars()]
        movements = session.execute(sa.select(sa.func.count()).select_from(StockMovement)).scalar()
        levels = {sku_id: level.on_hand for sku_id, level in stock_levels(session).items()}
    return {"products": products, "skus": skus, "movements": movements, "stock": levels}


def on_hand(engine: Engine, sku: str) -> int:
    with session_scope(engine) as session:
        sku_id = session.execute(sa.select(Sku.id).where(Sku.sku == sku)).scalar_one()
        return stock_levels(session, [sku_id])[sku_id].on_hand
