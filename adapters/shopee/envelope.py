"""Shopee's answer envelope and error codes (reference shopee.md §5).

Every answer carries ``error`` (empty on success), ``message`` and ``request_id``; shop calls put their
data under ``response``, the token calls flat at the top level. Codes come bare (``error_auth``) or with
a module prefix (``product.error_param``), so they are matched on their last part. HTTP status codes are
not documented: the body decides, except that 5xx or a body that is not JSON is transient and a 429 is
a rate-limit answer. A body that is JSON but not Shopee's envelope, or a shop call's ``response`` that
does not fit the model of the fields the client uses, is a ``malformed_answer``.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from adapters.common.answers import ShortText, json_body, malformed_answer, parse_answer
from adapters.common.errors import ErrorInfo, ErrorKind, MarketplaceError
from adapters.common.readiness import Reason
from catalog.i18n import t

M = TypeVar("M", bound=BaseModel)

MARKETPLACE = "shopee"

ERROR_SIGN = "error_sign"
ERROR_PARAM = "error_param"
ERROR_AUTH = "error_auth"
INVALID_ACCESS_TOKEN = "invalid_acceess_token"  # sic, as Shopee spells it
ERROR_RATE_LIMIT = "error_rate_limit"
ERROR_SERVER = "error_server"
INVALID_CODE = "invalid_code"
ERROR_REFRESH_TOKEN = "error_shop_refresh_token"
ITEM_NOT_FOUND = "error_item_not_found"
PROMOTION_LOCKS_STOCK = "error_promotion_cantnot_update_stock"  # stock below what a promotion holds (§3.2)

RATE_LIMIT_CODES = frozenset({ERROR_RATE_LIMIT, "error_limit"})
TRANSIENT_CODES = frozenset({"error_system_busy", "error_inner", ERROR_SERVER, "error_network"})
# a refused access token, or a refused refresh token (single use: spent, the shop must authorise us again)
AUTH_EXPIRED_CODES = frozenset({INVALID_ACCESS_TOKEN, "invalid_access_token", ERROR_REFRESH_TOKEN,
                                "refresh_token_expired"})

# the field each business code is about, where the code itself says so (§3.1)
CODE_FIELDS = {
    "error_name_length_limit": "item_name",
    "error_title_exceeds_max_length": "item_name",
    "error_item_name_is_too_short": "item_name",
    "error_desc_length_min_limit": "description",
    "error_desc_hash_tag_over_limit": "description",
    "error_image_num_min": "image",
    "error_price_exceed_min_limitt": "original_price",
    "error_price_exceed_max_limitt": "original_price",
    "error_invalid_category": "category_id",
    "error_less_required_attribute": "attribute_list",
    "error_invalid_attribute_value": "attribute_list",
    "error_invalid_category_attribute": "attribute_list",
    "error_invalid_brand": "brand",
    "error_less_required_brand": "brand",
    "error_invalid_logistic_info": "logistic_info",
    "error_repeated_mtsku": "item_sku",
    ITEM_NOT_FOUND: "item_id",
    PROMOTION_LOCKS_STOCK: "seller_stock",
}
# What a refusal amounts to, as the readiness check would have said it (adapters/common/readiness.py): by code
# (``None``: whatever the field), or for the generic ``error_param`` by the field its message names. Codes from
# Shopee's add_item/update_item records (the reference's source S1), the misspelt ones included; the records
# name no code of their own for weight, package dimensions or GTIN, which come as ``error_param``.
REFUSAL_REASONS: dict[tuple[str, str | None], Reason] = {
    ("error_image_num_min", None): Reason.no_photo,
    ("error_less_required_attribute", None): Reason.attribute_missing,
    ("error_invalid_attribute", None): Reason.attribute_missing,  # "Mandatory attribute information required"
    ("error_invalid_attribute_value", None): Reason.attribute_invalid,
    ("error_invalid_category_attribute", None): Reason.attribute_invalid,
    ("error_wrong_attrsnapshot", None): Reason.attribute_invalid,
    ("error_invalid_category", None): Reason.unknown_category,
    ("error_incalid_category", None): Reason.unknown_category,
    ("error_forbidden_category", None): Reason.unknown_category,
    ("error_category_is_block", None): Reason.unknown_category,
    ("error_invalid_brand", None): Reason.brand_missing,
    ("error_incalid_brand", None): Reason.brand_missing,
    ("error_less_required_brand", None): Reason.brand_missing,
    ("error_invalid_logistic_info", None): Reason.no_logistics,
    ("error_item_name_is_too_short", None): Reason.name_too_short,
    ("error_item_name_empty", None): Reason.name_too_short,
    ("error_nil_name_new_item", None): Reason.name_too_short,
    ("error_name_length_limit", None): Reason.name_too_long,
    ("error_title_exceeds_max_length", None): Reason.name_too_long,
    ("error_desc_length_min_limit", None): Reason.description_too_short,
    (ERROR_PARAM, "image"): Reason.no_photo,
    (ERROR_PARAM, "weight"): Reason.weight_missing,
    (ERROR_PARAM, "dimension"): Reason.dimensions_missing,
    (ERROR_PARAM, "gtin_code"): Reason.gtin_missing,
    (ERROR_PARAM, "logistic_info"): Reason.no_logistics,
    (ERROR_PARAM, "category_id"): Reason.unmapped_category,
}
# "Wrong parameters, detail: item_name is required." and the like name the field first
_DETAIL_FIELD = re.compile(r"detail: ?([a-z_][a-z_.\[\]0-9]*)")


def short_code(code: str) -> str:
    """``product.error_param`` → ``error_param``."""
    return code.rsplit(".", 1)[-1]


def kind_of(code: str, message: str) -> ErrorKind:
    bare = short_code(code)
    if bare in RATE_LIMIT_CODES:
        return ErrorKind.rate_limited
    if bare in TRANSIENT_CODES:
        return ErrorKind.transient
    if bare in AUTH_EXPIRED_CODES or (bare == ERROR_AUTH and "access_token" in message.lower()):
        return ErrorKind.auth_expired
    return ErrorKind.rejected


def field_of(code: str, message: str) -> str | None:
    if (named := CODE_FIELDS.get(short_code(code))) is not None:
        return named
    found = _DETAIL_FIELD.search(message)
    return found.group(1) if found else None


def reason_of(code: str, field: str | None) -> Reason | None:
    bare = short_code(code)
    named = (field or "").split(".", 1)[0] or None
    return REFUSAL_REASONS.get((bare, None)) or REFUSAL_REASONS.get((bare, named))


def error_info(code: str, message: str, request_id: str | None = None) -> ErrorInfo:
    """A refused promotion stock (rejected: the plan reads the reservation back and never sends less) says so in
    the catalogue's words before Shopee's own."""
    if short_code(code) == PROMOTION_LOCKS_STOCK:
        message = f"{t('stock_campaign_locked')} ({message})"
    field = field_of(code, message)
    reason = reason_of(code, field)
    return ErrorInfo(
        kind=kind_of(code, message),
        marketplace=MARKETPLACE,
        code=code,
        message=message,
        field=field,
        request_id=request_id,
        retry_after_s=1.0 if short_code(code) == ERROR_RATE_LIMIT else None,
        reason=reason.value if reason is not None else None,
    )


def transport_failure(message: str, kind: ErrorKind = ErrorKind.transient) -> MarketplaceError:
    return MarketplaceError(ErrorInfo(kind=kind, marketplace=MARKETPLACE, message=message))


class Envelope(BaseModel):
    """What every answer carries around its data; ``error`` is empty (or null) on success."""

    error: ShortText | None = None
    message: ShortText | None = None
    request_id: ShortText | None = None



def interpret(response: httpx.Response, what: str) -> dict[str, Any]:
    """The whole body of a successful answer; raises the classified error otherwise."""
    body = json_body(response)
    if not isinstance(body, dict):
        if response.status_code == 429:
            raise transport_failure("HTTP 429", ErrorKind.rate_limited)
        if response.status_code >= 500:
            raise transport_failure(f"HTTP {response.status_code}: answer is not JSON")
        raise malformed_answer(MARKETPLACE, what, f"HTTP {response.status_code}: answer is not a JSON object")
    envelope = parse_answer(Envelope, body, MARKETPLACE, what)
    if envelope.error:
        raise MarketplaceError(error_info(envelope.error, envelope.message or "", envelope.request_id))
    if response.status_code == 429:
        raise transport_failure("HTTP 429", ErrorKind.rate_limited)
    if response.status_code >= 500:
        raise transport_failure(f"HTTP {response.status_code}")
    return body


def answer_of(model: type[M], what: str, response: httpx.Response) -> M:
    """A token call's answer (flat at the top level) read as ``model``."""
    return parse_answer(model, interpret(response, what), MARKETPLACE, what)


def response_of(model: type[M], what: str, response: httpx.Response) -> M:
    """The ``response`` object of a successful shop call read as ``model``: a missing or null
    ``response`` does not fit any model, so it is never taken for an empty success."""
    return parse_answer(model, interpret(response, what).get("response"), MARKETPLACE, what)
