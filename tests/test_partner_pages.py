"""Public product pages of the partner sandboxes, shaped like the real floors' (vn-context §1.2–1.4)."""


# ruff: noqa: F811  (the fixtures are imported from tests/support/partner.py)
from __future__ import annotations

import json
from typing import Any

import extruct
import httpx
import pytest

from tests.support.partner import Floor, anyio_backend, floor, start_floor, tea  # noqa: F401  (fixtures)

pytestmark = pytest.mark.anyio


async def listed_and_sold(floor: Floor, **overrides: Any) -> tuple[str, str]:
    """A tea listed on the floor, two packs sold; its page path."""
    adapter = await floor.connected()
    ref = (await adapter.create_listing(tea(**overrides))).ref
    floor.buy(adapter.credentials.shop_id, ("TN-CHE-200G", 2))
    return f"/shop/{adapter.credentials.shop_id}/{ref.item_id}", ref.item_id


async def fetch(floor: Floor, path: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=floor.base_url) as client:
        return await client.get(path)


def inline_product(html: str) -> dict[str, Any]:
    start = html.index("var product = ") + len("var product = ")
    record, _ = json.JSONDecoder().raw_decode(html, start)
    return record


def schema_product(html: str, base_url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The schema.org Product and its Offer, from JSON-LD or RDFa (following RDFa's blank-node link)."""
    data = extruct.extract(html, base_url=base_url, syntaxes=["json-ld", "rdfa"])
    for product in data["json-ld"]:
        if product.get("@type") == "Product":
            return product, product["offers"]
    nodes = {node["@id"]: node for node in data["rdfa"]}
    product = next(node for node in data["rdfa"] if "http://schema.org/Product" in node.get("@type", []))
    offer = nodes[product["http://schema.org/offers"][0]["@id"]]
    flatten = {key.rsplit("/", 1)[-1]: values[0].get("@value", values[0].get("@id"))
               for key, values in {**product, **offer}.items() if key.startswith("http://schema.org/")}
    return flatten, flatten


async def test_the_page_shows_price_sold_count_stock_and_seller_sku(floor: Floor):
    path, _ = await listed_and_sold(floor)

    html = (await fetch(floor, path)).text

    assert "120.000 ₫" in html
    assert "Đã bán 2" in html
    assert "Còn 38 sản phẩm" in html
    assert "TN-CHE-200G" in html


async def test_the_page_carries_a_schema_org_product_with_its_offer(floor: Floor):
    path, _ = await listed_and_sold(floor)

    html = (await fetch(floor, path)).text
    product, offer = schema_product(html, floor.base_url + path)

    assert product["name"] == "Chè búp Tân Cương đặc biệt"
    assert product["sku"] == "TN-CHE-200G"
    assert str(offer["price"]) == "120000" and offer["priceCurrency"] == "VND"
    assert offer["availability"].endswith("InStock")


@pytest.mark.parametrize("floor", ["voso"], indirect=True)
async def test_voso_pages_carry_the_inline_product_record_and_rdfa_not_json_ld(floor: Floor):
    path, item_id = await listed_and_sold(floor, description="Pha 3g chè với nước 85°C; {ngon nhất};")

    html = (await fetch(floor, path)).text
    record = inline_product(html)

    assert "application/ld+json" not in html
    assert record["merchantProductId"] == "TN-CHE-200G" and record["id"] == item_id
    assert (record["price"], record["available"], record["sold"]) == (120000, 38, 2)
    assert record["realWeight"] == 200 and record["isOCOP"] is True and record["ratingOCOP"] == 4
    assert record["description"] == "Pha 3g chè với nước 85°C; {ngon nhất};"


@pytest.mark.parametrize("floor", ["postmart", "thainguyentrade"], indirect=True)
async def test_json_ld_floors_pages_carry_no_inline_record(floor: Floor):
    path, _ = await listed_and_sold(floor)

    html = (await fetch(floor, path)).text

    assert "var product" not in html and "application/ld+json" in html


async def test_a_page_says_out_of_stock_when_the_last_pack_is_sold(floor: Floor):
    adapter = await floor.connected()
    ref = (await adapter.create_listing(tea(stock=1))).ref
    floor.buy(adapter.credentials.shop_id, ("TN-CHE-200G", 1))

    html = (await fetch(floor, f"/shop/{adapter.credentials.shop_id}/{ref.item_id}")).text

    assert "Còn 0 sản phẩm" in html and "OutOfStock" in html


async def test_hidden_and_delisted_items_have_no_page(floor: Floor):
    adapter = await floor.connected()
    hidden = (await adapter.create_listing(tea())).ref
    delisted = (await adapter.create_listing(tea("TN-CHE-500G"))).ref
    floor.control("PATCH", f"items/{hidden.item_id}", {"status": "hidden"})
    await adapter.delist(delisted)
    shop = adapter.credentials.shop_id

    answers = [(await fetch(floor, f"/shop/{shop}/{ref.item_id}")).status_code for ref in (hidden, delisted)]

    assert answers == [404, 404]
