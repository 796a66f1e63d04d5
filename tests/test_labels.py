"""``syndicator labels``: trace label sheets and the stall sign, read back the way a shopper's phone and a
till's scanner read them: the PDF rasterised (pypdfium2) and its codes decoded by a real decoder (zxing-cpp)."""

from __future__ import annotations

import unicodedata
from datetime import date, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
import zxingcpp
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import Coop, Lot, Product, Sku
from catalog.money import format_vnd
from syndicator.cli import app
from syndicator.labels import LAYOUTS, Label, render_labels
from tests.support.sandboxes import COOP, seed_catalogue

PUBLIC_URL = "https://truyxuat.thainguyen.example.vn"
TEA_GTIN = "8938606000013"
ACCOUNT = "0011001234567"
DPI = 300


@pytest.fixture
def run(database_url, engine, tmp_path):
    """Run ``syndicator`` against the test database; returns the click result."""
    runner = CliRunner()
    env = {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path / "data"),
           "SYNDICATOR_PUBLIC_URL": PUBLIC_URL, "COLUMNS": "200", "SYNDICATOR_LANG": "vi"}
    return lambda *args: runner.invoke(app, list(args), env=env)


@pytest.fixture
def tea(engine) -> dict[str, str]:
    """Tân Cương's catalogue: the tea with a GTIN on its 200 g pack and a valid OCOP rating, a bank account;
    returns each product's trace code by product code."""
    seed_catalogue(engine)
    with session_scope(engine) as session:
        coop = session.exec(sa.select(Coop).where(Coop.code == COOP)).scalar_one()
        coop.bank_bin, coop.bank_account, coop.bank_account_name = "970436", ACCOUNT, "HTX CHE TAN CUONG"
        session.exec(sa.update(Sku).where(Sku.sku == "TC-CHE-200G").values(gtin=TEA_GTIN))
        session.exec(sa.update(Product).where(Product.code == "CHE-TAN-CUONG")
                     .values(ocop_stars=4, ocop_valid_to=date.today() + timedelta(days=400)))
        return dict(session.exec(sa.select(Product.code, Product.trace_code)).all())


def read(path: Path) -> list[tuple[str, list[zxingcpp.Barcode]]]:
    """Each page's extracted text and the codes a decoder finds on its picture."""
    pages = []
    for page in pdfium.PdfDocument(path):
        picture = page.render(scale=DPI / 72).to_pil()
        pages.append((page.get_textpage().get_text_range(), zxingcpp.read_barcodes(picture)))
    return pages


def decoded(page: tuple[str, list[zxingcpp.Barcode]], kind: zxingcpp.BarcodeFormat) -> list[str]:
    return sorted(code.text for code in page[1] if code.format == kind)


def test_a_sheet_holds_the_product_names_as_nfc_vietnamese_text(run, tea, tmp_path):
    sheet = tmp_path / "tem.pdf"
    assert run("labels", str(sheet), "--coop", COOP).exit_code == 0
    [(text, _)] = read(sheet)
    for name in ("Chè búp Tân Cương đặc biệt", "Mật ong rừng Võ Nhai", "Miến dong Na Rì loại 1"):
        assert unicodedata.normalize("NFC", name) in text
    assert unicodedata.is_normalized("NFC", text)
    assert "HTX Chè Tân Cương" in text and "Phường Tân Cương, Thái Nguyên" in text


def test_each_labels_qr_code_decodes_to_its_products_trace_page(run, tea, tmp_path):
    sheet = tmp_path / "tem.pdf"
    run("labels", str(sheet), "--coop", COOP)
    [page] = read(sheet)
    packs = {"CHE-TAN-CUONG": 2, "MAT-ONG-VO-NHAI": 1, "MIEN-NA-RI": 1}
    expected = sorted(f"{PUBLIC_URL}/t/{tea[code]}" for code, count in packs.items() for _ in range(count))
    assert decoded(page, zxingcpp.BarcodeFormat.QRCode) == expected


def test_the_ean13_barcode_decodes_to_the_packs_gtin_and_a_pack_without_one_has_none(run, tea, tmp_path):
    sheet = tmp_path / "tem.pdf"
    run("labels", str(sheet), "--coop", COOP)
    [page] = read(sheet)
    assert decoded(page, zxingcpp.BarcodeFormat.EAN13) == [TEA_GTIN]


