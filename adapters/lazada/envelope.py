"""Lazada's answer envelope and error codes (reference lazada.md §3).

Every answer is JSON with a string ``code``: ``"0"`` is success; anything else is an error inside
HTTP 200, optionally with a ``detail`` list naming the failing field or SKU. Non-200 replies are
transport failures; a 200 whose body is not JSON, has no ``code``, or does not fit the model of the
fields the client uses is a ``malformed_answer``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

import httpx
from pydantic import BaseModel, BeforeValidator, Field

from adapters.common.answers import ShortText, json_body, malformed_answer, parse_answer
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.readiness import Reason
from catalog.i18n import t

M = TypeVar("M", bound=BaseModel)

MARKETPLACE = "lazada"
SUCCESS = "0"

ILLEGAL_ACCESS_TOKEN = "IllegalAccessToken"
ILLEGAL_REFRESH_TOKEN = "IllegalRefreshToken"
INVALID_CODE = "InvalidCode"
INCOMPLETE_SIGNATURE = "IncompleteSignature"
MISSING_PARAMETER = "MissingParameter"
APP_KEY_INVALID = "APP_KEY_INVALID"
API_CALL_LIMIT = "ApiCallLimit"
INTERNAL_ERROR = "6"

RATE_LIMIT_CODES = frozenset({API_CALL_LIMIT, "901", "IopSystemFlowlimit", "ServiceCurrentlimit"})
TRANSIENT_CODES = frozenset({"ServiceTimeout", INTERNAL_ERROR, "1000", "513", "998"})
# a refused access token, or a refused refresh token (invalid or expired: the shop must authorise us again)
AUTH_EXPIRED_CODES = frozenset({ILLEGAL_ACCESS_TOKEN, ILLEGAL_REFRESH_TOKEN})
# more SKUs in one call than Lazada takes now: send smaller batches
BATCH_TOO_LARGE_CODES = frozenset({"4171", "204", "513", "ServiceTimeout"})
DUPLICATE_SELLER_SKU_CODES = frozenset({"4105", "4126", "4141"})
ITEM_GONE_CODES = frozenset({"208"})  # E208 "Item … not found": a product already removed
CAMPAIGN_LOCKS_STOCK = "4170"  # a campaign blocks decreasing stock (§3.3): rejected, its SKUs named in detail
PARTIAL_FAILURE_CODES = frozenset({"500", "501", CAMPAIGN_LOCKS_STOCK})
ALREADY_INACTIVE_MARK = "E0004"

# What a refusal amounts to for a clerk (the readiness reasons), by code and, where one code covers several
# things, by the field its ``detail`` names: (code, field) first, then (code, None). Reference lazada.md §3.3
# and the API-P error tables.
REASONS: dict[tuple[str, str | None], Reason] = {
    ("4139", None): Reason.no_photo,  # main image required
    ("301", None): Reason.photo_too_small,  # not JPG/PNG of 330-5000 px a side (our photos are JPEG or PNG)
    ("303", None): Reason.photo_too_large,
    ("4108", None): Reason.attribute_missing,  # a basic attribute
    ("4108", "brand"): Reason.brand_missing,
    ("4108", "brand_id"): Reason.brand_missing,
    ("4110", None): Reason.attribute_missing,  # a category attribute
    ("4125", None): Reason.attribute_missing,
    ("4167", None): Reason.attribute_missing,
    ("4107", None): Reason.attribute_invalid,
    ("4115", None): Reason.attribute_invalid,
    ("4120", None): Reason.attribute_invalid,
    ("4140", None): Reason.attribute_invalid,
    ("201", None): Reason.unknown_category,
    ("4134", None): Reason.unknown_category,  # not a leaf
    ("4227", None): Reason.unknown_category,  # no such category
    ("4228", None): Reason.unknown_category,  # inactive
    ("4130", None): Reason.brand_missing,  # brand not authorised (LazMall)
    ("4142", None): Reason.brand_missing,  # brand invalid in the category
    ("4156", None): Reason.brand_missing,  # No Brand refused to a LazMall shop
    ("4160", None): Reason.name_too_long,  # more than 255 bytes
    ("4149", None): Reason.weight_missing,
    ("4149", "package_length"): Reason.dimensions_missing,
    ("4149", "package_width"): Reason.dimensions_missing,
    ("4149", "package_height"): Reason.dimensions_missing,
}

_BAN_SECONDS = re.compile(r"last (\d+(?:\.\d+)?) seconds?")


class LazadaError(MarketplaceError):
    """A Lazada error answer; ``detail`` is its per-field or per-SKU list, when it has one."""

    def __init__(self, info: ErrorInfo, detail: list[dict[str, Any]] | None = None):
        super().__init__(info)
        self.detail = detail or []


def kind_of(code: str) -> ErrorKind:
    if code in RATE_LIMIT_CODES:
        return ErrorKind.rate_limited
    if code in TRANSIENT_CODES:
        return ErrorKind.transient
    if code in AUTH_EXPIRED_CODES:
        return ErrorKind.auth_expired
    return ErrorKind.rejected


def _code_text(value: Any) -> Any:
    """Codes are strings (``"0"``, ``"IllegalAccessToken"``); a bare number is taken as its digits."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Envelope(BaseModel):
    code: Annotated[str, BeforeValidator(_code_text), Field(min_length=1, max_length=64)]
    message: ShortText = ""
    request_id: ShortText | None = None
    detail: Annotated[list[Any], Field(max_length=500)] = []


def reason_of(code: str, field: str | None) -> str | None:
    """The readiness reason a refusal amounts to, where it amounts to one."""
    reason = REASONS.get((code, field)) or REASONS.get((code, None))
    return reason.value if reason else None


def explained(code: str, message: str) -> str:
    """A refusal's message, led by the catalogue's words where the code says what went wrong for a clerk."""
    return f"{t('stock_campaign_locked')} ({message})" if code == CAMPAIGN_LOCKS_STOCK else message


def error_from(envelope: Envelope) -> LazadaError:
    code, message = envelope.code, explained(envelope.code, envelope.message)
    detail = [entry for entry in envelope.detail if isinstance(entry, dict)]
    retry_after = None
    if code in RATE_LIMIT_CODES:
        ban = _BAN_SECONDS.search(message)
        retry_after = float(ban.group(1)) if ban else 1.0
    field = str(detail[0].get("field"))[:200] if detail and detail[0].get("field") else None
    info = ErrorInfo(
        kind=kind_of(code),
        marketplace=MARKETPLACE,
        code=code,
        message=message,
        field=field,
        request_id=envelope.request_id,
        retry_after_s=retry_after,
        reason=reason_of(code, field),
    )
    return LazadaError(info, detail)


def transport_failure(message: str) -> MarketplaceError:
    return MarketplaceError(ErrorInfo(kind=ErrorKind.transient, marketplace=MARKETPLACE, message=message))


def interpret(response: httpx.Response, what: str) -> dict[str, Any]:
    """The body of a successful answer; raises the classified error otherwise."""
    if response.status_code != 200:
        raise transport_failure(f"HTTP {response.status_code}")
    body = json_body(response)
    if not isinstance(body, dict):
        raise malformed_answer(MARKETPLACE, what, "answer is not a JSON object")
    envelope = parse_answer(Envelope, body, MARKETPLACE, what)
    if envelope.code != SUCCESS:
        raise error_from(envelope)
    return body


def answer_of(model: type[M], what: str, response: httpx.Response) -> M:
    """A successful answer read as ``model``."""
    return parse_answer(model, interpret(response, what), MARKETPLACE, what)
