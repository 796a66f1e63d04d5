"""A floor's profile written out as the API contract we propose to that floor (its README's second half).

``python -m adapters.partner.contract_doc voso`` rewrites ``adapters/voso/README.md`` below its marker;
a test keeps every README in step with its profile.
"""

from __future__ import annotations

import sys
from pathlib import Path

from adapters.partner.feed import HEADERS_VI
from adapters.partner.profile import FloorProfile

MARKER = "<!-- contract: generated from the profile by `python -m adapters.partner.contract_doc NAME` -->"

MEANINGS = {
    "item_id": "the floor's id of the item (the floor assigns it)",
    "seller_sku": "the seller's own SKU, unique in the shop (A–Z, 0–9, -; up to 50)",
    "name": "product name, Vietnamese, NFC",
    "description": "plain-text description",
    "category": "the floor's category code",
    "price": "selling price, whole đồng",
    "stock": "units available",
    "weight_g": "packed weight",
    "length_cm": "package length, cm",
    "width_cm": "package width, cm",
    "height_cm": "package height, cm",
    "gtin": "barcode (GTIN-8/12/13/14)",
    "images": "image URLs",
    "is_ocop": "true when the product holds an OCOP rating",
    "ocop_stars": "OCOP stars, 3–5",
    "ocop_valid_to": "OCOP certificate valid to (ISO date)",
    "certifications": "certifications such as VietGAP, Hữu cơ",
    "origin": "origin commune and province",
    "shelf_life_days": "shelf life in days",
    "trace_url": "traceability page",
    "status": "item status (answers only)",
    "sold": "units sold (answers only)",
}
ORDER_MEANINGS = {
    "order_id": "the floor's order id",
    "status": "order status (below)",
    "created_at": "when the order was placed",
    "updated_at": "when it last changed",
    "total": "order total, whole đồng",
    "lines": "the order lines",
    "line_ref": "a line's id within the order",
    "line_sku": "a line's seller SKU",
    "line_quantity": "units bought",
    "line_price": "unit price, whole đồng",
}
CALLS = {
    "shop": ("the shop the key belongs to", '`{"shopId", "name"}`'),
    "create": ("create an item", "the item"),
    "update": ("replace an item's content", "the item"),
    "delist": ("take an item off sale", "the item"),
    "batch_price": ("set prices", "one result per SKU"),
    "batch_stock": ("set stock", "one result per SKU"),
    "lookup": ("one item by seller SKU", "the item, or `not_found`"),
    "items": ("the shop's items, paged", "a page"),
    "orders": ("orders created or changed since a time, paged", "a page"),
}
# What each push mode of a profile means for the floor and for us
PUSHES = {
    "none": (
        "None: the floor does not notify us of orders. We pull them with `{since}` (changed since our last pull) "
        "on every scheduled pass, so a sale there reaches the other marketplaces' stock at the next pass, not "
        "within seconds."
    ),
}


