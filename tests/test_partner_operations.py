"""Every Adapter operation, over real HTTP, against each partner floor's sandbox built from its profile."""

# ruff: noqa: F811  (the fixtures are imported from tests/support/partner.py)
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from adapters.common.contract import ItemRef, PriceUpdate, StockUpdate
from adapters.registry import load, spec
from tests.support.partner import (  # noqa: F401  (fixtures)
    FAST,
    FLOORS,
    Floor,
    anyio_backend,
    floor,
    floor_profile,
    honey,
    start_floor,
    tea,
    unthrottled,
    vermicelli,
)

pytestmark = pytest.mark.anyio


async def test_authorize_proves_the_key_and_reports_the_shop(floor: Floor):
    told = []
    credentials = await floor.open_shop("HTX Chè La Bằng")
    adapter = floor.client(credentials.model_copy(update={"shop_id": ""}), on_credentials=told.append)

    confirmed = await adapter.authorize("")

    assert confirmed.shop_id == credentials.shop_id
    assert told == [confirmed]


async def test_create_listing_puts_the_sku_on_sale(floor: Floor):
    adapter = await floor.connected()

    result = await adapter.create_listing(tea())

    assert result.ok and result.ref is not None
    assert result.ref.seller_sku == "TN-CHE-200G" and result.ref.price == 120000 and result.ref.stock == 40
    [item] = floor.items(adapter.credentials.shop_id)
    assert (item["item_id"], item["name"], item["status"]) == (result.ref.item_id, "Chè búp Tân Cương đặc biệt", "live")


async def test_create_listing_sends_the_floors_own_field_names(floor: Floor):
    adapter = await floor.connected()

    result = await adapter.create_listing(tea(weight_g=1200, ocop_stars=5))

    payload = floor.sandbox.state.items[result.ref.item_id].payload
    fields = floor.profile.fields
    expected_weight = 1.2 if floor.profile.weight_unit == "kg" else 1200
    assert payload[fields.seller_sku] == "TN-CHE-200G"
    assert payload[fields.weight_g] == expected_weight
    assert payload[fields.ocop_stars] == 5 and payload[fields.is_ocop] is True


async def test_a_repeated_create_binds_to_the_item_already_there(floor: Floor):
    adapter = await floor.connected()
    first = await adapter.create_listing(tea())

    again = await adapter.create_listing(tea())

    assert again.ok and again.ref.item_id == first.ref.item_id
    assert len(floor.items(adapter.credentials.shop_id)) == 1


async def test_update_content_replaces_name_and_description(floor: Floor):
    adapter = await floor.connected()
    created = await adapter.create_listing(tea())

    result = await adapter.update_content(created.ref, tea(name="Chè búp Tân Cương thượng hạng", price=150000))

    assert result.ok and result.ref.item_id == created.ref.item_id
    [item] = floor.items(adapter.credentials.shop_id)
    assert (item["name"], item["price"]) == ("Chè búp Tân Cương thượng hạng", 150000)


async def test_update_prices_and_stock_change_each_sku(floor: Floor):
    adapter = await floor.connected()
    tea_ref = (await adapter.create_listing(tea())).ref
    honey_ref = (await adapter.create_listing(honey())).ref

    prices = await adapter.update_prices([PriceUpdate(ref=tea_ref, price=125000), PriceUpdate(ref=honey_ref, price=260000)])
    stock = await adapter.update_stock([StockUpdate(ref=tea_ref, stock=12), StockUpdate(ref=honey_ref, stock=0)])

    assert [r.ok for r in prices + stock] == [True] * 4
    assert prices[0].ref.price == 125000 and stock[1].ref.stock == 0
    by_sku = {item["seller_sku"]: item for item in floor.items(adapter.credentials.shop_id)}
    assert (by_sku["TN-CHE-200G"]["price"], by_sku["TN-CHE-200G"]["stock"]) == (125000, 12)
    assert (by_sku["TN-MAT-ONG-500"]["price"], by_sku["TN-MAT-ONG-500"]["stock"]) == (260000, 0)


async def test_a_batch_names_the_sku_the_floor_does_not_know(floor: Floor):
    adapter = await floor.connected()
    tea_ref = (await adapter.create_listing(tea())).ref
    ghost = ItemRef(seller_sku="TN-KHONG-CO", item_id="999999")

    results = await adapter.update_stock([StockUpdate(ref=ghost, stock=5), StockUpdate(ref=tea_ref, stock=7)])

    assert [r.ok for r in results] == [False, True]
    assert results[0].seller_sku == "TN-KHONG-CO"
    assert results[0].error.kind == "rejected" and results[0].error.code == floor.profile.errors.codes.not_found


async def test_find_by_seller_sku_finds_the_item_or_nothing(floor: Floor):
    adapter = await floor.connected()
    created = await adapter.create_listing(honey())

    found = await adapter.find_by_seller_sku("TN-MAT-ONG-500")
    missing = await adapter.find_by_seller_sku("TN-CHUA-DANG")

    assert found.item_id == created.ref.item_id and found.status == "live" and found.price == 250000
    assert missing is None


async def test_list_items_pages_through_every_item_once(floor: Floor):
    paging = floor.profile.paging.model_copy(update={"page_size": 2})
    small_pages = floor.profile.model_copy(update={"paging": paging})
    adapter = await floor.connected(profile=small_pages)
    for number in range(5):
        await adapter.create_listing(tea(f"TN-CHE-{number}00G"))

    seen, cursor, pages = [], None, 0
    while True:
        page = await adapter.list_items(cursor)
        seen += [ref.seller_sku for ref in page.items]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor

    assert sorted(seen) == [f"TN-CHE-{n}00G" for n in range(5)]
    assert pages == 3


