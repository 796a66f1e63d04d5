"""Plan: what the catalog wants on every channel, compared part by part with what was last pushed.

A plan is computed from state alone (no marketplace calls) with a few set-based queries, so it can be
printed before anything is sent and rebuilt after a crash. Building one writes nothing: a preview is a
preview. What a clerk has not published is not in it, except that it counts what the next sync will publish
by itself on shops that publish new products automatically (``auto_publish``; the sync publishes them
first, :func:`syndicator.publishing.publish_new`, then plans).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.models import ChannelAccount, Coop, Listing, ListingState, Product, VariantState, utcnow
from catalog.pricing import allocated_stock, channel_price
from catalog.settings import settings
from catalog.stock import stock_levels
from syndicator.actions import Action, ActionKind
from syndicator.channels import has_api, lists_variants, price_rule, retires_before_grouping, stock_policy
from syndicator.desired import binding_rows, listing_digest, mapping_digests, sku_content_digests
from syndicator.publishing import awaiting_auto_publish
from syndicator.readiness import BlockedListing, blocked_packs

# actions that send a listing's content: never sent while the listing is blocked
CONTENT_KINDS = frozenset({ActionKind.create, ActionKind.add_variant, ActionKind.update_content,
                           ActionKind.update_variant})


@dataclass
class AccountScope:
    id: int
    coop_code: str
    marketplace: str
    shop_id: str
    name: str


@dataclass
class Plan:
    accounts: list[AccountScope]
    actions: list[Action] = field(default_factory=list)
    listings: int = 0
    auto_publish: dict[int, int] = field(default_factory=dict)  # per shop: SKUs the next sync will publish
    blocked: list[BlockedListing] = field(default_factory=list)  # packs whose content is not sent, and why

    def counts(self) -> dict[str, int]:
        return dict(Counter(action.kind.value for action in self.actions))

    def for_account(self, account_id: int) -> list[Action]:
        return [action for action in self.actions if action.account_id == account_id]

    def as_json(self) -> dict[str, Any]:
        return {
            "listings": self.listings,
            "counts": self.counts(),
            "auto_publish": {str(account_id): count for account_id, count in self.auto_publish.items()},
            "accounts": [asdict(account) for account in self.accounts],
            "actions": [{**asdict(action), "kind": action.kind.value} for action in self.actions],
            "blocked": [listing.as_json() for listing in self.blocked],
        }


def scoped_accounts(session: Session, coop_code: str | None, marketplace: str | None) -> list[tuple[ChannelAccount, str]]:
    query = (
        select(ChannelAccount, Coop.code).join(Coop, Coop.id == ChannelAccount.coop_id)
        .where(ChannelAccount.enabled == sa.true()).order_by(ChannelAccount.id)
    )
    if coop_code:
        query = query.where(Coop.code == coop_code)
    if marketplace:
        query = query.where(ChannelAccount.marketplace == marketplace)
    return list(session.exec(query).all())


def scope_of(account: ChannelAccount, coop_code: str) -> AccountScope:
    return AccountScope(account.id, coop_code, account.marketplace, account.shop_id, account.name)


def account_scopes(engine: Engine, coop_code: str | None = None, marketplace: str | None = None
                   ) -> list[AccountScope]:
    with Session(engine) as session:
        return [scope_of(account, code) for account, code in scoped_accounts(session, coop_code, marketplace)]


Planned = tuple[int, int, str, str | None]  # a pack's price, stock, listing content hash and own content hash


def stock_due(variant_id: int, pushed_at: datetime | None, created_at: datetime, now: datetime, days: int) -> bool:
    """Whether a pack's unchanged stock is sent again: once it was last sent ``days`` ago, as Lazada zeroes a
    SKU whose stock was not updated for 60 days. A stock whose sending time is unknown (sent before this was
    recorded, or taken as found on the marketplace by an adoption or a look-up) is due once the pack is
    ``days`` old, on one day in every ``days`` picked by its id: the first plans after an upgrade spread those
    resends over the period instead of sending every pack's stock at once."""
    period = timedelta(days=days)
    if pushed_at is None:
        return now - created_at >= period and variant_id % days == now.toordinal() % days
    return now - pushed_at >= period


