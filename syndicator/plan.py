"""Plan: what the catalog wants on every channel, compared part by part with what was last pushed.

A plan is computed from state alone (no marketplace calls) with a few set-based queries, so it can be
printed before anything is sent and rebuilt after a crash.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.models import ChannelAccount, Coop, ListingState
from catalog.pricing import allocated_stock, channel_price
from catalog.stock import stock_levels
from syndicator import binding
from syndicator.actions import Action, ActionKind
from syndicator.channels import price_rule, stock_policy
from syndicator.desired import binding_rows, content_hash, listing_digest, sku_content_digests


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

    def counts(self) -> dict[str, int]:
        return dict(Counter(action.kind.value for action in self.actions))

    def for_account(self, account_id: int) -> list[Action]:
        return [action for action in self.actions if action.account_id == account_id]

    def as_json(self) -> dict[str, Any]:
        return {
            "listings": self.listings,
            "counts": self.counts(),
            "accounts": [asdict(account) for account in self.accounts],
            "actions": [{**asdict(action), "kind": action.kind.value} for action in self.actions],
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


def _actions_for(row: Any, price: int, stock: int, digest: str) -> list[ActionKind]:
    if row.state == ListingState.creating:
        return []  # its create may have landed: only the look-up by seller SKU settles it (syndicator/binding.py)
    wanted = row.listing_enabled and row.sku_enabled
    bound = row.external_item_id is not None
    if not wanted:
        return [ActionKind.delist] if bound and row.state != ListingState.delisted else []
    if not bound:
        return [ActionKind.create]
    kinds = []
    if digest != row.pushed_content_hash or row.state == ListingState.delisted:
        kinds.append(ActionKind.update_content)
    if price != row.pushed_price:
        kinds.append(ActionKind.update_price)
    if stock != row.pushed_stock:
        kinds.append(ActionKind.update_stock)
    return kinds


def build_plan(engine: Engine, coop_code: str | None = None, marketplace: str | None = None,
               account_ids: list[int] | None = None) -> Plan:
    """Every action a sync would send for the accounts in scope (optionally only ``account_ids`` of
    them); creates missing listing rows."""
    with Session(engine, expire_on_commit=False) as session:
        accounts = scoped_accounts(session, coop_code, marketplace)
        if account_ids is not None:
            accounts = [(account, code) for account, code in accounts if account.id in set(account_ids)]
        account_ids = [account.id for account, _ in accounts]
        binding.add_drafts(session, account_ids)
        session.commit()
        plan = Plan(accounts=[scope_of(account, code) for account, code in accounts])
        if not accounts:
            return plan
        rules = {account.id: (price_rule(account), stock_policy(account),
                              content_hash(account.category_mapping or {})) for account, _ in accounts}
        levels = stock_levels(session)
        sku_digests = sku_content_digests(session, account_ids)
        prices: dict[tuple[int, int], int] = {}
        for row in binding_rows(session, account_ids):
            plan.listings += 1
            rule, policy, mapping_digest = rules[row.account_id]
            level = levels.get(row.sku_id)
            available = level.available if level else 0
            if row.price_override is not None:
                price = row.price_override
            elif (row.account_id, row.base_price) in prices:
                price = prices[row.account_id, row.base_price]
            else:
                price = prices[row.account_id, row.base_price] = channel_price(row.base_price, rule)
            stock = allocated_stock(available, policy)
            digest = listing_digest(sku_digests[row.sku_id], mapping_digest)
            kinds = _actions_for(row, price, stock, digest)
            for kind in kinds:
                plan.actions.append(Action(
                    kind, row.listing_id, row.account_id, row.seller_sku, price, stock, digest,
                    row.pushed_price, row.pushed_stock, row.base_price, available,
                ))
    return plan
