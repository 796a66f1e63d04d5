"""The sample catalogue for the demo and the tests: three Thái Nguyên co-ops, 30 products, 80 SKUs.

Tân Cương tea (Xã Tân Cương), Na Rì dong vermicelli (Xã Na Rì — Bắc Kạn until it merged into Thái Nguyên
in 2025) and Võ Nhai forest honey (Xã Võ Nhai), with real pack sizes, plausible prices, OCOP ratings and
certifications where those products hold them, opening stock receipts and pictures drawn with Pillow (kept in
the catalogue's photo store, so products hold their digests).
Seeding twice changes nothing; stock is only received for SKUs that are new.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy.engine import Engine
from sqlmodel import select
from stdnum import ean

from catalog.coops import ensure_coop
from catalog.db import data_dir, private_folder, session_scope
from catalog.importer import ImportReport, write_rows
from catalog.lots import add_lot
from catalog.models import Lot, Product, Sku
from catalog.photos import store_photo
from catalog.spreadsheet import product_row_cells, write_sheet
from catalog.validation import ProductRow

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
IMAGE_SIZE = 600
GS1_VIETNAM = "893"


@dataclass(frozen=True)
class SampleCoop:
    code: str
    name: str
    commune: str
    phone: str = ""
    address: str = ""
    bank_bin: str = ""  # NAPAS BIN, for the market stall's VietQR
    bank_account: str = ""
    bank_account_name: str = ""


@dataclass(frozen=True)
class SampleProduct:
    coop: str
    code: str
    name: str
    category: str
    commune: str
    variants: tuple[tuple[str, int, int], ...]  # (pack, price in đồng, weight in grams)
    ocop: int | None = None
    certifications: tuple[str, ...] = ()
    shelf_life_days: int | None = None
    description: str = ""


COOPS = (
    SampleCoop("HTX-TANCUONG", "Hợp tác xã Chè Tân Cương", "Tân Cương", "0208 3855 123",
               "Xóm Hồng Thái 2, xã Tân Cương, tỉnh Thái Nguyên", "970405", "8500205123456", "HTX CHE TAN CUONG"),
    SampleCoop("HTX-NARI", "Hợp tác xã Miến dong Na Rì", "Na Rì", "0209 3884 456",
               "Thôn Nà Khon, xã Na Rì, tỉnh Thái Nguyên", "970418", "36010000123456", "HTX MIEN DONG NA RI"),
    SampleCoop("HTX-VONHAI", "Hợp tác xã Mật ong rừng Võ Nhai", "Võ Nhai", "0208 3827 789",
               "Xóm Làng Mười, xã Võ Nhai, tỉnh Thái Nguyên", "970436", "0991000123456", "HTX MAT ONG VO NHAI"),
)
OCOP_VALID_TO = "2027-12-31"
# lots (lô) of a few products: co-op, product, lot code, production date, quantity, member farm
LOTS = (
    ("HTX-TANCUONG", "CHE-BUP-DB", "TC-2611-01", "2026-11-20", 120, "Hộ bà Lê Thị Mai, xóm Hồng Thái 2"),
    ("HTX-TANCUONG", "CHE-BUP-DB", "TC-2610-03", "2026-10-28", 90, "Hộ ông Nguyễn Văn Hùng, xóm Nam Tân"),
    ("HTX-NARI", "MIEN-DONG", "NR-2611-02", "2026-11-12", 300, "Tổ sản xuất thôn Nà Khon"),
    ("HTX-VONHAI", "MAT-ONG-RUNG", "VN-2610-01", "2026-10-05", 60, "Tổ nuôi ong xóm Làng Mười"),
)
TEA_GI = ("VietGAP", "Chỉ dẫn địa lý")

PRODUCTS = (
    SampleProduct("HTX-TANCUONG", "CHE-BUP-DB", "Chè búp Tân Cương đặc biệt", "CHE", "Tân Cương",
                  (("Gói 100g", 65000, 100), ("Gói 200g", 120000, 200), ("Hộp 500g", 280000, 500)), 4, TEA_GI, 540,
                  "Búp chè một tôm hai lá hái sáng sớm, sao tay trên chảo gang; nước xanh, hương cốm, hậu ngọt."),
    SampleProduct("HTX-TANCUONG", "CHE-NON-TOM", "Chè nõn tôm Tân Cương", "CHE", "Tân Cương",
                  (("Gói 100g", 150000, 100), ("Hộp 200g", 290000, 200), ("Hộp quà 500g", 700000, 500)), 5,
                  TEA_GI, 540, "Chỉ hái phần nõn, sao nhỏ lửa; nước vàng xanh, vị chát dịu."),
    SampleProduct("HTX-TANCUONG", "CHE-MOC-CAU", "Chè móc câu Tân Cương", "CHE", "Tân Cương",
                  (("Gói 200g", 90000, 200), ("Gói 500g", 210000, 500), ("Túi 1kg", 400000, 1000)), 4, ("VietGAP",),
                  540),
    SampleProduct("HTX-TANCUONG", "CHE-DINH", "Chè đinh Tân Cương thượng hạng", "CHE", "Tân Cương",
                  (("Hộp 50g", 230000, 50), ("Hộp 100g", 450000, 100), ("Hộp 200g", 880000, 200)), 5, TEA_GI, 720),
    SampleProduct("HTX-TANCUONG", "CHE-XANH-L1", "Chè xanh Tân Cương loại 1", "CHE", "Tân Cương",
                  (("Gói 200g", 65000, 200), ("Gói 500g", 150000, 500), ("Túi 1kg", 280000, 1000)), None, ("VietGAP",), 365),
    SampleProduct("HTX-TANCUONG", "TRA-TUI-LOC", "Trà túi lọc Tân Cương", "CHE", "Tân Cương",
                  (("Hộp 25 túi", 45000, 60), ("Hộp 50 túi", 85000, 120), ("Hộp 100 túi", 160000, 230)), 3, ("VietGAP",), 720),
    SampleProduct("HTX-TANCUONG", "CHE-NHAI", "Chè ướp hoa nhài Tân Cương", "CHE", "Tân Cương",
                  (("Gói 100g", 80000, 100), ("Hộp 200g", 150000, 200), ("Hộp 500g", 350000, 500)), None, (), 365),
    SampleProduct("HTX-TANCUONG", "BOT-TRA-XANH", "Bột trà xanh Tân Cương nguyên chất", "CHE", "Tân Cương",
                  (("Gói 50g", 65000, 50), ("Gói 100g", 120000, 100), ("Hộp 250g", 280000, 250)), None, ("Hữu cơ",), 365),
    SampleProduct("HTX-TANCUONG", "TRA-O-LONG", "Trà ô long Tân Cương", "CHE", "Tân Cương",
                  (("Gói 100g", 130000, 100), ("Gói 200g", 250000, 200), ("Hộp 500g", 580000, 500)), 3, ("VietGAP",), 540),
    SampleProduct("HTX-TANCUONG", "CHE-HOP-QUA", "Hộp quà chè Tân Cương Tết", "DAC-SAN", "Tân Cương",
                  (("Hộp 2 lon 200g", 350000, 650), ("Hộp 4 lon 100g", 420000, 700)), 4, TEA_GI, 540),
    SampleProduct("HTX-NARI", "MIEN-DONG", "Miến dong Na Rì", "THUC-PHAM-KHO", "Na Rì",
                  (("Gói 500g", 65000, 500), ("Gói 1kg", 120000, 1000), ("Túi 2kg", 230000, 2000)), 4,
                  ("VietGAP",), 365, "Làm từ củ dong riềng trồng trên nương, phơi nắng tự nhiên; sợi dai, không hoá chất."),
    SampleProduct("HTX-NARI", "MIEN-SOI-NHO", "Miến dong sợi nhỏ Na Rì", "THUC-PHAM-KHO", "Na Rì",
                  (("Gói 300g", 42000, 300), ("Gói 500g", 68000, 500), ("Gói 1kg", 130000, 1000)), 3, (), 365),
    SampleProduct("HTX-NARI", "MIEN-NGU-SAC", "Miến dong ngũ sắc Na Rì", "THUC-PHAM-KHO", "Na Rì",
                  (("Gói 300g", 55000, 300), ("Gói 500g", 85000, 500), ("Gói 1kg", 160000, 1000)), None, (), 270),
    SampleProduct("HTX-NARI", "BOT-DONG", "Tinh bột dong riềng Na Rì", "THUC-PHAM-KHO", "Côn Minh",
                  (("Gói 500g", 45000, 500), ("Gói 1kg", 85000, 1000), ("Túi 2kg", 160000, 2000)), None, ("VietGAP",), 365),
    SampleProduct("HTX-NARI", "MIEN-HOP-QUA", "Hộp quà miến dong Na Rì", "DAC-SAN", "Na Rì",
                  (("Hộp 1kg", 150000, 1100), ("Hộp 2kg", 280000, 2150)), 4, ("VietGAP",), 365),
    SampleProduct("HTX-NARI", "MANG-KHO", "Măng khô Na Rì phơi gác bếp", "THUC-PHAM-KHO", "Na Rì",
                  (("Gói 300g", 95000, 300), ("Gói 500g", 150000, 500), ("Túi 1kg", 290000, 1000)), 3, (), 365),
    SampleProduct("HTX-NARI", "NAM-HUONG", "Nấm hương rừng Na Rì", "NAM", "Côn Minh",
                  (("Gói 100g", 80000, 100), ("Hộp 200g", 150000, 200), ("Gói 500g", 350000, 500)), None, (), 365),
    SampleProduct("HTX-NARI", "MOC-NHI", "Mộc nhĩ rừng Na Rì", "NAM", "Na Rì",
                  (("Gói 200g", 60000, 200), ("Gói 500g", 140000, 500), ("Gói 1kg", 270000, 1000)), None, (), 365),
    SampleProduct("HTX-NARI", "GAO-NEP", "Gạo nếp nương Na Rì", "GAO", "Na Rì",
                  (("Túi 2kg", 80000, 2000), ("Túi 5kg", 190000, 5000), ("Bao 10kg", 370000, 10000)), None, ("VietGAP",), 180),
    SampleProduct("HTX-NARI", "HONG-SAY", "Hồng không hạt Na Rì sấy dẻo", "TRAI-CAY", "Na Rì",
                  (("Hộp 300g", 120000, 300), ("Hộp 500g", 190000, 500)), 3, (), 120),
    SampleProduct("HTX-VONHAI", "MAT-ONG-RUNG", "Mật ong rừng Võ Nhai", "MAT-ONG", "Võ Nhai",
                  (("Chai 250ml", 150000, 350), ("Chai 500ml", 280000, 700), ("Chai 1 lít", 520000, 1400)), 4,
                  (), 730, "Mật ong khai thác từ tổ ong rừng trong núi đá vôi Võ Nhai, không pha đường."),
    SampleProduct("HTX-VONHAI", "MAT-ONG-NHAN", "Mật ong hoa nhãn Võ Nhai", "MAT-ONG", "Võ Nhai",
                  (("Chai 250ml", 95000, 350), ("Chai 500ml", 180000, 700), ("Chai 1 lít", 340000, 1400)), 3, ("VietGAP",), 730),
    SampleProduct("HTX-VONHAI", "MAT-ONG-THAN-SA", "Mật ong hoa rừng Thần Sa", "MAT-ONG", "Thần Sa",
                  (("Chai 250ml", 135000, 350), ("Chai 500ml", 250000, 700), ("Chai 1 lít", 480000, 1400)), 4, ("Hữu cơ",), 730),
    SampleProduct("HTX-VONHAI", "MAT-ONG-QUA", "Hộp quà mật ong rừng Võ Nhai", "DAC-SAN", "Võ Nhai",
                  (("Hộp 2 chai 500ml", 600000, 1600), ("Hộp 3 chai 500ml", 880000, 2350)), 4, (), 730),
    SampleProduct("HTX-VONHAI", "SUA-ONG-CHUA", "Sữa ong chúa tươi Võ Nhai", "DUOC-LIEU", "Võ Nhai",
                  (("Lọ 100g", 250000, 150), ("Lọ 200g", 480000, 280)), None, (), 180),
    SampleProduct("HTX-VONHAI", "PHAN-HOA", "Phấn hoa rừng Võ Nhai", "DUOC-LIEU", "Võ Nhai",
                  (("Lọ 200g", 120000, 260), ("Lọ 500g", 270000, 620)), None, (), 365),
    SampleProduct("HTX-VONHAI", "MAT-ONG-NGHE", "Mật ong ngâm nghệ Võ Nhai", "DUOC-LIEU", "Võ Nhai",
                  (("Lọ 300g", 150000, 420), ("Lọ 500g", 230000, 680)), 3, (), 365),
    SampleProduct("HTX-VONHAI", "SAP-ONG", "Sáp ong nguyên chất Võ Nhai", "DAC-SAN", "Võ Nhai",
                  (("Bánh 200g", 80000, 200), ("Bánh 500g", 180000, 500)), None, (), 1095),
    SampleProduct("HTX-VONHAI", "NA-LA-HIEN", "Na La Hiên Võ Nhai", "TRAI-CAY", "La Hiên",
                  (("Thùng 2kg", 120000, 2300), ("Thùng 5kg", 280000, 5500)), 4, ("VietGAP",), 7,
                  "Na dai trồng trên sườn núi đá La Hiên, hái khi vừa mở mắt, giao trong ngày."),
    SampleProduct("HTX-VONHAI", "MAT-ONG-CHANH", "Mật ong chanh đào Võ Nhai", "DUOC-LIEU", "Võ Nhai",
                  (("Lọ 500g", 160000, 680), ("Lọ 1kg", 300000, 1300)), None, (), 365),
)
CATEGORY_COLOURS = {
    "CHE": (46, 125, 50), "THUC-PHAM-KHO": (239, 235, 220), "MAT-ONG": (255, 179, 0), "DAC-SAN": (198, 40, 40),
    "NAM": (121, 85, 72), "GAO": (245, 245, 220), "TRAI-CAY": (124, 179, 66), "DUOC-LIEU": (255, 202, 40),
}


def _gtin(number: int) -> str:
    body = f"{GS1_VIETNAM}8868{number:05d}"
    return body + ean.calc_check_digit(body)


def _sku_code(product: SampleProduct, pack: str) -> str:
    digits = "".join(ch for ch in pack if ch.isdigit()) or "1"
    units = (("ml", "ML"), ("lít", "L"), ("kg", "KG"), ("túi", "T"))
    word = next((short for unit, short in units if unit in pack), "G")
    suffix = f"{digits}{word}" if "Hộp" not in pack and "Thùng" not in pack else f"H{digits}"
    return f"{product.coop.removeprefix('HTX-')[:3]}-{product.code}-{suffix}"


def _image_path(images_dir: Path, product: SampleProduct) -> Path:
    return images_dir / f"{product.code.lower()}.png"


def _package_cm(grams: int) -> tuple[int, int, int]:
    """A pack's carton as a co-op would measure it: length, width, height in cm, by its weight."""
    boxes = ((250, (15, 10, 5)), (600, (20, 12, 6)), (1500, (25, 15, 10)), (3000, (30, 20, 15)))
    return next((box for limit, box in boxes if grams <= limit), (40, 30, 20))


