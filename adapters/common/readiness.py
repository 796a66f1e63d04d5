"""Is a listing ready for its marketplace? The check the plan makes before anything is sent, against the
marketplace's rules (its ``Capabilities``) and what the shop's cached setup says of the leaf (limits,
mandatory attributes, brands, logistics). A blocked listing is never sent; its reasons say what to fix.

The same reasons name a marketplace's refusals (each ``envelope.py`` maps its codes to one), so a clerk reads
one explanation, in Vietnamese, whether we caught the problem or the marketplace did
(``catalog/messages_readiness.py``).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from adapters.common.contract import Capabilities, ListingDraft
from adapters.common.setup import ItemLimits, ShopSetup


class Reason(StrEnum):
    no_photo = "no_photo"
    photo_missing = "photo_missing"  # named, but not in the catalogue's store (an old path or URL)
    photo_too_small = "photo_too_small"
    photo_too_large = "photo_too_large"
    setup_missing = "setup_missing"  # the shop's categories (or this leaf's attributes) never read
    unmapped_category = "unmapped_category"
    unknown_category = "unknown_category"  # the mapped id is not a leaf of the marketplace's tree
    attribute_missing = "attribute_missing"
    attribute_invalid = "attribute_invalid"
    brand_missing = "brand_missing"
    name_too_short = "name_too_short"
    name_too_long = "name_too_long"
    description_too_short = "description_too_short"
    weight_missing = "weight_missing"
    dimensions_missing = "dimensions_missing"
    gtin_missing = "gtin_missing"
    no_logistics = "no_logistics"


class Blocker(BaseModel):
    """One reason a listing cannot be sent; ``detail`` names the attribute, photo or limit concerned."""

    model_config = ConfigDict(frozen=True)

    reason: Reason
    detail: str = ""


def capability_limits(capabilities: Capabilities) -> ItemLimits:
    """The limits a marketplace without a setup API states in its capabilities."""
    return ItemLimits(name_length=capabilities.name_length, description_length=(0, capabilities.description_max_length),
                      max_images=capabilities.max_images, max_image_bytes=10 * 1024 * 1024, weight_mandatory=True)


def check(draft: ListingDraft, capabilities: Capabilities, setup: ShopSetup | None) -> list[Blocker]:
    """Every reason ``draft`` cannot be sent to a shop of this marketplace, in the order a clerk fixes them."""
    blockers = photo_blockers(draft, capabilities)
    limits = capability_limits(capabilities)
    if capabilities.setup:
        category_blockers, leaf_limits = setup_blockers(draft, setup)
        blockers += category_blockers
        limits = leaf_limits or limits
        if leaf_limits is not None:
            blockers += size_blockers(draft, leaf_limits)
    return blockers + text_blockers(draft, limits) + pack_blockers(draft, limits)


def photo_blockers(draft: ListingDraft, capabilities: Capabilities) -> list[Blocker]:
    if not draft.images and capabilities.photo_required:
        return [Blocker(reason=Reason.no_photo)]
    return []


def size_blockers(draft: ListingDraft, limits: ItemLimits) -> list[Blocker]:
    blockers = []
    for number, photo in enumerate(draft.images[: limits.max_images], start=1):
        if min(photo.width, photo.height) < limits.min_image_px:
            blockers.append(Blocker(reason=Reason.photo_too_small,
                                    detail=f"{number}: {photo.width}×{photo.height} < {limits.min_image_px}"))
        if photo.size > limits.max_image_bytes:
            blockers.append(Blocker(reason=Reason.photo_too_large, detail=f"{number}: {photo.size}"))
    return blockers


def setup_blockers(draft: ListingDraft, setup: ShopSetup | None) -> tuple[list[Blocker], ItemLimits | None]:
    """The leaf, its mandatory attributes, brand and the shop's logistics; with the leaf's limits once known."""
    if setup is None or setup.read_at is None:
        return [Blocker(reason=Reason.setup_missing)], None
    chosen = draft.listing_category
    if chosen is None:
        return [Blocker(reason=Reason.unmapped_category, detail=draft.category_name or draft.category_code or "")], None
    node = setup.leaf(chosen.category_id)
    if node is None or not node.leaf:
        return [Blocker(reason=Reason.unknown_category, detail=chosen.category_id)], None
    leaf = setup.leaves.get(chosen.category_id)
    if leaf is None:
        return [Blocker(reason=Reason.setup_missing, detail=setup.path(chosen.category_id))], None
    given = {value.attribute_id: value for value in chosen.attributes}
    blockers = []
    for attribute in leaf.attributes:
        value = given.get(attribute.attribute_id)
        if attribute.mandatory and (value is None or not value.value.strip()):
            blockers.append(Blocker(reason=Reason.attribute_missing, detail=attribute.name))
        elif value is not None and attribute.options and attribute.input == "select" and value.value_id is None:
            blockers.append(Blocker(reason=Reason.attribute_invalid, detail=f"{attribute.name}: {value.value}"))
    if leaf.brand_mandatory and chosen.brand_id is None:
        blockers.append(Blocker(reason=Reason.brand_missing))
    if setup.logistics and not chosen.logistics:
        blockers.append(Blocker(reason=Reason.no_logistics))
    return blockers, leaf.limits


def text_blockers(draft: ListingDraft, limits: ItemLimits) -> list[Blocker]:
    """Names and descriptions too long are cut by each mapper at a word; too short cannot be made up."""
    shortest_name, _ = limits.name_length
    name = draft.name_with_variant(limits.name_length[1])
    blockers = []
    if len(name) < shortest_name:
        blockers.append(Blocker(reason=Reason.name_too_short, detail=f"{len(name)} < {shortest_name}"))
    shortest_description = limits.description_length[0]
    if shortest_description and len(draft.description.strip()) < shortest_description:
        blockers.append(Blocker(reason=Reason.description_too_short,
                                detail=f"{len(draft.description.strip())} < {shortest_description}"))
    return blockers


def pack_blockers(draft: ListingDraft, limits: ItemLimits) -> list[Blocker]:
    blockers = []
    if limits.dimensions_mandatory and not all((draft.length_cm, draft.width_cm, draft.height_cm)):
        blockers.append(Blocker(reason=Reason.dimensions_missing))
    if limits.gtin_mandatory and not draft.gtin:
        blockers.append(Blocker(reason=Reason.gtin_missing))
    return blockers
