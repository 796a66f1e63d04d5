"""What Lazada tells a shop before it may list, read from the Lazada sandbox over real HTTP: the category tree,
a leaf's attributes and brands, the limits and the category suggestion; and what Lazada's refusals mean for a
clerk (the readiness reasons)."""
# ruff: noqa: F811 (pytest fixtures arrive as arguments)

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from adapters.common import readiness
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.readiness import Reason
from adapters.common.setup import AttributeOption, ShopSetup
from adapters.lazada import CAPABILITIES, envelope
from adapters.lazada.mapping import create_payload
from tests.support.lazada import (  # noqa: F401 (fixtures)
    LAZADA_IMAGE,
    TEA_LEAF,
    connected,
    lazada,
    lazada_servers,
    open_seller,
    stats,
    tea,
    tea_category,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_lazada_needs_a_leaf_with_its_attributes_and_a_photo_and_picks_carriers_at_packing(lazada):
    assert CAPABILITIES.setup and CAPABILITIES.photo_required
    async with await connected(lazada) as adapter:
        assert await adapter.logistics_channels() == []


async def test_the_tree_is_read_in_vietnamese_with_leaves_under_their_parents(lazada):
    async with await connected(lazada) as adapter:
        tree = await adapter.category_tree()
    setup = ShopSetup(categories=tree, read_at=datetime.now(UTC))
    assert setup.path(TEA_LEAF) == "Bách Hóa Online > Đồ uống > Trà"
    assert setup.leaf(TEA_LEAF).leaf and not setup.leaf("10010").leaf and not setup.leaf("10001").leaf
    leaves = {node.name for node in tree if node.leaf}
    assert {"Trà", "Cà phê", "Gạo", "Mật ong", "Đồ khô (miến, bún, măng khô)", "Trái cây tươi", "Rau củ",
            "Nấm tươi", "Thảo dược & dược liệu", "Đặc sản vùng miền"} <= leaves
    assert setup.leaf("10059") is None, "an inactive leaf is not offered"
    assert stats(lazada)["requests"]["/rest/category/tree/get"] == {"ok": 1}


async def test_the_tea_leaf_asks_for_shelf_life_origin_net_weight_and_tea_type(lazada):
    async with await connected(lazada) as adapter:
        leaf = await adapter.leaf_setup(TEA_LEAF)
    mandatory = {attribute.attribute_id: attribute for attribute in leaf.attributes if attribute.mandatory}
    assert {key: attribute.name for key, attribute in mandatory.items()} == {
        "shelf_life": "Hạn sử dụng", "country_origin": "Xuất xứ", "net_weight": "Khối lượng tịnh",
        "tea_type": "Loại trà"}
    assert mandatory["country_origin"].input == "select"
    assert AttributeOption(value_id="7001", name="Việt Nam") in mandatory["country_origin"].options
    assert (mandatory["net_weight"].input, mandatory["net_weight"].unit) == ("number", "g")
    assert mandatory["shelf_life"].input == "text", "enumInput takes values outside its options"
    optional = {attribute.attribute_id: attribute for attribute in leaf.attributes if not attribute.mandatory}
    assert optional["certification"].input == "multi_select" and optional["flavor"].sale_prop
    assert not {"name", "description", "brand", "SellerSku", "package_weight", "__images__"} & {
        attribute.attribute_id for attribute in leaf.attributes}, "the mapper fills these from the product"
    assert leaf.brand_mandatory and "No Brand" in {brand.name for brand in leaf.brands}


async def test_the_limits_are_lazadas_documented_rules(lazada):
    async with await connected(lazada) as adapter:
        limits = (await adapter.leaf_setup(TEA_LEAF)).limits
    assert limits.name_length[1] == 255 and limits.description_length == (0, 25000)
    assert (limits.max_images, limits.min_image_px, limits.max_image_bytes) == (8, 330, 3_145_728)
    assert limits.weight_mandatory and limits.dimensions_mandatory and not limits.gtin_mandatory


async def test_brands_are_paged_until_every_one_is_read(lazada):
    async with await connected(lazada) as adapter:
        adapter.brands_page_size = 10
        brands = await adapter.brands()
    assert len(brands) == 31 and len({brand.brand_id for brand in brands}) == 31
    assert stats(lazada)["requests"]["/rest/category/brands/query"] == {"ok": 4}


@pytest.mark.parametrize(("category_id", "code"), [("10059", "4228"), ("99999", "4227"), ("10010", "4134")],
                         ids=["inactive", "unknown", "not-a-leaf"])
async def test_a_leaf_lazada_does_not_offer_is_an_unknown_category(lazada, category_id, code):
    async with await connected(lazada) as adapter:
        with pytest.raises(MarketplaceError) as refused:
            await adapter.leaf_setup(category_id)
    assert (refused.value.kind, refused.value.info.code) == (ErrorKind.rejected, code)
    assert refused.value.info.reason == "unknown_category"


@pytest.mark.parametrize(("name", "leaf"), [
    ("Chè búp Tân Cương", TEA_LEAF),
    ("Mật ong rừng Võ Nhai", "10031"),
    ("mat ong hoa nhan", "10031"),
    ("Gạo nếp cái hoa vàng", "10021"),
    ("Nấm hương khô Bắc Kạn", "10025"),
    ("Cà gai leo Thái Nguyên", "20011"),
])
async def test_lazada_suggests_the_leaf_for_a_product_name_accents_or_not(lazada, name, leaf):
    async with await connected(lazada) as adapter:
        assert (await adapter.suggest_categories(name))[0] == leaf


async def test_no_suggestion_is_an_empty_list(lazada):
    async with await connected(lazada) as adapter:
        assert await adapter.suggest_categories("Máy khoan bê tông") == []
    assert stats(lazada)["requests"]["/rest/product/category/suggestion/get"] == {"701": 1}


async def test_the_setup_read_lets_the_readiness_check_pass_a_complete_tea(lazada):
    async with await connected(lazada) as adapter:
        leaf = await adapter.leaf_setup(TEA_LEAF)
        setup = ShopSetup(categories=await adapter.category_tree(), leaves={TEA_LEAF: leaf}, read_at=datetime.now(UTC))
    # Lazada's brand is mandatory on every leaf; "No Brand" fills it, by the id this country gives it
    no_brand = next(brand for brand in leaf.brands if brand.name == "No Brand")
    complete = tea_category(brand_id=no_brand.brand_id)
    assert readiness.check(tea(listing_category=complete), CAPABILITIES, setup) == []
    incomplete = complete.model_copy(update={"attributes": complete.attributes[:3]})
    blockers = readiness.check(tea(listing_category=incomplete, images=[]), CAPABILITIES, setup)
    assert [(blocker.reason, blocker.detail) for blocker in blockers] == [
        (Reason.no_photo, ""), (Reason.attribute_missing, "Loại trà")]


# --- refusals a clerk can act on ---------------------------------------------------------------------
async def test_a_create_without_a_mandatory_attribute_is_refused_naming_it(lazada):
    incomplete = tea_category(attributes=[a for a in tea_category().attributes if a.attribute_id != "tea_type"])
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(tea(listing_category=incomplete))
    assert not result.ok
    assert (result.error.code, result.error.field, result.error.reason) == ("4110", "tea_type", "attribute_missing")
    assert "Loại trà" in result.error.message


async def test_a_value_outside_a_selects_options_is_refused_as_invalid(lazada):
    values = [a.model_copy(update={"value": "Lào", "value_id": None}) if a.attribute_id == "country_origin" else a
              for a in tea_category().attributes]
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(tea(listing_category=tea_category(attributes=values)))
    assert (result.error.code, result.error.field, result.error.reason) == ("4115", "country_origin",
                                                                            "attribute_invalid")


async def test_a_brand_lazada_does_not_know_is_refused_as_a_brand_to_choose(lazada):
    unknown = tea_category(brand_id="99", brand_name="HTX Chè La Bằng")
    async with await connected(lazada) as adapter:
        result = await adapter.create_listing(tea(listing_category=unknown))
    assert (result.error.code, result.error.reason) == ("4142", "brand_missing")


async def test_a_known_brand_by_id_is_accepted(lazada):
    async with await connected(lazada) as adapter:
        brand = next(b for b in await adapter.brands() if b.name == "Tân Cương Hoàng Bình")
        result = await adapter.create_listing(tea(listing_category=tea_category(brand_id=brand.brand_id,
                                                                                brand_name=brand.name)))
    assert result.ok


def test_a_product_without_a_photo_or_a_package_side_is_refused_with_lazadas_codes(lazada):
    seller = open_seller(lazada).authorize()
    assert seller.create(tea(), [])["code"] == "4139"
    product = json.loads(create_payload(tea(), [LAZADA_IMAGE]))
    del product["Request"]["Product"]["Skus"]["Sku"][0]["package_height"]
    body = seller.call("/product/create", {"payload": json.dumps(product)})
    assert (body["code"], body["detail"][0]["field"]) == ("4149", "package_height")
    assert envelope.error_from(envelope.Envelope.model_validate(body)).info.reason == "dimensions_missing"


@pytest.mark.parametrize(("code", "field", "reason"), [
    ("4139", "Images", Reason.no_photo),
    ("4110", "shelf_life", Reason.attribute_missing),
    ("4108", "name", Reason.attribute_missing),
    ("4108", "brand", Reason.brand_missing),
    ("4115", "tea_type", Reason.attribute_invalid),
    ("4227", "PrimaryCategory", Reason.unknown_category),
    ("4228", "PrimaryCategory", Reason.unknown_category),
    ("4134", "PrimaryCategory", Reason.unknown_category),
    ("201", "PrimaryCategory", Reason.unknown_category),
    ("4142", "brand_id", Reason.brand_missing),
    ("4130", None, Reason.brand_missing),
    ("4160", "name", Reason.name_too_long),
    ("4149", "package_weight", Reason.weight_missing),
    ("4149", "package_width", Reason.dimensions_missing),
    ("303", None, Reason.photo_too_large),
])
def test_lazadas_refusal_codes_amount_to_readiness_reasons(code, field, reason):
    body = {"code": code, "message": "refused", "detail": [{"field": field, "message": "x"}] if field else []}
    assert envelope.error_from(envelope.Envelope.model_validate(body)).info.reason == reason.value


def test_a_refusal_that_says_nothing_a_clerk_can_fix_has_no_reason():
    body = {"code": "4105", "message": "E4105: Duplicate SellerSku TN-TRA-200G"}
    assert envelope.error_from(envelope.Envelope.model_validate(body)).info.reason is None


async def test_the_brands_are_read_once_for_every_leaf(lazada):
    async with await connected(lazada) as adapter:
        tea_leaf, honey_leaf = await adapter.leaf_setup(TEA_LEAF), await adapter.leaf_setup("10031")
    assert tea_leaf.brands == honey_leaf.brands
    assert stats(lazada)["requests"]["/rest/category/brands/query"] == {"ok": 1}
