"""Publishing: which SKUs a clerk wants on which shop. Nothing is listed until chosen.

A SKU is *published* on a shop when it has an enabled variant there (the binder adds it as a pending
variant; the next sync creates it); *unpublished* when its variant is switched off (the next sync takes it
off the shop: the item is unlisted, or the pack removed from it, and the binding is kept, so publishing it
again lists the same item). A shop with ``auto_publish`` on ("đăng tự động sản phẩm mới") has every SKU of
its co-op never published nor unpublished there published by the sync itself (:func:`publish_new`).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session, select

from catalog.chunks import chunked
from catalog.i18n import t
from catalog.models import ChannelAccount, Coop, ListingVariant, Product, Sku
from syndicator import binding
from syndicator.channels import lists_variants

_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True)
class Selection:
    """What a clerk chose: SKUs (by product codes, SKU codes, or ``everything``) of a co-op (or of every
    co-op), on its shops of one marketplace (or of every marketplace)."""

    coop_code: str | None = None
    marketplace: str | None = None
    products: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    everything: bool = False


@dataclass
class Chosen:
    """The SKU ids and shop ids a selection names; each SKU goes to the shops of its own co-op only."""

    sku_ids: set[int] = field(default_factory=set)
    account_ids: set[int] = field(default_factory=set)


class NothingChosen(ValueError):
    """A selection naming no product, no SKU and not everything."""


def chosen(session: Session, selection: Selection) -> Chosen:
    """The SKUs and enabled shops of ``selection``. A product or SKU code that names nothing in scope raises
    LookupError naming it; an empty selection raises NothingChosen."""
    if not (selection.products or selection.skus or selection.everything):
        raise NothingChosen(t("publish_nothing_chosen"))
    accounts = select(ChannelAccount.id).join(Coop, Coop.id == ChannelAccount.coop_id).where(ChannelAccount.enabled)
    skus = select(Sku.id, Sku.sku, Product.code).join(Product, Product.id == Sku.product_id).join(
        Coop, Coop.id == Product.coop_id)
    if selection.coop_code:
        accounts, skus = accounts.where(Coop.code == selection.coop_code), skus.where(Coop.code == selection.coop_code)
    if selection.marketplace:
        accounts = accounts.where(ChannelAccount.marketplace == selection.marketplace)
    if not selection.everything:
        skus = skus.where(sa.or_(Product.code.in_(selection.products), Sku.sku.in_(selection.skus)))
    found = session.exec(skus).all()
    _refuse_unknown(found, selection)
    return Chosen({sku_id for sku_id, _, _ in found}, set(session.exec(accounts).all()))


def _refuse_unknown(found: list, selection: Selection) -> None:
    products, skus = {code for _, _, code in found}, {sku for _, sku, _ in found}
    unknown = [code for code in selection.products if code not in products]
    unknown += [sku for sku in selection.skus if sku not in skus]
    if unknown:
        raise LookupError(t("publish_unknown_codes", codes=", ".join(unknown), coop=selection.coop_code or "*"))


def publish(session: Session, sku_ids: Collection[int], account_ids: Collection[int]) -> int:
    """Publish the SKUs on the shops (each on its own co-op's): switch back on those taken off, add the
    others as pending variants. Returns how many SKU-on-shop pairs changed."""
    if not sku_ids or not account_ids:
        return 0
    account_ids = sorted(account_ids)
    grouped = {a.id for a in session.exec(select(ChannelAccount).where(ChannelAccount.id.in_(account_ids)))
               if lists_variants(a)}
    changed = 0
    for chunk in chunked(sorted(sku_ids), _CHUNK):
        changed += session.execute(
            sa.update(ListingVariant)
            .where(ListingVariant.sku_id.in_(chunk), ListingVariant.channel_account_id.in_(account_ids),
                   ListingVariant.enabled == sa.false())
            .values(enabled=True)
        ).rowcount
        changed += binding.add_drafts(session, account_ids, grouped, chunk)
    return changed


def unpublish(session: Session, sku_ids: Collection[int], account_ids: Collection[int]) -> int:
    """Take the SKUs off the shops at the next sync, keeping their bindings. Returns how many SKU-on-shop
    pairs were switched off."""
    changed = 0
    for chunk in chunked(sorted(sku_ids), _CHUNK):
        changed += session.execute(
            sa.update(ListingVariant)
            .where(ListingVariant.sku_id.in_(chunk), ListingVariant.channel_account_id.in_(sorted(account_ids)),
                   ListingVariant.enabled == sa.true())
            .values(enabled=False)
        ).rowcount
    return changed


def auto_publishing(session: Session, account_ids: Collection[int]) -> list[ChannelAccount]:
    """The shops of ``account_ids`` that publish new products by themselves."""
    return list(session.exec(
        select(ChannelAccount).where(ChannelAccount.id.in_(list(account_ids)), ChannelAccount.auto_publish)
        .order_by(ChannelAccount.id)
    ).all())


def publish_new(session: Session, account_ids: Collection[int]) -> int:
    """Before a sync plans: on the shops that publish new products by themselves, every SKU of the co-op
    never published nor unpublished there is published. Returns how many were."""
    shops = auto_publishing(session, account_ids)
    return binding.add_drafts(session, [a.id for a in shops], {a.id for a in shops if lists_variants(a)})


def awaiting_auto_publish(session: Session, account_ids: Collection[int]) -> dict[int, int]:
    """How many SKUs the next sync will publish by itself on each shop in ``account_ids`` (read only)."""
    return binding.unpublished_counts(session, [a.id for a in auto_publishing(session, account_ids)])