def test_3x8_puts_24_labels_on_a_page_and_25_packs_take_two_pages(run, tea, engine, tmp_path):
    with session_scope(engine) as session:
        honey = session.exec(sa.select(Product.id).where(Product.code == "MAT-ONG-VO-NHAI")).scalar_one()
        for grams in range(100, 2200, 100):  # 21 more packs: 25 in all
            session.add(Sku(product_id=honey, sku=f"TC-MATONG-{grams}G", variant=f"Hũ {grams}g",
                            price=grams * 500, weight_g=grams + 150))
    sheet = tmp_path / "tem.pdf"
    result = run("labels", str(sheet), "--coop", COOP)
    assert result.exit_code == 0 and "25 nhãn (2 trang" in result.stdout
    first, second = read(sheet)
    assert len(decoded(first, zxingcpp.BarcodeFormat.QRCode)) == 24
    assert decoded(second, zxingcpp.BarcodeFormat.QRCode) == [f"{PUBLIC_URL}/t/{tea['MIEN-NA-RI']}"]  # last code


def test_2x5_paper_takes_ten_labels_a_page_rendered_from_plain_data():
    label = Label(product="Miến dong Na Rì loại 1", pack="Gói 500g", coop="HTX Miến dong Côn Minh",
                  origin="Xã Côn Minh, Thái Nguyên", trace_url=f"{PUBLIC_URL}/t/Mk4pQ_7z", ocop_stars=3,
                  certifications=("VietGAP",))
    document = pdfium.PdfDocument(render_labels([label] * 11, LAYOUTS["2x5"]))
    assert len(document) == 2
    first = zxingcpp.read_barcodes(document[0].render(scale=DPI / 72).to_pil())
    assert [code.text for code in first] == [label.trace_url] * 10


def test_the_price_is_printed_only_when_asked_for(run, tea, tmp_path):
    plain, priced = tmp_path / "tem.pdf", tmp_path / "tem-gia.pdf"
    run("labels", str(plain), "--sku", "TC-CHE-200G")
    run("labels", str(priced), "--sku", "TC-CHE-200G", "--price")
    assert format_vnd(120000) not in read(plain)[0][0]
    assert format_vnd(120000) in read(priced)[0][0]


def test_a_valid_ocop_rating_is_printed_and_an_expired_one_is_not(run, tea, engine, tmp_path):
    sheet = tmp_path / "tem.pdf"
    run("labels", str(sheet), "--product", "CHE-TAN-CUONG")
    assert "OCOP 4 sao" in read(sheet)[0][0] and "VietGAP" in read(sheet)[0][0]
    with session_scope(engine) as session:
        session.exec(sa.update(Product).where(Product.code == "CHE-TAN-CUONG")
                     .values(ocop_valid_to=date.today() - timedelta(days=1)))
    run("labels", str(sheet), "--product", "CHE-TAN-CUONG")
    assert "OCOP" not in read(sheet)[0][0]


def test_a_lot_label_links_the_lots_trace_page_and_prints_its_dates(run, tea, engine, tmp_path):
    with session_scope(engine) as session:
        product = session.exec(sa.select(Product).where(Product.code == "CHE-TAN-CUONG")).scalar_one()
        lot = Lot(product_id=product.id, code="TC-2611-01", produced_on=date(2026, 11, 20),
                  notes="hộ bà Nguyễn Thị Lan, xóm Nam Thái")
        session.add(lot)
        session.flush()
        lot_code = lot.trace_code
    sheet = tmp_path / "tem-lo.pdf"
    result = run("labels", str(sheet), "--coop", COOP, "--lot", "tc-2611-01")
    assert result.exit_code == 0, result.output
    [page] = read(sheet)
    assert decoded(page, zxingcpp.BarcodeFormat.QRCode) == [f"{PUBLIC_URL}/t/{lot_code}"] * 2  # both packs
    assert "Lô: TC-2611-01" in page[0] and "NSX: 20/11/2026" in page[0]
    assert "HSD: 20/11/2027" in page[0]  # the product's 365 days of shelf life


def test_the_stall_sign_carries_a_static_vietqr_code_for_the_coops_account(run, tea, tmp_path):
    sign = tmp_path / "bang-gia.pdf"
    result = run("labels", str(sign), "--coop", COOP, "--stall")
    assert result.exit_code == 0, result.output
    [(text, codes)] = read(sign)
    [payload] = [code.text for code in codes]
    assert payload.startswith("000201010211") and ACCOUNT in payload  # static: the payer types the amount
    assert "Bảng giá" in text and format_vnd(250000) in text and "Mật ong rừng Võ Nhai" in text