def _description(product: SampleProduct) -> str:
    """The co-op's own words, else a plain sentence of what and where (a shopper reads more in the facts)."""
    coop = next(coop.name for coop in COOPS if coop.code == product.coop)
    return product.description or f"{product.name} do {coop} sản xuất tại {product.commune}, Thái Nguyên."


def sample_rows(images_dir: Path | None = None) -> list[ProductRow]:
    """The sample catalogue as checked spreadsheet rows (validated exactly as an import would be), each
    product's picture named by its file in ``images_dir``."""
    folder = images_dir or default_images_dir()
    rows: list[ProductRow] = []
    number = 0
    for product in PRODUCTS:
        for pack, price, weight in product.variants:
            number += 1
            length, width, height = _package_cm(weight)
            raw: dict[str, Any] = {
                "coop_code": product.coop, "product_code": product.code, "name": product.name,
                "description": _description(product), "category": product.category,
                "sku": _sku_code(product, pack), "variant": pack, "price": price, "weight_g": weight,
                "length_cm": length, "width_cm": width, "height_cm": height,
                "stock": 20 + (number * 37) % 180, "gtin": _gtin(number) if product.ocop else None,
                "ocop_stars": product.ocop, "ocop_valid_to": OCOP_VALID_TO if product.ocop else None,
                "certifications": list(product.certifications), "origin_commune": product.commune,
                "shelf_life_days": product.shelf_life_days,
                "trace_url": f"https://truyxuat.thainguyen.gov.vn/sp/{product.code.lower()}" if product.ocop else None,
                "images": [str(_image_path(folder, product))],
            }
            rows.append(ProductRow.model_validate({k: v for k, v in raw.items() if v is not None}))
    return rows


