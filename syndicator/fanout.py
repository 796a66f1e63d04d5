"""Event-driven stock fan-out: a push in the inbox becomes the new stock on every other shop within seconds.

Each pass (:meth:`FanOut.work_once`):
1. **Inbox.** The unworked pushes (``PushMessage.processed_at`` unset), by shop, each shop under its lock (tried,
   never waited for: a busy shop is tried again next pass). An ``order`` push pulls that shop's orders since
   its watermark (``syndicator/orders.py``), which writes the ledger once (a replayed order writes nothing);
   a ``reserved_stock`` or ``promotion`` push reads that shop's items back (``syndicator/reconcile.py``) and
   has the shop's stock planned again. A push is then marked worked, or its attempt and error kept, and tried
   again after a backoff.
2. **Movements.** Every ledger movement written since the last pass (orders pulled here or by a scheduled
   pass, a clerk's receipt or count) names a SKU whose stock changed.
3. **Stock.** The plan of only those SKUs (``syndicator/plan.py:build_plan`` with ``sku_ids``), only its
   ``update_stock`` actions, applied through ``syndicator/apply.py:apply_plan`` under the target shops' locks,
   in one run row (trigger ``push``): batched and within each shop's rate limit as any sync. A SKU moved only
   by one shop's own orders is not pushed back to that shop (the marketplace already counted its sale, and a
   push could overwrite a sale there not pulled yet). Shops without API access wait for the scheduled pass.

A push wakes the fan-out, which first collects for ``SYNDICATOR_PUSH_DEBOUNCE_MS``, so a burst of sales of
one SKU becomes one pull per shop and one stock push per other shop. Pushes a marketplace could not deliver
and kept (Shopee's lost push messages) are fetched into the inbox on start and every
``SYNDICATOR_LOST_PUSH_MINUTES``. Movements written while ``serve`` was not running, and pushes lost for good,
are the scheduled pass's (the safety net).

It runs inside ``syndicator serve`` on a thread of its own: on SQLite the service is one machine by nature.
With PostgreSQL it moves onto the job queue of issue 20 when that lands, and runs inside ``serve`` until then.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import socket
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.common.errors import MarketplaceError
from catalog.db import session_scope
from catalog.models import ChannelAccount, ListingVariant, PushMessage, StockMovement, SyncRun, utcnow
from catalog.settings import settings
from catalog.stock import source_order
from syndicator.actions import Action, ActionKind
from syndicator.apply import AccountReport, apply_plan
from syndicator.channels import NETWORK, Reach, adapter_for
from syndicator.engine import SyncReport
from syndicator.locks import shop_locks, shop_unit
from syndicator.orders import OrdersReport, pull_orders_async
from syndicator.plan import AccountScope, Plan, account_scopes, build_plan
from syndicator.push import pushing_apps, store_notice
from syndicator.reconcile import reconcile

log = logging.getLogger("syndicator.fanout")
TICK_S = 1.0  # how often the inbox and the ledger are looked at without a push to wake it
RETRY_MAX = timedelta(minutes=5)
STOCK_RETRY_MAX = timedelta(seconds=15)
RESTOCK_KINDS = ("reserved_stock", "promotion")
LOST_PAGES = 50  # pages of lost pushes read in one fetch (Shopee's are 100 each); the rest wait for the next
ANY_SHOP = 0  # a movement no shop's order made (a receipt, a count): pushed to every shop


class FanOut:
    """The fan-out of one ``serve`` process: :meth:`start` its thread, :meth:`wake` it for each push stored,
    :meth:`stop` it. :meth:`work_once` and :meth:`fetch_lost` are one pass each, for the thread and tests."""

    def __init__(self, engine: Engine, reach: Reach = NETWORK, hand_over: Callable[[Engine], object] | None = None):
        self.engine = engine
        self.reach = reach
        # on PostgreSQL, ``syndicator/tasks.py:defer_inbox``: the job queue works the inbox, and the stock its
        # orders moved; this thread then pushes only the stock others moved (receipts, counts)
        self.hand_over = hand_over
        self._woken = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_movement = _last_movement_id(engine)
        self._pending: dict[int, set[int]] = {}  # SKU id → the shops whose orders moved it (ANY_SHOP: another cause)
        self._restock: set[int] = set()  # shops whose whole stock is to be planned again (reservations changed)
        self._row_due: dict[int, float] = {}  # a push whose work failed: monotonic time of its next attempt
        self._failures = 0  # stock passes failed in a row
        self._stock_due = 0.0  # monotonic time before which a failed stock pass is not tried again

    # --- the thread -------------------------------------------------------------------------------------
    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="stock-fan-out", daemon=True)
        self._thread.start()

    def wake(self) -> None:
        self._woken.set()

    def stop(self) -> None:
        self._stopping.set()
        self._woken.set()
        if self._thread is not None:
            self._thread.join(timeout=30)

    def _run(self) -> None:
        lost_every = settings().lost_push_minutes * 60
        next_lost = time.monotonic()
        while not self._stopping.is_set():
            if time.monotonic() >= next_lost:
                self._guarded(self.fetch_lost)
                next_lost = time.monotonic() + lost_every
            debounce = timedelta(milliseconds=settings().push_debounce_ms)
            woken = self._woken.wait(TICK_S)
            if woken:
                self._stopping.wait(debounce.total_seconds())  # let a burst of pushes gather
            self._woken.clear()
            if not self._stopping.is_set():
                # a pass not woken leaves the pushes still gathering to the pass their arrival woke
                self._guarded(self.work_once, timedelta(0) if woken else debounce)

    @staticmethod
    def _guarded(work: Callable[..., object], *args: object) -> None:
        try:
            work(*args)
        except Exception:  # the service keeps receiving; the next pass tries again
            log.exception("stock fan-out pass failed")

    # --- one pass ---------------------------------------------------------------------------------------
    def work_once(self, settled: timedelta = timedelta(0)) -> None:
        """Work the inbox (the pushes received at least ``settled`` ago), gather the SKUs whose stock moved, and
        push their stock to the other shops."""
        if self.hand_over is None:
            self._work_inbox(utcnow() - settled)
        else:
            self.hand_over(self.engine)
        self._gather_movements()
        if (self._pending or self._restock) and time.monotonic() >= self._stock_due:
            self._push_stock()

    def _work_inbox(self, received_by: datetime) -> None:
        with Session(self.engine) as session:
            rows = session.exec(select(PushMessage).where(PushMessage.processed_at.is_(None),
                                                          PushMessage.received_at <= received_by)
                                .order_by(PushMessage.id)).all()
        now = time.monotonic()
        by_shop: dict[int, list[PushMessage]] = defaultdict(list)
        for row in rows:
            if self._row_due.get(row.id, 0.0) <= now:
                by_shop[row.channel_account_id].append(row)
        if not by_shop:
            return
        scopes = {scope.id: scope for scope in account_scopes(self.engine) if scope.id in by_shop}
        mark_worked(self.engine, [row.id for shop, rows in by_shop.items() if shop not in scopes for row in rows])
        with shop_locks(self.engine, [shop_unit(shop) for shop in scopes]) as taken:
            work = [(scopes[shop], by_shop[shop]) for shop in scopes if shop_unit(shop) in taken]
            outcomes = asyncio.run(self._work_shops(work))
        for (scope, rows), error in zip(work, outcomes, strict=True):
            if error is None:
                mark_worked(self.engine, [row.id for row in rows])
                for row in rows:
                    self._row_due.pop(row.id, None)
                if any(row.kind in RESTOCK_KINDS for row in rows):
                    self._restock.add(scope.id)
            else:
                log.warning("pushes of shop #%s not worked: %s", scope.id, error)
                mark_failed(self.engine, [row.id for row in rows], error)
                self._row_due |= {row.id: now + _backoff(row.attempts + 1).total_seconds() for row in rows}

    async def _work_shops(self, work: list[tuple[AccountScope, list[PushMessage]]]) -> list[str | None]:
        return list(await asyncio.gather(*(self._work_shop(scope, rows) for scope, rows in work)))

    async def _work_shop(self, scope: AccountScope, rows: list[PushMessage]) -> str | None:
        """One shop's pushes: its orders pulled once for any number of order pushes, its items read back once
        for any number of reservation changes. Why it failed, or None."""
        if any(row.kind == "order" for row in rows):
            pulled = (await pull_orders_async(self.engine, [scope], self.reach)).shops[0]
            if pulled.error:
                return pulled.error
        if any(row.kind in RESTOCK_KINDS for row in rows):
            unreadable = await reconcile(self.engine, [scope], self.reach)
            if unreadable:
                return unreadable[scope.id]
        return None

    def _gather_movements(self) -> None:
        with Session(self.engine) as session:
            moved = session.execute(sa.select(StockMovement.id, StockMovement.sku_id, StockMovement.source)
                                    .where(StockMovement.id > self._last_movement).order_by(StockMovement.id)).all()
        for movement_id, sku_id, source in moved:
            order = source_order(source)
            self._last_movement = movement_id
            if order and self.hand_over is not None:
                continue  # the queue's job that pulled the order pushes its stock
            self._pending.setdefault(sku_id, set()).add(order[0] if order else ANY_SHOP)

    def _push_stock(self) -> None:
        actions = self._stock_actions(self._pending, self._restock)
        shops = {action.account_id for action in actions}
        with shop_locks(self.engine, [shop_unit(shop) for shop in shops]) as taken:
            ready = [action for action in actions if shop_unit(action.account_id) in taken]
            reports = self._apply(ready) if ready else []
        # the plan is made from state: a later pass sends only what still differs
        if not all(report.succeeded for report in reports):
            self._failures += 1
            self._stock_due = time.monotonic() + _stock_backoff(self._failures).total_seconds()
            return
        self._failures = 0
        if len(ready) < len(actions):
            return  # a shop busy with another run: tried again next pass
        self._pending.clear()
        self._restock.clear()

    def _stock_actions(self, pending: dict[int, set[int]], restock: set[int]) -> list[Action]:
        """The ``update_stock`` actions of the moved SKUs on the API shops (not back to a shop whose own orders
        alone moved a SKU), and of every SKU on the shops to restock."""
        targets = _api_shops(self.engine)
        actions: dict[int, Action] = {}
        if pending:
            planned = [a for a in build_plan(self.engine, sku_ids=set(pending)).actions
                       if a.kind is ActionKind.update_stock and a.account_id in targets]
            sku_of = _sku_ids(self.engine, [a.variant_id for a in planned])
            actions |= {a.variant_id: a for a in planned if pending[sku_of[a.variant_id]] != {a.account_id}}
        if restock & targets:
            actions |= {a.variant_id: a for a in build_plan(self.engine, account_ids=sorted(restock & targets)).actions
                        if a.kind is ActionKind.update_stock}
        return list(actions.values())

    def _apply(self, actions: list[Action]) -> list[AccountReport]:
        return apply_stock(self.engine, actions, self.reach)

    # --- lost pushes ------------------------------------------------------------------------------------
    def fetch_lost(self) -> int:
        """Fetch the pushes each pushing marketplace kept undelivered into the inbox (each once), and confirm
        them consumed there; wakes the fan-out for those new. How many were new."""
        new = sum(asyncio.run(self._fetch_all()))
        if new:
            self.wake()
        return new

    async def _fetch_all(self) -> list[int]:
        return list(await asyncio.gather(*(self._fetch(app.account_id) for app in pushing_apps(self.engine))))

    async def _fetch(self, account_id: int) -> int:
        with Session(self.engine) as session:
            account = session.get(ChannelAccount, account_id)
            ours = dict(session.execute(sa.select(ChannelAccount.shop_id, ChannelAccount.id).where(
                ChannelAccount.marketplace == account.marketplace, ChannelAccount.base_url == account.base_url,
                ChannelAccount.credentials_encrypted.is_not(None))).all())
        new = 0
        try:
            async with adapter_for(self.engine, account, self.reach.http, self.reach.transport) as adapter:
                for _ in range(LOST_PAGES):
                    if not (notices := await adapter.lost_pushes()):
                        break
                    # a lost push comes back read, not as the bytes once pushed: its notice stands for its body
                    new += sum(store_notice(self.engine, account.marketplace, ours[notice.shop_ref], notice,
                                            notice.model_dump_json())
                               for notice in notices if notice.shop_ref in ours)
                    await adapter.confirm_lost_pushes(notices)  # only once they are in the inbox
        except (MarketplaceError, httpx.HTTPError) as exc:
            log.warning("lost pushes of %s not fetched: %s", account.marketplace, exc)
        return new


def apply_stock(engine: Engine, actions: list[Action], reach: Reach = NETWORK) -> list[AccountReport]:
    """Send stock actions, batched and within each shop's rate limit, in one run row (trigger ``push``); the
    caller holds the shops' locks."""
    shops = sorted({action.account_id for action in actions})
    plan = Plan(accounts=[scope for scope in account_scopes(engine) if scope.id in shops], actions=actions)
    run_id = _start_run(engine, shops)
    reports = asyncio.run(apply_plan(engine, plan, run_id, reach=reach))
    _finish_run(engine, SyncReport(run_id, OrdersReport(), plan, reports))
    return reports


