"""Messages of the Tồn kho page and stock movements (ids ui.stock_… and stock_…), looked up through ``catalog/i18n.py``."""

STOCK_MESSAGES: dict[str, dict[str, str]] = {
    "ui.page_stock": {"vi": "Tồn kho", "en": "Stock"},
}
