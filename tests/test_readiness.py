"""Readiness: a listing is checked against its marketplace's rules and the shop's cached setup before anything
is sent, and every reason it is blocked names what to fix."""

from __future__ import annotations

from datetime import UTC, datetime

from adapters.common.contract import AttributeValue, Capabilities, ListingCategory, ListingDraft, Photo
from adapters.common.readiness import Reason, check
from adapters.common.setup import (
    AttributeOption,
    ItemLimits,
    LeafSetup,
    LogisticsChannel,
    SetupAttribute,
    SetupCategory,
    ShopSetup,
)
from catalog.attribute_rules import AttributeRule
from catalog.i18n import t
from syndicator.category_mapping import attribute_value, guessed_rule

SHOP_LIKE = Capabilities(marketplace="shopee", price_batch_size=50, stock_batch_size=50, requests_per_second=10,
                         setup=True, photo_required=True)
FLOOR_LIKE = Capabilities(marketplace="voso", price_batch_size=50, stock_batch_size=50, requests_per_second=5)
TEA_LEAF = "100860"
SHELF_LIFE = SetupAttribute(attribute_id="100095", name="Hạn sử dụng", mandatory=True)
ORIGIN = SetupAttribute(attribute_id="100037", name="Xuất xứ", mandatory=True, input="select",
                        options=[AttributeOption(value_id="1", name="Việt Nam"), AttributeOption(value_id="2", name="Khác")])
LIMITS = ItemLimits(name_length=(10, 120), description_length=(20, 3000), max_images=9, min_image_px=500,
                    max_image_bytes=2 * 1024 * 1024)
SETUP = ShopSetup(
    categories=[SetupCategory(category_id="100629", name="Bách Hóa Online", leaf=False),
                SetupCategory(category_id=TEA_LEAF, name="Trà", parent_id="100629")],
    leaves={TEA_LEAF: LeafSetup(category_id=TEA_LEAF, attributes=[SHELF_LIFE, ORIGIN], limits=LIMITS)},
    logistics=[LogisticsChannel(channel_id="50018", name="SPX Express", enabled=True)],
    read_at=datetime(2026, 12, 1, tzinfo=UTC),
)


def photo(width: int = 800, height: int = 800, size: int = 120_000) -> Photo:
    return Photo(digest="a" * 64, path="/data/photos/aa/a.jpg", format="JPEG", width=width, height=height, size=size)


def tea(**changes) -> ListingDraft:
    draft = ListingDraft(
        seller_sku="TC-CHE-200G", product_code="CHE-TAN-CUONG", name="Chè búp Tân Cương đặc biệt",
        description="Chè búp hái tay ở Tân Cương, sao trên chảo gang.", category_code="CHE", category_name="Chè",
        variant="Gói 200g", price=120000, stock=40, weight_g=200, images=[photo()], shelf_life_days=365,
        listing_category=ListingCategory(category_id=TEA_LEAF, logistics=["50018"], attributes=[
            AttributeValue(attribute_id="100095", name="Hạn sử dụng", value="365 ngày"),
            AttributeValue(attribute_id="100037", name="Xuất xứ", value="Việt Nam", value_id="1")]),
    )
    return draft.model_copy(update=changes)


def reasons(draft: ListingDraft, capabilities: Capabilities = SHOP_LIKE, setup: ShopSetup | None = SETUP) -> list:
    return [(blocker.reason, blocker.detail) for blocker in check(draft, capabilities, setup)]


def test_a_complete_tea_listing_is_ready():
    assert reasons(tea()) == []


def test_a_listing_without_a_photo_is_blocked_where_the_marketplace_wants_one():
    assert reasons(tea(images=[])) == [(Reason.no_photo, "")]


def test_a_floor_takes_a_listing_without_a_photo():
    assert reasons(tea(images=[], listing_category=None), FLOOR_LIKE, None) == []


