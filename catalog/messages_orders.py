"""Messages of the Đơn hàng page and the order list (ids ui.orders_… and orders_…), looked up through ``catalog/i18n.py``."""

ORDERS_MESSAGES: dict[str, dict[str, str]] = {
    "ui.page_orders": {"vi": "Đơn hàng", "en": "Orders"},
    # filters
    "ui.orders_all_marketplaces": {"vi": "Tất cả sàn", "en": "All marketplaces"},
    "ui.orders_status": {"vi": "Trạng thái", "en": "Status"},
    "ui.orders_all_statuses": {"vi": "Tất cả trạng thái", "en": "All statuses"},
    "ui.orders_since": {"vi": "Từ ngày", "en": "From"},
    "ui.orders_until": {"vi": "Đến ngày", "en": "To"},
    "ui.orders_search": {"vi": "Tìm theo mã đơn hoặc SKU", "en": "Search by order id or SKU"},
    "ui.orders_unknown_only": {"vi": "Chỉ đơn có SKU không rõ", "en": "Only orders with an unknown SKU"},
    # the order's status, normalised from each marketplace's own
    "ui.orders_status_open": {"vi": "Đang xử lý", "en": "Open"},
    "ui.orders_status_completed": {"vi": "Hoàn thành", "en": "Completed"},
    "ui.orders_status_cancelled": {"vi": "Đã hủy", "en": "Cancelled"},
    "ui.orders_status_returned": {"vi": "Trả hàng", "en": "Returned"},
    # the table
    "ui.orders_time": {"vi": "Thời gian đặt", "en": "Placed at"},
    "ui.orders_quantity": {"vi": "Số lượng", "en": "Quantity"},
    "ui.orders_total": {"vi": "Tổng đơn", "en": "Order total"},
    "ui.orders_stock": {"vi": "Biến động kho", "en": "Stock movement"},
    "ui.orders_unknown_sku": {"vi": "SKU không rõ", "en": "Unknown SKU"},
    "ui.orders_yes": {"vi": "Có", "en": "Yes"},
    "ui.orders_movement_sale": {"vi": "Xuất bán", "en": "Sold"},
    "ui.orders_movement_cancellation": {"vi": "Nhập lại do hủy", "en": "Back in (cancelled)"},
    "ui.orders_movement_return": {"vi": "Nhập lại do trả hàng", "en": "Back in (returned)"},
    "ui.orders_no_stock_moved": {"vi": "không trừ kho", "en": "no stock moved"},
    "ui.orders_none": {"vi": "Không có đơn hàng nào khớp bộ lọc.", "en": "No order matches the filters."},
    "ui.orders_unknown_warning": {
        "vi": "Có {n} dòng đơn mang SKU không thuộc HTX: các dòng này không trừ kho. Hãy sửa SKU trên sàn "
              "hoặc thêm SKU vào danh mục sản phẩm.",
        "en": "{n} order lines carry a SKU that is none of the co-op's: they move no stock. Correct the SKU on "
              "the marketplace or add it to the product catalogue.",
    },
    "ui.orders_prepare_download": {"vi": "Chuẩn bị tệp tải về", "en": "Prepare the download"},
    "ui.orders_export_capped": {
        "vi": "Tệp chỉ gồm {n} đơn mới nhất; hãy lọc hẹp hơn để tải các đơn còn lại.",
        "en": "The file holds the newest {n} orders only; narrow the filters to download the rest.",
    },
    # refusals of the order list (syndicator/access/orders.py)
    "orders_bad_marketplace": {"vi": "Sàn: không có sàn «{name}»", "en": "Marketplace: there is no «{name}»"},
    "orders_bad_status": {"vi": "Trạng thái: không có trạng thái «{status}»", "en": "Status: there is no «{status}»"},
    "orders_bad_dates": {
        "vi": "Từ ngày ({since}) phải trước hoặc trùng Đến ngày ({until})",
        "en": "From ({since}) must be on or before To ({until})",
    },
}
