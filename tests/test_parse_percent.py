"""A percentage as a clerk types it in a shop's settings: ``6,5 %`` the Vietnamese way, ``6.5%`` the English way."""

from __future__ import annotations

from decimal import Decimal

import pytest

from catalog.validation import parse_percent


@pytest.mark.parametrize("typed", ["6,5 %", "6,5%", "6,5", "6.5", "6.5%", "6,50 %", "6,5\u00a0%", " 6,5 % "])
def test_six_and_a_half_percent_is_read_however_it_is_typed(typed):
    assert parse_percent(typed) == Decimal("6.5")


def test_lazadas_payment_fee_keeps_its_three_decimals():
    assert parse_percent("2,497 %") == Decimal("2.497")


def test_a_dot_in_a_percentage_marks_decimals_never_thousands():
    assert parse_percent("6.497") == Decimal("6.497")


@pytest.mark.parametrize(("given", "read"), [(5, Decimal(5)), (Decimal("4.25"), Decimal("4.25")), (6.5, Decimal("6.5")), ("0 %", Decimal(0)),
                                             ("100 %", Decimal(100))])
def test_numbers_and_the_ends_of_the_range_are_read_as_given(given, read):
    assert parse_percent(given) == read


@pytest.mark.parametrize("typed", ["abc %", "", "%", "6,5,1 %", "1e2", "6,49712 %", "sáu phần trăm"])
def test_what_is_not_a_percentage_is_refused_in_vietnamese_quoting_it(typed):
    with pytest.raises(ValueError, match=f"«{typed}» không phải tỉ lệ phần trăm \\(ví dụ 6,5 %\\)"):
        parse_percent(typed)


@pytest.mark.parametrize("typed", ["101 %", "-5 %", "250"])
def test_a_percentage_outside_0_to_100_is_refused(typed):
    with pytest.raises(ValueError, match=f"«{typed}» phải từ 0 đến 100 %"):
        parse_percent(typed)


def test_a_yes_or_no_is_not_a_percentage():
    with pytest.raises(ValueError, match="không phải tỉ lệ phần trăm"):
        parse_percent(True)


def test_the_refusal_speaks_english_when_asked():
    with pytest.raises(ValueError, match=r"«abc %» is not a percentage \(e.g. 6.5 %\)"):
        parse_percent("abc %", "en")
