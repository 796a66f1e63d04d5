"""Marketplace answers are checked before anything in them is believed.

Each client reads an answer through a pydantic model of just the fields it uses, built from the
bounded types below: an id is a short string of letters and digits, a count or an amount of money is
in range. An answer that does not fit is a ``transient`` error for that one call (a broken or hostile
server may answer properly next time); nothing from it is ever stored.
"""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

import httpx
from pydantic import AfterValidator, BaseModel, BeforeValidator, Field, StringConstraints, ValidationError

from adapters.common.errors import ErrorKind, MarketplaceError, local_error

MAX_ID_LENGTH = 64
MAX_COUNT = 10_000_000  # units of stock, items on a page, a shop's orders in one answer
MAX_MONEY = 100_000_000_000  # đồng: ten times the most any order of farm produce could cost


def _id_text(value: Any) -> Any:
    """Marketplaces send ids as JSON numbers or strings; we keep them as strings."""
    if isinstance(value, bool):
        return value  # refused below: True is not an id
    if isinstance(value, int):
        return str(value) if -1 < value < 10**MAX_ID_LENGTH else "x" * (MAX_ID_LENGTH + 1)
    return value


def _digits(value: str) -> str:
    if not value.isdigit():
        raise ValueError("an id of digits only")
    return value


ExternalId = Annotated[
    str,
    BeforeValidator(_id_text),
    StringConstraints(pattern=rf"^[A-Za-z0-9_.:-]{{1,{MAX_ID_LENGTH}}}$"),
]
NumericId = Annotated[ExternalId, AfterValidator(_digits)]  # an id the marketplace takes back as a number
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Money = Annotated[int, Field(ge=0, le=MAX_MONEY)]
ShortText = Annotated[str, StringConstraints(max_length=2000)]

M = TypeVar("M", bound=BaseModel)


def malformed_answer(marketplace: str, what: str, detail: str) -> MarketplaceError:
    return MarketplaceError(local_error(
        marketplace, "malformed_answer", f"{what}: {detail}"[:300], kind=ErrorKind.transient
    ))


def parse_answer(model: type[M], data: Any, marketplace: str, what: str) -> M:
    """``data`` read as ``model``, or a ``malformed_answer`` error naming the first field that failed."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "answer"
        raise malformed_answer(marketplace, what, f"{where}: {first['msg']}") from None


def json_body(response: httpx.Response) -> Any:
    """The decoded body, or ``None`` when it is not JSON (a 5-million-digit number or nesting deep enough
    to exhaust the stack included: Python's json raises ValueError and RecursionError on those)."""
    try:
        return response.json()
    except (ValueError, RecursionError):
        return None
