"""What a Shopee shop reads before it lists (category tree, a leaf's attributes, brands and limits, logistics
channels, the category suggestion), the items the sandbox refuses against the same data with the reason a
clerk reads, and photos uploaded once: the client against the Shopee sandbox over real HTTP."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import SecretStr

from adapters.common.contract import AttributeValue, ListingCategory, ShopCredentials
from adapters.common.errors import MarketplaceError
from adapters.common.setup import ShopSetup
from adapters.shopee import envelope
from adapters.shopee.client import ShopeeAdapter
from tests.support.hostile import HostileMarketplace, hostile  # noqa: F401 (fixture)
from tests.support.shopee import (  # noqa: F401 (fixtures)
    FAST,
    GREEN_TEA,
    HONEY_LEAF,
    ORIGIN,
    SHELF_LIFE,
    SHIPPING,
    TEA_LEAF,
    Control,
    anyio_backend,
    connected,
    photo_of,
    shop,
    shopee_servers,
    tea,
    tea_category,
    tea_photo,
)

pytestmark = pytest.mark.anyio
INSTANT_COFFEE, BAMBOO_CRAFTS = "101573", "101801"


@pytest.fixture
def shopee(shopee_servers):
    """A sandbox of its own per test, so its request counts are this test's alone."""
    return shopee_servers()


# --- what the shop reads ------------------------------------------------------------------------
async def test_the_tree_is_read_in_vietnamese_with_leaves_under_their_parents(shop):
    tree = await shop.category_tree()
    setup = ShopSetup(categories=tree)
    assert setup.path(TEA_LEAF) == "Bách Hóa Online > Đồ uống > Trà > Trà búp & trà xanh"
    assert setup.leaf(TEA_LEAF).leaf and not setup.leaf(setup.leaf(TEA_LEAF).parent_id).leaf
    assert setup.leaf("100629").parent_id is None
    assert {node.name for node in tree if node.leaf} >= {"Cà phê bột", "Gạo", "Mật ong", "Miến, bún & phở khô",
                                                         "Dược liệu & thảo mộc khô", "Đặc sản khô & chế biến"}


async def test_the_tea_leaf_asks_for_shelf_life_origin_net_weight_and_kind_of_tea(shop):
    leaf = await shop.leaf_setup(TEA_LEAF)
    mandatory = {attribute.name: attribute for attribute in leaf.attributes if attribute.mandatory}
    assert set(mandatory) == {"Hạn sử dụng", "Xuất xứ", "Khối lượng tịnh", "Loại trà"}
    origin = mandatory["Xuất xứ"]
    assert (origin.attribute_id, origin.input) == ("100037", "select")
    assert origin.options[0].model_dump() == {"value_id": "5180", "name": "Việt Nam"}
    assert (mandatory["Khối lượng tịnh"].input, mandatory["Khối lượng tịnh"].unit) == ("number", "g")
    # a combo box: its options are suggestions, any text is taken
    assert (mandatory["Hạn sử dụng"].input, len(mandatory["Hạn sử dụng"].options)) == ("text", 7)
    optional = {attribute.name: attribute.input for attribute in leaf.attributes if not attribute.mandatory}
    assert optional["Chứng nhận"] == "multi_select" and optional["Ngày sản xuất"] == "date"


async def test_brands_are_read_page_by_page_and_no_brand_is_allowed_unless_mandatory(shopee, shop):
    shop.brands_page_size = 3
    tea_leaf = await shop.leaf_setup(TEA_LEAF)
    assert len(tea_leaf.brands) == 8 and not tea_leaf.brand_mandatory
    assert tea_leaf.brands[0].name == "Chè Tân Cương Xanh"
    assert Control(shopee).outcomes("product/get_brand_list") == {"200": 3}
    assert (await shop.leaf_setup(INSTANT_COFFEE)).brand_mandatory


async def test_item_limits_come_from_the_leaf(shop):
    limits = (await shop.leaf_setup(TEA_LEAF)).limits
    assert (limits.name_length, limits.description_length, limits.max_images) == ((10, 120), (20, 3000), 9)
    assert limits.weight_mandatory and not limits.dimensions_mandatory and not limits.gtin_mandatory
    assert (await shop.leaf_setup(BAMBOO_CRAFTS)).limits.dimensions_mandatory