def _table(header: tuple[str, ...], rows: list[tuple[str, ...]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def render_contract(profile: FloorProfile) -> str:
    sections = (_signing, _calls, _item_fields, _batches, _paging, _orders, _push, _errors, _limits, _pages, _feed)
    lines = [f"## Contract proposed to {profile.display_name}"]
    for section in sections:
        lines += ["", *section(profile)]
    return "\n".join(lines) + "\n"


def _time_format(profile: FloorProfile) -> str:
    return "Unix seconds" if profile.time_format == "unix" else "ISO 8601 with offset"


def _signing(profile: FloorProfile) -> list[str]:
    auth, codes = profile.auth, profile.errors.codes
    unit = "seconds" if auth.timestamp_unit == "s" else "milliseconds"
    encoding = "lowercase hex" if auth.signature_encoding == "hex" else "base64"
    return [
        "### Signing",
        (
            f"Every call carries `{auth.key_header}` (the shop's API key), `{auth.timestamp_header}` (now, in "
            f"{unit} since the Unix epoch) and `{auth.signature_header}`: HMAC-SHA256 keyed with the shop's API "
            f"secret, {encoding}, over five lines joined by `\\n`: the API key, the timestamp, the HTTP method, "
            "the path with its query string exactly as sent, and the lowercase hex SHA-256 of the body (of "
            f"nothing for a GET). A timestamp more than {auth.timestamp_window_s} s from the floor's clock is "
            f"refused with `{codes.timestamp_expired}` and the floor's time at `{profile.errors.server_time_path}`."
        ),
    ]


def _calls(profile: FloorProfile) -> list[str]:
    data_path = profile.errors.data_path
    data = f"under `{data_path}`" if data_path else "as the whole body"
    rows = []
    for name, (what, answer) in CALLS.items():
        endpoint = getattr(profile.endpoints, name)
        rows.append((what, f"`{endpoint.method} {endpoint.path}`", answer))
    return [
        "### Calls",
        f"JSON in and out (UTF-8). A success is HTTP 2xx with its data {data}.",
        "",
        *_table(("call", "endpoint", "answer"), rows),
    ]


def _item_fields(profile: FloorProfile) -> list[str]:
    weights = "grams" if profile.weight_unit == "g" else "kilograms"
    fields = profile.fields.model_dump()
    return [
        "### Item fields",
        f"Weights in {weights}; times as {_time_format(profile)}.",
        "",
        *_table(
            ("field", "meaning"),
            [(f"`{theirs}`", MEANINGS[ours]) for ours, theirs in fields.items() if theirs],
        ),
    ]


def _batches(profile: FloorProfile) -> list[str]:
    batches, f = profile.batches, profile.fields
    entry = (
        f'`{{"{batches.request_key}": [{{"{f.item_id}", "{f.seller_sku}", "{f.price}" or "{f.stock}"}}]}}`'
    )
    return [
        "### Batches",
        (
            f"{entry}, at most {batches.price_limit} prices or {batches.stock_limit} stock figures a call (more "
            f"is refused with `{profile.errors.codes.batch_too_large}`). The answer lists "
            f"`{batches.results_key}`, one per SKU by `{f.seller_sku}`, a failed one carrying its own error as below."
        ),
    ]


def _paging(profile: FloorProfile) -> list[str]:
    paging = profile.paging
    size = f"`{paging.size_param}` (default {paging.page_size}, at most {paging.max_page_size})"
    if paging.style == "cursor":
        where = (
            f"`{paging.cursor_param}` from the previous answer's `{paging.next_cursor_key}` (null after the last "
            f"page) and {size}; items under `{paging.items_key}`."
        )
    else:
        start = (
            f"`{paging.page_param}` (first page {paging.first_page})"
            if paging.style == "page"
            else f"`{paging.offset_param}` (from 0)"
        )
        where = (
            f"{start} and {size}; items under `{paging.items_key}`, the total count in `{paging.total_key}`."
        )
    return ["### Paging", where]


def _orders(profile: FloorProfile) -> list[str]:
    orders = profile.orders
    rows = [(f"`{theirs}`", ORDER_MEANINGS[ours]) for ours, theirs in orders.fields.model_dump().items()]
    statuses = ", ".join(f"`{theirs}` ({ours})" for theirs, ours in orders.statuses.items())
    return [
        "### Orders",
        (
            f"`{orders.since_param}` ({_time_format(profile)}) is required; orders are listed under "
            f"`{orders.list_key}`, oldest change first."
        ),
        "",
        *_table(("field", "meaning"), rows),
        "",
        f"Statuses: {statuses}.",
    ]


def _push(profile: FloorProfile) -> list[str]:
    return ["### Push", PUSHES[profile.push.mode].format(since=profile.orders.since_param)]


def _errors(profile: FloorProfile) -> list[str]:
    errors, codes = profile.errors, profile.errors.codes
    rows = [
        (f"`{codes.bad_signature}`", "signature does not match", "reports the credentials refused"),
        (f"`{codes.unknown_key}`", "unknown API key", "reports the credentials refused"),
        (f"`{codes.timestamp_expired}`", "timestamp outside the window", "adopts the floor's clock, retries"),
        (f"`{codes.rate_limited}` (HTTP 429, `Retry-After`)", "over the call rate", "waits, retries"),
        (f"`{codes.server_error}` (HTTP 5xx)", "the floor failed", "retries with backoff"),
        (f"`{codes.invalid_field}`", "a field is invalid", "reports the field; no retry"),
        (f"`{codes.batch_too_large}`", "batch over the limit", "sends smaller batches"),
        (f"`{codes.not_found}`", "no such item", "treats as absent"),
        (f"`{codes.duplicate_sku}`", "seller SKU already in the shop", "binds to the existing item"),
    ]
    return [
        "### Errors",
        (
            f"HTTP 4xx/5xx; the code at `{errors.code_path}`, a message at `{errors.message_path}`, the field at "
            f"fault at `{errors.field_path}`."
        ),
        "",
        *_table(("code", "meaning", "what our client does"), rows),
    ]


def _limits(profile: FloorProfile) -> list[str]:
    limits = profile.limits
    low, high = limits.name_length
    return [
        "### Limits",
        (
            f"{limits.requests_per_second:g} calls a second per shop; names {low}–{high} characters; "
            f"descriptions up to {limits.description_max_length} characters; up to {limits.max_images} images."
        ),
    ]


def _pages(profile: FloorProfile) -> list[str]:
    style = (
        "Server-rendered, with an inline `var product = {...};` record (the item fields above) and schema.org "
        "`Product`/`Offer` in RDFa."
        if profile.public_page == "voso_inline_rdfa"
        else "Schema.org `Product` with its `Offer` in JSON-LD."
    )
    shown = "Each shows the price (`120.000 ₫`), `Đã bán N`, `Còn N sản phẩm` and the seller SKU."
    return ["### Public pages", f"{style} {shown}"]


def _feed(profile: FloorProfile) -> list[str]:
    headers = ", ".join(f"{HEADERS_VI[column]} (`{column}`)" for column in profile.feed_columns)
    return [
        "### Spreadsheet feed (shops without API access)",
        f"An `.xlsx` upload, one row per SKU, headers: {headers}. Values beginning `=`, `+`, `-` or `@` are text.",
    ]


def readme_with_contract(readme: str, profile: FloorProfile) -> str:
    """``readme`` with everything below the marker replaced by the contract."""
    intro = readme.split(MARKER, 1)[0].rstrip("\n")
    return f"{intro}\n\n{MARKER}\n\n{render_contract(profile)}"


def main(name: str) -> None:
    import importlib

    module = importlib.import_module(f"adapters.{name}")
    readme = Path(module.__file__).with_name("README.md")
    readme.write_text(
        readme_with_contract(readme.read_text(encoding="utf-8"), module.PROFILE), encoding="utf-8"
    )


if __name__ == "__main__":
    main(sys.argv[1])
