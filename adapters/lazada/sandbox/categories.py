"""Lazada's category tree, attributes, brands and suggestions in the sandbox, read from the data files in
``data/`` (reference lazada.md §4.1, marketplace-gaps.md §d5): ``/category/tree/get``,
``/category/attributes/get``, ``/category/brands/query`` and ``/product/category/suggestion/get``, and the
checks ``/product/create`` and ``/product/update`` make against the same data (an active leaf, its
mandatory attributes, select values among the options, a known brand)."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from adapters.common.sandbox import SandboxShop
from adapters.lazada.sandbox.wire import LazadaRefusal

DATA = Path(__file__).with_name("data")
BRANDS_PAGE_MAX = 200
SUGGESTIONS_MAX = 3
BASIC_CHECKED = ("name", "description")  # basic attributes refused with 4108; the brand has its own checks
SELECTS = ("singleSelect", "multiSelect")


def load(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def folded(text: str) -> str:
    """Lower case without accents (``Chè búp`` → ``che bup``), ``đ`` as ``d``."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


@dataclass(frozen=True)
class Node:
    category_id: str
    name: str
    path: str
    leaf: bool
    active: bool


@dataclass(frozen=True)
class SandboxCatalogue:
    tree: list[dict[str, Any]]
    nodes: dict[str, Node]
    attributes: dict[str, dict[str, Any]]
    basic: dict[str, list[str]]
    leaves: dict[str, dict[str, list[str]]]
    brands: list[dict[str, Any]]
    keywords: dict[str, list[str]]

    def leaf_attributes(self, category_id: str) -> list[dict[str, Any]]:
        """The basic attributes, then the leaf's own, each with its ``is_mandatory`` for this leaf."""
        own = self.leaves.get(category_id, {"mandatory": [], "optional": []})
        attributes = []
        for wanted in (self.basic, own):
            attributes += [{**self.attributes[name], "is_mandatory": 1} for name in wanted["mandatory"]]
            attributes += [{**self.attributes[name], "is_mandatory": 0} for name in wanted["optional"]]
        return attributes

    def suggestions(self, product_name: str) -> list[dict[str, Any]]:
        """Leaves whose keywords occur in the name as whole words, accents ignored; longest matches first."""
        name = folded(product_name)
        scores = {}
        for category_id, words in self.keywords.items():
            matched = [word for word in words if re.search(rf"\b{re.escape(folded(word))}\b", name)]
            if matched and self.nodes[category_id].active:
                scores[category_id] = sum(len(word) for word in matched)
        best = sorted(scores, key=lambda category_id: -scores[category_id])[:SUGGESTIONS_MAX]
        return [{"categoryId": int(category_id), "categoryName": self.nodes[category_id].name,
                 "categoryPath": self.nodes[category_id].path} for category_id in best]


def nodes_of(tree: list[dict[str, Any]], above: str = "") -> dict[str, Node]:
    nodes: dict[str, Node] = {}
    for entry in tree:
        path = f"{above}/{entry['name']}" if above else entry["name"]
        category_id = str(entry["category_id"])
        nodes[category_id] = Node(category_id, entry["name"], path, entry["leaf"], not entry.get("inactive"))
        nodes.update(nodes_of(entry.get("children", []), path))
    return nodes


