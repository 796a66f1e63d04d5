"""A floor's seller-API contract as data: one profile per floor, kept in that floor's folder.

Everything the partner client and the partner sandbox know about one floor (paths, signing headers,
field names, limits, paging, error shape, public page style, feed columns) is read from its profile;
adding a floor is a new profile file, not new code.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from adapters.common.contract import Capabilities, OrderStatus

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Where a floor's public pages are addressed, written and read, by the page style its profile names.
PAGE_MODULES = {"jsonld": "adapters.partner.page", "voso_inline_rdfa": "adapters.voso.page"}


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Endpoint(_Strict):
    """One call: ``"POST /api/v1/products"``; ``{item_id}`` and ``{seller_sku}`` are filled in."""

    method: str
    path: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: object) -> object:
        if isinstance(value, str):
            method, _, path = value.strip().partition(" ")
            return {"method": method.upper(), "path": path.strip()}
        return value

    @field_validator("method")
    @classmethod
    def _known_method(cls, value: str) -> str:
        if value not in HTTP_METHODS:
            raise ValueError(f"unknown HTTP method {value!r}")
        return value

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: str) -> str:
        if not value.startswith("/"):
            raise ValueError(f"path {value!r} must start with /")
        return value


class Endpoints(_Strict):
    shop: Endpoint = Field(description="who am I: validates the key and names the shop")
    create: Endpoint
    update: Endpoint
    delist: Endpoint
    batch_price: Endpoint
    batch_stock: Endpoint
    lookup: Endpoint = Field(description="one item by seller SKU, ``{seller_sku}`` in the path")
    items: Endpoint
    orders: Endpoint


class Auth(_Strict):
    """API key plus an HMAC-SHA256 signature over the request and a timestamp (see signing.py)."""

    key_header: str = "X-Api-Key"
    timestamp_header: str = "X-Timestamp"
    signature_header: str = "X-Signature"
    timestamp_unit: Literal["s", "ms"] = "s"
    timestamp_window_s: int = Field(
        300, gt=0, description="how far a timestamp may be from the floor's clock"
    )
    signature_encoding: Literal["hex", "base64"] = "hex"


class ItemFields(_Strict):
    """Our name → the floor's name for each item field; ``None`` when the floor does not carry it."""

    item_id: str = "id"
    seller_sku: str = "sku"
    name: str = "name"
    description: str | None = "description"
    category: str | None = "category"
    price: str = "price"
    stock: str = "stock"
    weight_g: str = "weight"
    length_cm: str | None = "length"
    width_cm: str | None = "width"
    height_cm: str | None = "height"
    gtin: str | None = "barcode"
    images: str | None = "images"
    is_ocop: str | None = None
    ocop_stars: str | None = None
    ocop_valid_to: str | None = None
    certifications: str | None = None
    origin: str | None = None
    shelf_life_days: str | None = None
    trace_url: str | None = None
    status: str = "status"
    sold: str = "sold"


class OrderFields(_Strict):
    order_id: str = "id"
    status: str = "status"
    created_at: str = "createdAt"
    updated_at: str = "updatedAt"
    total: str = "total"
    lines: str = "lines"
    line_ref: str = "id"
    line_sku: str = "sku"
    line_quantity: str = "quantity"
    line_price: str = "price"


class Orders(_Strict):
    since_param: str = "updatedFrom"
    list_key: str = "orders"
    fields: OrderFields = OrderFields()
    statuses: dict[str, OrderStatus] = Field(
        default_factory=lambda: {"open": "open", "cancelled": "cancelled", "completed": "completed"},
        description="the floor's order status → ours; the first one naming each of ours is the one a "
        "sandbox answers with",
    )

    def floor_status(self, ours: str) -> str:
        for theirs, mapped in self.statuses.items():
            if mapped == ours:
                return theirs
        raise KeyError(ours)


class Batches(_Strict):
    price_limit: int = Field(50, gt=0)
    stock_limit: int = Field(50, gt=0)
    request_key: str = "items"
    results_key: str = "results"


class Paging(_Strict):
    style: Literal["page", "offset", "cursor"] = "page"
    items_key: str = "items"
    page_param: str = "page"
    first_page: int = 1
    offset_param: str = "offset"
    cursor_param: str = "cursor"
    size_param: str = "pageSize"
    page_size: int = Field(50, gt=0)
    max_page_size: int = Field(100, gt=0)
    total_key: str = "total"
    next_cursor_key: str = "nextCursor"

    @property
    def position_param(self) -> str:
        """The query parameter saying where a page starts, in this paging style."""
        return {"page": self.page_param, "offset": self.offset_param, "cursor": self.cursor_param}[self.style]


