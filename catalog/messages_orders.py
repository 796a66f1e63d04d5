"""Messages of the Đơn hàng page and the order list (ids ui.orders_… and orders_…), looked up through ``catalog/i18n.py``."""

ORDERS_MESSAGES: dict[str, dict[str, str]] = {
    "ui.page_orders": {"vi": "Đơn hàng", "en": "Orders"},
}
