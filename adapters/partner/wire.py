"""Between our values and a floor's JSON, by the floor's profile: field names, times, weights, errors.

The client and the sandbox both speak through these functions, so the two cannot drift apart.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from adapters.common.contract import ItemRef, ListingDraft, OrderLineRecord, OrderRecord
from adapters.common.errors import ErrorInfo, ErrorKind
from adapters.partner.profile import FloorProfile

SHOP_ID_KEY = "shopId"  # in the answer to the shop (who-am-I) call

LISTING_FIELDS = (
    "seller_sku", "name", "description", "category", "price", "stock", "weight_g", "length_cm",
    "width_cm", "height_cm", "gtin", "images", "is_ocop", "ocop_stars", "ocop_valid_to",
    "certifications", "origin", "shelf_life_days", "trace_url",
)  # fmt: skip


def dig(data: Any, path: str) -> Any:
    """The value at a dotted path (``error.code``, ``errors.0.field``); ``None`` when absent."""
    if not path:
        return data
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def nest(path: str, value: Any) -> Any:
    """``value`` placed at a dotted path (a digit part makes a one-element list)."""
    for part in reversed(path.split(".") if path else []):
        value = [value] if part.isdigit() else {part: value}
    return value


def merge(*parts: dict[str, Any]) -> dict[str, Any]:
    """Deep merge of nested dictionaries built by :func:`nest`."""
    merged: dict[str, Any] = {}
    for part in parts:
        for key, value in part.items():
            if isinstance(value, dict) and isinstance(merged.get(key), dict):
                merged[key] = merge(merged[key], value)
            else:
                merged[key] = value
    return merged


# --- times and weights ---------------------------------------------------------------------------
def encode_time(profile: FloorProfile, at: datetime) -> str | int:
    return int(at.timestamp()) if profile.time_format == "unix" else at.astimezone(UTC).isoformat()


def decode_time(profile: FloorProfile, value: Any) -> datetime:
    if profile.time_format == "unix":
        return datetime.fromtimestamp(int(value), UTC)
    parsed = datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def encode_weight(profile: FloorProfile, grams: int) -> int | float:
    return grams / 1000 if profile.weight_unit == "kg" else grams


def decode_weight(profile: FloorProfile, value: Any) -> Any:
    """Grams from the floor's weight; a value that is not a number is passed on for validation to refuse."""
    if profile.weight_unit == "kg" and isinstance(value, int | float) and not isinstance(value, bool):
        return round(value * 1000)
    return value


# --- listings ------------------------------------------------------------------------------------
def canonical_listing(draft: ListingDraft) -> dict[str, Any]:
    """Our listing values under our field names, before any floor's naming."""
    origin = ", ".join(part for part in (draft.origin_commune, draft.origin_province) if part)
    return {
        "seller_sku": draft.seller_sku,
        "name": draft.name,
        "description": draft.description,
        "category": str(draft.category_mapping.get("category") or draft.category_code or ""),
        "price": draft.price,
        "stock": draft.stock,
        "weight_g": draft.weight_g,
        "length_cm": draft.length_cm,
        "width_cm": draft.width_cm,
        "height_cm": draft.height_cm,
        "gtin": draft.gtin,
        "images": list(draft.images),
        "is_ocop": draft.ocop_stars is not None,
        "ocop_stars": draft.ocop_stars,
        "ocop_valid_to": draft.ocop_valid_to.isoformat() if draft.ocop_valid_to else None,
        "certifications": list(draft.certifications),
        "origin": origin,
        "shelf_life_days": draft.shelf_life_days,
        "trace_url": draft.trace_url,
    }


def to_floor(profile: FloorProfile, values: dict[str, Any]) -> dict[str, Any]:
    """Our field names → the floor's, dropping what the floor does not carry and what is empty."""
    record: dict[str, Any] = {}
    for ours, value in values.items():
        theirs = getattr(profile.fields, ours)
        if theirs is None or value is None:
            continue
        record[theirs] = encode_weight(profile, value) if ours == "weight_g" else value
    return record