def _backoff(failures: int) -> timedelta:
    return min(RETRY_MAX, timedelta(seconds=2 ** min(failures, 10)))


def _stock_backoff(failures: int) -> timedelta:
    """How long a stock pass that failed waits: short, since the plan sends again only what still differs and
    a stale stock is what oversells; longer while a marketplace keeps failing, to spare its rate limit."""
    return min(STOCK_RETRY_MAX, timedelta(seconds=0.5 * 2 ** min(failures - 1, 10)))


def _last_movement_id(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(sa.select(sa.func.max(StockMovement.id))) or 0


def _api_shops(engine: Engine) -> set[int]:
    with Session(engine) as session:
        return set(session.scalars(sa.select(ChannelAccount.id).where(
            ChannelAccount.enabled == sa.true(), ChannelAccount.credentials_encrypted.is_not(None))))


def _sku_ids(engine: Engine, variant_ids: list[int]) -> dict[int, int]:
    with Session(engine) as session:
        return dict(session.execute(sa.select(ListingVariant.id, ListingVariant.sku_id)
                                    .where(ListingVariant.id.in_(variant_ids))).all())


def mark_worked(engine: Engine, ids: list[int]) -> None:
    if ids:
        with session_scope(engine) as session:
            session.execute(sa.update(PushMessage).where(PushMessage.id.in_(ids)).values(
                processed_at=utcnow(), attempts=PushMessage.attempts + 1, last_error=None))


def mark_failed(engine: Engine, ids: list[int], error: str) -> None:
    with session_scope(engine) as session:
        session.execute(sa.update(PushMessage).where(PushMessage.id.in_(ids)).values(
            attempts=PushMessage.attempts + 1, last_error=error[:2000]))


def _start_run(engine: Engine, shops: list[int]) -> int:
    with session_scope(engine) as session:
        run = SyncRun(trigger="push", scope={"shops": shops}, host=socket.gethostname(), pid=os.getpid())
        session.add(run)
        session.flush()
        return run.id


def _finish_run(engine: Engine, report: SyncReport) -> None:
    with session_scope(engine) as session:
        run = session.get(SyncRun, report.run_id)
        run.status, run.finished_at = report.status, utcnow()
        run.summary = json.loads(json.dumps(report.summary(), default=str))
        session.add(run)
