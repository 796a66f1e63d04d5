"""A catalog ListingDraft as Shopee's add_item body."""

from __future__ import annotations

import unicodedata

import pytest

from adapters.common.contract import AttributeValue, ListingCategory, Photo
from adapters.common.errors import MarketplaceError
from adapters.shopee import mapping
from tests.support.shopee import ORIGIN, SHELF_LIFE, TEA_LEAF, honey, tea, tea_category

PHOTO = Photo(digest="a" * 64, path="/khong-doc/che-bup-tan-cuong.jpg", format="JPEG", width=800, height=800,
              size=52_000)  # mapping reads no file
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


def values_of(body) -> dict[int, list[dict]]:
    return {entry["attribute_id"]: entry["attribute_value_list"] for entry in body["attribute_list"]}


def test_tea_goes_to_its_leaf_with_options_by_id_and_free_text_as_written():
    values = values_of(body := mapping.add_item_body(tea(PHOTO), IMAGE_IDS))
    assert body["category_id"] == int(TEA_LEAF)
    assert values[100037] == [{"value_id": 5180, "original_value_name": "Việt Nam"}]
    assert values[100095] == [{"value_id": 6704, "original_value_name": "12 tháng"}]


def test_a_free_text_value_goes_with_value_id_0_and_a_quantity_with_its_unit_apart():
    written = AttributeValue(attribute_id="100095", name="Hạn sử dụng", value="365 ngày")
    values = values_of(mapping.add_item_body(tea(PHOTO, listing_category=tea_category(
        "100095", attributes=[written, AttributeValue(attribute_id="100999", name="Khối lượng tịnh",
                                                      value="0,5 kg")])), IMAGE_IDS))
    assert values[100095] == [{"value_id": 0, "original_value_name": "365 ngày"}]
    assert values[100999] == [{"value_id": 0, "original_value_name": "0.5", "value_unit": "kg"}]


def test_a_date_goes_as_the_unix_time_of_that_day_in_vietnam():
    made = AttributeValue(attribute_id="101031", name="Ngày sản xuất", value="15/03/2026")
    values = values_of(mapping.add_item_body(tea(PHOTO, listing_category=tea_category(attributes=[made])),
                                             IMAGE_IDS))
    assert values[101031] == [{"value_id": 0, "original_value_name": "1773507600"}]  # 2026-03-15 00:00 +07


def test_several_values_of_one_attribute_go_in_one_entry():
    certified = [AttributeValue(attribute_id="101020", name="Chứng nhận", value=name, value_id=value_id)
                 for name, value_id in (("VietGAP", "7421"), ("OCOP 4 sao", "7425"))]
    values = values_of(mapping.add_item_body(tea(PHOTO, listing_category=tea_category(attributes=certified)),
                                             IMAGE_IDS))
    assert [value["value_id"] for value in values[101020]] == [7421, 7425]


def test_the_brand_and_the_logistics_channels_are_the_chosen_ones():
    chosen = ListingCategory(category_id="101641", attributes=[SHELF_LIFE, ORIGIN], brand_id="1140302",
                             brand_name="Mật ong Xuân Nguyên", logistics=["50012"])
    body = mapping.add_item_body(honey(PHOTO, listing_category=chosen), IMAGE_IDS)
    assert body["brand"] == {"brand_id": 1140302, "original_brand_name": "Mật ong Xuân Nguyên"}
    assert body["logistic_info"] == [{"logistic_id": 50012, "enabled": True, "is_free": False}]


def test_without_a_brand_the_item_is_no_brand():
    assert mapping.add_item_body(tea(PHOTO), IMAGE_IDS)["brand"] == {"brand_id": 0, "original_brand_name": "No Brand"}


@pytest.mark.parametrize("build", [
    lambda draft: mapping.add_item_body(draft, IMAGE_IDS),
    lambda draft: mapping.update_item_body(100003, draft, IMAGE_IDS),
])
def test_a_draft_without_a_shopee_category_is_refused_as_unmapped(build):
    with pytest.raises(MarketplaceError) as refused:
        build(tea(PHOTO, listing_category=None))
    assert (refused.value.info.kind.value, refused.value.info.reason) == ("rejected", "unmapped_category")


def test_update_body_carries_content_but_neither_price_nor_stock():
    body = mapping.update_item_body(100003, tea(PHOTO), [])
    assert body["item_id"] == 100003 and body["item_status"] == "NORMAL"
    assert not {"original_price", "seller_stock", "image"} & body.keys()
