"""VietQR payment payloads: the text inside a bank-transfer QR code (NAPAS247, to an account).

Follows NAPAS's «Tài liệu quy định về định dạng mã VietQR trong dịch vụ chuyển nhanh NAPAS247» (v1.0,
09/2021), an EMVCo merchant-presented QR: each data object is ID (2 digits), length (2 digits), value; the
last one is a CRC-16 over everything before its value.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cache
from pathlib import Path

from catalog.i18n import t

BANKS_FILE = Path(__file__).parent / "data" / "napas_banks.json"
NAPAS_GUID = "A000000727"
TO_ACCOUNT = "QRIBFTTA"
STATIC = "11"  # the payer types the amount; the code can be paid many times
DYNAMIC = "12"  # the amount is in the code
VND = "704"
PURPOSE_MAX = 25
AMOUNT_DIGITS_MAX = 13
_ACCOUNT = re.compile(r"[0-9A-Za-z]{1,19}")


def crc16_ccitt(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (ISO/IEC 13239): polynomial 0x1021, initial 0xFFFF, no reflection, no final xor."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = (crc << 1) ^ 0x1021 if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return crc


@cache
def napas_banks() -> dict[str, str]:
    """BIN → short name of every bank and finance company the State Bank gave a BIN (the NAPAS247 members)."""
    listing = json.loads(BANKS_FILE.read_text(encoding="utf-8"))
    return {bank["bin"]: bank["short_name"] for bank in listing["banks"]}


def vietqr_payload(bank_bin: str, account: str, amount: int | None = None, purpose: str = "") -> str:
    """The VietQR text for a transfer to ``account`` at the bank ``bank_bin``.

    With ``amount`` (whole đồng) the code carries it; without, the payer types it. ``purpose`` becomes the
    transfer description, without diacritics and cut to 25 characters, as the specification allows.
    Raises ValueError naming the bad BIN, account or amount.
    """
    _check(bank_bin, account, amount)
    beneficiary = _tlv("00", bank_bin) + _tlv("01", account)
    fields = [
        _tlv("00", "01"),
        _tlv("01", STATIC if amount is None else DYNAMIC),
        _tlv("38", _tlv("00", NAPAS_GUID) + _tlv("01", beneficiary) + _tlv("02", TO_ACCOUNT)),
        _tlv("53", VND),
        _tlv("54", str(amount)) if amount is not None else "",
        _tlv("58", "VN"),
    ]
    description = _ascii(purpose)[:PURPOSE_MAX].strip()
    if description:
        fields.append(_tlv("62", _tlv("08", description)))
    unsigned = "".join(fields) + "6304"
    return unsigned + f"{crc16_ccitt(unsigned.encode('ascii')):04X}"


def _ascii(text: str) -> str:
    """``text`` in printable ASCII, case kept: marks dropped, đ as d, anything else non-ASCII left out.

    Not :func:`catalog.text.fold`, which lower-cases: a transfer description keeps the co-op's capitals.
    """
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    bare = bare.replace("đ", "d").replace("Đ", "D")
    return " ".join("".join(c for c in bare if " " <= c <= "~" or c.isspace()).split())


def check_account(bank_bin: str, account: str) -> None:
    """Raise ``ValueError`` (in the caller's language) unless the BIN is on the NAPAS list and the account a
    VietQR can carry."""
    _check(bank_bin, account, None)


def _check(bank_bin: str, account: str, amount: int | None) -> None:
    if bank_bin not in napas_banks():
        raise ValueError(t("labels_vietqr_bin_unknown", value=bank_bin))
    if not _ACCOUNT.fullmatch(account):
        raise ValueError(t("labels_vietqr_account_format", value=account))
    # type() rather than isinstance(): True is an int, and not a price.
    if amount is not None and not (type(amount) is int and 0 < amount < 10**AMOUNT_DIGITS_MAX):
        raise ValueError(t("labels_vietqr_amount_invalid", value=amount))


def _tlv(tag: str, value: str) -> str:
    return f"{tag}{len(value):02d}{value}"
