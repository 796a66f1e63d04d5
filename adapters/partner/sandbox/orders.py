"""A partner floor's orders in the sandbox: orders changed since a time, in the floor's fields."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from adapters.common.sandbox import SandboxOrder, SandboxShop
from adapters.partner import wire
from adapters.partner.sandbox.wire import PartnerRefusal, PartnerWire


class PartnerOrders(PartnerWire):
    """The order list."""

    def order_wire(self, order: SandboxOrder) -> dict[str, Any]:
        f, profile = self.profile.orders.fields, self.profile
        return {
            f.order_id: order.order_id,
            f.status: profile.orders.floor_status(order.status),
            f.created_at: wire.encode_time(profile, order.created_at),
            f.updated_at: wire.encode_time(profile, order.updated_at),
            f.total: order.total,
            f.lines: [
                {
                    f.line_ref: line.line_ref,
                    f.line_sku: line.seller_sku,
                    f.line_quantity: line.quantity,
                    f.line_price: line.unit_price,
                }
                for line in order.lines
            ],
        }

    def _changed_since(self, order: SandboxOrder, since: datetime) -> bool:
        """At the resolution the floor's times have (whole seconds for Unix times)."""
        changed = (
            order.updated_at.replace(microsecond=0)
            if self.profile.time_format == "unix"
            else order.updated_at
        )
        return changed >= since

    async def _list_orders(self, request: Request, shop: SandboxShop) -> Response:
        orders = self.profile.orders
        raw = request.query_params.get(orders.since_param)
        try:
            since = wire.decode_time(self.profile, raw) if raw else None
        except ValueError:
            since = None
        if since is None:
            raise PartnerRefusal(
                self.profile.errors.codes.invalid_field,
                f"thiếu hoặc sai {orders.since_param}",
                400,
                orders.since_param,
            )
        found = sorted(
            (
                o
                for o in self.state.orders.values()
                if o.shop_id == shop.shop_id and self._changed_since(o, since)
            ),
            key=lambda o: (o.updated_at, o.order_id),
        )
        return self.paged(request, [self.order_wire(o) for o in found], orders.list_key)

