"""ListingDraft → Lazada product payload."""

from __future__ import annotations

import json
from datetime import date

import pytest

from adapters.lazada.mapping import create_payload, kilograms, update_payload
from tests.support.lazada import LAZADA_IMAGE, honey, tea


def product(text: str) -> dict:
    return json.loads(text)["Request"]["Product"]


@pytest.mark.parametrize(("grams", "kg"), [(200, "0.2"), (1200, "1.2"), (1000, "1"), (3, "0.01"), (1234, "1.23")])
def test_package_weight_is_kilograms_with_two_decimals(grams, kg):
    assert kilograms(grams) == kg


def test_create_payload_has_one_sku_with_string_values():
    sent = product(create_payload(tea(), [LAZADA_IMAGE]))
    [sku] = sent["Skus"]["Sku"]
    assert sku["SellerSku"] == "TN-TRA-200G" and sku["price"] == "120000" and sku["quantity"] == "40"
    assert all(isinstance(value, str) for value in sku.values())
    assert (sku["package_weight"], sku["package_length"], sku["package_content"]) == ("0.2", "18", "Gói 200g")
    assert sent["Images"] == {"Image": [LAZADA_IMAGE]}


def test_name_carries_the_pack_once():
    assert product(create_payload(tea(), []))["Attributes"]["name"] == "Chè búp Tân Cương đặc biệt - Gói 200g"
    named = tea(name="Chè búp Tân Cương Gói 200g")
    assert product(create_payload(named, []))["Attributes"]["name"] == "Chè búp Tân Cương Gói 200g"


def test_description_tells_origin_ocop_and_certifications_in_vietnamese():
    draft = tea(ocop_valid_to=date(2027, 6, 30), trace_url="https://truyxuat.thainguyen.gov.vn/TN-TRA-200G")
    description = product(create_payload(draft, []))["Attributes"]["description"]
    assert "<p>Chè búp một tôm hai lá, sao suốt thủ công.</p>" in description
    assert "<li>Xuất xứ: Phường Tân Cương, Thái Nguyên</li>" in description
    assert "<li>Sản phẩm OCOP 4 sao (hiệu lực đến 30/06/2027)</li>" in description
    assert "<li>Chứng nhận: VietGAP</li>" in description
    assert "truyxuat.thainguyen.gov.vn" in description


def test_farm_category_is_guessed_with_its_mandatory_attributes_filled():
    attributes = product(create_payload(honey(shelf_life_days=None), []))
    assert attributes["PrimaryCategory"] == "62544"
    assert attributes["Attributes"]["shelf_life"] == "12 tháng"
    assert attributes["Attributes"]["brand"] == "No Brand"


def test_channel_mapping_per_category_code_wins_over_the_defaults():
    mapping = {"TRA": {"primary_category": "10002211", "brand_id": "30768", "attributes": {"tea_type": "Green Tea"}}}
    sent = product(create_payload(tea(category_mapping=mapping), []))
    assert sent["PrimaryCategory"] == "10002211"
    assert sent["Attributes"]["brand_id"] == "30768" and sent["Attributes"]["tea_type"] == "Green Tea"


def test_account_wide_mapping_applies_when_no_category_entry():
    sent = product(create_payload(tea(category_mapping={"primary_category": "10002211", "brand": "Tân Cương"}), []))
    assert (sent["PrimaryCategory"], sent["Attributes"]["brand"]) == ("10002211", "Tân Cương")


def test_update_payload_is_keyed_by_item_and_sku_id_and_leaves_price_and_stock_alone():
    sent = product(update_payload("3069252927", "15298395971", tea(), []))
    [sku] = sent["Skus"]["Sku"]
    assert sent["ItemId"] == "3069252927" and sku["SkuId"] == "15298395971" and sku["Status"] == "active"
    assert "price" not in sku and "quantity" not in sku and "Images" not in sent