def _with_images(rows: list[ProductRow], images: dict[str, str]) -> list[ProductRow]:
    """``rows`` with each product's picture given by ``images`` (product code → a digest or a file name)."""
    return [row.model_copy(update={"images": [images[row.product_code]]}) for row in rows]


def store_pictures(engine: Engine, images_dir: Path | None = None) -> dict[str, str]:
    """Each sample product's drawn picture kept in the photo store: product code → digest."""
    folder = images_dir or default_images_dir()
    with session_scope(engine) as session:
        return {product.code: store_photo(session, _image_path(folder, product).read_bytes()).digest
                for product in PRODUCTS}


def default_images_dir() -> Path:
    return data_dir() / "images" / "sample"


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_PATHS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size)


def draw_product_image(product: SampleProduct, path: Path) -> None:
    """A square product card: the category's colour, a round label, the name and the pack sizes."""
    colour = CATEGORY_COLOURS.get(product.category, (96, 125, 139))
    image = Image.new("RGB", (IMAGE_SIZE, IMAGE_SIZE), colour)
    draw = ImageDraw.Draw(image)
    ink = (33, 33, 33) if sum(colour) > 500 else (255, 255, 255)
    draw.ellipse((150, 70, 450, 370), fill=(255, 255, 255), outline=ink, width=6)
    draw.text((300, 220), product.name.split()[0], font=_font(64), fill=colour if sum(colour) < 600 else (90, 90, 90),
              anchor="mm")
    for line_number, line in enumerate(textwrap.wrap(product.name, 22)):
        draw.text((300, 420 + line_number * 40), line, font=_font(34), fill=ink, anchor="mm")
    packs = " · ".join(pack for pack, _, _ in product.variants)
    draw.text((300, 550), packs[:48], font=_font(20), fill=ink, anchor="mm")
    private_folder(path.parent)
    image.save(path, format="PNG")


