"""Messages of officers' dashboards (ids ui.dash_… and dash_…), looked up through ``catalog/i18n.py``."""

DASHBOARDS_MESSAGES: dict[str, dict[str, str]] = {
    # the date range and the trends (Doanh số)
    "ui.dash_range": {"vi": "Khoảng thời gian", "en": "Date range"},
    "ui.dash_range_note": {
        "vi": "Từ {start} đến {end}, theo giờ Việt Nam; đơn đã huỷ và đơn trả hàng không tính vào doanh thu.",
        "en": "From {start} to {end}, Vietnam time; cancelled and returned orders are not counted as revenue.",
    },
    "ui.dash_range_incomplete": {
        "vi": "Chọn cả ngày bắt đầu và ngày kết thúc; đang hiện 12 tháng gần nhất.",
        "en": "Choose both a first and a last day; showing the last 12 months.",
    },
    "ui.dash_trend": {"vi": "Xu hướng doanh thu và đơn hàng", "en": "Revenue and orders over time"},
    "ui.dash_by": {"vi": "Theo", "en": "By"},
    "ui.dash_by_week": {"vi": "tuần", "en": "week"},
    "ui.dash_by_month": {"vi": "tháng", "en": "month"},
    "ui.dash_week_of": {"vi": "Tuần từ", "en": "Week from"},
    "ui.dash_cancelled": {"vi": "Đơn huỷ", "en": "Cancelled"},
    "ui.dash_returned": {"vi": "Đơn trả hàng", "en": "Returned"},
    "ui.dash_no_orders_in_range": {
        "vi": "Không có đơn hàng nào trong khoảng thời gian này.",
        "en": "No orders in this date range.",
    },
    # listing health (Tổng quan)
    "ui.dash_health": {"vi": "Tình trạng tin đăng theo hợp tác xã", "en": "Listing health by co-op"},
    "ui.dash_health_note": {
        "vi": "Lỗi: tin bị sàn từ chối hoặc lần đẩy gần nhất báo lỗi. Sai lệch: lần giám sát gần nhất thấy "
              "giá, tồn kho hoặc tên trên sàn khác với dữ liệu đã gửi.",
        "en": "Failed: the marketplace refused the listing or its last push reported an error. Drift: the "
              "monitor's latest look found a price, stock or title other than what was sent.",
    },
    "ui.dash_live": {"vi": "Đang bán", "en": "Live"},
    "ui.dash_failed": {"vi": "Lỗi", "en": "Failed"},
    "ui.dash_drift": {"vi": "Sai lệch", "en": "Drift"},
    "ui.dash_no_coops": {"vi": "Chưa có hợp tác xã nào.", "en": "No co-ops yet."},
    # stock alerts (Tổng quan)
    "ui.dash_out_of_stock": {"vi": "Hết hàng", "en": "Out of stock"},
    "ui.dash_low_stock": {"vi": "Sắp hết hàng", "en": "Low on stock"},
    "ui.dash_low_stock_note": {
        "vi": "Sắp hết: còn bán được từ 1 đến {threshold} đơn vị (ngưỡng mặc định; chính sách tồn kho của "
              "gian hàng chưa có ngưỡng cảnh báo riêng).",
        "en": "Low: 1 to {threshold} units available (the default threshold; shops' stock policies hold no "
              "warning threshold of their own).",
    },
    "ui.dash_none_out": {"vi": "Không có mặt hàng nào hết hàng.", "en": "Nothing is out of stock."},
    "ui.dash_none_low": {"vi": "Không có mặt hàng nào sắp hết.", "en": "Nothing is low on stock."},
    "ui.dash_pack": {"vi": "Quy cách", "en": "Pack"},
    # the monitor (Giám sát)
    "ui.dash_no_drift": {
        "vi": "Không thấy sai lệch: mọi tin được giám sát đều khớp với dữ liệu đã gửi.",
        "en": "No drift found: every listing the monitor looked at matches what was sent.",
    },
}
