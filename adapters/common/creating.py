"""Creating a listing without making a twin: a create is not idempotent on any marketplace, so an
answer that was lost (or a duplicate-SKU refusal) is settled by looking the seller SKU up before the
create is sent again, and binding to the item an earlier attempt made."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from adapters.common.contract import ItemRef, ItemResult
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings, MarketplaceHttp

FindBySellerSku = Callable[[str], Awaitable[ItemRef | None]]


async def bound_to_existing(seller_sku: str, find: FindBySellerSku) -> ItemResult | None:
    """The item already on the marketplace under ``seller_sku`` as a success, or ``None``."""
    found = await find(seller_sku)
    return None if found is None else ItemResult(seller_sku=seller_sku, ok=True, ref=found)


def pause(settings: HttpSettings, attempt: int, exc: MarketplaceError) -> float:
    """Exponential backoff, and at least the wait the marketplace announced (within the cap)."""
    backoff = min(settings.backoff_initial_s * 2 ** (attempt - 1), settings.backoff_max_s)
    return max(backoff, min(exc.info.retry_after_s or 0, settings.backoff_max_s))


async def create_once(
    seller_sku: str,
    send: Callable[[], Awaitable[ItemResult]],
    find: FindBySellerSku,
    http: MarketplaceHttp,
    *,
    duplicate_codes: frozenset[str] = frozenset(),
) -> ItemResult:
    """Send one unretried create until it is answered. A refusal is the SKU's failure; a duplicate-SKU
    refusal, or a lost answer, binds to the item an earlier attempt made if there is one."""
    attempts = http.settings.max_attempts
    for attempt in range(1, attempts + 1):
        try:
            return await send()
        except MarketplaceError as exc:
            if exc.info.code in duplicate_codes and (bound := await bound_to_existing(seller_sku, find)) is not None:
                return bound
            if exc.kind is ErrorKind.rejected:
                return ItemResult(seller_sku=seller_sku, ok=False, error=exc.info)
            if not exc.retryable or attempt == attempts:
                raise
            await asyncio.sleep(pause(http.settings, attempt, exc))
            if exc.kind is ErrorKind.transient:
                logging.getLogger(f"syndicator.{http.marketplace}").info(
                    "%s: create of %s got no answer (%s); looking it up before sending again",
                    http.marketplace, seller_sku, exc.info.message)
                if (bound := await bound_to_existing(seller_sku, find)) is not None:
                    return bound
    raise AssertionError("unreachable")  # pragma: no cover
