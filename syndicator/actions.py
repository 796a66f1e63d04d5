"""What a sync sends, as plain values: the kinds of change, one planned action, and what came of it.
``syndicator/plan.py`` makes actions, ``syndicator/apply.py`` sends them, ``syndicator/binding.py`` records
their outcomes on the listings and their variants."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from adapters.common.contract import ItemRef
from adapters.common.errors import ErrorInfo


class ActionKind(StrEnum):
    create = "create"  # the listing's item, carrying this pack: a listing's packs are created in one go
    add_variant = "add_variant"  # this pack joins its listing's item
    update_content = "update_content"  # the item's content (one action per listing)
    update_variant = "update_variant"  # this pack's own content on its item: option name, weight, size, barcode
    update_price = "update_price"
    update_stock = "update_stock"
    remove_variant = "remove_variant"  # this pack leaves its item; the item keeps its other packs
    delist = "delist"  # the whole item (one action per listing)
    regroup = "regroup"  # a product's packs listed as separate items become one item (one action per product)
    retire = "retire"  # an item whose packs were regrouped goes off sale for good (one action per old item)


LISTING_KINDS = frozenset({ActionKind.update_content, ActionKind.delist, ActionKind.regroup, ActionKind.retire})


@dataclass(slots=True)
class Action:
    """One change for one pack (``variant_id``, ``seller_sku``) of one listing; an action on the whole item
    names the listing's first pack, so a clerk reads every action by a seller SKU, but for a ``retire``,
    whose listing has no pack left: it names the product code."""

    kind: ActionKind
    listing_id: int
    variant_id: int | None
    account_id: int
    seller_sku: str
    price: int
    stock: int
    content_hash: str
    pushed_price: int | None = None
    pushed_stock: int | None = None
    base_price: int = 0
    available: int = 0
    merged: tuple[int, ...] = ()  # a regroup's listings, whose packs go onto one item
    pack_hash: str | None = None  # the pack's own content hash, on a listing whose packs are variants
    has_variants: bool = False  # the listing's item carries its packs as variants (create_product, add_packs…)
    reserved: int | None = None  # units the marketplace holds for a promotion or campaign, as last read back
    clamped_from: int | None = None  # the stock the catalog wanted, raised to ``reserved``: a push below it is refused
    heartbeat: bool = False  # the stock is unchanged but was last sent too long ago: sent again so it is not zeroed


@dataclass
class Outcome:
    """What one action came to: done (with where the item or pack now lives) or failed (with why)."""

    action: Action
    ok: bool
    ref: ItemRef | None = None
    error: ErrorInfo | None = None
    photos: dict[str, str] = field(default_factory=dict)  # photos the call uploaded: digest → the shop's id
