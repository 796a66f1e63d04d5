"""What a sync sends, as plain values: the kinds of change, one planned action, and what came of it.
``syndicator/plan.py`` makes actions, ``syndicator/apply.py`` sends them, ``syndicator/binding.py`` records
their outcomes on the listings."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from adapters.common.contract import ItemRef
from adapters.common.errors import ErrorInfo


class ActionKind(StrEnum):
    create = "create"
    update_content = "update_content"
    update_price = "update_price"
    update_stock = "update_stock"
    delist = "delist"


@dataclass(slots=True)
class Action:
    kind: ActionKind
    listing_id: int
    account_id: int
    seller_sku: str
    price: int
    stock: int
    content_hash: str
    pushed_price: int | None = None
    pushed_stock: int | None = None
    base_price: int = 0
    available: int = 0


@dataclass
class Outcome:
    """What one action came to: done (with where the item now lives) or failed (with why)."""

    action: Action
    ok: bool
    ref: ItemRef | None = None
    error: ErrorInfo | None = None
