"""Lazada's push (reference lazada.md §6): what a push says, and its signature.

A push is a JSON POST ``{"seller_id", "message_type", "data": {...}, "timestamp", "site"}``; message type 0
is a trade order's status (``data``: ``trade_order_id``, ``trade_order_line_id``, ``order_status``,
``status_update_time``), 10 a reverse order (the same plus ``reverse_order_id`` and
``reverse_order_line_id``). The ``Authorization`` header is the lowercase hex HMAC-SHA256 of the app key
followed by the raw body, keyed with the app secret. The push address is set by hand in the App Console.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, Field, StrictInt

from adapters.common.push import PushKind, PushNotice, PushProtocol

SIGNATURE_HEADER = "Authorization"
SITE = "lazada_vn"
TRADE_ORDER = 0
REVERSE_ORDER = 10
# Where an operator sets the push address, in the App Console's own (English) names and with no sentence
# around it: the caller's message (catalog ``push_by_hand``) says what to do there, in the caller's language
CONSOLE_PATH = ("open.lazada.com App Console → Push Mechanism (Message Service): Callback URL, message types "
                "0 (Trade Order) and 10 (Reverse Order)")


class _Message(BaseModel):
    """The envelope every Lazada push shares (``timestamp`` and ``site`` are not needed to read it)."""

    seller_id: Annotated[str, Field(min_length=1, max_length=80)] | StrictInt
    message_type: StrictInt
    data: dict[str, Any]


def read(raw: bytes) -> PushNotice:
    """A Lazada push, read; ``ValueError`` (pydantic's ``ValidationError``) for a body that is not one."""
    message = _Message.model_validate_json(raw)
    data, message_type = message.data, message.message_type
    order_ref = data.get("trade_order_id") if message_type in (TRADE_ORDER, REVERSE_ORDER) else None
    kind: PushKind = "order" if order_ref not in (None, "") else "other"
    return PushNotice(shop_ref=str(message.seller_id), code=str(message_type), kind=kind,
                      message_key=f"{message_type}:{message.seller_id}:{_identity(message_type, data)}",
                      order_ref=str(order_ref) if kind == "order" else None)


def _identity(message_type: int, data: dict[str, Any]) -> str:
    """What makes two deliveries the same message. A trade order's: its line and status, as Lazada advises
    (delivery is at least once and a re-sent message may carry a new envelope timestamp); any other's: a
    digest of its data."""
    line = data.get("trade_order_line_id") or data.get("trade_order_id")
    if message_type == TRADE_ORDER and line not in (None, "") and data.get("order_status"):
        return f"{line}:{data['order_status']}"
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def sign(url: str, raw: bytes, app_key: str, app_secret: str) -> str:
    """The ``Authorization`` Lazada sends: over the app key and the raw body (the URL is not signed)."""
    return hmac.new(app_secret.encode(), app_key.encode() + raw, hashlib.sha256).hexdigest()


def signature(headers: Mapping[str, str]) -> str | None:
    return next((value.strip() for name, value in headers.items() if name.lower() == SIGNATURE_HEADER.lower()),
                None)


PROTOCOL = PushProtocol(read=read, sign=sign, signature=signature, registered_by_api=False,
                        console_hint=CONSOLE_PATH)
