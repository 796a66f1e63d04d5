"""Messages of traceability: lots (ids lots_…), looked up through ``catalog/i18n.py``."""

LOTS_MESSAGES: dict[str, dict[str, str]] = {
    # the fields of a lot, as errors name them
    "lots_field_coop_code": {"vi": "mã HTX", "en": "co-op code"},
    "lots_field_product_code": {"vi": "mã sản phẩm", "en": "product code"},
    "lots_field_code": {"vi": "mã lô", "en": "lot code"},
    "lots_field_produced_on": {"vi": "ngày sản xuất", "en": "production date"},
    "lots_field_expires_on": {"vi": "hạn sử dụng", "en": "expiry date"},
    "lots_field_quantity": {"vi": "số lượng", "en": "quantity"},
    "lots_field_notes": {"vi": "ghi chú", "en": "notes"},
    # checks of one lot
    "lots_code_format": {
        "vi": "mã lô «{value}» chỉ được gồm chữ A–Z, số 0–9 và dấu - / ., dài 1–40 ký tự",
        "en": "the lot code «{value}» may only hold A–Z, 0–9 and - / ., 1–40 characters long",
    },
    "lots_expiry_before": {
        "vi": "hạn sử dụng {expires} trước ngày sản xuất {produced}",
        "en": "the expiry date {expires} is before the production date {produced}",
    },
    "lots_code_taken": {
        "vi": "sản phẩm «{product}» đã có lô «{code}»",
        "en": "product «{product}» already has a lot «{code}»",
    },
    "lots_code_repeated": {
        "vi": "lô «{code}» của sản phẩm «{product}» đã có ở dòng {first}",
        "en": "lot «{code}» of product «{product}» is already on row {first}",
    },
    "lots_product_unknown": {
        "vi": "HTX «{coop}» không có sản phẩm «{product}»",
        "en": "co-op «{coop}» has no product «{product}»",
    },
    "lots_coop_needed": {
        "vi": "cần mã HTX (cột «mã HTX» hoặc --coop)",
        "en": "a co-op code is needed (a «coop_code» column or --coop)",
    },
    # stock receipts naming a lot
    "lots_not_of_product": {
        "vi": "sản phẩm «{product}» của SKU {sku} không có lô «{code}»; không ghi gì",
        "en": "product «{product}» of SKU {sku} has no lot «{code}»; nothing recorded",
    },
    "lots_receipt_only": {
        "vi": "chỉ lần nhập kho (--receipt) mới ghi lô",
        "en": "only a receipt (--receipt) names a lot",
    },
    # the spreadsheet sheet of lots
    "lots_sheet_column": {"vi": "Lô: {column}", "en": "Lots: {column}"},
    "lots_report": {
        "vi": "lô: {created} mới, {changed} sửa, {unchanged} không đổi",
        "en": "lots: {created} new, {changed} changed, {unchanged} unchanged",
    },
    # the command line
    "lots_added": {
        "vi": "Đã thêm lô {code} của {product}: sản xuất {produced}, hạn dùng {expires}",
        "en": "Added lot {code} of {product}: produced {produced}, expires {expires}",
    },
    "lots_none": {"vi": "Chưa có lô nào", "en": "No lots yet"},
    "lots_no_expiry": {"vi": "không ghi", "en": "not given"},
    "lots_col_coop": {"vi": "HTX", "en": "Co-op"},
    "lots_col_product": {"vi": "Sản phẩm", "en": "Product"},
    "lots_col_code": {"vi": "Mã lô", "en": "Lot"},
    "lots_col_produced": {"vi": "Ngày sản xuất", "en": "Produced"},
    "lots_col_expires": {"vi": "Hạn sử dụng", "en": "Expires"},
    "lots_col_quantity": {"vi": "Số lượng", "en": "Quantity"},
    "lots_col_notes": {"vi": "Ghi chú", "en": "Notes"},
    # the app's section on the products page
    "lots_section": {"vi": "Lô hàng", "en": "Lots"},
    "lots_pick_product": {"vi": "Sản phẩm", "en": "Product"},
    "lots_no_products": {"vi": "Chưa có sản phẩm nào", "en": "No products yet"},
    "lots_add": {"vi": "Thêm lô", "en": "Add the lot"},
    "lots_date_hint": {"vi": "ví dụ 20/11/2026", "en": "e.g. 20/11/2026"},
    "lots_expiry_hint": {
        "vi": "để trống: tính từ hạn sử dụng của sản phẩm",
        "en": "leave empty: from the product's shelf life",
    },
    "lots_saved": {"vi": "Đã thêm lô {code}.", "en": "Added lot {code}."},
    "lots_fix": {"vi": "Chưa thêm lô — hãy sửa các lỗi sau:", "en": "Lot not added — fix these:"},
}
