"""VietQR payloads: the text a banking app reads from a market stall's payment code.

Sources of the published examples:
- NAPAS, «Tài liệu quy định về định dạng mã VietQR trong dịch vụ chuyển nhanh NAPAS247» v1.0 (09/2021),
  §5.2.3.2.4 and §6.1.1–6.1.4; the PDF as published on vietqr.net is kept at
  https://github.com/subiz/vietqr/blob/master/spec/QR_Format_T&C_v1.0_VN_092021.pdf
- subiz/vietqr (Go): README.md and vietqr_test.go, https://github.com/subiz/vietqr
- xuannghia/vietnam-qr-pay (npm vietnam-qr-pay): README.md, https://github.com/xuannghia/vietnam-qr-pay
- binhnguyenduc/vietqr-ts: tests/compliance/napas-static-account.test.ts, §6.1.1 with its length fixed,
  https://github.com/binhnguyenduc/vietqr-ts
"""

from __future__ import annotations

import pytest

from catalog.i18n import speaking
from catalog.vietqr import crc16_ccitt, napas_banks, vietqr_payload

# §6.1.3 of the NAPAS document: a dynamic code to a Sacombank account for 180.000 đ, with a bill number
# (62/01) that this builder does not write and the purpose «thanh toan don hang» (62/08).
NAPAS_DYNAMIC_TO_ACCOUNT = (
    "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN"
    "62340107NPS68690819thanh toan don hang63042E2E"
)


def tlv(text: str) -> dict[str, str]:
    """The data objects of one EMVCo level: ID (2 digits), length (2 digits), value."""
    objects, at = {}, 0
    while at < len(text):
        tag, size = text[at : at + 2], int(text[at + 2 : at + 4])
        objects[tag] = text[at + 4 : at + 4 + size]
        at += 4 + size
    assert at == len(text), "a length runs past the end"
    return objects


def decode(payload: str) -> dict[str, str]:
    """The fields a banking app reads, after checking the CRC."""
    root = tlv(payload)
    assert root["63"] == f"{crc16_ccitt(payload[:-4].encode('ascii')):04X}"
    account = tlv(root["38"])
    beneficiary = tlv(account["01"])
    return {
        "version": root["00"], "initiation": root["01"], "guid": account["00"], "service": account["02"],
        "bin": beneficiary["00"], "account": beneficiary["01"], "currency": root["53"],
        "amount": root.get("54", ""), "country": root["58"], "purpose": tlv(root.get("62", "")).get("08", ""),
    }


def test_crc_is_ccitt_false_on_the_standard_check_string():
    assert crc16_ccitt(b"123456789") == 0x29B1


# The CRC inputs and results printed in §6.1.1–6.1.4, byte for byte. §6.1.1's input types the account length
# as 12 for a 13-digit account; its CRC is over that text as printed.
NAPAS_CRC_EXAMPLES = [
    ("6.1.1", ("000201" "010211" "38570010A000000727" "0127000697040301120011012345678" "0208QRIBFTTA"
     "5303704" "5802VN" "6304"), "F4E5"),
    ("6.1.2", ("000201" "010211" "38600010A000000727" "0130000697040301169704031101234567" "0208QRIBFTTC"
     "5303704" "5802VN" "6304"), "4F52"),
    ("6.1.3", NAPAS_DYNAMIC_TO_ACCOUNT[:-4], "2E2E"),
    ("6.1.4", ("000201" "010212" "38600010A000000727" "0130000697040301169704031101234567" "0208QRIBFTTC"
     "5303704" "5406180000" "5802VN" "62340107NPS68690819thanh toan don hang" "6304"), "A203"),
]


@pytest.mark.parametrize(("section", "signed", "crc"), NAPAS_CRC_EXAMPLES)
def test_crc_matches_every_example_in_the_napas_document(section, signed, crc):
    assert f"{crc16_ccitt(signed.encode('ascii')):04X}" == crc, section


def test_the_napas_static_example_to_an_account_is_reproduced():
    # §6.1.1 with the account length its own table gives (13, printed «0112» in the string); CRC 9E6F as in
    # binhnguyenduc/vietqr-ts tests/compliance/napas-static-account.test.ts.
    assert vietqr_payload("970403", "0011012345678") == (
        "00020101021138570010A00000072701270006970403011300110123456780208QRIBFTTA53037045802VN63049E6F"
    )


def test_the_napas_beneficiary_example_is_reproduced():
    # §5.2.3.2.4: the ID 38 object for account 0011009950446 at BIN 970468.
    assert "38570010A00000072701270006970468011300110099504460208QRIBFTTA" in vietqr_payload(
        "970468", "0011009950446"
    )


def test_the_napas_dynamic_example_is_reproduced_up_to_its_bill_number():
    payload = vietqr_payload("970403", "0011012345678", 180000, "thanh toan don hang")
    head = NAPAS_DYNAMIC_TO_ACCOUNT.split("62340107")[0]
    assert payload.startswith(head)
    assert payload[len(head) :].startswith("62230819thanh toan don hang6304")


