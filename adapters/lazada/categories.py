"""Lazada leaf categories for a cooperative's farm goods, and the attributes each one requires.

No Lazada VN category id for tea or dried food was found in any stored source (reference lazada.md §7):
these ids are the sandbox's own. Against the real Lazada, an officer sets ``primary_category`` in the
channel's category mapping (found with ``/product/category/suggestion/get``), and the defaults here
only fill attribute values.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LazadaCategory:
    category_id: str
    name: str
    parent_id: str | None = None
    leaf: bool = True
    # category attributes (``attribute_type`` normal) besides the basic name/brand/description
    mandatory: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()


FOOD_ATTRIBUTES = ("shelf_life", "country_origin")

CATEGORIES = (
    LazadaCategory("62541", "Bách Hóa Online", leaf=False),
    LazadaCategory("62542", "Các loại đồ uống", parent_id="62541", leaf=False),
    LazadaCategory("62543", "Trà", "62542", mandatory=FOOD_ATTRIBUTES, keywords=("chè", "trà", "tea")),
    LazadaCategory("62544", "Mật ong", "62541", mandatory=FOOD_ATTRIBUTES, keywords=("mật ong", "honey")),
    LazadaCategory(
        "62545", "Thực phẩm khô", "62541", mandatory=FOOD_ATTRIBUTES,
        keywords=("miến", "bún", "phở", "khô", "gạo", "dried", "noodle", "rice"),
    ),
    LazadaCategory("62546", "Nông sản & đặc sản khác", "62541", mandatory=FOOD_ATTRIBUTES),
)
BY_ID = {category.category_id: category for category in CATEGORIES}
FALLBACK = BY_ID["62546"]


def guess(*texts: str | None) -> LazadaCategory:
    """The farm leaf whose keywords appear first in ``texts`` (category code, name, product name)."""
    for text in texts:
        lowered = (text or "").lower()
        for category in CATEGORIES:
            if any(keyword in lowered for keyword in category.keywords):
                return category
    return FALLBACK
