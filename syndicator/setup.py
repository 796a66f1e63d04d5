"""A shop's setup as its marketplace states it, read through the adapter and cached per shop with the time it
was read (``SetupRecord``): the category tree, the logistics channels, and each mapped leaf's attributes,
brands and limits. The mapping page, the resolver and the readiness check read the cache only, so a plan
never calls a marketplace. ``syndicator channels refresh-setup ID`` and the weekly schedule refresh it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from adapters.common.contract import Adapter
from adapters.common.errors import MarketplaceError
from adapters.common.setup import LeafSetup, LogisticsChannel, SetupCategory, ShopSetup
from catalog.db import session_scope
from catalog.models import CategoryMapping, ChannelAccount, SetupRecord, utcnow
from syndicator.channels import NETWORK, Reach, adapter_for, reads_setup

TREE = "tree"
LOGISTICS = "logistics"
LEAF = "leaf:"
log = logging.getLogger("syndicator.setup")


@dataclass
class SetupRefresh:
    """What one refresh read: the tree's nodes and leaves, the logistics channels, the leaves read in full."""

    account_id: int
    categories: int = 0
    leaves: int = 0
    logistics: int = 0
    leaves_read: int = 0


def mapped_leaves(session: Session, marketplace: str) -> set[str]:
    return set(session.execute(sa.select(CategoryMapping.leaf_id).where(CategoryMapping.marketplace == marketplace))
               .scalars())


def _store(session: Session, account_id: int, kind: str, data: object) -> None:
    record = session.get(SetupRecord, (account_id, kind))
    if record is None:
        session.add(SetupRecord(channel_account_id=account_id, kind=kind, data=data, read_at=utcnow()))
    else:
        record.data, record.read_at = data, utcnow()
        session.add(record)


async def read_leaves(adapter: Adapter, leaf_ids: Iterable[str]) -> dict[str, LeafSetup]:
    return {leaf_id: await adapter.leaf_setup(leaf_id) for leaf_id in sorted(leaf_ids)}


async def _read(adapter: Adapter, leaf_ids: set[str]) -> tuple[list[SetupCategory], list[LogisticsChannel],
                                                                dict[str, LeafSetup]]:
    async with adapter:
        tree = await adapter.category_tree()
        leaves = {node.category_id for node in tree if node.leaf}
        logistics = await adapter.logistics_channels()
        return tree, logistics, await read_leaves(adapter, leaf_ids & leaves)


async def refresh_setup_async(engine: Engine, account_id: int, leaf_ids: Iterable[str] = (), reach: Reach = NETWORK
                              ) -> SetupRefresh:
    """Read the shop's tree and logistics, and the full setup of every leaf mapped for its marketplace (and of
    ``leaf_ids``), and cache them. A marketplace error is raised; the cache keeps what it had."""
    with Session(engine) as session:
        account = session.get(ChannelAccount, account_id)
        if account is None:
            raise ValueError(f"#{account_id}")
        wanted = mapped_leaves(session, account.marketplace) | set(leaf_ids)
        adapter = adapter_for(engine, account, reach.http, reach.transport)
    tree, logistics, leaves = await _read(adapter, wanted)
    with session_scope(engine) as session:
        _store(session, account_id, TREE, [node.model_dump() for node in tree])
        _store(session, account_id, LOGISTICS, [channel.model_dump() for channel in logistics])
        for leaf_id, leaf in leaves.items():
            _store(session, account_id, LEAF + leaf_id, leaf.model_dump(mode="json"))
    return SetupRefresh(account_id, categories=len(tree), leaves=sum(node.leaf for node in tree),
                        logistics=len(logistics), leaves_read=len(leaves))


def refresh_setup(engine: Engine, account_id: int, leaf_ids: Iterable[str] = (), reach: Reach = NETWORK
                  ) -> SetupRefresh:
    return asyncio.run(refresh_setup_async(engine, account_id, leaf_ids, reach))


def setup_due(session: Session, account_ids: Iterable[int]) -> list[int]:
    """The shops, among those whose marketplace has a setup to read, whose tree was never read or that lack a
    leaf mapped for their marketplace: a sync reads theirs before planning."""
    due = []
    for account in session.execute(sa.select(ChannelAccount).where(ChannelAccount.id.in_(list(account_ids)))
                                   ).scalars():
        if not reads_setup(account):
            continue
        kinds = set(session.execute(sa.select(SetupRecord.kind).where(
            SetupRecord.channel_account_id == account.id)).scalars())
        wanted = {TREE} | {LEAF + leaf for leaf in mapped_leaves(session, account.marketplace)}
        if not wanted <= kinds:
            due.append(account.id)
    return due


async def read_due_setups(engine: Engine, account_ids: list[int], reach: Reach = NETWORK) -> dict[int, str]:
    """Read the setup of every shop :func:`setup_due` names; a shop whose marketplace fails is left with what
    it had (its new listings stay blocked, its stock still goes), and its error returned."""
    with Session(engine) as session:
        due = setup_due(session, account_ids)
    failed = {}
    for account_id in due:
        try:
            await refresh_setup_async(engine, account_id, reach=reach)
        except (MarketplaceError, httpx.HTTPError) as exc:
            failed[account_id] = str(exc)
            log.warning("setup of shop #%s not read: %s", account_id, exc)
    return failed


def read_leaf(engine: Engine, account_id: int, leaf_id: str, reach: Reach = NETWORK) -> LeafSetup:
    """One leaf's setup, read now from the shop's marketplace and cached (the Mapping page, on choosing it)."""
    with Session(engine) as session:
        adapter = adapter_for(engine, session.get(ChannelAccount, account_id), reach.http, reach.transport)

    async def read() -> LeafSetup:
        async with adapter:
            return await adapter.leaf_setup(leaf_id)

    leaf = asyncio.run(read())
    with session_scope(engine) as session:
        _store(session, account_id, LEAF + leaf_id, leaf.model_dump(mode="json"))
    return leaf


def shop_setups(session: Session, account_ids: Iterable[int]) -> dict[int, ShopSetup]:
    """Each shop's cached setup (an empty one, never read, for a shop with no record)."""
    ids = list(account_ids)
    setups = {account_id: ShopSetup() for account_id in ids}
    records = session.execute(sa.select(SetupRecord).where(SetupRecord.channel_account_id.in_(ids))).scalars()
    for record in records:
        setup = setups[record.channel_account_id]
        if record.kind == TREE:
            setup.categories = [SetupCategory.model_validate(node) for node in record.data]
            setup.read_at = record.read_at
        elif record.kind == LOGISTICS:
            setup.logistics = [LogisticsChannel.model_validate(channel) for channel in record.data]
        elif record.kind.startswith(LEAF):
            setup.leaves[record.kind.removeprefix(LEAF)] = LeafSetup.model_validate(record.data)
    return setups


def marketplace_setup(session: Session, marketplace: str) -> tuple[int | None, ShopSetup]:
    """The most recently read setup among the marketplace's shops (the tree is the marketplace's, the same for
    every shop), with the shop it came from; ``(None, empty)`` when no shop's was read."""
    newest = session.execute(
        sa.select(SetupRecord.channel_account_id)
        .join(ChannelAccount, ChannelAccount.id == SetupRecord.channel_account_id)
        .where(ChannelAccount.marketplace == marketplace, SetupRecord.kind == TREE)
        .order_by(SetupRecord.read_at.desc()).limit(1)
    ).scalar()
    if newest is None:
        return None, ShopSetup()
    return newest, shop_setups(session, [newest])[newest]
