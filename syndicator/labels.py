"""Printable trace labels (tem) on A4 label paper and an A5 stall sign with a VietQR payment code.

Two steps: ``load_labels``/``load_stall_signs`` read the catalogue into plain dataclasses, and
``render_labels``/``render_stall_signs`` turn those into PDF bytes without a database. Text stays text in the
PDF (selectable, searchable), in DejaVu Sans embedded for Vietnamese; QR codes and barcodes are drawn as
vector rectangles so they print sharp at any size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from pathlib import Path

import segno
import sqlalchemy as sa
from barcode import EAN13
from fpdf import FPDF
from sqlmodel import Session
from stdnum import ean

from catalog.i18n import t
from catalog.lots import expiry
from catalog.models import Coop, Lot, Product, Sku
from catalog.money import format_vnd
from catalog.text import nfc
from catalog.trace import trace_url
from catalog.vietqr import napas_banks, vietqr_payload

FONT_DIR = Path(__file__).parent / "fonts"
FONT = "DejaVu"
PRINTED_LANG = "vi"  # read by shoppers in Vietnam: Vietnamese, whatever language the operator speaks
SAFE = 3.0  # mm kept blank inside each label's edge: a label cut or printed a little off still loses nothing
QR_BORDER = 4  # the quiet zone QR readers expect, in modules
EAN_FIRST_DIGIT = 7  # modules from the first digit's left edge to the bars, in the 11-module quiet zone
EAN_LONG_BARS = (0, 1, 2, 45, 46, 47, 48, 49, 92, 93, 94)  # the guard bars, drawn longer than the others
PT = 25.4 / 72  # mm per point


class LabelsRefused(ValueError):
    """What was asked for is not in the catalogue (or not in the co-op's): the message names it."""


@dataclass(frozen=True)
class Layout:
    """A sheet of label paper: ``columns`` × ``rows`` labels of ``width`` × ``height`` mm on A4, the first one
    ``left``/``top`` mm from the sheet's corner, ``gap_x``/``gap_y`` mm apart."""

    name: str
    columns: int
    rows: int
    width: float
    height: float
    left: float
    top: float
    gap_x: float = 0.0
    gap_y: float = 0.0

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def position(self, index: int) -> tuple[float, float]:
        """The top-left corner (mm) of the ``index``-th label of a page, filled row by row."""
        row, column = divmod(index % self.per_page, self.columns)
        return self.left + column * (self.width + self.gap_x), self.top + row * (self.height + self.gap_y)


LAYOUTS = {
    # 24 labels of 70 × 37 mm edge to edge (Avery 3474, Tomy A4 24-up): 8 × 37 = 296 of the sheet's 297 mm
    "3x8": Layout("3x8", 3, 8, 70.0, 37.0, left=0.0, top=0.5),
    # 10 labels of 105 × 57 mm (Avery 3425, Tomy A4 10-up): 5 × 57 = 285, 6 mm left at top and bottom
    "2x5": Layout("2x5", 2, 5, 105.0, 57.0, left=0.0, top=6.0),
}
# A label is drawn on this design box (mm, inside the safe margin of a 3×8 label) and scaled to the layout's.
DESIGN_W, DESIGN_H = 64.0, 31.0


@dataclass(frozen=True)
class LotInfo:
    code: str
    produced_on: date
    expires_on: date | None


@dataclass(frozen=True)
class Label:
    product: str
    pack: str
    coop: str
    origin: str
    trace_url: str
    ocop_stars: int | None = None  # only while the rating is valid
    certifications: tuple[str, ...] = ()
    gtin: str | None = None  # a valid GTIN-13, drawn as an EAN-13 barcode
    price: int | None = None  # whole đồng, only when asked for
    lot: LotInfo | None = None
    payment: str | None = None  # a VietQR payload for this pack's price, only when asked for


@dataclass(frozen=True)
class SignLine:
    product: str
    pack: str
    price: int


@dataclass(frozen=True)
class StallSign:
    coop: str
    place: str  # the co-op's commune and phone
    lines: tuple[SignLine, ...]
    payment: str | None = None  # the VietQR payload, for no amount
    payee: str = ""  # bank, account holder and number, printed under the code
    payment_problem: str | None = None  # why there is no payment code, for the operator


@dataclass(frozen=True)
class Selection:
    """What to print: every filter narrows (co-op, products, SKUs, lot). Codes as typed."""

    coop: str | None = None
    products: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    lot: str | None = None
    price: bool = False
    pay: bool = False  # a VietQR payment code for each pack's price (needs the co-op's bank account)
    today: date = field(default_factory=date.today)


# ---- reading the catalogue -------------------------------------------------------------------------------


def _upper(codes: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(code.strip().upper() for code in codes if code.strip()))


def _coop(session: Session, code: str | None) -> tuple[int, str] | None:
    """The id and code of the co-op named, None when none is."""
    if code is None:
        return None
    wanted = code.strip().upper()
    found = session.execute(sa.select(Coop.id).where(Coop.code == wanted)).scalar()
    if found is None:
        raise LabelsRefused(t("labels_unknown_coop", value=wanted))
    return found, wanted


def _refuse_unknown(session: Session, coop: tuple[int, str] | None, products: tuple[str, ...],
                    skus: tuple[str, ...]) -> None:
    """Every product and SKU named must exist (in the co-op, when one is named)."""
    known_products = sa.select(Product.code).where(Product.code.in_(products))
    known_skus = sa.select(Sku.sku).join(Product, Product.id == Sku.product_id).where(Sku.sku.in_(skus))
    for names, query, key in ((products, known_products, "labels_unknown_product"),
                              (skus, known_skus, "labels_unknown_sku")):
        if not names:
            continue
        if coop is not None:
            query = query.where(Product.coop_id == coop[0])
        known = set(session.execute(query).scalars())
        missing = [name for name in names if name not in known]
        if missing:
            raise LabelsRefused(_unknown(key, ", ".join(missing), coop))


def _unknown(key: str, value: str, coop: tuple[int, str] | None) -> str:
    return t(f"{key}_in_coop", value=value, coop=coop[1]) if coop else t(key, value=value)


def _packs(session: Session, selection: Selection) -> list[tuple[Sku, Product, Coop]]:
    """The selected SKUs with their product and co-op: the enabled ones, or exactly those named by SKU."""
    coop = _coop(session, selection.coop)
    products, skus = _upper(selection.products), _upper(selection.skus)
    _refuse_unknown(session, coop, products, skus)
    query = (sa.select(Sku, Product, Coop).join(Product, Product.id == Sku.product_id)
             .join(Coop, Coop.id == Product.coop_id).order_by(Coop.code, Product.code, Sku.sku))
    if coop is not None:
        query = query.where(Coop.id == coop[0])
    if products:
        query = query.where(Product.code.in_(products))
    query = query.where(Sku.sku.in_(skus)) if skus else query.where(Sku.enabled == sa.true())
    return [tuple(row) for row in session.execute(query).all()]


def _lots(session: Session, code: str, product_ids: set[int]) -> list[Lot]:
    wanted = code.strip().upper()
    found = session.execute(sa.select(Lot).where(Lot.code == wanted, Lot.product_id.in_(product_ids))
                            .order_by(Lot.product_id)).scalars().all()
    if not found:
        raise LabelsRefused(t("labels_unknown_lot", value=wanted))
    return list(found)


def _origin(product: Product, coop: Coop) -> str:
    commune = product.origin_commune_name or coop.commune_name
    return ", ".join(part for part in (commune, product.origin_province) if part)


def _gtin13(gtin: str | None) -> str | None:
    return gtin if gtin and len(gtin) == 13 and ean.is_valid(gtin) else None


def _label(sku: Sku, product: Product, coop: Coop, selection: Selection, lot: Lot | None) -> Label:
    # a rating past its validity is not printed: the label outlives the day it is printed on
    ocop_valid = product.ocop_valid_to is not None and product.ocop_valid_to >= selection.today
    lot_info = None
    if lot is not None:
        lot_info = LotInfo(lot.code, lot.produced_on,
                           expiry(lot.produced_on, lot.expires_on, product.shelf_life_days))
    return Label(
        product=nfc(product.name), pack=nfc(sku.variant), coop=nfc(coop.name),
        origin=nfc(_origin(product, coop)), ocop_stars=product.ocop_stars if ocop_valid else None,
        trace_url=trace_url(lot.trace_code if lot else product.trace_code),
        certifications=tuple(nfc(name) for name in product.certifications), gtin=_gtin13(sku.gtin),
        price=sku.price if selection.price or selection.pay else None, lot=lot_info,
        payment=_price_payment(coop, sku) if selection.pay else None,
    )


def _price_payment(coop: Coop, sku: Sku) -> str:
    """The VietQR payload that pays this pack's price to the co-op (the SKU as its purpose); refused, naming
    the co-op, when it has no usable bank account."""
    if not (coop.bank_bin and coop.bank_account):
        raise LabelsRefused(t("labels_stall_no_bank", coop=coop.code))
    try:
        return vietqr_payload(coop.bank_bin, coop.bank_account, amount=sku.price, purpose=sku.sku)
    except ValueError as error:
        raise LabelsRefused(t("labels_stall_bad_bank", coop=coop.code, error=error)) from error


def load_labels(session: Session, selection: Selection) -> list[Label]:
    """One label per selected SKU; with a lot, one per SKU of each product that has that lot (its trace page
    and dates). Raises :class:`LabelsRefused` naming an unknown co-op, product, SKU or lot."""
    packs = _packs(session, selection)
    if selection.lot is None:
        return [_label(sku, product, coop, selection, None) for sku, product, coop in packs]
    lots = _lots(session, selection.lot, {product.id for _, product, _ in packs})
    return [_label(sku, product, coop, selection, lot)
            for lot in lots for sku, product, coop in packs if product.id == lot.product_id]


def _payment(coop: Coop) -> tuple[str | None, str, str | None]:
    """The co-op's static VietQR payload, the payee line under it, and why there is none."""
    if not (coop.bank_bin and coop.bank_account):
        return None, "", t("labels_stall_no_bank", coop=coop.code)
    try:
        payload = vietqr_payload(coop.bank_bin, coop.bank_account)
    except ValueError as error:
        return None, "", t("labels_stall_bad_bank", coop=coop.code, error=error)
    bank = napas_banks().get(coop.bank_bin, coop.bank_bin)
    payee = " · ".join(part for part in (bank, coop.bank_account_name, coop.bank_account) if part)
    return payload, nfc(payee), None


def load_stall_signs(session: Session, selection: Selection) -> list[StallSign]:
    """One sign per co-op with selected SKUs: their packs and prices, and the co-op's payment code."""
    signs = []
    for _, rows in groupby(_packs(session, selection), key=lambda row: row[2].id):
        rows = list(rows)
        coop = rows[0][2]
        payment, payee, problem = _payment(coop)
        place = " · ".join(part for part in (coop.commune_name, coop.province, coop.phone) if part)
        lines = tuple(SignLine(nfc(product.name), nfc(sku.variant), sku.price) for sku, product, _ in rows)
        signs.append(StallSign(nfc(coop.name), nfc(place), lines, payment, payee, problem))
    return signs


# ---- drawing ---------------------------------------------------------------------------------------------


def _document(page_format: str | tuple[float, float]) -> FPDF:
    pdf = FPDF(unit="mm", format=page_format)
    pdf.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
    pdf.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_lang("vi")
    pdf.set_creator("syndicator")
    return pdf


def _fitted(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` in the current font."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _lines(pdf: FPDF, text: str, width: float, most: int) -> list[str]:
    """``text`` wrapped at words to ``width``, at most ``most`` lines, the last one cut if more was left."""
    lines = pdf.multi_cell(width, text=text, dry_run=True, output="LINES")
    if len(lines) <= most:
        return lines
    return [*lines[:most - 1], _fitted(pdf, " ".join(lines[most - 1:]), width)]


def _write(pdf: FPDF, x: float, y: float, text: str, size: float, bold: bool = False) -> None:
    """Text whose top is at ``y`` (fpdf2 places text by its baseline)."""
    pdf.set_font(FONT, "B" if bold else "", size)
    pdf.text(x, y + size * PT * 0.8, text)


def draw_qr(pdf: FPDF, data: str, x: float, y: float, size: float) -> None:
    """A QR code, its quiet zone included, in the ``size`` mm square at ``x``, ``y``; each run of dark modules
    in a row is one rectangle."""
    matrix = segno.make(data, error="m", micro=False).matrix
    module = size / (len(matrix) + 2 * QR_BORDER)
    pdf.set_fill_color(0)
    for row_index, row in enumerate(matrix):
        top = y + (row_index + QR_BORDER) * module
        column = 0
        while column < len(row):
            if not row[column]:
                column += 1
                continue
            start = column
            while column < len(row) and row[column]:
                column += 1
            pdf.rect(x + (start + QR_BORDER) * module, top, (column - start) * module, module, style="F")


def draw_ean13(pdf: FPDF, gtin: str, x: float, y: float, module: float, height: float) -> None:
    """An EAN-13 barcode with its digits, ``height`` mm tall from ``y``: the first digit at ``x``, the bars
    from ``EAN_FIRST_DIGIT`` modules on. The quiet zone's other 4 modules are left of ``x``."""
    bars = EAN13(gtin).build()[0]
    left = x + EAN_FIRST_DIGIT * module
    size = 7.2 * module / 0.33  # points: the digits grow with the modules (0.33 mm is 100 %)
    digit_height = size * PT
    baseline = y + height - 0.2 * digit_height
    pdf.set_fill_color(0)
    for index, bit in enumerate(bars):
        if bit == "1":
            short = 0.0 if index in EAN_LONG_BARS else 0.9 * digit_height
            pdf.rect(left + index * module, y, module, height - short, style="F")
    pdf.set_font(FONT, "", size)
    pdf.text(x, baseline, gtin[0])
    for group, start in ((gtin[1:7], 3), (gtin[7:], 50)):  # each half's 42 modules start after a guard
        pdf.text(left + (start + 21) * module - pdf.get_string_width(group) / 2, baseline, group)


def _stars(pdf: FPDF, x: float, y: float, count: int, radius: float) -> float:
    """``count`` five-pointed stars from ``x``, their centres at ``y``; returns the x after them."""
    pdf.set_fill_color(200, 150, 0)
    for _ in range(count):
        pdf.star(x + radius, y, radius * 0.42, radius, 5, rotate_degrees=-90, style="F")
        x += radius * 2.1
    return x


def _badge(pdf: FPDF, x: float, y: float, text: str, size: float, limit: float) -> float:
    """``text`` in a rounded frame from ``x`` (top at ``y``); returns the x after it, or ``x`` when it would
    not end before ``limit``."""
    pdf.set_font(FONT, "B", size)
    pad = size * PT * 0.4
    width = pdf.get_string_width(text) + 2 * pad
    if x + width > limit:
        return x
    height = size * PT * 1.5
    pdf.set_draw_color(0, 110, 50)
    pdf.set_line_width(size * PT * 0.08)
    pdf.rect(x, y, width, height, style="D", round_corners=True, corner_radius=height / 3)
    pdf.set_text_color(0, 110, 50)
    pdf.text(x + pad, y + height / 2 + size * PT * 0.35, text)
    pdf.set_text_color(0)
    return x + width + pad


def _marks(pdf: FPDF, label: Label, x: float, y: float, limit: float, s: float) -> None:
    """OCOP stars (as text and as stars) and the certifications in badges, on one row."""
    size = 5.5 * s
    if label.ocop_stars:
        text = t("labels_ocop", PRINTED_LANG, stars=label.ocop_stars)
        _write(pdf, x, y + 0.35 * s, text, size, bold=True)
        x = _stars(pdf, x + pdf.get_string_width(text) + 0.6 * s, y + 1.2 * s, label.ocop_stars, 1.05 * s)
        x += 1.0 * s
    for name in label.certifications:
        after = _badge(pdf, x, y, name, 5.0 * s, limit)
        if after == x:
            break
        x = after


def _lot_lines(lot: LotInfo) -> list[str]:
    lines = [t("labels_lot", PRINTED_LANG, code=lot.code),
             t("labels_produced", PRINTED_LANG, day=lot.produced_on.strftime("%d/%m/%Y"))]
    if lot.expires_on:
        lines.append(t("labels_expires", PRINTED_LANG, day=lot.expires_on.strftime("%d/%m/%Y")))
    return lines


def _draw_label(pdf: FPDF, label: Label, x0: float, y0: float, s: float) -> None:
    """One label in the design box at ``x0``, ``y0`` scaled by ``s`` (see DESIGN_W, DESIGN_H)."""
    qr = 18.0 * s
    qr_x = x0 + DESIGN_W * s - qr
    _captioned_qr(pdf, label.trace_url, qr_x, y0, qr, t("labels_scan_to_trace", PRINTED_LANG), s)
    caption_y = y0 + qr - 0.6 * s
    if label.payment:  # beside the trace code, its price under it: a 2x5 label is wide enough for both
        qr_x -= qr + 1.5 * s
        _captioned_qr(pdf, label.payment, qr_x, y0, qr, t("labels_scan_to_pay_price", PRINTED_LANG), s)
        price = format_vnd(label.price or 0)
        pdf.set_font(FONT, "B", 6.5 * s)
        _write(pdf, qr_x + (qr - pdf.get_string_width(price)) / 2, caption_y + 2.4 * s, price, 6.5 * s, bold=True)
    if label.lot:
        for index, line in enumerate(_lot_lines(label.lot)):
            _write(pdf, qr_x + 1.0 * s, caption_y + (2.6 + 2.3 * index) * s, line, 5.2 * s, bold=index == 0)

    width = qr_x - x0 - 1.5 * s
    y = y0
    pdf.set_font(FONT, "B", 7.0 * s)
    for line in _lines(pdf, label.product, width, 2):
        _write(pdf, x0, y, line, 7.0 * s, bold=True)
        y += 3.0 * s
    y += 0.3 * s
    pack_width = width
    if label.price is not None and not label.payment:
        price = format_vnd(label.price)
        pdf.set_font(FONT, "B", 7.5 * s)
        price_width = pdf.get_string_width(price)
        _write(pdf, x0 + width - price_width, y - 0.3 * s, price, 7.5 * s, bold=True)
        pack_width = width - price_width - 1.5 * s
    pdf.set_font(FONT, "", 6.5 * s)
    _write(pdf, x0, y, _fitted(pdf, label.pack, pack_width), 6.5 * s)
    y += 3.2 * s
    pdf.set_font(FONT, "", 5.5 * s)
    for line in (label.coop, label.origin):
        _write(pdf, x0, y, _fitted(pdf, line, width), 5.5 * s)
        y += 2.4 * s
    _marks(pdf, label, x0, y + 0.4 * s, x0 + width, s)
    if label.gtin:
        module = 0.27 * s
        draw_ean13(pdf, label.gtin, x0, y0 + DESIGN_H * s - 9.2 * s, module, 9.2 * s)


def _captioned_qr(pdf: FPDF, data: str, x: float, y: float, size: float, caption: str, s: float) -> None:
    draw_qr(pdf, data, x, y, size)
    pdf.set_font(FONT, "", 4.5 * s)
    _write(pdf, x + (size - pdf.get_string_width(caption)) / 2, y + size - 0.6 * s, caption, 4.5 * s)


def render_labels(labels: Sequence[Label], layout: Layout) -> bytes:
    """The label sheets as PDF bytes: ``layout.per_page`` labels a page, in order."""
    pdf = _document("A4")
    pdf.set_title(t("labels_sheet_title", PRINTED_LANG))
    inner_w, inner_h = layout.width - 2 * SAFE, layout.height - 2 * SAFE
    s = min(inner_w / DESIGN_W, inner_h / DESIGN_H)
    for index, label in enumerate(labels):
        if index % layout.per_page == 0:
            pdf.add_page()
        x, y = layout.position(index)
        # the design box, centred in the label's safe area
        _draw_label(pdf, label, x + SAFE + (inner_w - DESIGN_W * s) / 2,
                    y + SAFE + (inner_h - DESIGN_H * s) / 2, s)
    return bytes(pdf.output())


# The A5 stall sign, in mm.
SIGN_W, SIGN_H, SIGN_MARGIN = 148.0, 210.0, 12.0
SIGN_ROW = 8.0
SIGN_QR = 58.0
SIGN_PAYMENT_BLOCK = SIGN_QR + 22.0  # the code with its heading and the payee line


def _sign_header(pdf: FPDF, sign: StallSign) -> float:
    """The co-op's name and place at the top of a page; returns the y under them."""
    width = SIGN_W - 2 * SIGN_MARGIN
    y = SIGN_MARGIN
    pdf.set_font(FONT, "B", 18)
    for line in _lines(pdf, sign.coop, width, 2):
        _write(pdf, SIGN_MARGIN, y, line, 18, bold=True)
        y += 8.0
    pdf.set_font(FONT, "", 10)
    _write(pdf, SIGN_MARGIN, y, _fitted(pdf, sign.place, width), 10)
    y += 6.0
    pdf.set_draw_color(0)
    pdf.set_line_width(0.4)
    pdf.line(SIGN_MARGIN, y, SIGN_W - SIGN_MARGIN, y)
    y += 3.0
    _write(pdf, SIGN_MARGIN, y, t("labels_price_list", PRINTED_LANG), 12, bold=True)
    return y + 8.0


def _sign_row(pdf: FPDF, line: SignLine, y: float) -> None:
    width = SIGN_W - 2 * SIGN_MARGIN
    price = format_vnd(line.price)
    pdf.set_font(FONT, "B", 12)
    price_width = pdf.get_string_width(price)
    _write(pdf, SIGN_W - SIGN_MARGIN - price_width, y + 0.5, price, 12, bold=True)
    text_width = width - price_width - 4.0
    pdf.set_font(FONT, "", 10)
    name = _fitted(pdf, line.product, text_width - pdf.get_string_width(" · " + line.pack))
    _write(pdf, SIGN_MARGIN, y + 1.0, f"{name} · {line.pack}" if line.pack else name, 10)
    pdf.set_draw_color(180)
    pdf.set_line_width(0.2)
    pdf.line(SIGN_MARGIN, y + SIGN_ROW - 1.5, SIGN_W - SIGN_MARGIN, y + SIGN_ROW - 1.5)


def _sign_payment(pdf: FPDF, sign: StallSign) -> None:
    """The payment code centred at the bottom of the page, its heading above, the payee under."""
    top = SIGN_H - SIGN_MARGIN - SIGN_PAYMENT_BLOCK
    heading = t("labels_scan_to_pay", PRINTED_LANG)
    pdf.set_font(FONT, "B", 12)
    _write(pdf, (SIGN_W - pdf.get_string_width(heading)) / 2, top, heading, 12, bold=True)
    draw_qr(pdf, sign.payment, (SIGN_W - SIGN_QR) / 2, top + 6.0, SIGN_QR)
    pdf.set_font(FONT, "", 9)
    payee = _fitted(pdf, sign.payee, SIGN_W - 2 * SIGN_MARGIN)
    _write(pdf, (SIGN_W - pdf.get_string_width(payee)) / 2, top + 7.0 + SIGN_QR, payee, 9)


def _draw_sign(pdf: FPDF, sign: StallSign) -> None:
    """A sign's pages: the first carries the payment code at its bottom, a long list goes on over more."""
    rows = list(sign.lines)
    first = True
    while first or rows:
        pdf.add_page()
        y = _sign_header(pdf, sign)
        bottom = SIGN_H - SIGN_MARGIN - (SIGN_PAYMENT_BLOCK + 4.0 if first and sign.payment else 0.0)
        fits = max(1, int((bottom - y) // SIGN_ROW))
        for line in rows[:fits]:
            _sign_row(pdf, line, y)
            y += SIGN_ROW
        rows = rows[fits:]
        if first and sign.payment:
            _sign_payment(pdf, sign)
        first = False


def render_stall_signs(signs: Sequence[StallSign]) -> bytes:
    """The A5 stall signs as PDF bytes, one co-op after another."""
    pdf = _document((SIGN_W, SIGN_H))
    pdf.set_title(t("labels_price_list", PRINTED_LANG))
    for sign in signs:
        _draw_sign(pdf, sign)
    return bytes(pdf.output())
