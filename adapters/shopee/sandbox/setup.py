"""What a Shopee shop reads before it lists, in the sandbox: the category tree, each leaf's attributes, brands
and item limits, the shop's logistics channels and the category suggestion (marketplace-gaps.md §d5), all
served from the JSON files in ``data/``; and the checks ``add_item``/``update_item`` make against the same
data: a leaf, its mandatory attributes with valid values, a brand of the leaf, enabled logistics channels.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from starlette.requests import Request

from adapters.shopee.sandbox.wire import Caller, ShopeeRefusal, ShopeeWire, missing, wrong
from catalog.text import fold

DATA = Path(__file__).parent / "data"
LANGUAGES = ("vi", "vn", "en")  # get_category says vi for VN, get_attribute_tree vn (reference shopee.md §7)
MAX_CATEGORY_IDS = 20  # get_attribute_tree
RECOMMENDED = 5
SELECTS = (1, 4)  # drop-downs: a value must be one of the options; combo boxes (2, 5) take custom text too
MULTIPLE = (4, 5)
NUMBERS = (1, 3)  # input_validation_type int, float
DATE = 4
QUANTITATIVE = 2  # format_type: a number with a unit from attribute_unit_list
NO_BRAND = 0


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def words(text: str) -> str:
    """Lower case without accents, words between single spaces and at both ends: ``" che bup tan cuong "``."""
    return f" {' '.join(re.sub(r'[^0-9a-z]+', ' ', fold(text)).split())} "


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {key: merged(value, changes[key]) if isinstance(value, dict) and key in changes else
            changes.get(key, value) for key, value in base.items()}


@dataclass(frozen=True)
class SetupData:
    """The data files, read once."""

    nodes: list[dict[str, Any]]
    attributes: dict[int, dict[str, Any]]
    leaf_attributes: dict[str, dict[str, list[int]]]
    brands: dict[str, Any]
    limits: dict[str, Any]
    channels: list[dict[str, Any]]

    def node(self, category_id: Any) -> dict[str, Any] | None:
        return next((node for node in self.nodes if str(node["category_id"]) == str(category_id)), None)

    def is_leaf(self, category_id: Any) -> bool:
        node = self.node(category_id)
        return node is not None and not node["has_children"]

    def attribute_tree(self, category_id: str) -> list[dict[str, Any]]:
        chosen = self.leaf_attributes.get(category_id, {"mandatory": [], "optional": []})
        return [{**self.attributes[attribute_id], "mandatory": mandatory}
                for mandatory, key in ((True, "mandatory"), (False, "optional"))
                for attribute_id in chosen[key]]

    def leaf_brands(self, category_id: str) -> tuple[list[dict[str, Any]], bool]:
        """The leaf's brands and whether one is mandatory."""
        entry = self.brands["leaves"].get(category_id, {"list": None, "is_mandatory": False})
        return self.brands["lists"].get(entry["list"], []), entry["is_mandatory"]

    def item_limit(self, category_id: str) -> dict[str, Any]:
        return merged(self.limits["default"], self.limits["leaves"].get(category_id, {}))

    def usable_channels(self) -> set[int]:
        """Channels an item may use: switched on, and not a fulfilment channel under a masked one."""
        return {channel["logistics_channel_id"] for channel in self.channels
                if channel["enabled"] and not channel["mask_channel_id"]}

    def recommend(self, item_name: str) -> list[int]:
        """Leaves whose keywords the name holds (accents ignored), the longest matches first."""
        name = words(item_name)
        scores = []
        for node in self.nodes:
            score = sum(len(keyword) for keyword in map(words, node.get("keywords", ())) if keyword in name)
            if score:
                scores.append((-score, node["category_id"]))
        return [category_id for _, category_id in sorted(scores)[:RECOMMENDED]]


@cache
def setup_data() -> SetupData:
    attributes = load("attributes.json")
    return SetupData(
        nodes=load("categories.json")["category_list"],
        attributes={entry["attribute_id"]: entry for entry in attributes["attributes"]},
        leaf_attributes=attributes["leaves"],
        brands=load("brands.json"),
        limits=load("item_limits.json"),
        channels=load("logistics.json")["logistics_channel_list"],
    )


