"""Drift: how what a shopper sees of a pack differs from what we last pushed for it."""

from __future__ import annotations

from enum import StrEnum

from adapters.common.page import PageObservation
from catalog.i18n import t
from catalog.models import ListingState
from syndicator.monitor.targets import CrawlTarget


class Drift(StrEnum):
    price = "price"  # the page shows another price than we pushed
    stock = "stock"  # the page's stock differs from what we pushed by more than the safety buffer
    missing = "missing"  # a live pack is not on sale: its item gone, hidden by moderation or unlisted, or the pack
    # no longer offered on the item
    confirmed = "confirmed"  # an awaiting-upload listing is now on sale (the clerk uploaded the feed)


def drift_label(kind: Drift) -> str:
    """What a person is told of ``kind``, in ``SYNDICATOR_LANG``."""
    return t(f"drift_{kind}")


def drift_of(target: CrawlTarget, seen: PageObservation) -> list[Drift]:
    if not seen.visible:
        return [Drift.missing] if target.state == ListingState.live else []
    found = [Drift.confirmed] if target.state == ListingState.awaiting_upload else []
    if seen.price is not None and target.pushed_price is not None and seen.price != target.pushed_price:
        found.append(Drift.price)
    if _stock_differs(target, seen):
        found.append(Drift.stock)
    return found


def _stock_differs(target: CrawlTarget, seen: PageObservation) -> bool:
    pushed = target.pushed_stock
    if pushed is None:
        return False
    if seen.stock is not None:
        return abs(seen.stock - pushed) > target.safety_buffer
    if seen.availability == "out_of_stock":
        return pushed > target.safety_buffer
    if seen.availability == "in_stock":
        return pushed == 0
    return False