def from_floor(profile: FloorProfile, record: dict[str, Any]) -> dict[str, Any]:
    """The floor's field names → ours, for the listing fields present in ``record``."""
    values: dict[str, Any] = {}
    for ours in LISTING_FIELDS:
        theirs = getattr(profile.fields, ours)
        if theirs is not None and theirs in record:
            value = record[theirs]
            values[ours] = decode_weight(profile, value) if ours == "weight_g" else value
    return values


def listing_record(profile: FloorProfile, draft: ListingDraft) -> dict[str, Any]:
    return to_floor(profile, canonical_listing(draft))


def our_field(profile: FloorProfile, theirs: str | None) -> str | None:
    """Our name for a floor's field name (for error messages a clerk can act on)."""
    if not theirs:
        return None
    for ours, mapped in profile.fields.model_dump().items():
        if mapped == theirs:
            return ours
    return theirs


def item_ref(profile: FloorProfile, record: dict[str, Any]) -> ItemRef:
    f = profile.fields
    status = record.get(f.status)
    return ItemRef(
        seller_sku=str(record[f.seller_sku]),
        item_id=str(record[f.item_id]),
        name=record.get(f.name),
        price=record.get(f.price),
        stock=record.get(f.stock),
        status=profile.our_item_status(str(status)) if status is not None else None,
    )


# --- orders --------------------------------------------------------------------------------------
def order_record(profile: FloorProfile, wire: dict[str, Any]) -> OrderRecord:
    f = profile.orders.fields
    floor_status = str(wire[f.status])
    lines = [
        OrderLineRecord(
            line_ref=str(line[f.line_ref]),
            seller_sku=str(line[f.line_sku]),
            quantity=int(line[f.line_quantity]),
            unit_price=int(line.get(f.line_price) or 0),
        )
        for line in wire.get(f.lines) or []
    ]
    return OrderRecord(
        order_id=str(wire[f.order_id]),
        status=profile.orders.statuses.get(floor_status, "open"),
        marketplace_status=floor_status,
        placed_at=decode_time(profile, wire[f.created_at]),
        updated_at=decode_time(profile, wire[f.updated_at]),
        total=int(wire.get(f.total) or 0),
        lines=lines,
    )


# --- errors --------------------------------------------------------------------------------------
def error_body(
    profile: FloorProfile, code: str, message: str, field: str | None = None, **extra: Any
) -> dict:
    """An error object in the floor's shape (also the shape of one failed batch result)."""
    shape = profile.errors
    parts = [nest(shape.code_path, code), nest(shape.message_path, message)]
    if field:
        parts.append(nest(shape.field_path, field))
    if "server_time" in extra:
        parts.append(nest(shape.server_time_path, extra["server_time"]))
    return merge(*parts)


def error_code(profile: FloorProfile, body: Any) -> str | None:
    code = dig(body, profile.errors.code_path)
    return None if code in (None, "") else str(code)


def kind_of(profile: FloorProfile, code: str, http_status: int) -> ErrorKind:
    codes = profile.errors.codes
    if code == codes.rate_limited or http_status == 429:
        return ErrorKind.rate_limited
    if code in profile.errors.auth_codes:
        return ErrorKind.auth_expired
    if code in (codes.server_error, codes.timestamp_expired) or code in profile.errors.transient_codes:
        return ErrorKind.transient
    return ErrorKind.transient if http_status >= 500 else ErrorKind.rejected


def error_info(
    profile: FloorProfile, body: Any, http_status: int, retry_after_s: float | None = None
) -> ErrorInfo:
    code = error_code(profile, body) or f"HTTP {http_status}"
    return ErrorInfo(
        kind=kind_of(profile, code, http_status),
        marketplace=profile.name,
        code=code,
        message=str(dig(body, profile.errors.message_path) or ""),
        field=our_field(profile, dig(body, profile.errors.field_path)),
        retry_after_s=retry_after_s,
    )