def invalid_value(attribute: dict[str, Any], why: str) -> ShopeeRefusal:
    return ShopeeRefusal("product.error_invalid_attribute_value",
                         f"Invalid attribute value: {attribute['name']} ({attribute['attribute_id']}) {why}.")


def is_number(text: str) -> bool:
    return re.fullmatch(r"\d+([.,]\d+)?", text.strip()) is not None


def check_value(attribute: dict[str, Any], value: dict[str, Any]) -> bool:
    """Whether ``value`` (one of ``attribute_value_list``) holds something; raises for a value the attribute
    cannot take."""
    info = attribute["attribute_info"]
    value_id = value.get("value_id") or 0
    name = str(value.get("original_value_name") or "").strip()
    if value_id:
        if value_id not in {option["value_id"] for option in attribute["attribute_value_list"]}:
            raise invalid_value(attribute, f"has no value_id {value_id}")
        return True
    if not name:
        return False
    if info["input_type"] in SELECTS:
        raise invalid_value(attribute, "takes one of its values (value_id), not free text")
    if info["input_validation_type"] in NUMBERS and not is_number(name):
        raise invalid_value(attribute, f"takes a number, not {name}")
    if info["input_validation_type"] == DATE and not name.isdigit():
        raise invalid_value(attribute, f"takes a date as a Unix timestamp, not {name}")
    if info["format_type"] == QUANTITATIVE and value.get("value_unit") not in info["attribute_unit_list"]:
        raise invalid_value(attribute, f"needs value_unit, one of {', '.join(info['attribute_unit_list'])}")
    return True


def check_attributes(data: SetupData, category_id: str, entries: Any) -> None:
    """Each attribute given belongs to the leaf and has a value it can take; each mandatory one has a value."""
    tree = {attribute["attribute_id"]: attribute for attribute in data.attribute_tree(category_id)}
    given = set()
    for entry in entries if isinstance(entries, list) else []:
        attribute = tree.get(entry.get("attribute_id")) if isinstance(entry, dict) else None
        if attribute is None:
            raise ShopeeRefusal("product.error_invalid_category_attribute",
                                f"Category and attribute not match: attribute_id {entry} is not an attribute "
                                f"of category {category_id}.")
        values = [value for value in entry.get("attribute_value_list") or [] if isinstance(value, dict)]
        if len(values) > attribute["attribute_info"]["max_value_count"]:
            raise invalid_value(attribute, f"takes at most {attribute['attribute_info']['max_value_count']} values")
        held = [check_value(attribute, value) for value in values]  # every value checked, not just the first
        if any(held):
            given.add(attribute["attribute_id"])
    for attribute in tree.values():
        if attribute["mandatory"] and attribute["attribute_id"] not in given:
            raise ShopeeRefusal("product.error_less_required_attribute",
                                f"Mandatory attribute information required: attribute_list lacks "
                                f"{attribute['name']} ({attribute['attribute_id']}).")


def check_brand(data: SetupData, category_id: str, brand: Any) -> None:
    """No Brand (0) where a brand is not mandatory, else a brand of the leaf's list."""
    brands, mandatory = data.leaf_brands(category_id)
    brand_id = brand.get("brand_id") if isinstance(brand, dict) else None
    if brand_id is None:
        raise ShopeeRefusal("product.error_invalid_brand", "Brand ID required.")
    if brand_id == NO_BRAND:
        if mandatory:
            raise ShopeeRefusal("product.error_less_required_brand",
                                f"Brand information required: category {category_id} needs a brand.")
        return
    if brand_id not in {entry["brand_id"] for entry in brands}:
        raise ShopeeRefusal("product.error_invalid_brand",
                            f"Invalid brand: brand_id {brand_id} is not a brand of category {category_id}.")


