"""Shopee's orders in the sandbox: the order list by a window of at most 15 days, paged by cursor, and
order details with the optional fields asked for."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from adapters.common.sandbox import SandboxOrder, SandboxOrderLine
from adapters.shopee.sandbox.wire import MAX_IDS, Caller, ShopeeRefusal, ShopeeWire, missing, wrong

MAX_ORDER_WINDOW_S = 15 * 24 * 3600
ORDER_TIMES = {"create_time": "created_at", "update_time": "updated_at"}
ORDER_STATUS_TO_SHOPEE = {"open": "READY_TO_SHIP", "cancelled": "CANCELLED", "completed": "COMPLETED",
                          "returned": "TO_RETURN"}


class ShopeeOrders(ShopeeWire):
    """The ``order`` calls."""

    async def get_order_list(self, request: Request, caller: Caller) -> dict[str, Any]:
        """Orders in a window of at most 15 days by create or update time, paged by cursor."""
        query = request.query_params
        field = query.get("time_range_field", "")
        if field not in ("create_time", "update_time"):
            raise missing("time_range_field", "order") if not field else wrong("time_range_field",
                                                                                "must be create_time or update_time",
                                                                                "order")
        for name in ("time_from", "time_to"):
            if not query.get(name, "").isdigit():
                raise missing(name, "order")
        start, end = int(query["time_from"]), int(query["time_to"])
        if end < start or end - start > MAX_ORDER_WINDOW_S:
            raise ShopeeRefusal("order.order_list_invalid_time",
                                "time_to - time_from must be between 0 and 15 days.")
        size = self._page_size(request)
        cursor = query.get("cursor") or "0"
        if not cursor.isdigit():
            raise wrong("cursor", "is not a cursor this call returned", "order")
        wanted = query.get("order_status")
        shop = self._shop(caller)
        orders = sorted(
            (order for order in self.state.orders.values()
             if order.shop_id == shop.shop_id
             and start <= int(getattr(order, ORDER_TIMES[field]).timestamp()) <= end
             and (wanted is None or ORDER_STATUS_TO_SHOPEE[order.status] == wanted)),
            key=lambda order: (order.created_at, order.order_id),
        )
        offset = int(cursor)
        page = orders[offset: offset + size]
        more = offset + size < len(orders)
        with_status = "order_status" in query.get("response_optional_fields", "")
        return {"more": more, "next_cursor": str(offset + size) if more else "",
                "order_list": [{"order_sn": order.order_id,
                                **({"order_status": ORDER_STATUS_TO_SHOPEE[order.status]} if with_status else {})}
                               for order in page]}

    async def get_order_detail(self, request: Request, caller: Caller) -> dict[str, Any]:
        query = request.query_params
        sns = [part.strip() for part in query.get("order_sn_list", "").split(",") if part.strip()]
        if not sns:
            raise missing("order_sn_list", "order")
        if len(sns) > MAX_IDS:
            raise wrong("order_sn_list", f"may hold at most {MAX_IDS} order_sn", "order")
        optional = set(query.get("response_optional_fields", "").split(","))
        shop = self._shop(caller)
        orders = [self.state.orders.get(sn) for sn in sns]
        return {"order_list": [self._order_detail(order, optional) for order in orders
                               if order is not None and order.shop_id == shop.shop_id]}

    def _order_detail(self, order: SandboxOrder, optional: set[str]) -> dict[str, Any]:
        detail: dict[str, Any] = {
            "order_sn": order.order_id, "region": "VN", "currency": "VND", "cod": False,
            "order_status": ORDER_STATUS_TO_SHOPEE[order.status], "create_time": int(order.created_at.timestamp()),
            "update_time": int(order.updated_at.timestamp()), "days_to_ship": 2, "message_to_seller": "",
        }
        if "total_amount" in optional:
            detail["total_amount"] = order.total
        if "item_list" in optional:
            detail["item_list"] = [self._order_line(line) for line in order.lines]
        return detail

    def _order_line(self, line: SandboxOrderLine) -> dict[str, Any]:
        """A line of a variant carries its model: ``model_id``, ``model_sku`` and the options as ``model_name``;
        ``item_sku`` is then the item's own."""
        item_sku, model_sku = line.seller_sku, ""
        if line.model_id is not None:
            item = self.state.items.get(line.item_id)
            item_sku, model_sku = (item.seller_sku if item else ""), line.seller_sku
        return {"item_id": int(line.item_id), "item_name": line.name, "item_sku": item_sku,
                "model_id": int(line.model_id or 0), "model_name": ",".join(line.options),
                "model_sku": model_sku, "model_quantity_purchased": line.quantity,
                "model_original_price": line.unit_price, "model_discounted_price": line.unit_price,
                "order_item_id": int(line.item_id), "promotion_type": "", "main_item": False}
