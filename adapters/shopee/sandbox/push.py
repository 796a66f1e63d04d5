"""Shopee's pushes in the sandbox (reference shopee.md §6): an order status push (code 3) on every order event
and a reserved stock change (code 8) when a promotion's reservation changes, each signed with the shop's partner
key for the address it goes to; the partner's push address set by ``push/set_app_push_config`` (the same
address as ``POST /_sandbox/push``); pushes every attempt failed to deliver kept per shop for
``push/get_lost_push_message`` until ``push/confirm_consumed_lost_push_message``. The three calls are
partner-level (signed without token and shop)."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

from starlette.requests import Request

from adapters.common.sandbox import SandboxItem, SandboxModel, SandboxOrder, SandboxShop
from adapters.shopee import push
from adapters.shopee.sandbox.orders import ORDER_STATUS_TO_SHOPEE
from adapters.shopee.sandbox.wire import Caller, ShopeeWire, is_whole, missing, wrong

PUSH_CODES = range(1, 16)  # 1 shop authorised … 15 shipping document status
MAX_BLOCKED_SHOPS = 500
LOST_PAGE_SIZE = 100
LOST_KEPT_S = 3 * 24 * 3600
EVENT_STATUS = {"created": ORDER_STATUS_TO_SHOPEE["open"], **{
    event: ORDER_STATUS_TO_SHOPEE[event] for event in ("cancelled", "completed", "returned")}}


@dataclass(frozen=True)
class LostPush:
    message_id: int
    kept_at: float
    message: dict[str, Any]


class ShopeePush(ShopeeWire):
    """Pushes out, and the three ``push`` calls."""

    def __init__(self, **options: Any):
        self.push_off: dict[str, set[int]] = {}  # partner_id -> codes set off; every code is on until then
        self._lost_ids = itertools.count(1)
        self._lost_lock = threading.Lock()  # kept on the delivery thread, read and confirmed by calls
        super().__init__(**options)

    # --- pushing ---------------------------------------------------------------------------------
    def push_for(self, order: SandboxOrder, event: str) -> list[tuple[bytes, dict[str, str]]]:
        """Code 3 with the status Shopee shows for the order after ``event`` (an order is placed paid:
        ``READY_TO_SHIP``), signed for the registered address with the shop's partner key."""
        shop, url, status = self.state.shops.get(order.shop_id), self.pushes.url, EVENT_STATUS.get(event)
        if shop is None or url is None or status is None or push.ORDER_STATUS in self.push_off.get(shop.app_key, ()):
            return []
        moment = order.created_at if event == "created" else order.updated_at
        body = {"shop_id": int(shop.shop_id), "code": push.ORDER_STATUS, "timestamp": int(time.time()),
                "data": {"ordersn": order.order_id, "status": status, "completed_scenario": "",
                         "update_time": int(moment.timestamp()), "items": []}}
        return [self._signed(body, url, shop)]

    @staticmethod
    def _signed(body: dict[str, Any], url: str, shop: SandboxShop) -> tuple[bytes, dict[str, str]]:
        raw = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
        return raw, {"Content-Type": "application/json", "Authorization": push.sign(url, raw, shop.app_key,
                                                                                    shop.app_secret)}

    def reservation_push_for(self, shop_id: str, item: SandboxItem, model: SandboxModel | None
                             ) -> list[tuple[bytes, dict[str, str]]]:
        """Code 8, reserved stock change, for the item (and model) a promotion now holds stock of."""
        shop, url = self.state.shops.get(shop_id), self.pushes.url
        if shop is None or url is None or push.RESERVED_STOCK in self.push_off.get(shop.app_key, ()):
            return []
        held = model or item
        body = {"shop_id": int(shop.shop_id), "code": push.RESERVED_STOCK, "timestamp": int(time.time()),
                "data": {"item_id": int(item.item_id), "model_id": int(model.model_id) if model else 0,
                         "reserved_stock": held.reserved_stock, "update_time": int(time.time())}}
        return [self._signed(body, url, shop)]

    def keep_undelivered(self, body: bytes) -> None:
        """Kept with its shop until confirmed (a shop gone with a reset keeps nothing)."""
        message = json.loads(body)
        shop = self.state.shops.get(str(message.get("shop_id")))
        if shop is not None:
            with self._lost_lock:
                shop.extra.setdefault("lost_pushes", []).append(LostPush(next(self._lost_ids), time.time(), message))

    def _partner_shops(self, partner_id: str) -> list[SandboxShop]:
        return [shop for shop in self.state.shops.values() if shop.app_key == partner_id]

    # --- the push calls ----------------------------------------------------------------------------
    async def set_app_push_config(self, request: Request, caller: Caller) -> dict[str, Any]:
        body = await self._json(request)
        url = body.get("callback_url")
        if not url:
            raise missing("callback_url", "push")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise wrong("callback_url", "must be an http or https URL", "push")
        on, off = (self._codes(body, name) for name in ("set_push_config_on", "set_push_config_off"))
        blocked = body.get("blocked_shop_id_list", [])
        if not isinstance(blocked, list) or len(blocked) > MAX_BLOCKED_SHOPS:
            raise wrong("blocked_shop_id_list", f"must be a list of at most {MAX_BLOCKED_SHOPS} shop ids", "push")
        codes_off = self.push_off.setdefault(caller.partner_id, set())
        codes_off.difference_update(on)
        codes_off.update(off)
        self.pushes.register(url)
        return {"result": "success"}

    @staticmethod
    def _codes(body: dict[str, Any], name: str) -> set[int]:
        codes = body.get(name, [])
        if not isinstance(codes, list) or not all(is_whole(code) and int(code) in PUSH_CODES for code in codes):
            raise wrong(name, f"must be a list of push codes from {PUSH_CODES.start} to {PUSH_CODES.stop - 1}",
                        "push")
        return {int(code) for code in codes}

    async def get_lost_push_message(self, request: Request, caller: Caller) -> dict[str, Any]:
        """The partner's earliest 100 unconfirmed lost pushes of the last 3 days, every shop's."""
        since = time.time() - LOST_KEPT_S
        with self._lost_lock:
            lost = sorted((kept for shop in self._partner_shops(caller.partner_id)
                           for kept in shop.extra.get("lost_pushes", []) if kept.kept_at >= since),
                          key=lambda kept: kept.message_id)
        page = lost[:LOST_PAGE_SIZE]
        return {"push_message_list": [kept.message for kept in page], "has_next_page": len(lost) > len(page),
                "last_message_id": page[-1].message_id if page else 0}

    async def confirm_consumed_lost_push_message(self, request: Request, caller: Caller) -> dict[str, Any]:
        """Every lost push of the partner up to ``last_message_id`` is consumed."""
        body = await self._json(request)
        if "last_message_id" not in body:
            raise missing("last_message_id", "push")
        last = body["last_message_id"]
        if not is_whole(last) or int(last) < 1:
            raise wrong("last_message_id", "must be a message id get_lost_push_message returned", "push")
        with self._lost_lock:
            for shop in self._partner_shops(caller.partner_id):
                shop.extra["lost_pushes"] = [kept for kept in shop.extra.get("lost_pushes", [])
                                             if kept.message_id > int(last)]
        return {}