class ShopeeSetup(ShopeeWire):
    """``product/get_category``, ``get_attribute_tree``, ``get_brand_list``, ``get_item_limit``,
    ``category_recommend`` and ``logistics/get_channel_list``."""

    @staticmethod
    def _language(request: Request) -> None:
        language = request.query_params.get("language", "en")
        if language not in LANGUAGES:
            raise ShopeeRefusal("product.error_invalid_language", "Invalid language.")

    @staticmethod
    def _leaf(raw: str | None) -> str:
        data = setup_data()
        if not raw or not raw.isdigit():
            raise missing("category_id")
        if data.node(raw) is None:
            raise ShopeeRefusal("product.error_invalid_category", f"Invalid category ID {raw}.")
        return raw

    async def get_category(self, request: Request, caller: Caller) -> dict[str, Any]:
        self._language(request)
        fields = ("category_id", "parent_category_id", "original_category_name", "display_category_name",
                  "has_children")
        return {"category_list": [{key: node[key] for key in fields} for node in setup_data().nodes]}

    async def get_attribute_tree(self, request: Request, caller: Caller) -> dict[str, Any]:
        self._language(request)
        query = request.query_params
        ids = [part for raw in query.getlist("category_id_list") for part in raw.split(",") if part.strip()]
        if not ids:
            raise missing("category_id_list")
        if len(ids) > MAX_CATEGORY_IDS:
            raise wrong("category_id_list", f"may hold at most {MAX_CATEGORY_IDS} ids")
        data = setup_data()
        return {"list": [{"category_id": int(self._leaf(category_id.strip())),
                          "attribute_tree": data.attribute_tree(category_id.strip())} for category_id in ids]}

    async def get_brand_list(self, request: Request, caller: Caller) -> dict[str, Any]:
        self._language(request)
        query = request.query_params
        if not query.get("offset", "").isdigit():
            raise missing("offset")
        if query.get("status") not in ("1", "2"):
            raise ShopeeRefusal("product.error_param", "status is required.")
        offset, size = int(query["offset"]), self._page_size(request)
        category_id = self._leaf(query.get("category_id"))
        brands, mandatory = setup_data().leaf_brands(category_id)
        if query["status"] == "2":
            brands = []  # no brand of the sandbox is pending
        more = offset + size < len(brands)
        return {"brand_list": brands[offset: offset + size], "has_next_page": more,
                "next_offset": offset + size if more else 0, "is_mandatory": mandatory, "input_type": "DROP_DOWN"}

    async def get_item_limit(self, request: Request, caller: Caller) -> dict[str, Any]:
        return setup_data().item_limit(self._leaf(request.query_params.get("category_id")))

    async def category_recommend(self, request: Request, caller: Caller) -> dict[str, Any]:
        name = request.query_params.get("item_name", "").strip()
        if not name:
            raise missing("item_name")
        return {"category_id": setup_data().recommend(name)}

    async def get_channel_list(self, request: Request, caller: Caller) -> dict[str, Any]:
        return {"logistics_channel_list": setup_data().channels}

    # --- what add_item and update_item check against the same data --------------------------------
    @staticmethod
    def _check_category(body: dict[str, Any]) -> dict[str, Any]:
        """The leaf's item limits, once its category, attributes and brand are checked."""
        data, category_id = setup_data(), body["category_id"]
        if not isinstance(category_id, int) or isinstance(category_id, bool) or not data.is_leaf(category_id):
            raise ShopeeRefusal("product.error_invalid_category",
                                f"Invalid category ID {category_id}: not a leaf category.")
        check_attributes(data, str(category_id), body.get("attribute_list") or [])
        if "brand" in body:
            check_brand(data, str(category_id), body["brand"])
        return data.item_limit(str(category_id))

    @staticmethod
    def _check_logistics(channels: Any) -> None:
        if not isinstance(channels, list) or not channels:
            raise missing("logistic_info")
        usable = setup_data().usable_channels()
        for channel in channels:
            if not isinstance(channel, dict) or "logistic_id" not in channel or "enabled" not in channel:
                raise missing("logistic_info.logistic_id")
            if channel["enabled"] and channel["logistic_id"] not in usable:
                raise ShopeeRefusal("product.error_invalid_logistic_info",
                                    f"invalid logistic info , channel {channel['logistic_id']} is not enabled "
                                    "for this shop.")
        if not any(channel["enabled"] for channel in channels):
            raise ShopeeRefusal("product.error_invalid_logistic_info",
                                "invalid logistic info , no channel of logistic_info is enabled.")