async def test_only_switched_on_unmasked_logistics_channels_are_usable(shop):
    channels = {channel.name: channel.enabled for channel in await shop.logistics_channels()}
    assert channels == {"SPX Express": True, "Giao Hàng Nhanh": True, "Giao Hàng Tiết Kiệm": True,
                        "VNPost Nhanh": False, "Hỏa Tốc": False, "Ahamove": False}


@pytest.mark.parametrize(("name", "leaf"), [
    ("Chè búp Tân Cương", TEA_LEAF),
    ("Mat ong rung Vo Nhai", HONEY_LEAF),  # typed without accents
    ("Gạo nếp cái hoa vàng Đại Từ", "101601"),
])
async def test_the_suggestion_for_an_item_name_puts_its_leaf_first(shop, name, leaf):
    assert (await shop.suggest_categories(name))[0] == leaf


# --- refusals against the same data, with the clerk's reason ------------------------------------
async def test_an_item_without_a_mandatory_attribute_is_refused_naming_it(shop, tea_photo):
    result = await shop.create_listing(tea(tea_photo, listing_category=tea_category(GREEN_TEA.attribute_id)))
    assert (result.ok, result.error.code, result.error.reason) == (
        False, "product.error_less_required_attribute", "attribute_missing")
    assert "Loại trà" in result.error.message


@pytest.mark.parametrize(("chosen", "reason"), [
    (tea_category(category_id="100631"), "unknown_category"),  # Trà: a parent, not a leaf
    (tea_category(logistics=["28016"]), "no_logistics"),  # VNPost Nhanh is switched off
    (tea_category(brand_id="1140101", brand_name="Trung Nguyên"), "brand_missing"),  # a coffee brand
    (ListingCategory(category_id=INSTANT_COFFEE, attributes=[SHELF_LIFE, ORIGIN], logistics=SHIPPING),
     "brand_missing"),  # No Brand where a brand is mandatory
    (tea_category(ORIGIN.attribute_id, attributes=[
        ORIGIN.model_copy(update={"value_id": "9999"}), SHELF_LIFE, GREEN_TEA,
        AttributeValue(attribute_id="100999", name="Khối lượng tịnh", value="200 g")]), "attribute_invalid"),
])
async def test_refusals_say_what_to_fix(shop, tea_photo, chosen, reason):
    result = await shop.create_listing(tea(tea_photo, listing_category=chosen))
    assert (result.ok, result.error.reason) == (False, reason), result.error


async def test_an_item_without_a_photo_is_refused_as_no_photo(shop, tea_photo):
    result = await shop.create_listing(tea(tea_photo, images=[]))
    assert (result.ok, result.error.code, result.error.reason) == (False, "product.error_image_num_min", "no_photo")


async def test_a_handicraft_without_its_package_size_is_refused_as_dimensions_missing(shop, tea_photo):
    basket = ListingCategory(category_id=BAMBOO_CRAFTS, attributes=[
        AttributeValue(attribute_id="101015", name="Chất liệu", value="Tre", value_id="7402"), ORIGIN],
        logistics=SHIPPING)
    result = await shop.create_listing(tea(tea_photo, "TN-RO-TRE", name="Rổ tre đan tay Phú Vinh", variant="Cỡ 30cm",
                                           height_cm=None, listing_category=basket))
    assert (result.ok, result.error.reason) == (False, "dimensions_missing")


async def test_a_draft_without_a_shopee_category_is_refused_before_any_call(shopee, shop, tea_photo):
    result = await shop.create_listing(tea(tea_photo, listing_category=None))
    assert (result.ok, result.error.reason) == (False, "unmapped_category")
    assert Control(shopee).outcomes("product/search_item") == {}