def test_a_2x5_label_can_carry_a_vietqr_code_that_pays_its_packs_price(run, tea, tmp_path):
    sheet = tmp_path / "tem-tra-tien.pdf"
    result = run("labels", str(sheet), "--sku", "TC-CHE-200G", "--layout", "2x5", "--pay")
    assert result.exit_code == 0, result.output
    [page] = read(sheet)
    [payment] = [text for text in decoded(page, zxingcpp.BarcodeFormat.QRCode) if text.startswith("000201")]
    assert payment.startswith("000201010212") and ACCOUNT in payment  # dynamic: the price is in the code
    assert "5406120000" in payment and "0811TC-CHE-200G" in payment  # 120.000 đ, the SKU as its purpose
    assert format_vnd(120000) in page[0] and "Quét để trả tiền" in page[0]


def test_a_payment_code_needs_the_wide_label_and_a_bank_account(run, tea, engine, tmp_path):
    narrow = run("labels", str(tmp_path / "a.pdf"), "--sku", "TC-CHE-200G", "--pay")
    with session_scope(engine) as session:
        session.exec(sa.update(Coop).values(bank_bin=None, bank_account=None))
    no_bank = run("labels", str(tmp_path / "b.pdf"), "--sku", "TC-CHE-200G", "--layout", "2x5", "--pay")

    assert narrow.exit_code == 1 and "2x5" in narrow.output
    assert no_bank.exit_code == 1 and COOP in no_bank.output
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "b.pdf").exists()


def test_a_stall_sign_without_a_bank_account_says_so_and_is_printed_without_a_code(run, tea, engine, tmp_path):
    with session_scope(engine) as session:
        session.exec(sa.update(Coop).values(bank_bin=None, bank_account=None))
    sign = tmp_path / "bang-gia.pdf"
    result = run("labels", str(sign), "--stall")
    assert result.exit_code == 0
    assert f"HTX «{COOP}» chưa ghi ngân hàng" in result.stderr
    [(text, codes)] = read(sign)
    assert codes == [] and format_vnd(65000) in text


@pytest.mark.parametrize(("args", "said"), [
    (("--sku", "TC-CHE-1KG"), "không có SKU «TC-CHE-1KG»"),
    (("--coop", "HTX-DINHHOA"), "không có HTX mã «HTX-DINHHOA»"),
    (("--coop", COOP, "--product", "CHE-TAN-CUONG", "--product", "CHE-SHAN-TUYET"),
     f"HTX «{COOP}» không có sản phẩm mã «CHE-SHAN-TUYET»"),
    (("--lot", "TC-2612-09"), "không có lô «TC-2612-09» của các sản phẩm đã chọn"),
])
def test_an_unknown_name_is_refused_naming_it_and_nothing_is_written(run, tea, tmp_path, args, said):
    sheet = tmp_path / "tem.pdf"
    result = run("labels", str(sheet), *args)
    assert result.exit_code == 1 and said in result.stderr
    assert not sheet.exists()


def test_another_coops_sku_is_refused_when_printing_for_a_coop(run, tea, engine, tmp_path):
    with session_scope(engine) as session:
        coop = Coop(code="HTX-VONHAI", name="HTX Mật ong Võ Nhai", commune_name="Xã Võ Nhai")
        session.add(coop)
        session.flush()
        product = Product(coop_id=coop.id, code="MAT-ONG-BAC-HA", name="Mật ong hoa bạc hà Võ Nhai")
        session.add(product)
        session.flush()
        session.add(Sku(product_id=product.id, sku="VN-MATONG-500", variant="Chai 500ml", price=230000,
                        weight_g=700))
    sheet = tmp_path / "tem.pdf"
    refused = run("labels", str(sheet), "--coop", COOP, "--sku", "VN-MATONG-500")
    assert refused.exit_code == 1 and f"HTX «{COOP}» không có SKU «VN-MATONG-500»" in refused.stderr
    assert not sheet.exists()
    assert run("labels", str(sheet), "--coop", "HTX-VONHAI", "--sku", "VN-MATONG-500").exit_code == 0
