"""Apply: send a plan's actions shop by shop and hand every outcome to the binder (``syndicator/binding.py``)
and the run's log (``SyncEvent``).

Shops run concurrently (each adapter keeps its own shop's rate limit); within a shop, actions go by
kind through the batch endpoints. A shop without API access goes through the same adapter interface: its
adapter stages the changes and writes them as workbooks when the shop's actions are done (``deliver``);
only then are its outcomes recorded, as ``awaiting_upload`` until a clerk confirms the upload. Creates are
marked ``creating`` before they are sent; ``resolve_in_flight`` settles such listings by seller-SKU
look-up at the start of the next run, so a crash never publishes a SKU twice. A shop whose marketplace
stops answering is given up for this run after a few failed calls; its listings keep their error and are
retried next run. Stored ids that are not ids (kept by an older version from a broken answer) are never
sent: the listing is bound again by seller-SKU look-up first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import sqlalchemy as sa
from pydantic import TypeAdapter, ValidationError
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.common.answers import ExternalId
from adapters.common.contract import (
    Adapter,
    ItemRef,
    ItemResult,
    ListingDraft,
    PriceUpdate,
    ProductDraft,
    StockUpdate,
    Upload,
)
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from catalog.chunks import chunked
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import (
    ChannelAccount,
    Listing,
    ListingState,
    ListingVariant,
    Product,
    Sku,
    SyncEvent,
    utcnow,
)
from syndicator import binding
from syndicator.actions import Action, ActionKind, Outcome
from syndicator.binding import describe
from syndicator.budgets import BudgetSpent, raise_spent
from syndicator.channels import NETWORK, Reach, adapter_for
from syndicator.desired import listing_drafts
from syndicator.plan import AccountScope, Plan, build_plan

Progress = Callable[[AccountScope, int, int], None]
GIVE_UP_AFTER = 2  # consecutive calls failing for want of the marketplace, not for the item
CREATE_CONCURRENCY = 8
# A product's create on Shopee waits 5 s between add_item and its variants, calling nothing: many creates wait
# at once, and the shop's rate limit (adapters/common/http.py), not this, sets the pace of their calls.
PRODUCT_CREATE_CONCURRENCY = 50


@dataclass
class AccountReport:
    account: AccountScope
    ok: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    upload: Upload | None = None  # the workbooks of a shop without API access, when it wrote any

    @property
    def succeeded(self) -> bool:
        return not self.failed

    def count(self, outcome: Outcome) -> None:
        bucket = self.ok if outcome.ok else self.failed
        bucket[outcome.action.kind.value] = bucket.get(outcome.action.kind.value, 0) + 1
        if not outcome.ok and len(self.errors) < 5:
            self.errors.append(f"{outcome.action.seller_sku}: {describe(outcome)}")


def _unavailable(marketplace: str, message: str) -> ErrorInfo:
    return ErrorInfo(kind=ErrorKind.transient, marketplace=marketplace, message=message)


_EXTERNAL_ID = TypeAdapter(ExternalId)


def valid_ids(item_id: str | None, sku_id: str | None) -> bool:
    """Whether a listing's stored ids are ids a marketplace could have issued (an item id is required)."""
    try:
        _EXTERNAL_ID.validate_python(item_id)
        if sku_id is not None:
            _EXTERNAL_ID.validate_python(sku_id)
    except ValidationError:
        return False
    return True


