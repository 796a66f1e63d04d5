"""What a shopper sees on a public product page, and the extraction every marketplace's page reader shares.

Each marketplace's ``adapters/<name>/page.py`` says where its pages keep things; this module reads the
common layers: schema.org JSON-LD, RDFa and microdata (through extruct), inline ``var x = {...};`` records
(decoded as JSON, never cut with a regex), visible "Đã bán" / "Còn N sản phẩm" lines and prices as people
write them (through price-parser). All text comes out NFC.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any, Literal
from urllib.parse import urljoin

import extruct
from parsel import Selector
from price_parser import Price
from pydantic import BaseModel, ConfigDict
from w3lib.html import get_base_url

from catalog.money import MoneyError, parse_vnd
from catalog.text import clean

Availability = Literal["in_stock", "out_of_stock"]
SCHEMA_ORG = re.compile(r"^https?://schema\.org/", re.IGNORECASE)
_SOLD = re.compile(r"Đã\s+bán\s*:?\s*([\d.,]+)\s*(k|nghìn|tr|triệu)?", re.IGNORECASE)
_STOCK = re.compile(r"Còn\s+([\d.,]+)\s+sản\s+phẩm", re.IGNORECASE)
_SOLD_MULTIPLIERS = {"k": 1000, "nghìn": 1000, "tr": 1_000_000, "triệu": 1_000_000}


class PackOffer(BaseModel):
    """One pack (variant) a product page offers, by its seller SKU."""

    model_config = ConfigDict(frozen=True)

    seller_sku: str
    price: int | None = None
    stock: int | None = None
    availability: Availability | None = None


class PageObservation(BaseModel):
    """One public product page as a shopper sees it. ``visible`` is false when no product is shown.
    ``packs`` holds the page's variants with their own price and stock (empty for an item without variants:
    the page's own price and stock are then the item's)."""

    model_config = ConfigDict(frozen=True)

    url: str
    visible: bool
    title: str | None = None
    price: int | None = None
    stock: int | None = None
    availability: Availability | None = None
    sold_count: int | None = None
    seller_sku: str | None = None
    item_id: str | None = None
    packs: tuple[PackOffer, ...] = ()

    def pack(self, seller_sku: str) -> PageObservation:
        """What the page shows of one pack: the page itself when it lists no variants; a pack the page does
        not offer is not visible. The sold count is the item's, not the pack's, so a pack has none."""
        if not self.visible or not self.packs:
            return self
        offer = next((pack for pack in self.packs if pack.seller_sku == seller_sku), None)
        if offer is None:
            return self.model_copy(update={"visible": False, "price": None, "stock": None, "availability": None,
                                           "sold_count": None, "seller_sku": seller_sku, "packs": ()})
        return self.model_copy(update={"price": offer.price, "stock": offer.stock,
                                       "availability": offer.availability, "sold_count": None,
                                       "seller_sku": seller_sku, "packs": ()})


PageReader = Callable[[str, str], PageObservation]


# --- public page addresses: each marketplace's ``page.py`` gives its own ``PATHS`` -------------------------
class PagePaths(BaseModel):
    """Where a marketplace serves a product's page and a shop's storefront, as paths with ``{shop_id}`` and
    ``{item_id}`` in them."""

    model_config = ConfigDict(frozen=True)

    product: str
    storefront: str

    def product_url(self, base_url: str, shop_id: str, item_id: str) -> str:
        return base_url.rstrip("/") + self.product.format(shop_id=shop_id, item_id=item_id)

    def storefront_url(self, base_url: str, shop_id: str) -> str:
        return base_url.rstrip("/") + self.storefront.format(shop_id=shop_id)


def storefront_links(html: str, url: str) -> dict[str, str]:
    """Seller SKU → absolute product URL, for every item a shop's storefront lists."""
    selector = Selector(text=html)
    return {
        clean(link.attrib["data-seller-sku"]): urljoin(url, link.attrib.get("href", ""))
        for link in selector.css("a[data-seller-sku]")
    }


def item_id_from_url(url: str) -> str:
    return url.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]