def _listing_actions(rows: list[Any], planned: dict[int, Planned], due: Collection[int] = frozenset()
                     ) -> list[tuple[ActionKind, Any]]:
    """One listing's actions, from its variants' rows (each row with what is planned for it in ``planned``, by
    variant id): ``(kind, the row it names)``. A pack's own content (``update_variant``) is compared only on
    a listing whose packs are variants: on a floor it is part of the listing's content. The packs in ``due``
    have their stock sent even unchanged (:func:`stock_due`)."""
    first = rows[0]
    if first.state == ListingState.creating:
        return []  # its create may have landed: only the look-up by seller SKU settles it (syndicator/binding.py)
    wanted = [row for row in rows if row.variant_enabled and row.sku_enabled]
    wanted_ids = {row.variant_id for row in wanted}
    if first.external_item_id is None:
        return [(ActionKind.create, row) for row in wanted]
    if not wanted:
        return [] if first.state == ListingState.delisted else [(ActionKind.delist, first)]
    kinds: list[tuple[ActionKind, Any]] = []
    if planned[wanted[0].variant_id][2] != first.pushed_content_hash or first.state == ListingState.delisted:
        kinds.append((ActionKind.update_content, wanted[0]))
    for row in rows:
        price, stock, _, pack_hash = planned[row.variant_id]
        if row.variant_id not in wanted_ids:
            if row.variant_state == VariantState.live and len(rows) > 1:
                kinds.append((ActionKind.remove_variant, row))
        elif row.variant_state != VariantState.live:
            kinds.append((ActionKind.add_variant, row))
        else:
            if pack_hash is not None and pack_hash != row.pushed_pack_hash:
                kinds.append((ActionKind.update_variant, row))
            if price != row.pushed_price:
                kinds.append((ActionKind.update_price, row))
            if stock != row.pushed_stock or row.variant_id in due:
                kinds.append((ActionKind.update_stock, row))
    return kinds


def _regroups(listings: dict[int, list[Any]], grouped: set[int]) -> list[tuple[int, ...]]:
    """The listings of each product on a shop with variants whose packs are not on one item with variants:
    several items of one pack each, or one such item a new pack joined (listed before products were grouped).
    Each set becomes one item, in one ``regroup`` action."""
    by_product: dict[tuple[int, int], list[int]] = {}
    for listing_id, rows in listings.items():
        if rows[0].account_id in grouped and not rows[0].has_variants and rows[0].external_item_id is not None:
            by_product.setdefault((rows[0].product_id, rows[0].account_id), []).append(listing_id)
    return [tuple(sorted(ids)) for ids in by_product.values() if len(ids) > 1 or len(listings[ids[0]]) > 1]


def _regrouping(session: Session, account_ids: list[int], listings: dict[int, list[Any]],
                planned: dict[int, Planned], grouped: set[int], unique_skus: set[int]
                ) -> tuple[list[Action], set[int]]:
    """The ``regroup`` and ``retire`` actions, and the listings the plan leaves alone meanwhile: those being
    regrouped, and a grouped listing not to be created before its old items are retired (where a seller SKU
    may be on one item only). An old item is retired once its grouped item is live, or first where seller
    SKUs are unique."""
    actions = []
    regroups = _regroups(listings, grouped)
    for ids in regroups:
        first = listings[ids[0]][0]
        price, stock, digest, _ = planned[first.variant_id]
        actions.append(Action(ActionKind.regroup, ids[0], first.variant_id, first.account_id, first.seller_sku,
                              price, stock, digest, merged=ids, has_variants=True))
    untouched = {listing_id for ids in regroups for listing_id in ids}
    retiring = session.execute(
        sa.select(Listing.id, Listing.product_id, Listing.channel_account_id, Product.code)
        .join(Product, Product.id == Listing.product_id)
        .where(Listing.state == ListingState.retiring.value, Listing.channel_account_id.in_(account_ids))
        .order_by(Listing.id)
    ).all()
    live = {(rows[0].product_id, rows[0].account_id) for rows in listings.values()
            if rows[0].state == ListingState.live}
    held = {(product_id, account_id) for _, product_id, account_id, _ in retiring if account_id in unique_skus}
    for listing_id, product_id, account_id, product_code in retiring:
        if account_id in unique_skus or (product_id, account_id) in live:
            actions.append(Action(ActionKind.retire, listing_id, None, account_id, product_code, 0, 0, ""))
    untouched |= {listing_id for listing_id, rows in listings.items()
                  if (rows[0].product_id, rows[0].account_id) in held}
    return actions, untouched