def served_tree(tree: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The tree as Lazada answers it: active categories only, without the data file's own marks."""
    served = []
    for entry in tree:
        if entry.get("inactive"):
            continue
        node = {key: entry[key] for key in ("category_id", "name", "leaf", "var")}
        if entry.get("children"):
            node["children"] = served_tree(entry["children"])
        served.append(node)
    return served


@cache
def catalogue() -> SandboxCatalogue:
    tree, attributes = load("category_tree.json")["tree"], load("attributes.json")
    return SandboxCatalogue(
        tree=served_tree(tree), nodes=nodes_of(tree), attributes=attributes["attributes"], basic=attributes["basic"],
        leaves=attributes["leaves"], brands=load("brands.json")["brands"], keywords=load("suggestions.json")["keywords"],
    )


def category_refusal(code: str, message: str, category_id: Any) -> LazadaRefusal:
    return LazadaRefusal(code, message, [{"field": "PrimaryCategory", "message": str(category_id)}])


def active_leaf(category_id: Any) -> Node:
    """The leaf a product goes in: ``4227`` when none has this id, ``4228`` when it is inactive, ``201`` for an
    id that is not a number, ``4134`` for a category above the leaves."""
    text = str(category_id or "").strip()
    if not text:
        raise category_refusal("4227", "Query category is null", text)
    if not text.isdigit():
        raise category_refusal("201", f"E201: {text} Invalid CategoryId", text)
    node = catalogue().nodes.get(text)
    if node is None:
        raise category_refusal("4227", "Query category is null", text)
    if not node.active:
        raise category_refusal("4228", "Query category is not active", text)
    if not node.leaf:
        raise category_refusal("4134", "Please select the last level category.", node.name)
    return node


def missing(attribute: dict[str, Any], code: str) -> LazadaRefusal:
    name = attribute["name"]
    return LazadaRefusal(code, f"E{code}: Category attribute {name} ({attribute['label']}) is mandatory",
                         [{"field": name, "message": "missing"}])


def check_attributes(attributes: dict[str, Any], node: Node) -> None:
    """The basic attributes, the leaf's mandatory ones (``4110``, naming it) and select values (``4115``)."""
    for attribute in catalogue().leaf_attributes(node.category_id):
        value = str(attributes.get(attribute["name"]) or "").strip()
        if attribute["attribute_type"] != "normal" or attribute["input_type"] == "img" or attribute["name"] == "brand":
            continue
        if not value:
            if attribute["name"] in BASIC_CHECKED:
                raise missing(attribute, "4108")
            if attribute["is_mandatory"]:
                raise missing(attribute, "4110")
            continue
        if attribute["input_type"] in SELECTS:
            check_options(attribute, value)
    check_brand(attributes)


def check_options(attribute: dict[str, Any], value: str) -> None:
    allowed = {name for option in attribute["options"] for name in (option["name"], option["en_name"])}
    chosen = [part.strip() for part in value.split(",")] if attribute["input_type"] == "multiSelect" else [value]
    for part in chosen:
        if part not in allowed:
            raise LazadaRefusal("4115", f"E4115: {part} is not an option of {attribute['name']}",
                                [{"field": attribute["name"], "message": part}])


def check_brand(attributes: dict[str, Any]) -> None:
    """A brand by ``brand_id`` (preferred) or by ``brand`` name, known to Lazada (``4142``); none is ``4108``."""
    brand_id, name = str(attributes.get("brand_id") or "").strip(), str(attributes.get("brand") or "").strip()
    if not brand_id and not name:
        raise missing(catalogue().attributes["brand"], "4108")
    brands = catalogue().brands
    known = any(str(brand["brand_id"]) == brand_id for brand in brands) if brand_id else \
        any(folded(brand["name"]) == folded(name) for brand in brands)
    if not known:
        raise LazadaRefusal("4142", "THD_BRAND_ID_IS_NOT_VALID_IN_CATEGORY: The brand is invalid in the category",
                            [{"field": "brand_id" if brand_id else "brand", "message": brand_id or name}])


class LazadaCategories:
    """The category calls of the sandbox's seller API."""

    @staticmethod
    def get_category_tree(params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        return {"_top": {"data": catalogue().tree}}

    @staticmethod
    def get_category_attributes(params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        if not params.get("primary_category_id"):
            raise LazadaRefusal("1", "E001: Parameter primary_category_id is mandatory")
        node = active_leaf(params["primary_category_id"])
        return {"_top": {"data": catalogue().leaf_attributes(node.category_id)}}

    @staticmethod
    def query_brands(params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        try:
            start, size = int(params["startRow"]), int(params["pageSize"])
        except (KeyError, ValueError):
            raise LazadaRefusal("1", "E001: Parameter startRow and pageSize are mandatory") from None
        if start < 0 or not 0 < size <= BRANDS_PAGE_MAX:
            raise LazadaRefusal("5", f"E005: startRow must be 0 or more and pageSize 1..{BRANDS_PAGE_MAX}")
        brands = catalogue().brands
        page = {"start_row": start, "page_index": start // size + 1, "page_size": size,
                "total_page": -(-len(brands) // size), "enable_total": True, "total_record": len(brands),
                "module": brands[start:start + size]}
        return {"_top": {"data": page, "success": True, "error_code": None, "error_msg": None}}

    @staticmethod
    def suggest_category(params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        if not str(params.get("product_name") or "").strip():
            raise LazadaRefusal("1", "E001: Parameter product_name is mandatory")
        suggestions = catalogue().suggestions(params["product_name"])
        if not suggestions:
            raise LazadaRefusal("701", "E701: Empty category suggestion.")
        return {"categorySuggestions": suggestions}