class ShopApplier:
    """One shop's share of a plan: sends, counts and records."""

    def __init__(self, engine: Engine, run_id: int, account: AccountScope, actions: list[Action],
                 adapter: Adapter, progress: Progress | None):
        self.engine = engine
        self.run_id = run_id
        self.account = account
        self.actions = actions
        self.adapter = adapter
        self.progress = progress
        self.report = AccountReport(account)
        self.done = 0
        self.failed_calls = 0
        self.refs: dict[int, ItemRef] = {}  # by variant id
        self.items: dict[int, ItemRef] = {}  # the items to retire, by listing id
        self.retired: set[str] = set()  # the shop's items whose packs were regrouped (never bound again)
        self.staged = not adapter.capabilities.has_api
        self.held: list[Outcome] = []  # a staged shop's outcomes, recorded once its workbooks are written

    @property
    def given_up(self) -> bool:
        return self.failed_calls >= GIVE_UP_AFTER

    async def run(self) -> AccountReport:
        regrouped = self._regroup([a for a in self.actions if a.kind is ActionKind.regroup])
        await self._send([a for a in self.actions if a.kind is not ActionKind.regroup])
        for _ in range(2 if regrouped else 0):
            # the grouped items' creates and the old items' retirement, planned now that their rows exist, in
            # the order the marketplace needs (``syndicator/plan.py:_regrouping``)
            follow = [a for a in build_plan(self.engine, account_ids=[self.account.id]).actions
                      if a.listing_id in regrouped and a.kind in (ActionKind.create, ActionKind.retire)]
            self.actions += follow
            await self._send(follow)
        await self._deliver()
        return self.report

    async def _send(self, actions: list[Action]) -> None:
        unsendable = await self._rebind(self._load_refs(actions))
        self._record([Outcome(a, False, error=unsendable[a.variant_id])
                      for a in actions if a.variant_id in unsendable])
        by_kind = {kind: [a for a in actions if a.kind is kind and a.variant_id not in unsendable]
                   for kind in ActionKind}
        drafts = self._drafts([a for a in actions if a.kind in (
            ActionKind.create, ActionKind.add_variant, ActionKind.update_content, ActionKind.update_variant)])
        creates = by_kind[ActionKind.create]
        self._mark_creating(creates)
        grouped = [a for a in creates if a.has_variants]
        await self._groups(grouped, lambda packs: self.adapter.create_product(self._product(packs, drafts)))
        await self._each([a for a in creates if not a.has_variants],
                         lambda a: self.adapter.create_listing(drafts[a.variant_id]), CREATE_CONCURRENCY)
        await self._groups(by_kind[ActionKind.add_variant], lambda packs: self.adapter.add_packs(
            self.refs[packs[0].variant_id], self._product(packs, drafts), [a.seller_sku for a in packs]))
        await self._each(by_kind[ActionKind.update_content], self._update_content(drafts), 1)
        await self._groups(by_kind[ActionKind.update_variant], lambda packs: self._update_packs(packs, drafts))
        capabilities = self.adapter.capabilities
        await self._batches(by_kind[ActionKind.update_price], capabilities.price_batch_size,
                            lambda batch: self.adapter.update_prices(
                                [PriceUpdate(ref=self.refs[a.variant_id], price=a.price) for a in batch]))
        await self._batches(by_kind[ActionKind.update_stock], capabilities.stock_batch_size,
                            lambda batch: self.adapter.update_stock(
                                [StockUpdate(ref=self.refs[a.variant_id], stock=a.stock) for a in batch]))
        await self._each(by_kind[ActionKind.remove_variant], lambda a: self.adapter.remove_pack(self.refs[a.variant_id]), 1)
        await self._each(by_kind[ActionKind.delist], lambda a: self.adapter.delist(self.refs[a.variant_id]), 1)
        await self._each(by_kind[ActionKind.retire], lambda a: self.adapter.retire(self.items[a.listing_id]), 1)

    @staticmethod
    def _product(packs: list[Action], drafts: dict[int, ListingDraft]) -> ProductDraft:
        return ProductDraft(packs=[drafts[a.variant_id] for a in packs])

    async def _deliver(self) -> None:
        """Write what a shop without API access staged, then record its outcomes; if the workbooks cannot
        be written, nothing reached the clerk and every action of the run failed."""
        if not self.staged:
            return
        held, self.staged = self.held, False
        try:
            self.report.upload = await self.adapter.deliver()
        except (OSError, ValueError) as exc:
            info = ErrorInfo(kind=ErrorKind.transient, marketplace=self.account.marketplace,
                             code="feed_not_written", message=t("feed_not_written", error=f"{type(exc).__name__}: {exc}"))
            held = [Outcome(o.action, False, error=o.error if not o.ok else info) for o in held]
        self._record(held, awaiting_upload=True)

    def _update_content(self, drafts: dict[int, ListingDraft]) -> Callable[[Action], Any]:
        """An item's content: the product's on an item with variants, the SKU's on an item of its own."""
        async def send(action: Action) -> ItemResult:
            self._forget_pushed([action])
            ref = self.refs[action.variant_id]
            if action.has_variants:
                return await self.adapter.update_product(ref, self._product([action], drafts))
            return await self.adapter.update_content(ref, drafts[action.variant_id])
        return send

    async def _update_packs(self, packs: list[Action], drafts: dict[int, ListingDraft]) -> list[ItemResult]:
        self._forget_pushed(packs)
        refs = [self.refs[a.variant_id] for a in packs]
        return await self.adapter.update_packs(refs[0], self._product(packs, drafts), refs)

    # --- sending ---------------------------------------------------------------------------------
    async def _each(self, actions: list[Action], send: Callable[[Action], Any], concurrency: int) -> None:
        for chunk in chunked(actions, concurrency):
            if self.given_up:
                self._record(self._skipped(chunk))
                continue
            results = await asyncio.gather(*(self._one(action, send) for action in chunk))
            self._record(results)

    async def _groups(self, actions: list[Action], send: Callable[[list[Action]], Any]) -> None:
        """Send each listing's actions together (the packs of one item), up to ``PRODUCT_CREATE_CONCURRENCY``
        items at once, the next starting as soon as one is done (so Shopee's waits overlap); ``send`` answers
        one result per pack, in order. Each item's outcomes are recorded as soon as it is answered."""
        by_listing: dict[int, list[Action]] = {}
        for action in actions:
            by_listing.setdefault(action.listing_id, []).append(action)
        slots = asyncio.Semaphore(PRODUCT_CREATE_CONCURRENCY)

        async def one(packs: list[Action]) -> None:
            async with slots:
                self._record(await self._together(packs, send))

        await asyncio.gather(*(one(packs) for packs in by_listing.values()))

    async def _together(self, packs: list[Action], send: Callable[[list[Action]], Any]) -> list[Outcome]:
        if self.given_up:
            return self._skipped(packs)
        try:
            results: list[ItemResult] = await send(packs)
        except (MarketplaceError, httpx.HTTPError) as exc:
            self.failed_calls += 1
            return [Outcome(action, False, error=self._info(exc)) for action in packs]
        self.failed_calls = 0
        return [Outcome(a, r.ok, r.ref, r.error, r.photos) for a, r in zip(packs, results, strict=True)]

    async def _one(self, action: Action, send: Callable[[Action], Any]) -> Outcome:
        if self.given_up:
            return self._skipped([action])[0]
        try:
            result: ItemResult = await send(action)
        except (MarketplaceError, httpx.HTTPError) as exc:
            self.failed_calls += 1
            return Outcome(action, False, error=self._info(exc))
        self.failed_calls = 0
        return Outcome(action, result.ok, result.ref, result.error, result.photos)

    async def _batches(self, actions: list[Action], size: int,
                       send: Callable[[list[Action]], Any]) -> None:
        for batch in batches_by_listing(actions, size):
            if self.given_up:
                self._record(self._skipped(batch))
                continue
            self._forget_pushed(batch)
            try:
                results: list[ItemResult] = await send(batch)
            except (MarketplaceError, httpx.HTTPError) as exc:
                self.failed_calls += 1
                self._record([Outcome(action, False, error=self._info(exc)) for action in batch])
                continue
            self.failed_calls = 0
            self._record([Outcome(a, r.ok, r.ref, r.error, r.photos) for a, r in zip(batch, results, strict=True)])

    def _info(self, exc: MarketplaceError | httpx.HTTPError) -> ErrorInfo:
        """An adapter's classified error, or a network error it let through (e.g. fetching a picture)."""
        if isinstance(exc, MarketplaceError):
            return exc.info
        return _unavailable(self.account.marketplace, f"{type(exc).__name__}: {exc}")

    def _skipped_info(self) -> ErrorInfo:
        return _unavailable(self.account.marketplace, t("apply_skipped"))

    def _skipped(self, actions: list[Action]) -> list[Outcome]:
        return [Outcome(action, False, error=self._skipped_info()) for action in actions]

    # --- state -----------------------------------------------------------------------------------
    def _load_refs(self, actions: list[Action]) -> dict[int, tuple[int, str]]:
        """The stored refs of the packs acted on (by variant id) and of the items to retire (by listing id);
        returns the listing and seller SKU of the packs whose ids are invalid, by variant id."""
        ids = [a.variant_id for a in actions if a.kind not in (ActionKind.create, ActionKind.regroup, ActionKind.retire)]
        retiring = [a.listing_id for a in actions if a.kind is ActionKind.retire]
        invalid: dict[int, tuple[int, str]] = {}
        with Session(self.engine) as session:
            self.retired = binding.retired_item_ids(session, self.account.id)
            for listing_id, item_id, code in session.execute(
                    sa.select(Listing.id, Listing.external_item_id, Product.code)
                    .join(Product, Product.id == Listing.product_id).where(Listing.id.in_(retiring))):
                self.items[listing_id] = ItemRef(seller_sku=code, item_id=item_id)
            rows = session.execute(
                sa.select(ListingVariant.id, Listing.id, Listing.external_item_id, ListingVariant.external_variant_id,
                          Sku.sku)
                .join(Listing, Listing.id == ListingVariant.listing_id).join(Sku, Sku.id == ListingVariant.sku_id)
                .where(ListingVariant.id.in_(ids))
            )
            for variant_id, listing_id, item_id, sku_id, seller_sku in rows:
                if valid_ids(item_id, sku_id):
                    self.refs[variant_id] = ItemRef(seller_sku=seller_sku, item_id=item_id, sku_id=sku_id)
                else:
                    invalid[variant_id] = (listing_id, seller_sku)
        return invalid

    async def _rebind(self, invalid: dict[int, tuple[int, str]]) -> dict[int, ErrorInfo]:
        """Bind packs with invalid ids by seller-SKU look-up; returns why each of those left unbound is not
        sent in this run."""
        unsendable: dict[int, ErrorInfo] = {}
        for variant_id, (listing_id, seller_sku) in invalid.items():
            if self.given_up:
                unsendable[variant_id] = self._skipped_info()
                continue
            try:
                found = await look_up_packs(self.engine, self.adapter, listing_id, {variant_id: seller_sku},
                                            self.retired)
            except (MarketplaceError, httpx.HTTPError) as exc:
                self.failed_calls += 1
                unsendable[variant_id] = self._info(exc)
                continue
            self.failed_calls = 0
            if (ref := found.get(variant_id)) is None:
                unsendable[variant_id] = ErrorInfo(
                    kind=ErrorKind.transient, marketplace=self.account.marketplace, code="invalid_stored_id",
                    message=t("apply_invalid_stored_id"))
            else:
                self.refs[variant_id] = ref
        return unsendable

    def _regroup(self, regroups: list[Action]) -> set[int]:
        """Move each product's packs onto one grouped listing (``binding.begin_regroup``); nothing is sent.
        Returns the listings concerned, old and new."""
        outcomes, concerned = [], set()
        with session_scope(self.engine) as session:
            for action in regroups:
                if (grouped := binding.begin_regroup(session, list(action.merged))) is not None:
                    outcomes.append(Outcome(action, True))
                    concerned |= {grouped, *action.merged}
        self._record(outcomes)
        return concerned

    def _drafts(self, actions: Sequence[Action]) -> dict[int, ListingDraft]:
        if not actions:
            return {}
        with Session(self.engine) as session:
            return listing_drafts(session, self.account.id, {a.variant_id: (a.price, a.stock) for a in actions})

    def _mark_creating(self, creates: list[Action]) -> None:
        with session_scope(self.engine) as session:
            binding.mark_creating(session, sorted({a.listing_id for a in creates}))

    def _forget_pushed(self, batch: list[Action]) -> None:
        with session_scope(self.engine) as session:
            kind = batch[0].kind
            binding.forget_pushed(session, kind, [a.listing_id if kind is ActionKind.update_content else a.variant_id
                                                  for a in batch])

    def _record(self, outcomes: list[Outcome], awaiting_upload: bool = False) -> None:
        if not outcomes:
            return
        if self.staged:
            self.held.extend(outcomes)
            return
        now = utcnow()
        with session_scope(self.engine) as session:
            session.execute(sa.insert(SyncEvent), [_event(self.run_id, o, now) for o in outcomes])
            binding.record_outcomes(session, outcomes, now, awaiting_upload)
        for outcome in outcomes:
            self.report.count(outcome)
        self.done += len(outcomes)
        if self.progress:
            self.progress(self.account, self.done, len(self.actions))


