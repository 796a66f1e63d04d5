"""Vietnamese text rules in SQL: search that ignores diacritics and Vietnamese dictionary order, on SQLite
and PostgreSQL alike (the same rules as :mod:`catalog.text`, which Python code uses)."""

from __future__ import annotations

import unicodedata
from functools import cache, lru_cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from catalog.text import fold, sort_key

VIETNAMESE_MARKS = set("\u0300\u0301\u0303\u0309\u0323\u0306\u0302\u031b")


@lru_cache(maxsize=200_000)
def sql_sort_key(text: str) -> str:
    """catalog's Vietnamese order as a string SQLite can sort by: fixed-width ranks, then the tones."""
    letters, tones = sort_key(text)
    return "".join(f"{rank + 0x110000:06x}" for rank in letters) + " " + "".join(f"{t:06x}" for t in tones)


@cache
def _fold_table() -> tuple[str, str]:
    """Every Vietnamese letter with a mark, and the bare letter it folds to (for SQL ``translate``)."""
    sources, targets = ["đĐ"], ["dd"]
    for code in range(0xC0, 0x1EFA):
        char = chr(code)
        base, *marks = unicodedata.normalize("NFD", char)
        if base in "aeiouyAEIOUY" and marks and set(marks) <= VIETNAMESE_MARKS:
            sources.append(char)
            targets.append(base.lower())
    return "".join(sources), "".join(targets)


def prepare_vietnamese(session: Session) -> None:
    """Teach SQLite the folding and Vietnamese order PostgreSQL gets from ``translate`` and ICU."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    raw = connection.connection.driver_connection
    raw.create_function("syn_fold", 1, lambda text: None if text is None else fold(text), deterministic=True)
    raw.create_function("syn_sort_key", 1, lambda text: None if text is None else sql_sort_key(text),
                        deterministic=True)


def _folded(session: Session, column: Any) -> Any:
    if session.connection().dialect.name == "sqlite":
        return sa.func.syn_fold(column)
    sources, targets = _fold_table()
    return sa.func.lower(sa.func.translate(column, sources, targets))


def vietnamese_order(session: Session, column: Any) -> Any:
    """``column`` in Vietnamese dictionary order (after :func:`prepare_vietnamese` on SQLite)."""
    dialect = session.connection().dialect.name
    if dialect == "sqlite":
        return sa.func.syn_sort_key(column)
    if dialect == "postgresql" and _has_icu_vietnamese(session):
        return column.collate("vi-x-icu")
    return column


def _has_icu_vietnamese(session: Session) -> bool:
    found = session.execute(sa.text("select 1 from pg_collation where collname = 'vi-x-icu'")).first()
    return found is not None


def text_matches(session: Session, query: str, texts: tuple[Any, ...], codes: tuple[Any, ...]) -> Any:
    """Vietnamese text columns compared folded (with or without diacritics); codes compared case-blind."""
    pattern = f"%{fold(query.strip())}%"
    return sa.or_(*(_folded(session, column).like(pattern) for column in texts),
                  *(sa.func.lower(column).like(pattern) for column in codes))
