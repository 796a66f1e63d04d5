"""Marketplace call budgets shared by every worker of every machine, held in PostgreSQL (issue 20 §4).

A budget is a fixed window (a second, a day) and the calls it allows in it, under a key: the partner app's
day (Lazada's 10 million calls, ``SYNDICATOR_APP_CALLS_PER_DAY``), the app's second
(``SYNDICATOR_APP_CALLS_PER_SECOND``) and the shop's second (its documented rate). Every call of a shop takes
one call from each of its budgets in one transaction, each grant one atomic ``INSERT … ON CONFLICT DO UPDATE
… WHERE used < limit RETURNING``: a refused grant takes nothing from the others. Windows follow the
database's clock, the one clock every machine shares.

A call refused waits for the window that refused it to start again (with a few milliseconds of jitter, so the
waiting workers do not all come back at once), up to ``SYNDICATOR_BUDGET_WAIT_S`` in all; beyond that it raises
:class:`BudgetSpent` with the time the budget refills, and the job is deferred to then, never failed.

On SQLite there is one process, and each shop's own rate limiter (``adapters/common/http.py``) is enough:
there is no shared budget.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from adapters import registry
from catalog.settings import settings

log = logging.getLogger("syndicator.budgets")

DAY_S = 86_400
JITTER_S = 0.025  # at most this much is added to each wait
# No call is granted in a window's last 100 ms: on its way to the marketplace (tens of milliseconds, more on a
# busy machine) it would arrive in the next window and be counted there with that window's own calls.
EDGE_S = 0.1

# One grant: the window the database's clock is in (none in its last EDGE_S), the call counted when the row is
# in that window and has calls left or is in an older one (a new window starts at one), and ``used`` NULL when
# refused. The clock's reading comes back either way, so the caller knows when the window that refused it ends.
GRANT = sa.text("""
    WITH clock AS (SELECT extract(epoch FROM clock_timestamp())::float8 AS now),
    granted AS (
        INSERT INTO api_budget (key, window_start, used)
        SELECT :key, floor(now / :window_s)::bigint * :window_s, 1 FROM clock
        WHERE now < (floor(now / :window_s) + 1) * :window_s - :edge_s
        ON CONFLICT (key) DO UPDATE SET
            window_start = GREATEST(api_budget.window_start, EXCLUDED.window_start),
            used = CASE WHEN api_budget.window_start < EXCLUDED.window_start THEN 1 ELSE api_budget.used + 1 END
        WHERE api_budget.window_start < EXCLUDED.window_start OR api_budget.used < :calls
        RETURNING used
    )
    SELECT (SELECT used FROM granted) AS used, now FROM clock
""")


@dataclass(frozen=True)
class Budget:
    """``calls`` calls in each window of ``window_s`` seconds (windows start at whole multiples of it)."""

    key: str
    calls: int
    window_s: int

    def refill_s(self, now: float) -> float:
        """Seconds from ``now`` (POSIX) until the next window starts."""
        return (math.floor(now / self.window_s) + 1) * self.window_s - now


def per_second(key: str, rate: float) -> Budget:
    """A rate as a budget: whole calls a second (rounded down, at least one), or one call every few seconds
    for a rate below one."""
    if rate >= 1:
        return Budget(key, int(rate), 1)
    return Budget(key, 1, math.ceil(1 / rate))


class BudgetSpent(Exception):
    """A call's budget stays spent longer than ``SYNDICATOR_BUDGET_WAIT_S``: the job is deferred to
    ``refill_at``, never failed. Neither a marketplace's error nor a network one, so nothing records it as a
    listing's or a shop's failure."""

    def __init__(self, key: str, refill_at: datetime):
        super().__init__(key, refill_at)
        self.key, self.refill_at = key, refill_at

    def __str__(self) -> str:
        return f"{self.key} spent until {self.refill_at.isoformat()}"


def raise_spent(results: list[object]) -> None:
    """Raise the first :class:`BudgetSpent` among the results of a ``gather(..., return_exceptions=True)``: a
    spent budget defers the job; it is not one shop's failure."""
    if spent := next((result for result in results if isinstance(result, BudgetSpent)), None):
        raise spent


@dataclass(frozen=True)
class Refused:
    budget: Budget
    now: float  # the database's clock when refused, POSIX seconds

    @property
    def wait_s(self) -> float:
        return self.budget.refill_s(self.now)

    @property
    def refill_at(self) -> datetime:
        return datetime.fromtimestamp(self.now + self.wait_s, UTC)


class SharedBudget:
    """The budgets one shop's calls take from, shared through the database with every other worker."""

    def __init__(self, engine: Engine, budgets: list[Budget], wait_s: float):
        self.engine = engine
        self.budgets = sorted(budgets, key=lambda budget: budget.key)  # one order of row locks for every caller
        self.wait_s = wait_s

    def __repr__(self) -> str:
        return f"SharedBudget({[budget.key for budget in self.budgets]!r})"

    def grant(self) -> Refused | None:
        """One call from every budget, or from none: the first budget that refused it."""
        with self.engine.connect() as connection:
            for budget in self.budgets:
                used, now = connection.execute(
                    GRANT, {"key": budget.key, "window_s": budget.window_s, "calls": budget.calls, "edge_s": EDGE_S}
                ).one()
                if used is None:
                    connection.rollback()
                    return Refused(budget, now)
            connection.commit()
        return None

    async def take(self) -> None:
        """One call from every budget, waiting for refused ones to refill; :class:`BudgetSpent` when that would
        take longer than ``wait_s`` in all."""
        waited = 0.0
        while (refused := self.grant()) is not None:
            pause = refused.wait_s + random.uniform(0, JITTER_S)
            if waited + pause > self.wait_s:
                raise BudgetSpent(refused.budget.key, refused.refill_at)
            log.debug("%s spent; waiting %.3f s", refused.budget.key, pause)
            await asyncio.sleep(pause)
            waited += pause


def shop_budgets(account_id: int, marketplace: str, app_key: str, shop_rate: float | None = None) -> list[Budget]:
    """The budgets every call of the shop takes from: its app's day and second where set, and its own second
    (``shop_rate``, the rate this run keeps to for every shop, or its marketplace's documented one)."""
    capabilities = registry.spec(marketplace).capabilities
    configured = settings()
    app = f"{marketplace}:app:{app_key}"
    budgets = [per_second(f"shop:{account_id}:second", shop_rate or capabilities.requests_per_second)]
    if calls_per_day := configured.app_calls_per_day or capabilities.app_calls_per_day:
        budgets.append(Budget(f"{app}:day", calls_per_day, DAY_S))
    if configured.app_calls_per_second:
        budgets.append(per_second(f"{app}:second", configured.app_calls_per_second))
    return budgets


def shared_budget(engine: Engine, account_id: int, marketplace: str, app_key: str,
                  shop_rate: float | None = None) -> SharedBudget | None:
    """The shop's budget shared by every worker, on PostgreSQL; None on SQLite (one process)."""
    if engine.dialect.name != "postgresql":
        return None
    return SharedBudget(engine, shop_budgets(account_id, marketplace, app_key, shop_rate), settings().budget_wait_s)
