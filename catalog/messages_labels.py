"""Messages of traceability: labels (ids labels_…), looked up through ``catalog/i18n.py``."""

LABELS_MESSAGES: dict[str, dict[str, str]] = {
    # VietQR payment codes
    "labels_vietqr_bin_unknown": {
        "vi": "mã BIN ngân hàng «{value}» không có trong danh sách NAPAS (ví dụ Vietcombank là 970436)",
        "en": "the bank BIN «{value}» is not on the NAPAS list (e.g. Vietcombank is 970436)",
    },
    "labels_vietqr_account_format": {
        "vi": "số tài khoản «{value}» chỉ được gồm chữ số và chữ cái không dấu, dài 1–19 ký tự",
        "en": "the account number «{value}» may only hold digits and plain letters, 1–19 characters long",
    },
    "labels_vietqr_amount_invalid": {
        "vi": "số tiền «{value}» phải là số đồng nguyên lớn hơn 0, tối đa 13 chữ số",
        "en": "the amount «{value}» must be whole đồng above 0, at most 13 digits",
    },
    # labels and stall signs (syndicator labels)
    "labels_unknown_coop": {"vi": "không có HTX mã «{value}»", "en": "no co-op with code «{value}»"},
    "labels_unknown_product": {"vi": "không có sản phẩm mã «{value}»", "en": "no product with code «{value}»"},
    "labels_unknown_product_in_coop": {
        "vi": "HTX «{coop}» không có sản phẩm mã «{value}»",
        "en": "co-op «{coop}» has no product with code «{value}»",
    },
    "labels_unknown_sku": {"vi": "không có SKU «{value}»", "en": "no SKU «{value}»"},
    "labels_unknown_sku_in_coop": {
        "vi": "HTX «{coop}» không có SKU «{value}»",
        "en": "co-op «{coop}» has no SKU «{value}»",
    },
    "labels_unknown_lot": {
        "vi": "không có lô «{value}» của các sản phẩm đã chọn",
        "en": "no lot «{value}» of the products chosen",
    },
    "labels_unknown_layout": {
        "vi": "không có khổ nhãn «{value}»; chọn: {choices}",
        "en": "no label layout «{value}»; choose: {choices}",
    },
    "labels_nothing": {
        "vi": "không có SKU nào đang bán khớp lựa chọn: không ghi tệp",
        "en": "no SKU on sale matches the selection: no file written",
    },
    "labels_stall_lot": {
        "vi": "bảng giá (--stall) không in theo lô: bỏ --lot",
        "en": "a stall sign (--stall) is not printed per lot: drop --lot",
    },
    "labels_stall_no_bank": {
        "vi": "HTX «{coop}» chưa ghi ngân hàng (mã BIN) và số tài khoản: bảng giá in không có mã VietQR",
        "en": "co-op «{coop}» has no bank (BIN) and account number on record: "
              "the sign is printed without a VietQR code",
    },
    "labels_stall_bad_bank": {
        "vi": "tài khoản ngân hàng của HTX «{coop}» không dùng được ({error}): "
              "bảng giá in không có mã VietQR",
        "en": "co-op «{coop}»'s bank account cannot be used ({error}): "
              "the sign is printed without a VietQR code",
    },
    "labels_written": {
        "vi": "đã ghi {count} nhãn ({pages} trang, khổ {layout}) vào {file}",
        "en": "wrote {count} labels ({pages} pages, layout {layout}) to {file}",
    },
    "labels_stall_written": {
        "vi": "đã ghi bảng giá A5 của {count} HTX vào {file}",
        "en": "wrote the A5 stall signs of {count} co-ops to {file}",
    },
    # printed on the labels and signs themselves (always in Vietnamese)
    "labels_sheet_title": {"vi": "Tem truy xuất nguồn gốc", "en": "Traceability labels"},
    "labels_scan_to_trace": {"vi": "Quét để truy xuất", "en": "Scan to trace"},
    "labels_scan_to_pay_price": {"vi": "Quét để trả tiền", "en": "Scan to pay"},
    "labels_pay_layout": {
        "vi": "mã thanh toán cần nhãn khổ 2x5 (105×57 mm): nhãn 3x8 không đủ chỗ cho hai mã QR",
        "en": "a payment code needs the 2x5 layout (105×57 mm): a 3x8 label has no room for two QR codes",
    },
    "labels_ocop": {"vi": "OCOP {stars} sao", "en": "OCOP {stars} stars"},
    "labels_lot": {"vi": "Lô: {code}", "en": "Lot: {code}"},
    "labels_produced": {"vi": "NSX: {day}", "en": "Made: {day}"},
    "labels_expires": {"vi": "HSD: {day}", "en": "Use by: {day}"},
    "labels_price_list": {"vi": "Bảng giá", "en": "Price list"},
    "labels_scan_to_pay": {"vi": "Quét mã VietQR để chuyển khoản", "en": "Scan the VietQR code to pay"},
}
