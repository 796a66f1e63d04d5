"""One way to cut a list into runs of at most ``size``: database ``IN (...)`` lists, marketplace batches."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from typing import TypeVar

T = TypeVar("T")


def chunked(values: Iterable[T], size: int) -> Iterator[list[T]]:
    """Consecutive lists of at most ``size`` values, in order (``itertools.batched`` arrives in Python 3.12)."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    values = iter(values)
    while chunk := list(islice(values, size)):
        yield chunk
