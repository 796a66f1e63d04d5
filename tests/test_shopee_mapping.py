"""A catalog ListingDraft as Shopee's add_item body."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from adapters.shopee import categories, mapping
from tests.support.shopee import honey, tea

PHOTO = Path("che-bup-tan-cuong.jpg")
IMAGE_IDS = ["vn-11134207-abc"]


def test_name_joins_product_and_pack():
    assert mapping.item_name(tea(PHOTO)) == "Chè búp Tân Cương đặc biệt - Gói 200g"


def test_long_name_is_cut_at_a_word_within_100_characters():
    long_name = "Chè búp Tân Cương đặc biệt thu hái vụ xuân từ đồi chè cổ xóm Nam Đồng " * 3
    name = mapping.item_name(tea(PHOTO, name=long_name))
    assert len(name) <= 100
    assert long_name.startswith(name)
    assert not name.endswith(" ")


def test_decomposed_text_from_a_mac_is_sent_composed():
    draft = tea(PHOTO, name=unicodedata.normalize("NFD", "Miến dong Na Rì"), variant="Gói 500g")
    assert mapping.item_name(draft) == "Miến dong Na Rì - Gói 500g"
    assert unicodedata.is_normalized("NFC", mapping.item_name(draft))


def test_body_has_whole_dong_price_kg_weight_and_package_in_cm():
    body = mapping.add_item_body(tea(PHOTO), IMAGE_IDS)
    assert body["original_price"] == 120000 and isinstance(body["original_price"], int)
    assert body["weight"] == 0.2
    assert body["dimension"] == {"package_length": 18, "package_width": 10, "package_height": 5}
    assert body["seller_stock"] == [{"stock": 40}]
    assert body["item_sku"] == "TN-CHE-200G"
    assert body["image"] == {"image_id_list": IMAGE_IDS}


def test_package_dimensions_are_left_out_when_any_side_is_unknown():
    assert "dimension" not in mapping.add_item_body(tea(PHOTO, height_cm=None), IMAGE_IDS)


def test_description_keeps_the_coops_words_and_adds_the_facts():
    text = mapping.description(tea(PHOTO, trace_url="https://truyxuat.thainguyen.gov.vn/che/42"))
    assert text.startswith("Chè búp một tôm hai lá")
    assert "- Nơi sản xuất: Phường Tân Cương, Thái Nguyên" in text
    assert "- Sản phẩm: OCOP 4 sao" in text
    assert "- Truy xuất nguồn gốc: https://truyxuat.thainguyen.gov.vn/che/42" in text


def test_description_is_cut_to_2000_characters():
    assert len(mapping.description(tea(PHOTO, description="Chè ngon. " * 400))) == 2000


def test_tea_goes_to_the_tea_leaf_with_shelf_life_and_origin():
    body = mapping.add_item_body(tea(PHOTO), IMAGE_IDS)
    assert body["category_id"] == categories.BY_CATALOG_CODE["CHE"].category_id
    values = {entry["attribute_id"]: entry["attribute_value_list"][0]["original_value_name"]
              for entry in body["attribute_list"]}
    assert values == {categories.SHELF_LIFE.attribute_id: "365 ngày", categories.ORIGIN.attribute_id: "Việt Nam"}


def test_a_shelf_life_the_catalog_lacks_is_not_invented():
    body = mapping.add_item_body(tea(PHOTO, shelf_life_days=None), IMAGE_IDS)
    assert categories.SHELF_LIFE.attribute_id not in {entry["attribute_id"] for entry in body["attribute_list"]}


def test_unknown_catalog_category_falls_back_to_dried_specialities():
    assert mapping.category(tea(PHOTO, category_code="KHAC")) == categories.FALLBACK


@pytest.mark.parametrize("category_mapping", [
    {"category_id": 101504, "attributes": {"100095": "24 tháng"}, "logistic_ids": [50012]},
    {"MAT-ONG": {"category_id": 101504, "attributes": {"100095": "24 tháng"}, "logistic_ids": [50012]}},
])
def test_the_channels_editable_mapping_overrides_the_defaults(category_mapping):
    body = mapping.add_item_body(honey(PHOTO, category_mapping=category_mapping), IMAGE_IDS)
    assert body["category_id"] == 101504
    assert {"attribute_id": 100095, "attribute_value_list": [{"value_id": 0, "original_value_name": "24 tháng"}]} \
        in body["attribute_list"]
    assert body["logistic_info"] == [{"logistic_id": 50012, "enabled": True, "is_free": False}]


def test_default_logistics_are_the_shops_enabled_channels_and_brand_is_no_brand():
    body = mapping.add_item_body(tea(PHOTO), IMAGE_IDS)
    assert [channel["logistic_id"] for channel in body["logistic_info"]] == list(categories.DEFAULT_LOGISTIC_IDS)
    assert set(categories.DEFAULT_LOGISTIC_IDS) <= categories.ENABLED_LOGISTIC_IDS
    assert body["brand"] == {"brand_id": 0, "original_brand_name": "No Brand"}


def test_update_body_carries_content_but_neither_price_nor_stock():
    body = mapping.update_item_body(100003, tea(PHOTO), [])
    assert body["item_id"] == 100003 and body["item_status"] == "NORMAL"
    assert not {"original_price", "seller_stock", "image"} & body.keys()