def draw_images(images_dir: Path | None = None) -> int:
    """Draw each sample product's picture that is not there yet; returns how many were drawn."""
    folder = images_dir or default_images_dir()
    drawn = 0
    for product in PRODUCTS:
        path = _image_path(folder, product)
        if not path.exists():
            draw_product_image(product, path)
            drawn += 1
    return drawn


def seed_sample_catalog(engine: Engine, images_dir: Path | None = None) -> dict[str, int]:
    """Add the sample co-ops, products, SKUs, opening stock and pictures; running it again changes nothing.

    Returns a summary: co-ops, products, skus, images drawn, and how many things the run changed.
    """
    folder = images_dir or default_images_dir()
    drawn = draw_images(folder)
    rows = _with_images(sample_rows(folder), store_pictures(engine, folder))
    with session_scope(engine) as session:
        for coop in COOPS:
            row = ensure_coop(session, coop.code, coop.name, coop.commune)
            for field in ("phone", "address", "bank_bin", "bank_account", "bank_account_name"):
                if getattr(row, field) is None:  # a value a clerk changed is kept
                    setattr(row, field, getattr(coop, field))
        known = set(session.exec(select(Sku.sku).where(Sku.sku.in_([row.sku for row in rows]))).all())
    # Opening stock is received once: a SKU that already exists keeps the stock its sales left it.
    rows = [row.model_copy(update={"stock": None}) if row.sku in known else row for row in rows]
    report: ImportReport = write_rows(engine, rows)
    if report.errors:
        raise RuntimeError("; ".join(f"{e.row} {e.column}: {e.message}" for e in report.errors))
    with session_scope(engine) as session:
        have = {(product, code) for product, code in session.exec(
            select(Product.code, Lot.code).join(Lot, Lot.product_id == Product.id)).all()}
        for coop, product, code, produced, quantity, notes in LOTS:
            if (product, code) not in have:
                add_lot(session, {"coop_code": coop, "product_code": product, "code": code, "produced_on": produced,
                                  "quantity": quantity, "notes": notes})
    return {"coops": len(COOPS), "products": len(PRODUCTS), "skus": len(rows), "images": drawn,
            "changed": report.changed}


def write_sample_workbook(path: Path, images_dir: Path | None = None) -> int:
    """The sample catalogue as an import file (.xlsx or .csv), its pictures drawn into ``images_dir`` (default
    ``anh/`` beside it) and named from the file's folder, as an import reads them; returns the rows written."""
    path = Path(path)
    folder = images_dir or path.parent / "anh"
    draw_images(folder)
    names = {product.code: _relative_name(_image_path(folder, product), path.parent) for product in PRODUCTS}
    return write_sheet(path, (product_row_cells(row) for row in _with_images(sample_rows(folder), names)))


def _relative_name(picture: Path, folder: Path) -> str:
    """``picture`` as a cell names it: from ``folder`` when it is below it (an import takes no other path)."""
    picture, folder = picture.resolve(), folder.resolve()
    return picture.relative_to(folder).as_posix() if picture.is_relative_to(folder) else str(picture)
