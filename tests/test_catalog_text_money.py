"""Vietnamese text and đồng: how typed values become stored ones."""

from __future__ import annotations

import unicodedata

import pytest

from catalog.i18n import t
from catalog.money import MoneyError, format_vnd, parse_vnd
from catalog.text import clean, fold, nfc, sort_key, tone_key


def test_text_typed_on_a_mac_is_stored_composed():
    typed = unicodedata.normalize("NFD", "Chè búp Tân Cương")
    assert typed != "Chè búp Tân Cương"
    assert nfc(typed) == "Chè búp Tân Cương"


def test_clean_collapses_spaces_and_composes():
    assert clean("  Miến   dong\tNa Rì \n") == "Miến dong Na Rì"


def test_fold_lets_a_search_without_marks_find_the_product():
    assert fold("Mật ong rừng Võ Nhai") == "mat ong rung vo nhai"
    assert fold("ĐẶC SẢN Định Hóa") == "dac san dinh hoa"


def test_old_and_new_tone_placement_give_the_same_key():
    assert tone_key("Định Hoá") == tone_key("Định Hóa")
    assert tone_key("Thuỵ") == tone_key("Thụy")


def test_tone_key_keeps_letters_that_are_not_tones():
    assert tone_key("Đà") != tone_key("Da")
    assert tone_key("Tân") != tone_key("Tan")


def test_vietnamese_order_puts_each_letter_after_its_plain_form():
    names = ["Đường phèn", "Dưa hấu", "Ăn liền", "Bánh chưng", "Âm thực", "An toàn"]
    assert sorted(names, key=sort_key) == ["An toàn", "Ăn liền", "Âm thực", "Bánh chưng", "Dưa hấu", "Đường phèn"]


@pytest.mark.parametrize(
    ("typed", "dong"),
    [
        ("120000", 120000),
        ("120.000", 120000),
        ("120.000 ₫", 120000),
        ("120,000đ", 120000),
        ("1.200.000 VND", 1200000),
        ("85000 đồng", 85000),
        (120000, 120000),
        (120000.0, 120000),
    ],
)
def test_prices_are_read_the_way_clerks_type_them(typed, dong):
    assert parse_vnd(typed) == dong


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("-120.000 ₫", "money_negative"),
        ("120000,5", "money_fraction"),
        ("120k", "money_not_number"),
        ("liên hệ", "money_not_number"),
        ("120.000 đ/gói", "money_not_number"),
    ],
)
def test_prices_that_are_not_whole_dong_are_refused_with_the_reason(typed, reason):
    with pytest.raises(MoneyError) as refused:
        parse_vnd(typed)
    assert refused.value.reason == reason


def test_prices_are_shown_with_vietnamese_grouping_and_the_dong_sign():
    assert format_vnd(120000) == "120.000 ₫"
    assert format_vnd(1250000) == "1.250.000 ₫"


def test_messages_are_vietnamese_unless_english_is_asked_for(monkeypatch):
    monkeypatch.delenv("SYNDICATOR_LANG", raising=False)
    assert t("required") == "bắt buộc, đang để trống"
    assert t("required", "en") == "required, but empty"
    monkeypatch.setenv("SYNDICATOR_LANG", "en")
    assert t("coop_unknown", value="HTX-X").startswith("no co-op")
