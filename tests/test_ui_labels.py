"""The Tem nhãn page: a co-op's label sheets and stall sign downloaded as PDF, and the bank account its VietQR
code pays into, recorded by the co-op's clerks only."""

from __future__ import annotations

import unicodedata

import pypdfium2 as pdfium
import pytest
from sqlmodel import select

from catalog.coops import update_contact
from catalog.db import session_scope
from catalog.lots import add_lot
from catalog.models import Coop
from syndicator.access.labels import save_coop_contact
from syndicator.access.roles import AccessDenied
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import TAN_CUONG, VO_NHAI, login, seed_two_coops

VIETCOMBANK = "970436"
NO_BANK_HINT = "HTX chưa ghi tài khoản ngân hàng nên bảng giá in ra chưa có mã VietQR để khách quét trả tiền."


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    """The two co-ops of the app's tests; neither has recorded a bank account yet."""
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine




def with_bank_account(engine, coop_code: str) -> None:
    with session_scope(engine) as session:
        update_contact(session, coop_code, bank_bin=VIETCOMBANK, bank_account="0011001234567",
                       bank_account_name="HTX CHE TAN CUONG")


def bank_of(engine, coop_code: str) -> tuple[str | None, str | None, str | None]:
    with session_scope(engine) as session:
        coop = session.exec(select(Coop).where(Coop.code == coop_code)).one()
        return coop.bank_bin, coop.bank_account, coop.bank_account_name


def pdf_text(content: bytes) -> str:
    text = "".join(page.get_textpage().get_text_range() for page in pdfium.PdfDocument(content))
    return unicodedata.normalize("NFC", text)


def click(app, label: str):
    next(b for b in app.button if b.label == label).click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def fill_bank_form(app, coop_code: str, bank_bin: str, **typed: str):
    app.selectbox(key=f"bank_bin_{coop_code}").set_value(bank_bin)
    for field, value in typed.items():
        app.text_input(key=f"{field}_{coop_code}").input(value)
    return click(app, "Lưu tài khoản")


def test_a_clerk_previews_and_downloads_the_label_sheet_of_a_product(seeded, offered):
    app = open_page(logged_in("tancuong"), "labels")
    app.multiselect(key=f"labels_products_{TAN_CUONG}").select("CHE-NT")
    app.checkbox(key="labels_price").check()
    click(app, "Xem trước")

    assert "1 tem trên 1 trang. Các tem của trang đầu:" in shown_text(app)
    assert "Chè nõn tôm Tân Cương" in shown_text(app)
    content = offered(app, "labels_download").content
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "Chè nõn tôm Tân Cương" in text and "Hộp 100g" in text and "185.000" in text
    assert "Chè búp" not in text


def test_the_downloads_are_named_for_the_coop(seeded, offered):
    app = click(open_page(logged_in("tancuong"), "labels"), "Xem trước")
    assert offered(app, "labels_download").filename == "tem-HTX-TANCUONG.pdf"
    assert offered(app, "stall_download").filename == "bang-gia-HTX-TANCUONG.pdf"


def test_labels_for_a_lot_carry_its_code(seeded, offered):
    with session_scope(seeded) as session:
        add_lot(session, {"coop_code": TAN_CUONG, "product_code": "CHE-DB", "code": "TC-2611-01",
                          "produced_on": "20/11/2026"})
    app = open_page(logged_in("tancuong"), "labels")
    app.selectbox(key=f"labels_lot_{TAN_CUONG}").set_value("TC-2611-01")
    click(app, "Xem trước")

    text = pdf_text(offered(app, "labels_download").content)
    assert "Lô: TC-2611-01" in text and "Chè búp Tân Cương đặc biệt" in text
    assert "Chè nõn tôm" not in text


def test_a_coop_without_a_bank_account_is_told_its_sign_has_no_vietqr_code(seeded):
    app = open_page(logged_in("tancuong"), "labels")
    assert NO_BANK_HINT in [w.value for w in app.warning]
    assert app.selectbox(key=f"bank_bin_{TAN_CUONG}").value == ""


def test_a_coop_with_a_bank_account_downloads_a_stall_sign_with_its_payee(seeded, offered):
    with_bank_account(seeded, TAN_CUONG)
    app = open_page(logged_in("tancuong"), "labels")

    assert NO_BANK_HINT not in [w.value for w in app.warning]
    text = pdf_text(offered(app, "stall_download").content)
    assert "HTX Chè Tân Cương" in text and "HTX CHE TAN CUONG" in text and "0011001234567" in text


def test_a_clerk_records_the_bank_account_and_the_hint_goes(seeded):
    app = open_page(logged_in("tancuong"), "labels")
    fill_bank_form(app, TAN_CUONG, VIETCOMBANK, bank_account="0011001234567",
                   bank_account_name="HTX CHE TAN CUONG", phone="0208 3855 123")

    assert "Đã lưu tài khoản ngân hàng và liên hệ của HTX." in shown_text(app)
    assert NO_BANK_HINT not in [w.value for w in app.warning]
    assert bank_of(seeded, TAN_CUONG) == (VIETCOMBANK, "0011001234567", "HTX CHE TAN CUONG")


def test_a_bad_account_number_shows_the_refusal_and_saves_nothing(seeded):
    app = open_page(logged_in("tancuong"), "labels")
    fill_bank_form(app, TAN_CUONG, VIETCOMBANK, bank_account="0011-0012-3456",
                   bank_account_name="HTX CHE TAN CUONG")

    errors = [e.value for e in app.error]
    assert len(errors) == 1 and errors[0].startswith("Chưa lưu:") and "0011-0012-3456" in errors[0], errors
    assert bank_of(seeded, TAN_CUONG) == (None, None, None)


def test_an_officer_picks_a_coop_and_gets_no_bank_form(seeded):
    app = open_page(logged_in("canbo"), "labels")
    app.selectbox(key="labels_coop").set_value(VO_NHAI)
    app.run()

    assert "Mật ong rừng Võ Nhai (MO-VN)" in app.multiselect(key=f"labels_products_{VO_NHAI}").options
    assert "Bạn chỉ có quyền xem." in shown_text(app)
    assert not [b for b in app.button if b.label == "Lưu tài khoản"]


def test_an_officer_is_refused_saving_a_bank_account(seeded):
    with pytest.raises(AccessDenied):
        save_coop_contact(seeded, login(seeded, "canbo"), VO_NHAI,
                          {"bank_bin": VIETCOMBANK, "bank_account": "0011001234567", "bank_account_name": "HTX"})
    assert bank_of(seeded, VO_NHAI) == (None, None, None)


def test_a_clerk_is_refused_saving_another_coops_bank_account(seeded):
    with pytest.raises(AccessDenied):
        save_coop_contact(seeded, login(seeded, "tancuong"), VO_NHAI,
                          {"bank_bin": VIETCOMBANK, "bank_account": "0011001234567", "bank_account_name": "HTX"})
    assert bank_of(seeded, VO_NHAI) == (None, None, None)


def test_the_english_switch_shows_the_page_in_english(seeded):
    app = open_page(logged_in("tancuong", lang="en"), "labels")
    text = shown_text(app)
    assert "Market stall sign (VietQR)" in text and "Bank account for the VietQR code" in text
    assert {b.label for b in app.button} >= {"Preview", "Save the account"}
    assert "The co-op has no bank account on record" in " ".join(w.value for w in app.warning)
