"""ListingDraft → Lazada product payload."""

from __future__ import annotations

import json
from datetime import date

import pytest

from adapters.common.contract import AttributeValue
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.lazada.mapping import create_payload, kilograms, update_payload
from tests.support.lazada import HONEY_LEAF, LAZADA_IMAGE, honey, tea, tea_category


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


def test_the_leaf_its_attribute_values_and_no_brand_come_from_the_listing_category():
    sent = product(create_payload(honey(), []))
    assert sent["PrimaryCategory"] == HONEY_LEAF
    assert (sent["Attributes"]["shelf_life"], sent["Attributes"]["country_origin"]) == ("24 tháng", "Việt Nam")
    assert sent["Attributes"]["honey_type"] == "Mật ong rừng" and sent["Attributes"]["net_weight"] == "700"
    assert sent["Attributes"]["brand"] == "No Brand" and "brand_id" not in sent["Attributes"]


def test_a_chosen_brand_goes_by_name_and_id():
    chosen = tea_category(brand_id="40007", brand_name="Tân Cương Hoàng Bình")
    attributes = product(create_payload(tea(listing_category=chosen), []))["Attributes"]
    assert (attributes["brand"], attributes["brand_id"]) == ("Tân Cương Hoàng Bình", "40007")


def test_a_mapped_value_never_replaces_the_items_own_name():
    named = AttributeValue(attribute_id="name", name="Tên", value="Trà")
    chosen = tea_category(attributes=[*tea_category().attributes, named])
    assert product(create_payload(tea(listing_category=chosen), []))["Attributes"]["name"].startswith("Chè búp")


def test_a_draft_without_a_lazada_category_cannot_be_mapped():
    with pytest.raises(MarketplaceError) as refused:
        create_payload(tea(listing_category=None), [])
    assert (refused.value.kind, refused.value.info.reason) == (ErrorKind.rejected, "unmapped_category")


def test_update_payload_is_keyed_by_item_and_sku_id_and_leaves_price_and_stock_alone():
    sent = product(update_payload("3069252927", "15298395971", tea(), []))
    [sku] = sent["Skus"]["Sku"]
    assert sent["ItemId"] == "3069252927" and sku["SkuId"] == "15298395971" and sku["Status"] == "active"
    assert "price" not in sku and "quantity" not in sku and "Images" not in sent
