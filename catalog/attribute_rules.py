"""How one attribute of a marketplace leaf gets its value from a product: a product field, a constant, or a
lookup table keyed by a product field (ChannelAdvisor's "field / constant / lookup", anchors.md).

Rules are stored as JSON on ``CategoryMapping.attributes`` and read back through :class:`AttributeRule`, so
a hand-edited or stale row fails loudly here rather than at the marketplace.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from catalog.text import clean

# the product fields an attribute may be filled from, with how each reads as text
PRODUCT_FIELDS: dict[str, str] = {
    "shelf_life_days": "Hạn sử dụng (ngày)",
    "origin": "Xuất xứ (xã, tỉnh)",
    "origin_commune": "Xã sản xuất",
    "origin_province": "Tỉnh sản xuất",
    "country": "Quốc gia (Việt Nam)",
    "weight_g": "Khối lượng (g)",
    "certifications": "Chứng nhận",
    "ocop_stars": "Số sao OCOP",
    "coop_name": "Tên hợp tác xã",
    "variant": "Quy cách",
}
ProductField = Literal["shelf_life_days", "origin", "origin_commune", "origin_province", "country", "weight_g",
                       "certifications", "ocop_stars", "coop_name", "variant"]
COUNTRY = "Việt Nam"
FIELD_UNITS = {"shelf_life_days": "ngày", "weight_g": "g"}  # said after the number where the value is text


class AttributeRule(BaseModel):
    """``field``: the product's ``field``; ``constant``: ``value`` (with ``value_id`` when it is one of the
    attribute's options); ``lookup``: ``table[the product's field]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: Literal["field", "constant", "lookup"]
    field: ProductField | None = None
    value: str = ""
    value_id: str | None = None
    table: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _complete(self) -> AttributeRule:
        if self.source in ("field", "lookup") and self.field is None:
            raise ValueError(f"a {self.source} rule names a product field")
        if self.source == "constant" and not clean(self.value):
            raise ValueError("a constant rule has a value")
        return self

    def text(self, product: Mapping[str, Any], with_unit: bool = False) -> str:
        """The value for ``product`` (a ListingDraft's fields as a mapping); empty when the product has none.
        ``with_unit``: a number field says its unit (``365 ngày``), for an attribute that takes free text."""
        if self.source == "constant":
            return clean(self.value)
        own = field_text(self.field or "", product)
        if self.source == "lookup":
            return clean(self.table.get(own, "")) if own else ""
        unit = FIELD_UNITS.get(self.field or "") if with_unit else None
        return f"{own} {unit}" if own and unit else own


def field_text(field: str, product: Mapping[str, Any]) -> str:
    """A product field as an attribute value reads it (``365``, ``Tân Cương, Thái Nguyên``)."""
    if field == "country":
        return COUNTRY
    if field == "origin":
        return ", ".join(part for part in (product.get("origin_commune"), product.get("origin_province")) if part)
    value = product.get(field)
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, list):
        return ", ".join(clean(str(item)) for item in value)
    return clean(str(value))


def rules_of(stored: Mapping[str, Any]) -> dict[str, AttributeRule]:
    """``CategoryMapping.attributes`` as rules by attribute id."""
    return {str(attribute_id): AttributeRule.model_validate(rule) for attribute_id, rule in stored.items()}