def batches_by_listing(actions: list[Action], size: int) -> list[list[Action]]:
    """Batches of at most ``size`` actions that keep one listing's packs together where they fit, so a
    marketplace that takes one item's packs in one call (Shopee) gets one call per item."""
    batches: list[list[Action]] = []
    by_listing: dict[int, list[Action]] = {}
    for action in actions:
        by_listing.setdefault(action.listing_id, []).append(action)
    for packs in by_listing.values():
        for part in chunked(packs, size):
            if batches and len(batches[-1]) + len(part) <= size:
                batches[-1].extend(part)
            else:
                batches.append(list(part))
    return batches


def _event(run_id: int, outcome: Outcome, now) -> dict[str, Any]:
    return {
        "run_id": run_id, "channel_account_id": outcome.action.account_id, "listing_id": outcome.action.listing_id,
        "action": outcome.action.kind.value, "outcome": "ok" if outcome.ok else "error",
        "error_kind": outcome.error.kind.value if outcome.error and not outcome.ok else None,
        "message": "" if outcome.ok else describe(outcome), "created_at": now,
    }


async def _apply_shop(engine: Engine, run_id: int, account: AccountScope, actions: list[Action],
                      progress: Progress | None, reach: Reach) -> AccountReport:
    with Session(engine) as session:
        row = session.get(ChannelAccount, account.id)
    try:
        async with adapter_for(engine, row, reach.http, reach.transport) as adapter:
            return await ShopApplier(engine, run_id, account, actions, adapter, progress).run()
    except BudgetSpent:
        raise  # the job is deferred to the refill: nothing failed
    except Exception as exc:  # noqa: BLE001 - one shop failing (bad key, bug) must not stop the others
        report = AccountReport(account)
        report.failed["shop"] = len(actions) or 1
        report.errors.append(f"{type(exc).__name__}: {exc}")
        return report


