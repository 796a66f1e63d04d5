"""Shopee's push notifications (reference shopee.md §6).

Shopee POSTs JSON ``{"shop_id", "code", "timestamp", "data": {...}}`` to the partner's ``callback_url``,
with the header ``Authorization``: the lowercase hex HMAC-SHA256, keyed with the partner key, of
``callback_url + "|" + raw body`` (the raw bytes: re-serialised JSON would not match). The app registers its
address itself (``push/set_app_push_config``). Codes read here: 3 order status (``data.ordersn``,
``status``, ``update_time``), 8 reserved stock change, 7 item promotion and 9 promotion update.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import BaseModel, Field

from adapters.common.push import PushKind, PushNotice, PushProtocol

ORDER_STATUS = 3
ITEM_PROMOTION = 7
RESERVED_STOCK = 8
PROMOTION_UPDATE = 9
CODES_USED = (ORDER_STATUS, ITEM_PROMOTION, RESERVED_STOCK, PROMOTION_UPDATE)  # set on by register_push
KINDS: dict[int, PushKind] = {ORDER_STATUS: "order", RESERVED_STOCK: "reserved_stock",
                              ITEM_PROMOTION: "promotion", PROMOTION_UPDATE: "promotion"}
MAX_KEY_LENGTH = 200  # push_message.message_key
MAX_ORDER_REF_LENGTH = 80


def sign(url: str, raw: bytes, app_key: str, app_secret: str) -> str:
    """``Authorization`` for a push of ``raw`` to ``url``: HMAC-SHA256 keyed with the partner key
    (``app_secret``; ``app_key`` is the partner_id, which does not enter the signature)."""
    return hmac.new(app_secret.encode(), url.encode() + b"|" + raw, hashlib.sha256).hexdigest()


def signature(headers: Mapping[str, str]) -> str | None:
    return next((value for name, value in headers.items() if name.lower() == "authorization"), None)


class Message(BaseModel):
    """The fields of a push read here; pydantic's ValidationError is a ValueError, as ``read`` promises."""

    shop_id: Annotated[int, Field(ge=0)]
    code: Annotated[int, Field(ge=0)]
    data: dict[str, Any] = {}


def _key(code: int, shop_id: int, body: dict[str, Any], data: dict[str, Any]) -> str:
    """Shopee gives a push no id: an order push is known by its order, status and update time, any other by
    a digest of its content (canonical JSON, so a lost push read back by ``get_lost_push_message`` has the
    key it would have had when pushed)."""
    if code == ORDER_STATUS:
        key = f"{code}:{shop_id}:{data['ordersn']}:{data.get('status', '')}:{data.get('update_time', '')}"
        if len(key) <= MAX_KEY_LENGTH:
            return key
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return f"{code}:{shop_id}:sha256:{hashlib.sha256(canonical.encode()).hexdigest()}"


def read(raw: bytes) -> PushNotice:
    message = Message.model_validate_json(raw)
    code, shop_id, data = message.code, message.shop_id, message.data
    order_ref = None
    if code == ORDER_STATUS:
        order_ref = data.get("ordersn")
        if not isinstance(order_ref, str) or not 0 < len(order_ref) <= MAX_ORDER_REF_LENGTH:
            raise ValueError(f"an order status push names its order in data.ordersn: {order_ref!r}")
    return PushNotice(shop_ref=str(shop_id), message_key=_key(code, shop_id, json.loads(raw), data),
                      kind=KINDS.get(code, "other"), code=str(code), order_ref=order_ref)


PROTOCOL = PushProtocol(read=read, sign=sign, signature=signature, registered_by_api=True)