async def test_orders_since_reads_new_and_cancelled_orders(floor: Floor):
    adapter = await floor.connected()
    await adapter.create_listing(tea())
    await adapter.create_listing(vermicelli())
    shop_id = adapter.credentials.shop_id
    watermark = datetime.now(UTC) - timedelta(minutes=5)
    kept = floor.buy(shop_id, ("TN-CHE-200G", 2), ("TN-MIEN-500", 3))
    cancelled = floor.buy(shop_id, ("TN-CHE-200G", 1))
    floor.control("POST", f"orders/{cancelled['order_id']}/cancel")

    orders = {order.order_id: order for order in await adapter.orders_since(watermark)}

    assert orders[kept["order_id"]].status == "open"
    assert orders[cancelled["order_id"]].status == "cancelled"
    lines = {(line.seller_sku, line.quantity, line.unit_price) for line in orders[kept["order_id"]].lines}
    assert lines == {("TN-CHE-200G", 2, 120000), ("TN-MIEN-500", 3, 65000)}
    assert orders[kept["order_id"]].total == 2 * 120000 + 3 * 65000
    assert orders[kept["order_id"]].placed_at.tzinfo is not None


async def test_orders_since_a_later_watermark_leaves_older_orders_out(floor: Floor):
    adapter = await floor.connected()
    await adapter.create_listing(tea())
    floor.buy(adapter.credentials.shop_id, ("TN-CHE-200G", 1))

    later = await adapter.orders_since(datetime.now(UTC) + timedelta(minutes=5))

    assert later == []


async def test_delist_takes_the_item_off_sale_and_repeating_it_is_harmless(floor: Floor):
    adapter = await floor.connected()
    created = await adapter.create_listing(tea())

    first = await adapter.delist(created.ref)
    second = await adapter.delist(created.ref)

    assert first.ok and second.ok
    assert floor.items(adapter.credentials.shop_id) == []
    assert await adapter.find_by_seller_sku("TN-CHE-200G") is None


async def test_a_listing_the_floor_refuses_comes_back_with_its_field(floor: Floor):
    adapter = await floor.connected()

    result = await adapter.create_listing(tea(name="Chè búp"))

    assert not result.ok
    assert result.error.kind == "rejected" and result.error.field == "name"
    assert result.error.code == floor.profile.errors.codes.invalid_field
    assert "tên sản phẩm" in result.error.message
    assert floor.items(adapter.credentials.shop_id) == []


async def test_every_write_call_is_counted_by_the_sandbox(floor: Floor):
    adapter = await floor.connected()
    ref = (await adapter.create_listing(tea())).ref

    await adapter.update_prices([PriceUpdate(ref=ref, price=120000)])
    await adapter.delist(ref)

    assert floor.stats()["writes"] == 3


async def test_the_spec_names_the_floor_and_opens_shops_on_its_sandbox(floor: Floor):
    floor_spec = spec(floor.profile.name)

    grant = await floor_spec.open_sandbox_shop(floor.base_url, "HTX Mật ong Võ Nhai")

    assert floor_spec.default_port == {"voso": 8703, "postmart": 8704, "thainguyentrade": 8705}[floor_spec.name]
    assert floor_spec.adapter == f"adapters.{floor_spec.name}.client:{floor_spec.adapter.rsplit(':')[1]}"
    assert grant.code is None and grant.credentials.app_key.startswith("pk_")
    assert floor.sandbox.state.shops[grant.credentials.shop_id].name == "HTX Mật ong Võ Nhai"


async def test_a_floor_shop_is_authorised_again_by_its_key_not_a_code(floor: Floor):
    floor_spec = spec(floor.profile.name)
    grant = await floor_spec.open_sandbox_shop(floor.base_url, "HTX Mật ong Võ Nhai")

    code = await floor_spec.sandbox_code(floor.base_url, grant.credentials.shop_id)

    async with load(floor_spec.adapter)(floor.base_url, grant.credentials, http=FAST) as adapter:
        again = await adapter.authorize(code or "")
    assert code is None and again.shop_id == grant.credentials.shop_id


async def test_orders_since_includes_an_order_placed_just_after_the_watermark(floor: Floor):
    adapter = await floor.connected()
    await adapter.create_listing(tea())
    watermark = datetime.now(UTC)
    placed = floor.buy(adapter.credentials.shop_id, ("TN-CHE-200G", 1))

    orders = await adapter.orders_since(watermark)

    assert [order.order_id for order in orders] == [placed["order_id"]]


@pytest.mark.parametrize("name", FLOORS)
async def test_the_floors_own_classes_take_the_standard_arguments(start_floor, name: str):
    floor_spec = spec(name)
    sandbox = load(floor_spec.sandbox)(rate_limit_per_s=50)
    server = start_floor(sandbox).server
    grant = await floor_spec.open_sandbox_shop(server.base_url, "HTX Miến dong Na Rì")
    told = []

    async with load(floor_spec.adapter)(server.base_url, grant.credentials, on_credentials=told.append,
                                        http=FAST, transport=None) as adapter:
        await adapter.authorize(grant.code or "")
        created = await adapter.create_listing(vermicelli())

    assert sandbox.profile == floor_profile(name) and adapter.profile == sandbox.profile
    assert created.ok and told == [grant.credentials]