async def apply_plan(engine: Engine, plan: Plan, run_id: int, progress: Progress | None = None,
                     reach: Reach = NETWORK) -> list[AccountReport]:
    """Send every shop's actions, all shops at once."""
    shops = plan.accounts
    reports = await asyncio.gather(
        *(_apply_shop(engine, run_id, account, plan.for_account(account.id), progress, reach) for account in shops)
    )
    return list(reports)


async def resolve_in_flight(engine: Engine, accounts: list[AccountScope], reach: Reach = NETWORK
                            ) -> dict[int, str]:
    """Bind listings left ``creating`` (a crash or a lost answer) to what the marketplace holds under their
    packs' seller SKUs; those with no pack found go back to ``draft`` and are created by the plan. Returns
    the shops whose look-up failed, with why: their listings stay ``creating`` until a look-up succeeds."""
    with Session(engine) as session:
        pending = session.execute(
            sa.select(Listing.id, Listing.channel_account_id, ListingVariant.id, Sku.sku)
            .join(ListingVariant, ListingVariant.listing_id == Listing.id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .where(Listing.state == ListingState.creating.value,
                   Listing.channel_account_id.in_([a.id for a in accounts]))
            .order_by(Listing.id, Sku.id)
        ).all()
    by_account: dict[int, dict[int, dict[int, str]]] = {}
    for listing_id, account_id, variant_id, seller_sku in pending:
        by_account.setdefault(account_id, {}).setdefault(listing_id, {})[variant_id] = seller_sku
    results = await asyncio.gather(
        *(_resolve_shop(engine, account_id, listings, reach) for account_id, listings in by_account.items()),
        return_exceptions=True,
    )
    raise_spent(results)
    return {account_id: f"{type(result).__name__}: {result}"
            for account_id, result in zip(by_account, results, strict=True) if isinstance(result, BaseException)}


async def _resolve_shop(engine: Engine, account_id: int, listings: dict[int, dict[int, str]], reach: Reach) -> int:
    with Session(engine) as session:
        account = session.get(ChannelAccount, account_id)
        retired = binding.retired_item_ids(session, account_id)
    found = 0
    async with adapter_for(engine, account, reach.http, reach.transport) as adapter:
        for listing_id, packs in listings.items():
            if any(await look_up_packs(engine, adapter, listing_id, packs, retired)):
                found += 1
    return found


async def look_up_packs(engine: Engine, adapter: Adapter, listing_id: int, packs: dict[int, str],
                        retired: set[str]) -> dict[int, ItemRef]:
    """Look a listing's packs (variant id → seller SKU) up and let the binder settle the listing; returns
    the packs found. An item whose packs were regrouped (``retired``) is never taken for theirs."""
    found = {}
    for variant_id, seller_sku in packs.items():
        ref = await adapter.find_by_seller_sku(seller_sku)
        found[variant_id] = None if ref is None or ref.item_id in retired else ref
    with session_scope(engine) as session:
        binding.bind_found(session, listing_id, found, awaiting_upload=not adapter.capabilities.has_api)
    return {variant_id: ref for variant_id, ref in found.items() if ref is not None}
