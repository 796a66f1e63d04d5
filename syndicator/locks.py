"""One sync of a shop at a time, across processes and machines sharing the database.

On PostgreSQL a session advisory lock; on SQLite (one machine by nature) an exclusive ``flock`` on a
file beside the database. Locks are only ever tried, never waited for: a busy shop is skipped.
"""

from __future__ import annotations

import fcntl
import hashlib
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.db import data_dir, private_folder


def shop_unit(account_id: int) -> str:
    return f"shop:{account_id}"


def _lock_key(unit: str) -> int:
    return int.from_bytes(hashlib.sha256(unit.encode()).digest()[:8], "big", signed=True)


@contextmanager
def shop_locks(engine: Engine, units: list[str]) -> Iterator[set[str]]:
    """Try to take the lock of each unit of sync work; yields the units taken (never waits).

    On PostgreSQL one connection holds every lock of the run, so a run over many shops needs one
    connection, not one per shop."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            taken = {unit for unit in units
                     if connection.execute(sa.select(sa.func.pg_try_advisory_lock(_lock_key(unit)))).scalar()}
            connection.commit()
            try:
                yield taken
            finally:
                for unit in taken:
                    connection.execute(sa.select(sa.func.pg_advisory_unlock(_lock_key(unit))))
                connection.commit()
        return
    with ExitStack() as files:
        yield {unit for unit in units if files.enter_context(_file_lock(engine, unit))}


@contextmanager
def _file_lock(engine: Engine, unit: str) -> Iterator[bool]:
    folder = Path(engine.url.database).parent if engine.url.database else data_dir()
    path = folder / "locks" / f"{hashlib.sha256(unit.encode()).hexdigest()[:16]}.lock"
    private_folder(path.parent)
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def shop_lock(engine: Engine, unit: str) -> Iterator[bool]:
    """One unit's lock; yields whether it was taken."""
    with shop_locks(engine, [unit]) as taken:
        yield unit in taken