# --- layers of data on a page ------------------------------------------------------------------------------
def inline_record(html: str, variable: str) -> dict[str, Any] | None:
    """The object literal assigned by ``var <variable> = {...};`` in an inline script, decoded as JSON.

    The decoder reads exactly one JSON value, so a ``};`` inside a description does not cut the record.
    """
    match = re.search(rf"\bvar\s+{re.escape(variable)}\s*=\s*", html)
    if match is None:
        return None
    try:
        record, _ = json.JSONDecoder().raw_decode(html, match.end())
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def schema_products(html: str, url: str) -> list[dict[str, Any]]:
    """Every schema.org Product on the page (JSON-LD, RDFa or microdata) as plain ``{property: value}``
    dicts, with ``offers`` resolved to the Offer's own properties."""
    data = extruct.extract(
        html, base_url=get_base_url(html, url), syntaxes=["json-ld", "microdata", "rdfa"], uniform=False
    )
    products = [node for node in _json_ld_nodes(data.get("json-ld", [])) if _is_type(node.get("@type"), "Product")]
    products += [_flatten_microdata(node) for node in data.get("microdata", []) if _is_type(node.get("type"), "Product")]
    products += _rdfa_products(data.get("rdfa", []))
    return products


def _json_ld_nodes(documents: list[Any]) -> Iterable[dict[str, Any]]:
    for document in documents:
        nodes = document if isinstance(document, list) else document.get("@graph", [document])
        yield from (node for node in nodes if isinstance(node, dict))


def _is_type(value: Any, name: str) -> bool:
    values = value if isinstance(value, list) else [value]
    return any(isinstance(v, str) and SCHEMA_ORG.sub("", v).removeprefix("schema:") == name for v in values)


def _flatten_microdata(node: dict[str, Any]) -> dict[str, Any]:
    properties = dict(node.get("properties", {}))
    offers = properties.get("offers")
    if isinstance(offers, dict) and "properties" in offers:
        properties["offers"] = offers["properties"]
    return properties


