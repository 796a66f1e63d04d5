"""Adopting a shop's existing listings: a co-op that already sells on a marketplace binds what is there to
its catalogue instead of publishing every SKU a second time.

Every item of the shop is read back (``Adapter.list_items``) and matched to the co-op's SKUs by seller SKU,
then by barcode (GTIN). A SKU matched to exactly one item is bound by the binder, taking the item as it
is: its price and stock become what was last pushed, and its content counts as ours, so nothing is
rewritten until the catalogue changes. A SKU with several candidate items is left for the clerk to
choose (``choices``: seller SKU → item id). Listings already bound are left alone, so a second run
changes nothing. Nothing is created on the marketplace.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.common.contract import ItemRef
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import ChannelAccount, Listing, ListingVariant, Product, Sku, VariantState
from syndicator import binding
from syndicator.channels import NETWORK, ChannelError, Reach, adapter_for, has_api, lists_variants
from syndicator.desired import listing_digest, mapping_digests, sku_content_digests
from syndicator.locks import shop_lock, shop_unit
from syndicator.reconcile import all_items


@dataclass(frozen=True)
class OurSku:
    """One enabled SKU of the shop's co-op, as adoption sees it."""

    sku_id: int
    seller_sku: str
    gtin: str | None
    bound_to: str | None = None  # the ``ref_key`` of the item or variant its listing is already bound to


@dataclass
class Adoption:
    seller_sku: str
    item_id: str
    by: str  # "seller_sku" or "gtin"


@dataclass
class AdoptionReport:
    account_id: int
    marketplace: str
    dry_run: bool
    adopted: list[Adoption] = field(default_factory=list)
    already_bound: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[ItemRef]] = field(default_factory=dict)  # seller SKU → the items it could be
    marketplace_only: list[ItemRef] = field(default_factory=list)
    catalogue_only: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id, "marketplace": self.marketplace, "dry_run": self.dry_run,
            "adopted": [asdict(a) for a in self.adopted], "already_bound": self.already_bound,
            "ambiguous": {sku: [i.model_dump() for i in items] for sku, items in self.ambiguous.items()},
            "marketplace_only": [i.model_dump() for i in self.marketplace_only],
            "catalogue_only": self.catalogue_only,
        }


def _key(text: str | None) -> str | None:
    return text.strip().upper() if text and text.strip() else None


def ref_key(item_id: str, sku_id: str | None) -> str:
    """What one of our SKUs binds to: an item, or one variant of an item (``item/variant``), whose packs
    share the item id."""
    return f"{item_id}/{sku_id}" if sku_id else item_id


def _ref(item: ItemRef) -> str:
    return ref_key(item.item_id, item.sku_id)


def match(ours: list[OurSku], items: list[ItemRef], choices: dict[str, str] | None = None
          ) -> tuple[dict[str, tuple[ItemRef, str]], AdoptionReport]:
    """Each of our SKUs → the one item or variant it is (and how it was matched), and the report of
    everything else. ``choices`` settles an ambiguous SKU: seller SKU → item id, or ``item/variant``.
    A plain function of plain values: no database, no marketplace."""
    report = AdoptionReport(0, "", dry_run=True)
    taken = {sku.bound_to for sku in ours if sku.bound_to is not None}
    offered = [item for item in items if item.status not in binding.GONE and _ref(item) not in taken]
    by_sku: dict[str, list[ItemRef]] = {}
    by_gtin: dict[str, list[ItemRef]] = {}
    for item in offered:
        by_sku.setdefault(_key(item.seller_sku) or "", []).append(item)
        if key := _key(item.gtin):
            by_gtin.setdefault(key, []).append(item)
    chosen = {_key(sku): choice for sku, choice in (choices or {}).items()}
    matched: dict[str, tuple[ItemRef, str]] = {}
    claimed: set[str] = set()
    for sku in ours:
        if sku.bound_to is not None:
            report.already_bound.append(sku.seller_sku)
            continue
        how = "seller_sku"
        candidates = by_sku.get(_key(sku.seller_sku) or "", [])
        if not candidates and _key(sku.gtin):
            how, candidates = "gtin", by_gtin.get(_key(sku.gtin), [])
        if choice := chosen.get(_key(sku.seller_sku)):
            candidates = [item for item in candidates if choice in (_ref(item), item.item_id)]
        if not candidates:
            report.catalogue_only.append(sku.seller_sku)
        elif len(candidates) > 1:
            report.ambiguous[sku.seller_sku] = candidates
            claimed.update(map(_ref, candidates))
        else:
            matched[sku.seller_sku] = (candidates[0], how)
    _one_sku_per_item(matched, report)
    claimed.update(_ref(item) for item, _ in matched.values())
    report.marketplace_only = [item for item in offered if _ref(item) not in claimed]
    return matched, report


