"""What a marketplace tells a shop before it may list: its category tree, a leaf's attributes and brands, the
shop's logistics channels and its item limits (marketplace-gaps.md §d5). Each adapter reads them through the
marketplace's own endpoints and hands them back as these values; the engine caches them per shop
(``syndicator/setup.py``) and the mapping and the readiness check read the cache, never the marketplace.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

AttributeInput = Literal["text", "number", "date", "select", "multi_select"]


class SetupCategory(BaseModel):
    """One node of the tree; only leaves take items."""

    model_config = ConfigDict(frozen=True)

    category_id: str
    name: str
    parent_id: str | None = None
    leaf: bool = True


class AttributeOption(BaseModel):
    model_config = ConfigDict(frozen=True)

    value_id: str
    name: str


class SetupAttribute(BaseModel):
    """One attribute of a leaf: Shopee ``get_attribute_tree``, Lazada ``/category/attributes/get``."""

    model_config = ConfigDict(frozen=True)

    attribute_id: str = Field(description="Shopee attribute_id; Lazada the attribute's ``name`` key")
    name: str = Field(description="as a Vietnamese seller reads it: Hạn sử dụng, Xuất xứ")
    mandatory: bool = False
    input: AttributeInput = "text"
    options: list[AttributeOption] = Field(default_factory=list, description="allowed values of a select")
    unit: str | None = None
    sale_prop: bool = Field(False, description="a variant dimension (Lazada is_sale_prop)")


class SetupBrand(BaseModel):
    model_config = ConfigDict(frozen=True)

    brand_id: str
    name: str


class LogisticsChannel(BaseModel):
    model_config = ConfigDict(frozen=True)

    channel_id: str
    name: str
    enabled: bool = Field(description="switched on by the shop, and usable for items (Shopee mask_channel_id 0)")


class ItemLimits(BaseModel):
    """What one item must satisfy on this shop (Shopee ``get_item_limit``, Lazada's documented rules)."""

    model_config = ConfigDict(frozen=True)

    name_length: tuple[int, int]
    description_length: tuple[int, int]
    max_images: int = Field(gt=0)
    min_image_px: int = Field(0, ge=0, description="shortest side a photo may have")
    max_image_bytes: int = Field(gt=0)
    weight_mandatory: bool = True
    dimensions_mandatory: bool = False
    gtin_mandatory: bool = False


class LeafSetup(BaseModel):
    """Everything a leaf asks of an item: its attributes, its brands (and whether one is required), its limits."""

    category_id: str
    attributes: list[SetupAttribute] = Field(default_factory=list)
    brands: list[SetupBrand] = Field(default_factory=list)
    brand_mandatory: bool = False
    limits: ItemLimits


class ShopSetup(BaseModel):
    """A shop's cached setup as the engine hands it to the readiness check: the tree, the leaves read so far,
    the logistics channels, and when each was read (None: never)."""

    categories: list[SetupCategory] = Field(default_factory=list)
    leaves: dict[str, LeafSetup] = Field(default_factory=dict)
    logistics: list[LogisticsChannel] = Field(default_factory=list)
    read_at: datetime | None = None

    def leaf(self, category_id: str) -> SetupCategory | None:
        return next((node for node in self.categories if node.category_id == category_id), None)

    def path(self, category_id: str) -> str:
        """``Bách Hóa Online > Đồ uống > Trà``: the leaf's name after its ancestors'."""
        by_id = {node.category_id: node for node in self.categories}
        names, node = [], by_id.get(category_id)
        while node is not None and len(names) < 10:
            names.append(node.name)
            node = by_id.get(node.parent_id) if node.parent_id else None
        return " > ".join(reversed(names))

    def enabled_logistics(self) -> list[str]:
        return [channel.channel_id for channel in self.logistics if channel.enabled]
