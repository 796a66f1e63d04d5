"""Money is a whole number of đồng: read it the way people type it, show it the way Vietnamese shops do."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from price_parser import Price

from catalog.text import fold

# What may stand next to the amount: the currency, written any of the usual ways (after folding).
_CURRENCY_WORDS = {"", "d", "₫", "vnd", "dong", "vn dong"}


class MoneyError(ValueError):
    """The text is not a whole, positive amount of đồng. ``reason`` is an i18n key."""

    def __init__(self, reason: str, text: str) -> None:
        super().__init__(f"{reason}: {text!r}")
        self.reason = reason
        self.text = text


def parse_vnd(text: str | float | Decimal) -> int:
    """``120000``, ``120.000``, ``120.000 ₫``, ``120,000đ``, ``1.200.000 VND`` → whole đồng.

    Raises :class:`MoneyError` for anything else: negative, fractional or infinite amounts, other units
    (``120k``), or no number at all. Zero is returned as 0; whether it is allowed is the caller's rule.
    """
    if isinstance(text, bool):
        raise MoneyError("money_not_number", str(text))
    if isinstance(text, int | float | Decimal):
        return _whole(Decimal(str(text)), str(text))
    raw = str(text).strip()
    price = Price.fromstring(raw)
    if price.amount is None or price.amount_text is None:
        raise MoneyError("money_not_number", raw)
    rest = raw.replace(price.amount_text, "", 1)
    if rest.lstrip().startswith("-") or rest.rstrip().endswith("-"):
        raise MoneyError("money_negative", raw)
    if " ".join(fold(rest).replace(".", " ").split()) not in _CURRENCY_WORDS:
        raise MoneyError("money_not_number", raw)
    return _whole(price.amount, raw)


def _whole(amount: Decimal, raw: str) -> int:
    if not amount.is_finite():
        raise MoneyError("money_not_number", raw)
    if amount < 0:
        raise MoneyError("money_negative", raw)
    if amount != amount.to_integral_value():
        raise MoneyError("money_fraction", raw)
    return int(amount)


def format_vnd(amount: int) -> str:
    """120000 → ``120.000 ₫`` (Vietnamese grouping, the đồng sign after a space)."""
    return format_currency(amount, "VND", format="#,##0 ¤", locale="vi_VN")