PUBLISHED_PAYLOADS = [
    ("subiz/vietqr README.md", ("970415", "0011001932418", 120000, "ủng hộ lũ lụt"),
     ("000201010212" "38570010A00000072701270006970415011300110019324180208QRIBFTTA"
     "5303704" "5406120000" "5802VN" "62170813ung ho lu lut" "6304C15C")),
    ("subiz/vietqr vietqr_test.go", ("970423", "0099999999"),
     ("000201010211" "38540010A00000072701240006970423011000999999990208QRIBFTTA"
     "5303704" "5802VN" "6304CBB4")),
    ("subiz/vietqr vietqr_test.go", ("970422", "0023457923442", 40123, "chuyển khoản"),
     ("000201010212" "38570010A00000072701270006970422011300234579234420208QRIBFTTA"
     "5303704" "540540123" "5802VN" "62160812chuyen khoan" "6304722F")),
    ("vietnam-qr-pay README.md, VietQR Tĩnh", ("970416", "257678859"),
     ("000201010211" "38530010A0000007270123000697041601092576788590208QRIBFTTA"
     "5303704" "5802VN" "6304AE9F")),
    ("vietnam-qr-pay README.md, VietQR Động", ("970416", "257678859", 10000, "Chuyen tien"),
     ("000201010212" "38530010A0000007270123000697041601092576788590208QRIBFTTA"
     "5303704" "540510000" "5802VN" "62150811Chuyen tien" "630453E6")),
    ("vietnam-qr-pay README.md, ZaloPay", ("970454", "99ZP24009M07248267"),
     ("000201010211" "38620010A00000072701320006970454011899ZP24009M072482670208QRIBFTTA"
     "5303704" "5802VN" "6304073C")),
]


@pytest.mark.parametrize(("source", "args", "expected"), PUBLISHED_PAYLOADS)
def test_published_payloads_are_reproduced_byte_for_byte(source, args, expected):
    assert vietqr_payload(*args) == expected, source


def test_a_code_without_amount_is_static_and_carries_no_amount():
    fields = decode(vietqr_payload("970405", "3300205123456"))
    assert fields["initiation"] == "11"
    assert fields["amount"] == ""


def test_a_code_with_the_price_is_dynamic_and_carries_it():
    payload = vietqr_payload("970405", "3300205123456", 185000)
    assert decode(payload)["initiation"] == "12"
    assert "5406185000" in payload


def test_the_amount_field_length_counts_its_digits():
    assert "540545000" in vietqr_payload("970436", "1023456789", 45000)
    assert "54071200000" in vietqr_payload("970436", "1023456789", 1200000)


def test_a_payload_decodes_back_to_what_was_asked():
    payload = vietqr_payload("970418", "21510000123456", 120000, "HTX Chè Tân Cương SKU CHE-200")
    assert decode(payload) == {
        "version": "01", "initiation": "12", "guid": "A000000727", "service": "QRIBFTTA", "bin": "970418",
        "account": "21510000123456", "currency": "704", "amount": "120000", "country": "VN",
        "purpose": "HTX Che Tan Cuong SKU CHE",
    }


def test_the_purpose_loses_its_diacritics_but_keeps_its_capitals():
    purpose = decode(vietqr_payload("970436", "1023456789", purpose="Mật ong Đại Từ"))["purpose"]
    assert purpose == "Mat ong Dai Tu"


def test_a_long_purpose_is_cut_to_25_characters():
    purpose = decode(vietqr_payload("970436", "1023456789", purpose="Miến dong Bình Liêu loại đặc biệt"))
    assert purpose["purpose"] == "Mien dong Binh Lieu loai"


def test_an_empty_purpose_leaves_out_the_additional_data():
    assert "62" not in tlv(vietqr_payload("970436", "1023456789", 50000, "  "))


def test_the_common_banks_are_on_the_napas_list():
    banks = napas_banks()
    assert len(banks) >= 20
    assert {bin_: banks[bin_] for bin_ in ("970436", "970415", "970418", "970405", "970407", "970422")} == {
        "970436": "Vietcombank", "970415": "VietinBank", "970418": "BIDV", "970405": "Agribank",
        "970407": "Techcombank", "970422": "MBBank",
    }
    assert all(len(bin_) == 6 and bin_.isdigit() for bin_ in banks)


def test_a_bin_off_the_napas_list_is_refused():
    with speaking("vi"), pytest.raises(ValueError, match="«970499».*NAPAS"):
        vietqr_payload("970499", "1023456789")


@pytest.mark.parametrize("account", ["", "1023-4567-89", "10234567890123456789", "Số 1023"])
def test_an_account_that_is_not_1_to_19_letters_or_digits_is_refused(account):
    with speaking("vi"), pytest.raises(ValueError, match="số tài khoản"):
        vietqr_payload("970436", account)


@pytest.mark.parametrize("amount", [0, -5000, 12000.5, "45000", True, 10**13])
def test_an_amount_that_is_not_whole_dong_above_zero_is_refused(amount):
    with speaking("vi"), pytest.raises(ValueError, match="số tiền"):
        vietqr_payload("970436", "1023456789", amount)


def test_the_refusal_speaks_english_to_an_english_reader():
    with speaking("en"), pytest.raises(ValueError, match="the bank BIN «123456» is not on the NAPAS list"):
        vietqr_payload("123456", "1023456789")
