"""Push notifications: what a marketplace tells us when an order or a stock reservation changes, in our words.

Each marketplace that pushes describes its protocol as a :class:`PushProtocol` on its spec
(``MarketplaceSpec.push``): how to read a push's raw body into a :class:`PushNotice`, and how to check its
signature over the raw body as received (never re-serialised JSON). The receiver (``syndicator/push.py``)
stores a verified notice in the inbox once per ``message_key``; the sandboxes sign the pushes they send with
the same ``sign``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

PushKind = Literal["order", "reserved_stock", "promotion", "other"]


class PushNotice(BaseModel):
    """One push, read: the shop it is for, the marketplace's identity of the message (to count it once),
    what it is about, and the order it names if any."""

    model_config = ConfigDict(frozen=True)

    shop_ref: str  # the marketplace's shop: Shopee shop_id, Lazada seller_id
    message_key: str
    kind: PushKind
    code: str  # the marketplace's own code (Shopee) or message_type (Lazada)
    order_ref: str | None = None


class PushProtocol(BaseModel):
    """How one marketplace pushes.

    - ``read(raw_body)`` → :class:`PushNotice` (raises ValueError for a body that is not one of its pushes);
    - ``sign(url, raw_body, app_key, app_secret)`` → the signature the marketplace sends;
    - ``signature(headers)`` → the signature a request carries (``None`` when it carries none);
    - ``registered_by_api``: whether the app registers its push address through the marketplace's API
      (Shopee ``push/set_app_push_config``); otherwise an operator sets it by hand in a console (Lazada),
      and ``console_hint`` says where.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    read: Callable[[bytes], PushNotice]
    sign: Callable[[str, bytes, str, str], str]
    signature: Callable[[Mapping[str, str]], str | None]
    registered_by_api: bool
    console_hint: str = ""