def build_plan(engine: Engine, coop_code: str | None = None, marketplace: str | None = None,
               account_ids: list[int] | None = None, sku_ids: set[int] | None = None) -> Plan:
    """Every action a sync would send for the accounts in scope (optionally only ``account_ids`` of
    them), for what is published on them. Reads only.

    With ``sku_ids``, only the actions on those SKUs' packs (the stock fan-out's, ``syndicator/fanout.py``):
    the listings carrying them are still read whole, so an item's decisions see all its packs, and a
    product's regrouping is left to the full plan."""
    with Session(engine) as session:
        accounts = scoped_accounts(session, coop_code, marketplace)
        if account_ids is not None:
            accounts = [(account, code) for account, code in accounts if account.id in set(account_ids)]
        account_ids = [account.id for account, _ in accounts]
        grouped = {account.id for account, _ in accounts if lists_variants(account)}
        unique_skus = {account.id for account, _ in accounts if account.id in grouped and retires_before_grouping(account)}
        plan = Plan(accounts=[scope_of(account, code) for account, code in accounts],
                    auto_publish=awaiting_auto_publish(session, account_ids))
        if not accounts:
            return plan
        rules = {account.id: (price_rule(account), stock_policy(account)) for account, _ in accounts}
        mappings = mapping_digests(session, [account for account, _ in accounts])
        rows = list(binding_rows(session, account_ids))
        if sku_ids is not None:
            carrying = {row.listing_id for row in rows if row.sku_id in sku_ids}
            rows = [row for row in rows if row.listing_id in carrying]
        levels = stock_levels(session, None if sku_ids is None else {row.sku_id for row in rows})
        sku_digests = sku_content_digests(session, account_ids)
        prices: dict[tuple[int, int], int] = {}
        listings: dict[int, list[Any]] = {}
        planned: dict[int, Planned] = {}
        wanted: dict[int, int] = {}  # a clamped pack's stock as the catalog wants it
        due: set[int] = set()  # packs whose unchanged stock is sent again (the heartbeat)
        heartbeat_shops = {account.id for account, _ in accounts if has_api(account)}  # never a clerk's workbook
        now, heartbeat_days = utcnow(), settings().stock_heartbeat_days
        for row in rows:
            listings.setdefault(row.listing_id, []).append(row)
            rule, policy = rules[row.account_id]
            mapping_digest = mappings[row.account_id].get(row.category_id, "")
            level = levels.get(row.sku_id)
            available = level.available if level else 0
            if row.price_override is not None:
                price = row.price_override
            elif (row.account_id, row.base_price) in prices:
                price = prices[row.account_id, row.base_price]
            else:
                price = prices[row.account_id, row.base_price] = channel_price(row.base_price, rule)
            sku_digest, product_digest, pack_digest = sku_digests[row.sku_id]
            content = product_digest if row.has_variants else sku_digest
            stock = allocated_stock(available, policy)
            if row.reserved_stock is not None and stock < row.reserved_stock:  # a push below it is refused
                wanted[row.variant_id], stock = stock, row.reserved_stock
            if row.account_id in heartbeat_shops and stock_due(row.variant_id, row.stock_pushed_at,
                                                               row.variant_created_at, now, heartbeat_days):
                due.add(row.variant_id)
            planned[row.variant_id] = (price, stock, listing_digest(content, mapping_digest),
                                       pack_digest if row.has_variants else None)
        plan.listings = len(listings)
        regrouping, untouched = _regrouping(session, account_ids, listings, planned, grouped, unique_skus)
        plan.actions += regrouping if sku_ids is None else []
        for listing_id, packs in listings.items():
            if listing_id in untouched:
                continue
            for kind, row in _listing_actions(packs, planned, due):
                if sku_ids is not None and row.sku_id not in sku_ids:
                    continue
                price, stock, digest, pack_hash = planned[row.variant_id]
                level = levels.get(row.sku_id)
                plan.actions.append(Action(
                    kind, row.listing_id, row.variant_id, row.account_id, row.seller_sku, price, stock, digest,
                    row.pushed_price, row.pushed_stock, row.base_price, level.available if level else 0,
                    pack_hash=pack_hash, has_variants=row.has_variants, reserved=row.reserved_stock,
                    clamped_from=wanted.get(row.variant_id),
                    heartbeat=kind is ActionKind.update_stock and stock == row.pushed_stock,
                ))
        hold_blocked(session, plan, [account for account, _ in accounts])
    return plan


def hold_blocked(session: Session, plan: Plan, accounts: list[ChannelAccount]) -> None:
    """Take every content action of a blocked pack out of the plan, and list the blocked packs with their
    reasons. Its price and stock still go: a live item keeps selling what is in stock."""
    by_account: dict[int, set[int]] = {}
    for action in plan.actions:
        if action.kind in CONTENT_KINDS and action.variant_id is not None:
            by_account.setdefault(action.account_id, set()).add(action.variant_id)
    for account in accounts:
        plan.blocked += blocked_packs(session, account, by_account.get(account.id, ()))
    held = {listing.variant_id for listing in plan.blocked}
    plan.actions = [action for action in plan.actions
                    if not (action.kind in CONTENT_KINDS and action.variant_id in held)]