class ErrorCodes(_Strict):
    bad_signature: str = "INVALID_SIGNATURE"
    timestamp_expired: str = "TIMESTAMP_EXPIRED"
    unknown_key: str = "INVALID_API_KEY"
    rate_limited: str = "TOO_MANY_REQUESTS"
    invalid_field: str = "INVALID_PARAM"
    batch_too_large: str = "BATCH_LIMIT_EXCEEDED"
    not_found: str = "NOT_FOUND"
    duplicate_sku: str = "DUPLICATE_SKU"
    server_error: str = "INTERNAL_ERROR"


class ErrorShape(_Strict):
    """Where things live in an answer. Paths are dotted (``error.code``, ``errors.0.field``); an empty
    ``data_path`` means the whole body. A batch result carries its own error at the same paths."""

    data_path: str = "data"
    code_path: str = "error.code"
    message_path: str = "error.message"
    field_path: str = "error.field"
    server_time_path: str = "error.serverTime"
    codes: ErrorCodes = ErrorCodes()
    transient_codes: tuple[str, ...] = ()

    @property
    def auth_codes(self) -> frozenset[str]:
        return frozenset({self.codes.bad_signature, self.codes.unknown_key})


class Limits(_Strict):
    # a floor lists one item per SKU; one that takes a product's packs as variants needs an adapter of its own
    variants: Literal[False] = False
    requests_per_second: float = Field(10.0, gt=0)
    name_length: tuple[int, int] = (10, 120)
    description_max_length: int = 3000
    max_images: int = 9
    max_price: int = 1_000_000_000
    max_stock: int = 1_000_000


class Push(_Strict):
    """Whether and how the floor tells us of a change. ``none``: it does not push, and its orders are pulled
    (changed since the last pull) on every scheduled pass. A floor that pushes is a new mode here."""

    mode: Literal["none"]


FEED_COLUMNS = (
    "channel_listing_id", "sku", "name_vi", "name_ascii", "category", "unit", "net_qty", "net_unit",
    "price_vnd", "list_price_vnd", "stock", "weight_g", "length_cm", "width_cm", "height_cm",
    "shelf_life_days", "storage", "ocop_stars", "ocop_cert_no", "ocop_valid_to", "vietgap_cert_no",
    "organic_cert_no", "gtin", "trace_url", "origin_ward_code", "origin_address", "cooperative_name",
    "cooperative_tax_code", "image_urls", "description_html",
)  # fmt: skip


class FloorProfile(_Strict):
    """One floor's seller-API contract (and its spreadsheet feed, for shops without API access)."""

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    display_name: str
    default_port: int = 0
    public_page: Literal["voso_inline_rdfa", "jsonld"] = "jsonld"
    time_format: Literal["unix", "iso"] = "iso"
    weight_unit: Literal["g", "kg"] = "g"
    auth: Auth = Auth()
    endpoints: Endpoints
    fields: ItemFields = ItemFields()
    item_statuses: dict[str, str] = Field(
        default_factory=dict,
        description="our item status (live, hidden, deleted) → the floor's, where it differs",
    )
    batches: Batches = Batches()
    paging: Paging = Paging()
    orders: Orders = Orders()
    errors: ErrorShape = ErrorShape()
    limits: Limits = Limits()
    push: Push = Field(description="declared by every floor, even one that does not push")
    feed_columns: tuple[str, ...] = FEED_COLUMNS

    @field_validator("feed_columns")
    @classmethod
    def _known_columns(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [column for column in value if column not in FEED_COLUMNS]
        if unknown:
            raise ValueError(f"unknown feed columns: {', '.join(unknown)}")
        if "sku" not in value:
            raise ValueError("the feed must carry the sku column")
        return value

    @property
    def page_module(self) -> str:
        """The module with this floor's page ``PATHS``, ``product_markup`` and ``parse_product_page``."""
        return PAGE_MODULES[self.public_page]

    def capabilities(self) -> Capabilities:
        return Capabilities(
            marketplace=self.name,
            price_batch_size=self.batches.price_limit,
            stock_batch_size=self.batches.stock_limit,
            requests_per_second=self.limits.requests_per_second,
            name_length=self.limits.name_length,
            description_max_length=self.limits.description_max_length,
            max_images=self.limits.max_images,
            variants=self.limits.variants,
        )

    def floor_item_status(self, ours: str) -> str:
        return self.item_statuses.get(ours, ours)

    def our_item_status(self, theirs: str) -> str:
        for ours, mapped in self.item_statuses.items():
            if mapped == theirs:
                return ours
        return theirs


def load_profile(path: Path) -> FloorProfile:
    """A profile from a ``.toml`` or ``.json`` file; raises ``ValueError`` naming the file on a bad one."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        return FloorProfile.model_validate(data)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ValueError(f"floor profile {path}: {exc}") from exc
