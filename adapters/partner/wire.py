"""Between our values and a floor's JSON, by the floor's profile: field names, times, weights, errors.

The client and the sandbox both speak through these functions, so the two cannot drift apart. Every
answer the client reads is first renamed to our field names and checked against one of the answer models
below (adapters/common/answers.py): what does not fit is a ``malformed_answer`` for that call.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, Field, StringConstraints

from adapters.common.answers import MAX_COUNT, Count, ExternalId, Money, ShortText, parse_answer
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


# --- answers -------------------------------------------------------------------------------------
SellerSku = Annotated[str, StringConstraints(min_length=1, max_length=100)]  # typed by a seller: any letters
Label = Annotated[str, StringConstraints(min_length=1, max_length=64)]  # a status
Cursor = Annotated[str, StringConstraints(min_length=1, max_length=1000)]  # opaque to us
MAX_ERROR_TEXT = 500


class ShopAnswer(BaseModel):
    shop_id: ExternalId


class ItemAnswer(BaseModel):
    item_id: ExternalId
    seller_sku: SellerSku
    name: ShortText | None = None
    price: Money | None = None
    stock: Count | None = None
    status: Label | None = None


class OrderLineAnswer(BaseModel):
    line_ref: ExternalId
    seller_sku: SellerSku
    quantity: Annotated[int, Field(gt=0, le=MAX_COUNT)]
    unit_price: Money | None = None


class OrderAnswer(BaseModel):
    order_id: ExternalId
    status: Label
    created_at: datetime  # Unix seconds or ISO 8601, as the floor's time format says
    updated_at: datetime
    total: Money | None = None
    lines: list[dict[str, Any]]


class CountedPage(BaseModel):
    records: list[dict[str, Any]]
    total: Count


class CursorPage(BaseModel):
    records: list[dict[str, Any]]
    next_cursor: Cursor | None = None


class BatchAnswer(BaseModel):
    results: list[dict[str, Any]]


class BatchResultAnswer(BaseModel):
    seller_sku: SellerSku


A = TypeVar("A", bound=BaseModel)


def read_answer(profile: FloorProfile, model: type[A], data: Any, names: dict[str, str], what: str) -> A:
    """``data`` as ``model``, its fields found at the floor's paths in ``names`` (ours → theirs); an answer
    that is not an object is refused as it is."""
    renamed = {ours: dig(data, theirs) for ours, theirs in names.items()} if isinstance(data, dict) else data
    return parse_answer(model, renamed, profile.name, what)


def shop_id(profile: FloorProfile, data: Any) -> str:
    return read_answer(profile, ShopAnswer, data, {"shop_id": SHOP_ID_KEY}, "shop").shop_id


def counted_page(profile: FloorProfile, data: Any, list_key: str) -> tuple[list[dict[str, Any]], int]:
    """One page's records and the list's total, for floors paging by page number or offset."""
    names = {"records": list_key, "total": profile.paging.total_key}
    page = read_answer(profile, CountedPage, data, names, "page")
    return page.records, page.total


def cursor_page(profile: FloorProfile, data: Any, list_key: str) -> tuple[list[dict[str, Any]], str | None]:
    """One page's records and the next page's cursor (``None`` after the last)."""
    names = {"records": list_key, "next_cursor": profile.paging.next_cursor_key}
    page = read_answer(profile, CursorPage, data, names, "page")
    return page.records, page.next_cursor


def batch_results(profile: FloorProfile, data: Any) -> dict[str, dict[str, Any]]:
    """A batch call's result records by seller SKU."""
    records = read_answer(profile, BatchAnswer, data, {"results": profile.batches.results_key}, "batch").results
    sku = {"seller_sku": profile.fields.seller_sku}
    return {read_answer(profile, BatchResultAnswer, record, sku, "batch result").seller_sku: record
            for record in records}


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
    return {
        "seller_sku": draft.seller_sku,
        "name": draft.name,
        "description": draft.description,
        "category": draft.category_code or "",
        "price": draft.price,
        "stock": draft.stock,
        "weight_g": draft.weight_g,
        "length_cm": draft.length_cm,
        "width_cm": draft.width_cm,
        "height_cm": draft.height_cm,
        "gtin": draft.gtin,
        "images": draft.photo_urls(),
        "is_ocop": draft.ocop_stars is not None,
        "ocop_stars": draft.ocop_stars,
        "ocop_valid_to": draft.ocop_valid_to.isoformat() if draft.ocop_valid_to else None,
        "certifications": list(draft.certifications),
        "origin": draft.origin,
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


def item_ref(profile: FloorProfile, record: Any) -> ItemRef:
    f = profile.fields
    names = {"item_id": f.item_id, "seller_sku": f.seller_sku, "name": f.name, "price": f.price,
             "stock": f.stock, "status": f.status}
    item = read_answer(profile, ItemAnswer, record, names, "item")
    return ItemRef(
        seller_sku=item.seller_sku,
        item_id=item.item_id,
        name=item.name,
        price=item.price,
        stock=item.stock,
        status=profile.our_item_status(item.status) if item.status is not None else None,
    )


# --- orders --------------------------------------------------------------------------------------
def order_record(profile: FloorProfile, record: Any) -> OrderRecord:
    f = profile.orders.fields
    names = {"order_id": f.order_id, "status": f.status, "created_at": f.created_at, "updated_at": f.updated_at,
             "total": f.total, "lines": f.lines}
    order = read_answer(profile, OrderAnswer, record, names, "order")
    line_names = {"line_ref": f.line_ref, "seller_sku": f.line_sku, "quantity": f.line_quantity,
                  "unit_price": f.line_price}
    lines = [read_answer(profile, OrderLineAnswer, line, line_names, "order line") for line in order.lines]
    return OrderRecord(
        order_id=order.order_id,
        status=profile.orders.statuses.get(order.status, "open"),
        marketplace_status=order.status,
        placed_at=_aware(order.created_at),
        updated_at=_aware(order.updated_at),
        total=order.total or 0,
        lines=[
            OrderLineRecord(line_ref=line.line_ref, seller_sku=line.seller_sku, quantity=line.quantity,
                            unit_price=line.unit_price or 0)
            for line in lines
        ],
    )


def _aware(at: datetime) -> datetime:
    return at if at.tzinfo else at.replace(tzinfo=UTC)


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
    code = (error_code(profile, body) or f"HTTP {http_status}")[:MAX_ERROR_TEXT]
    field = dig(body, profile.errors.field_path)
    return ErrorInfo(
        kind=kind_of(profile, code, http_status),
        marketplace=profile.name,
        code=code,
        message=str(dig(body, profile.errors.message_path) or "")[:MAX_ERROR_TEXT],
        field=our_field(profile, str(field)[:MAX_ERROR_TEXT] if field else None),
        retry_after_s=retry_after_s,
    )