def _one_sku_per_item(matched: dict[str, tuple[ItemRef, str]], report: AdoptionReport) -> None:
    """An item or variant two of our SKUs matched (a shared barcode) is bound to neither: the clerk chooses."""
    by_ref: dict[str, list[str]] = {}
    for seller_sku, (item, _) in matched.items():
        by_ref.setdefault(_ref(item), []).append(seller_sku)
    for skus in by_ref.values():
        if len(skus) > 1:
            for seller_sku in skus:
                report.ambiguous[seller_sku] = [matched.pop(seller_sku)[0]]


def _our_skus(session: Session, account: ChannelAccount) -> list[OurSku]:
    """The co-op's enabled SKUs, but those the clerk took off this shop (a disabled listing)."""
    rows = session.execute(
        sa.select(Sku.id, Sku.sku, Sku.gtin, Listing.external_item_id, ListingVariant.external_variant_id,
                  ListingVariant.state)
        .join(Product, Product.id == Sku.product_id)
        .outerjoin(ListingVariant, sa.and_(ListingVariant.sku_id == Sku.id,
                                           ListingVariant.channel_account_id == account.id))
        .outerjoin(Listing, Listing.id == ListingVariant.listing_id)
        .where(Product.coop_id == account.coop_id, Sku.enabled == sa.true())
        .where(sa.or_(ListingVariant.id.is_(None), ListingVariant.enabled == sa.true()))
        .order_by(Sku.sku)
    )
    return [OurSku(sku_id, sku, gtin, ref_key(item_id, variant_id) if item_id and state == VariantState.live else None)
            for sku_id, sku, gtin, item_id, variant_id, state in rows]


async def _read_items(engine: Engine, account: ChannelAccount, reach: Reach) -> list[ItemRef]:
    async with adapter_for(engine, account, reach.http, reach.transport) as adapter:
        return await all_items(adapter)


def adopt(engine: Engine, account_id: int, *, dry_run: bool = False, choices: dict[str, str] | None = None,
          reach: Reach = NETWORK) -> AdoptionReport:
    """Read the shop's items, match them to its co-op's SKUs and, unless ``dry_run``, bind the matches. The
    shop is locked as a sync locks it, so a sync never binds what adoption binds at the same time."""
    with Session(engine) as session:
        account = session.get(ChannelAccount, account_id)
        if account is None:
            raise ChannelError(t("channel_unknown", id=account_id))
    if not has_api(account):
        raise ChannelError(t("adopt_feed_shop", id=account_id))
    with shop_lock(engine, shop_unit(account.id)) as taken:
        if not taken:
            raise ChannelError(t("adopt_shop_busy", id=account_id))
        with Session(engine) as session:
            ours = _our_skus(session, account)
            retired = binding.retired_item_ids(session, account.id)
        items = [item for item in asyncio.run(_read_items(engine, account, reach)) if item.item_id not in retired]
        matched, report = match(ours, items, choices)
        report.account_id, report.marketplace, report.dry_run = account.id, account.marketplace, dry_run
        report.adopted = [Adoption(sku, _ref(item), how) for sku, (item, how) in matched.items()]
        if not dry_run and matched:
            _bind(engine, account, {sku.seller_sku: sku.sku_id for sku in ours}, matched)
    return report


def _bind(engine: Engine, account: ChannelAccount, sku_ids: dict[str, int],
          matched: dict[str, tuple[ItemRef, str]]) -> None:
    grouped = lists_variants(account)
    with session_scope(engine) as session:
        # the SKUs found on the shop are published there: they are on sale already
        binding.add_drafts(session, [account.id], {account.id} if grouped else set(),
                           [sku_ids[seller_sku] for seller_sku in matched])
        digests = sku_content_digests(session, [account.id])
        mappings = mapping_digests(session, [account])[account.id]
        categories = dict(session.execute(
            sa.select(Sku.id, Product.category_id).join(Product, Product.id == Sku.product_id)
            .where(Sku.id.in_(list(sku_ids.values())))).all())
        variant_ids = dict(session.execute(
            sa.select(ListingVariant.sku_id, ListingVariant.id)
            .where(ListingVariant.channel_account_id == account.id)).all())
        for seller_sku, (item, _) in matched.items():
            sku_id = sku_ids[seller_sku]
            sku_digest, product_digest, pack_digest = digests[sku_id]
            binding.adopt(session, variant_ids[sku_id], item,
                          listing_digest(product_digest if grouped else sku_digest,
                                         mappings.get(categories[sku_id], "")),
                          pack_digest if grouped else None)
