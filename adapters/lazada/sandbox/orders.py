"""Lazada's orders in the sandbox: an order's fulfilment status as Lazada moves it (a control-API call),
the stock open orders hold, the order list and order items calls, and the trade-order pushes (``push_for``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from adapters.common.sandbox import SandboxOrder, SandboxOrderLine, SandboxShop, now
from adapters.lazada import push
from adapters.lazada.sandbox.wire import LazadaRefusal, LazadaWire, json_list, lazada_time, parse_time
from adapters.lazada.signing import timestamp_ms

ORDER_STATUSES = frozenset({
    "unpaid", "pending", "packed", "ready_to_ship", "shipped", "delivered", "canceled", "returned", "failed",
    "failed_delivery", "shipped_back", "shipped_back_success", "shipped_back_failed", "lost", "lost_by_3pl",
    "damaged_by_3pl", "package_scrapped", "topack", "toship", "shipping", "all",
})
FULFILMENT_STATUSES = frozenset({"packed", "ready_to_ship", "shipped", "delivered", "returned", "failed_delivery",
                                 "shipped_back_success", "lost_by_3pl"})
OCCUPYING_STATUSES = frozenset({"pending", "packed", "ready_to_ship"})
SETTLED_AS = {"cancelled": "canceled", "completed": "delivered", "returned": "returned"}  # a past order's end


def order_items(order: SandboxOrder) -> Iterator[tuple[int, SandboxOrderLine]]:
    """Lazada's order items of an order, one per unit sold (§5.2): each item's id and the line it is of."""
    for line_number, line in enumerate(order.lines, start=1):
        for unit in range(1, line.quantity + 1):
            yield int(f"{order.order_id}{line_number:02d}{unit:03d}"), line


class LazadaOrders(LazadaWire):
    """Orders as Lazada reports them."""

    fulfilment: dict[str, str]  # order id -> Lazada item status after pending

    async def move_order(self, request: Request) -> Response:
        """Lazada's side of fulfilment: ``{"status": "packed" | "ready_to_ship" | "shipped" | "delivered" |
        "returned" | "failed_delivery" …}`` for every item of an open order."""
        order = self.state.orders.get(request.path_params["order_id"])
        status = str((await self._body(request)).get("status", ""))
        if order is None or order.status != "open":
            return JSONResponse({"error": "no such open order"}, status_code=404)
        if status not in FULFILMENT_STATUSES:
            return JSONResponse({"error": f"status must be one of {sorted(FULFILMENT_STATUSES)}"}, status_code=400)
        self.fulfilment[order.order_id] = status
        order.updated_at = now()
        self.push_order(order, status)
        return JSONResponse({**order.public(), "lazada_status": status})

    async def _cancel(self, request: Request) -> Response:
        """A shopper can cancel until the parcel leaves (Lazada: before ``shipped``)."""
        status = self.fulfilment.get(request.path_params["order_id"], "pending")
        if status not in OCCUPYING_STATUSES:
            return JSONResponse({"error": f"order is {status}; it can no longer be cancelled"}, status_code=409)
        return await super()._cancel(request)

    def item_status(self, order: SandboxOrder) -> str:
        if order.status in SETTLED_AS:
            return SETTLED_AS[order.status]
        return self.fulfilment.get(order.order_id, "pending")

    def reserved(self, sku_id: str | None) -> int:
        """Units of one SKU in paid orders not yet shipped (Lazada's occupy bucket), which sellable stock
        does not hold."""
        return sum(line.quantity for order in self.state.orders.values()
                   if self.item_status(order) in OCCUPYING_STATUSES
                   for line in order.lines if line.sku_id == sku_id)

    def order_view(self, order: SandboxOrder) -> dict[str, Any]:
        units = sum(line.quantity for line in order.lines)
        return {
            "order_id": int(order.order_id), "order_number": int(order.order_id),
            "created_at": lazada_time(order.created_at), "updated_at": lazada_time(order.updated_at),
            "price": f"{order.total}.00", "voucher": "0.00", "voucher_seller": "0.00", "voucher_platform": "0.00",
            "shipping_fee": "0.00", "items_count": units, "payment_method": "COD",
            "statuses": [self.item_status(order)], "warehouse_code": "dropshipping", "tax_code": "",
            "remarks": "", "buyer_note": "", "gift_option": False,
            "address_shipping": {"first_name": "Khách hàng", "phone": "0912345678", "address1": "Phường Phan Đình Phùng",
                                 "city": "Thái Nguyên", "country": "Vietnam", "post_code": "250000",
                                 "addressDsitrict": ""},
        }

    def order_items_view(self, order: SandboxOrder) -> list[dict[str, Any]]:
        """One order item per unit sold, as Lazada answers (§5.2)."""
        items = []
        for order_item_id, line in order_items(order):
            items.append({
                "order_item_id": order_item_id,
                "order_id": int(order.order_id), "sku": line.seller_sku, "sku_id": line.sku_id,
                "shop_sku": f"{line.item_id}_VNAMZ-{line.sku_id}", "product_id": line.item_id,
                "name": line.name, "variation": ", ".join(line.options), "item_price": f"{line.unit_price}.00",
                "paid_price": f"{line.unit_price}.00", "voucher_amount": "0.00", "tax_amount": "0.00",
                "shipping_amount": "0.00", "currency": "VND", "status": self.item_status(order),
                "cancel_return_initiator": "buyer-cancel" if order.status == "cancelled" else "",
                "created_at": lazada_time(order.created_at), "updated_at": lazada_time(order.updated_at),
                "shipping_type": "Dropshipping", "warehouse_code": "dropshipping", "is_fbl": 0,
            })
        return items

    def push_for(self, order: SandboxOrder, event: str) -> list[tuple[bytes, dict[str, str]]]:
        """A trade-order message (type 0) for each order item: ``pending`` when the order is created, else its
        Lazada status now (``canceled``, ``packed``, ``delivered``, ``returned`` …); signed as Lazada signs,
        with the key and secret of the app the shop authorised."""
        shop = self.state.shops[order.shop_id]
        if event == "created":
            status, changed = "pending", order.created_at
        else:
            status, changed = self.item_status(order), order.updated_at
        data = {"order_status": status, "trade_order_id": order.order_id,
                "status_update_time": int(changed.timestamp())}
        pushes = []
        for order_item_id, _ in order_items(order):
            body = {"seller_id": shop.shop_id, "message_type": push.TRADE_ORDER,
                    "data": {**data, "trade_order_line_id": str(order_item_id)},
                    "timestamp": int(timestamp_ms()), "site": push.SITE}
            raw = json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
            signature = push.sign("", raw, shop.app_key, shop.app_secret)
            pushes.append((raw, {push.SIGNATURE_HEADER: signature, "Content-Type": "application/json"}))
        return pushes

    def get_orders(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict[str, Any]:
        if not (params.get("update_after") or params.get("created_after")):
            raise LazadaRefusal("1", "E001: created_after or update_after is mandatory")
        bounds = {name: parse_time(params[name], "17") for name in
                  ("update_after", "update_before", "created_after", "created_before") if params.get(name)}
        status = params.get("status", "all")
        if status not in ORDER_STATUSES:
            raise LazadaRefusal("36", f"E036: Invalid status filter {status}")
        limit, offset = int(params.get("limit") or 100), int(params.get("offset") or 0)
        if not 0 < limit <= 100 or not 0 <= offset <= 5000:
            # no code is documented for these two; E019 is the products call's paging code [?]
            raise LazadaRefusal("19", "E019: limit must be 1..100 and offset 0..5000")
        sort_by = params.get("sort_by", "created_at")
        orders = [order for order in self.state.orders.values()
                  if order.shop_id == shop.shop_id and self.in_window(order, bounds)
                  and status in ("all", self.item_status(order))]
        orders.sort(key=lambda o: self.seconds(o.updated_at if sort_by == "updated_at" else o.created_at),
                    reverse=params.get("sort_direction", "DESC").upper() == "DESC")
        page = orders[offset:offset + limit]
        return {"count": len(page), "countTotal": len(orders), "orders": [self.order_view(o) for o in page]}

    @staticmethod
    def seconds(moment: datetime) -> datetime:
        return moment.replace(microsecond=0)

    def in_window(self, order: SandboxOrder, bounds: dict[str, datetime]) -> bool:
        updated, created = self.seconds(order.updated_at), self.seconds(order.created_at)
        return all((
            "update_after" not in bounds or updated >= bounds["update_after"],
            "update_before" not in bounds or updated <= bounds["update_before"],
            "created_after" not in bounds or created >= bounds["created_after"],
            "created_before" not in bounds or created <= bounds["created_before"],
        ))

    def get_orders_items(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        ids = json_list(params.get("order_ids"), "order_ids", "56")
        if len(ids) > 50:
            raise LazadaRefusal("38", "E038: Too many orders; at most 50")
        if not all(str(i).isdigit() for i in ids):
            raise LazadaRefusal("37", "E037: Invalid order ID")
        found = [self.state.orders[str(i)] for i in ids
                 if str(i) in self.state.orders and self.state.orders[str(i)].shop_id == shop.shop_id]
        if not found:
            raise LazadaRefusal("39", "E039: No orders were found")
        data = [{"order_id": int(o.order_id), "order_number": int(o.order_id),
                 "order_items": self.order_items_view(o)} for o in found]
        return {"_top": {"data": data}}

    def get_order_items(self, params: dict[str, str], shop: SandboxShop, files: dict[str, Any]) -> dict:
        order = self.state.orders.get(str(params.get("order_id", "")))
        if order is None or order.shop_id != shop.shop_id:
            raise LazadaRefusal("16", "E016: Invalid Order ID")
        return {"_top": {"data": self.order_items_view(order)}}