def _rdfa_products(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """RDFa comes as a flat graph: a Product's ``offers`` names the Offer node by ``@id``; follow it."""
    by_id = {node.get("@id"): node for node in nodes}

    def plain(node: dict[str, Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for key, entries in node.items():
            if key.startswith("@"):
                continue
            entry = entries[0] if isinstance(entries, list) and entries else entries
            if isinstance(entry, dict):
                entry = entry.get("@value", entry.get("@id"))
            values[SCHEMA_ORG.sub("", key)] = entry
        return values

    products = []
    for node in nodes:
        if not _is_type(node.get("@type"), "Product"):
            continue
        product = plain(node)
        offer = by_id.get(product.get("offers"))
        if offer is not None:
            product["offers"] = plain(offer)
        products.append(product)
    return products


# --- values ----------------------------------------------------------------------------------------------
def text_or_none(value: Any) -> str | None:
    if value is None:
        return None
    text = clean(str(value))
    return text or None


def price_from(value: Any) -> int | None:
    """A price as a page writes it (``120000``, ``"120000.00"``, ``250,000đ``, ``1.250.000 VND``) in đồng."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return parse_vnd(value) if value >= 0 else None
    amount = Price.fromstring(clean(str(value))).amount_text
    if amount is None:
        return None
    try:
        return parse_vnd(amount)
    except MoneyError:
        return _decimal_price(amount)


def _decimal_price(amount: str) -> int | None:
    """``"120000.00"`` (a machine-written decimal): whole đồng, or nothing if it has real fractions."""
    whole, _, fraction = amount.partition(".")
    return int(whole) if whole.isdigit() and set(fraction) <= {"0"} else None


def schema_availability(stock: int) -> str:
    """How a page writes availability in schema.org: ``http://schema.org/InStock`` or ``OutOfStock``."""
    return "http://schema.org/InStock" if stock > 0 else "http://schema.org/OutOfStock"


def availability_from(value: Any) -> Availability | None:
    text = SCHEMA_ORG.sub("", str(value or "")).lower()
    if text in {"instock", "limitedavailability", "onlineonly", "instoreonly"}:
        return "in_stock"
    if text in {"outofstock", "soldout", "discontinued"}:
        return "out_of_stock"
    return None


def sold_count_in(text: str) -> int | None:
    """``Đã bán 12``, ``Đã bán: 3``, ``Đã bán 1,2k`` → units sold."""
    match = _SOLD.search(clean(text))
    if match is None:
        return None
    number, unit = match.group(1), (match.group(2) or "").lower()
    if unit:
        return round(float(number.replace(",", ".")) * _SOLD_MULTIPLIERS[unit])
    return _whole_number(number)


def stock_in(text: str) -> int | None:
    """``Còn 25 sản phẩm`` → 25."""
    match = _STOCK.search(clean(text))
    return _whole_number(match.group(1)) if match else None


def _whole_number(text: str) -> int | None:
    digits = text.replace(".", "").replace(",", "")
    return int(digits) if digits.isdigit() else None


def page_text(selector: Selector) -> str:
    return " ".join(selector.xpath("//body//text()[not(ancestor::script)]").getall())


# --- a page read from structured data first, then what is written on it ------------------------------------
class VisibleParts(BaseModel):
    """Where a marketplace's page writes things for people: CSS selectors for text nodes."""

    model_config = ConfigDict(frozen=True)

    title: str
    price: str
    seller_sku: str | None = None


def read_schema_page(html: str, url: str, parts: VisibleParts) -> PageObservation:
    """A page whose product is in schema.org markup, with the visible parts as fallback and for the
    sold count and stock line (which schema.org does not carry)."""
    selector = Selector(text=html)
    products = schema_products(html, url)
    product = products[0] if products else {}
    offer, packs = offers_of(product.get("offers"))
    text = page_text(selector)
    title = text_or_none(product.get("name")) or text_or_none(selector.css(parts.title + " ::text").get())
    price = _one_price(offer)
    if price is None and not packs:
        price = price_from(" ".join(selector.css(parts.price + " ::text").getall()) or None)
    seller_sku = text_or_none(product.get("sku"))
    if seller_sku is None and parts.seller_sku:
        seller_sku = text_or_none(selector.css(parts.seller_sku + " ::text").get())
    return PageObservation(
        url=url,
        visible=bool(product) or (title is not None and price is not None),
        title=title,
        price=price,
        stock=stock_in(text),
        availability=availability_from(offer.get("availability")),
        sold_count=sold_count_in(text),
        seller_sku=seller_sku,
        item_id=text_or_none(product.get("productID")) or item_id_from_url(url),
        packs=packs,
    )


def offers_of(offers: Any) -> tuple[dict[str, Any], tuple[PackOffer, ...]]:
    """A Product's ``offers`` as (the offer for the whole item, one PackOffer per variant). Variants come as
    an ``AggregateOffer`` holding an Offer per variant, or as a list of Offers each with its ``sku``."""
    if isinstance(offers, list):
        if len(offers) > 1:
            return {}, _packs(offers)
        offers = offers[0] if offers else {}
    if not isinstance(offers, dict):
        return {}, ()
    nested = offers.get("offers")
    return offers, _packs(nested if isinstance(nested, list) else [nested] if isinstance(nested, dict) else [])


def _packs(offers: list[Any]) -> tuple[PackOffer, ...]:
    return tuple(
        PackOffer(seller_sku=sku, price=price_from(offer.get("price")), stock=_inventory(offer.get("inventoryLevel")),
                  availability=availability_from(offer.get("availability")))
        for offer in offers
        if isinstance(offer, dict) and (sku := text_or_none(offer.get("sku"))) is not None
    )


def _one_price(offer: dict[str, Any]) -> int | None:
    """An Offer's price; an AggregateOffer has one only when its lowest and highest are the same."""
    price = price_from(offer.get("price"))
    if price is None and offer.get("lowPrice") == offer.get("highPrice"):
        price = price_from(offer.get("lowPrice"))
    return price


def _inventory(value: Any) -> int | None:
    """schema.org ``inventoryLevel``: a number, or a QuantitativeValue holding it."""
    if isinstance(value, dict):
        value = value.get("value")
    if isinstance(value, bool) or value is None:
        return None
    return _whole_number(str(value))
