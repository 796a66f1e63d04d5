"""Messages of traceability: trace (ids trace_…), looked up through ``catalog/i18n.py``."""

TRACE_MESSAGES: dict[str, dict[str, str]] = {
    # the public trace page
    "trace_title": {"vi": "Truy xuất nguồn gốc", "en": "Product traceability"},
    "trace_switch": {"vi": "English", "en": "Tiếng Việt"},
    "trace_packs": {"vi": "Quy cách đóng gói", "en": "Pack sizes"},
    "trace_gtin": {"vi": "Mã vạch GTIN", "en": "GTIN barcode"},
    "trace_producer": {"vi": "Đơn vị sản xuất", "en": "Producer"},
    "trace_commune": {"vi": "Xã/phường", "en": "Commune"},
    "trace_phone": {"vi": "Điện thoại", "en": "Phone"},
    "trace_address": {"vi": "Địa chỉ", "en": "Address"},
    "trace_origin": {"vi": "Nơi sản xuất", "en": "Place of origin"},
    "trace_origin_note": {
        "vi": "Theo danh mục đơn vị hành chính 2025",
        "en": "As named on the official 2025 list of communes",
    },
    "trace_ocop": {"vi": "OCOP {stars} sao", "en": "OCOP {stars} stars"},
    "trace_ocop_valid": {"vi": "hiệu lực đến {date}", "en": "valid until {date}"},
    "trace_ocop_expired": {"vi": "hết hiệu lực từ {date}", "en": "expired on {date}"},
    "trace_certifications": {"vi": "Chứng nhận", "en": "Certifications"},
    "trace_lot": {"vi": "Lô sản xuất", "en": "Production lot"},
    "trace_lot_code": {"vi": "Mã lô", "en": "Lot code"},
    "trace_produced_on": {"vi": "Ngày sản xuất", "en": "Produced on"},
    "trace_expires_on": {"vi": "Hạn sử dụng", "en": "Best before"},
    "trace_lot_notes": {"vi": "Ghi chú", "en": "Notes"},
    "trace_buy_online": {"vi": "Mua lại trên sàn", "en": "Order again online"},
    "trace_photo": {"vi": "Ảnh sản phẩm {name}", "en": "Photo of {name}"},
    "trace_not_found_title": {"vi": "Không tìm thấy sản phẩm", "en": "Product not found"},
    "trace_not_found": {
        "vi": "Mã truy xuất «{code}» không có trong hệ thống. Hãy kiểm tra lại mã trên tem.",
        "en": "The trace code «{code}» is not known. Please check the code on the label.",
    },
    # the officers' dashboard
    "trace_views_heading": {"vi": "Lượt quét mã truy xuất theo tuần", "en": "Trace-page views per week"},
    "trace_views_week": {"vi": "Tuần", "en": "Week"},
    "trace_views_commune": {"vi": "Xã xuất xứ", "en": "Origin commune"},
    "trace_views_count": {"vi": "Lượt xem", "en": "Views"},
    "trace_views_none": {
        "vi": "Chưa có lượt quét nào trong {weeks} tuần qua.",
        "en": "No trace page was opened in the last {weeks} weeks.",
    },
    "trace_commune_unknown": {"vi": "(chưa ghi xã)", "en": "(no commune)"},
}