@pytest.mark.parametrize(("code", "message", "reason"), [
    ("product.error_image_num_min", "image.image_id_list needs at least 1 image.", "no_photo"),
    ("product.error_less_required_attribute", "Mandatory attribute information required", "attribute_missing"),
    ("product.error_invalid_category", "Invalid category ID 100631.", "unknown_category"),
    ("product.error_invalid_brand", "Invalid brand", "brand_missing"),
    ("product.error_invalid_logistic_info", "invalid logistic info , 28016", "no_logistics"),
    ("product.error_item_name_is_too_short", "Item name is too short", "name_too_short"),
    ("product.error_name_length_limit", "Item name length exceeds the limit", "name_too_long"),
    ("product.error_desc_length_min_limit", "Description is too short", "description_too_short"),
    ("product.error_param", "Wrong parameters, detail: dimension.package_height is required.", "dimensions_missing"),
    ("product.error_param", "Wrong parameters, detail: weight must be a number of kilograms above 0.",
     "weight_missing"),
    ("product.error_param", "Wrong parameters, detail: item_sku is too long.", None),
    ("error_rate_limit", "Too many requests.", None),
])
def test_shopee_refusal_codes_map_to_the_clerks_reasons(code, message, reason):
    assert envelope.error_info(code, message).reason == reason


# --- photos uploaded once -----------------------------------------------------------------------
async def test_a_photo_the_shop_already_has_is_not_uploaded_again(shopee, shop, tea_photo):
    first = await shop.create_listing(tea(tea_photo))
    assert first.ok and set(first.photos) == {tea_photo.digest}
    kept = tea_photo.model_copy(update={"remote": first.photos[tea_photo.digest]})
    second = await shop.create_listing(tea(kept, "TN-CHE-500G", variant="Hộp 500g"))
    assert second.ok and second.photos == {}
    assert Control(shopee).outcomes("media_space/upload_image") == {"200": 1}
    [item] = [item for item in Control(shopee).items(shop.credentials.shop_id) if item["seller_sku"] == "TN-CHE-500G"]
    assert item["status"] == "live"


async def test_a_refused_create_still_reports_the_photos_it_uploaded(shopee, shop, tea_photo, tmp_path):
    second_photo = photo_of(tmp_path / "hop-che.jpg", colour=(120, 80, 30))
    refused = await shop.create_listing(tea(tea_photo, images=[tea_photo, second_photo],
                                            listing_category=tea_category(SHELF_LIFE.attribute_id)))
    assert not refused.ok and set(refused.photos) == {tea_photo.digest, second_photo.digest}
    kept = [photo.model_copy(update={"remote": refused.photos[photo.digest]}) for photo in (tea_photo, second_photo)]
    again = await shop.create_listing(tea(tea_photo, images=kept))
    assert again.ok and again.photos == {}
    assert Control(shopee).outcomes("media_space/upload_image") == {"200": 2}


# --- answers that do not fit are not believed ---------------------------------------------------
def hostile_shop(marketplace: HostileMarketplace) -> ShopeeAdapter:
    credentials = ShopCredentials(
        shop_id="322300222", app_key="2001887", app_secret=SecretStr("shpk-htx-tan-cuong"),
        access_token=SecretStr("6b5a4f3e2d1c0b9a"), refresh_token=SecretStr("4c72e1d0c9b8a796"),
        access_expires_at=datetime.now(UTC) + timedelta(hours=3))
    return ShopeeAdapter(marketplace.base_url, credentials, http=FAST)


def shopee_ok(response) -> dict:
    return {"error": "", "message": "", "request_id": "b937c5a3", "response": response}


async def test_a_category_id_that_is_not_a_number_is_malformed(hostile):
    hostile.answer("/api/v2/product/get_category", shopee_ok({"category_list": [
        {"category_id": "101561; DROP TABLE", "parent_category_id": 100631, "display_category_name": "Trà",
         "has_children": False}]}))
    async with hostile_shop(hostile) as shop:
        with pytest.raises(MarketplaceError) as refused:
            await shop.category_tree()
    assert refused.value.info.code == "malformed_answer"


async def test_a_brand_list_whose_next_page_does_not_move_on_is_malformed_not_read_forever(hostile):
    hostile.answer("/api/v2/product/get_brand_list", shopee_ok({
        "brand_list": [{"brand_id": 1140001, "original_brand_name": "Chè Tân Cương Xanh"}], "has_next_page": True,
        "next_offset": 0, "is_mandatory": False}))
    async with hostile_shop(hostile) as shop:
        with pytest.raises(MarketplaceError) as refused:
            await shop.leaf_setup(TEA_LEAF)
    assert refused.value.info.code == "malformed_answer"
