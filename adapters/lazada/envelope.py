"""Lazada's answer envelope and error codes (reference lazada.md §3).

Every answer is JSON with a string ``code``: ``"0"`` is success; anything else is an error inside
HTTP 200, optionally with a ``detail`` list naming the failing field or SKU. Non-200 or non-JSON
replies are transport failures.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError

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
PARTIAL_FAILURE_CODES = frozenset({"500", "501"})
ALREADY_INACTIVE_MARK = "E0004"

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


def error_from(body: dict[str, Any]) -> LazadaError:
    code = str(body.get("code", ""))
    message = str(body.get("message", ""))
    detail = [entry for entry in body.get("detail") or [] if isinstance(entry, dict)]
    retry_after = None
    if code in RATE_LIMIT_CODES:
        ban = _BAN_SECONDS.search(message)
        retry_after = float(ban.group(1)) if ban else 1.0
    info = ErrorInfo(
        kind=kind_of(code),
        marketplace=MARKETPLACE,
        code=code,
        message=message,
        field=str(detail[0].get("field")) if detail and detail[0].get("field") else None,
        request_id=body.get("request_id"),
        retry_after_s=retry_after,
    )
    return LazadaError(info, detail)


def transport_failure(message: str) -> MarketplaceError:
    return MarketplaceError(ErrorInfo(kind=ErrorKind.transient, marketplace=MARKETPLACE, message=message))


def interpret(response: httpx.Response) -> dict[str, Any]:
    """The body of a successful answer; raises the classified error otherwise."""
    if response.status_code != 200:
        raise transport_failure(f"HTTP {response.status_code}")
    try:
        body = response.json()
    except ValueError:
        raise transport_failure("answer is not JSON") from None
    if not isinstance(body, dict):
        raise transport_failure("answer is not a JSON object")
    if str(body.get("code")) != SUCCESS:
        raise error_from(body)
    return body