def test_a_photo_smaller_than_the_leaf_allows_is_blocked_with_its_size():
    assert reasons(tea(images=[photo(width=400, height=300)])) == [(Reason.photo_too_small, "1: 400×300 < 500")]


def test_a_photo_heavier_than_the_leaf_allows_is_blocked():
    assert [reason for reason, _ in reasons(tea(images=[photo(size=3_000_000)]))] == [Reason.photo_too_large]


def test_a_missing_mandatory_attribute_is_named():
    chosen = tea().listing_category
    without = chosen.model_copy(update={"attributes": chosen.attributes[1:]})
    assert reasons(tea(listing_category=without)) == [(Reason.attribute_missing, "Hạn sử dụng")]


def test_a_select_value_that_is_not_one_of_the_options_is_blocked():
    chosen = tea().listing_category
    wrong = AttributeValue(attribute_id="100037", name="Xuất xứ", value="Thái Nguyên")
    listing = tea(listing_category=chosen.model_copy(update={"attributes": [chosen.attributes[0], wrong]}))
    assert reasons(listing) == [(Reason.attribute_invalid, "Xuất xứ: Thái Nguyên")]


def test_an_unmapped_category_is_blocked_with_the_category_named():
    assert reasons(tea(listing_category=None)) == [(Reason.unmapped_category, "Chè")]


def test_a_shop_whose_setup_was_never_read_is_blocked():
    assert reasons(tea(), setup=ShopSetup()) == [(Reason.setup_missing, "")]


def test_a_mapped_id_that_is_not_a_leaf_is_blocked():
    chosen = tea().listing_category.model_copy(update={"category_id": "100629"})
    assert reasons(tea(listing_category=chosen)) == [(Reason.unknown_category, "100629")]


def test_a_shop_without_an_enabled_logistics_channel_blocks_its_listings():
    chosen = tea().listing_category.model_copy(update={"logistics": []})
    assert reasons(tea(listing_category=chosen)) == [(Reason.no_logistics, "")]


def test_a_description_shorter_than_the_leaf_wants_is_blocked():
    assert reasons(tea(description="Chè ngon")) == [(Reason.description_too_short, "8 < 20")]


def test_a_leaf_that_wants_a_gtin_blocks_a_pack_without_one():
    strict = SETUP.model_copy(deep=True)
    strict.leaves[TEA_LEAF] = strict.leaves[TEA_LEAF].model_copy(
        update={"limits": LIMITS.model_copy(update={"gtin_mandatory": True, "dimensions_mandatory": True})})
    assert [reason for reason, _ in reasons(tea(), setup=strict)] == [Reason.dimensions_missing, Reason.gtin_missing]


def test_every_reason_explains_itself_in_vietnamese_and_english():
    for reason in Reason:
        assert t(f"reason_{reason.value}", "vi", detail="x") != t(f"reason_{reason.value}", "en", detail="x")


def test_shelf_life_fills_hạn_sử_dụng_with_its_unit_where_the_attribute_takes_text():
    value = attribute_value(SHELF_LIFE, None, tea().model_dump())
    assert (value.value, value.value_id) == ("365 ngày", None)


def test_xuất_xứ_is_matched_to_the_marketplaces_option():
    value = attribute_value(ORIGIN, guessed_rule(ORIGIN), tea().model_dump())
    assert (value.value, value.value_id) == ("Việt Nam", "1")


def test_a_lookup_rule_maps_the_origin_commune_to_the_marketplaces_value():
    region = SetupAttribute(attribute_id="200001", name="Vùng trồng")
    rule = AttributeRule(source="lookup", field="origin_commune", table={"Phường Tân Cương": "Trung du miền núi"})
    value = attribute_value(region, rule, tea(origin_commune="Phường Tân Cương").model_dump())
    assert value.value == "Trung du miền núi"


def test_a_product_without_the_field_gives_no_value_so_the_attribute_blocks():
    assert attribute_value(SHELF_LIFE, None, tea(shelf_life_days=None).model_dump()) is None
