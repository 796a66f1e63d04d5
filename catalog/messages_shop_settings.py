"""Messages of a shop's price rule and stock policy forms (ids ui.settings_… and settings_…), looked up through ``catalog/i18n.py``."""

SHOP_SETTINGS_MESSAGES: dict[str, dict[str, str]] = {
    # a percentage typed in a form (catalog/validation.py:parse_percent)
    "settings_percent_format": {
        "vi": "«{value}» không phải tỉ lệ phần trăm (ví dụ 6,5 %)",
        "en": "«{value}» is not a percentage (e.g. 6.5 %)",
    },
    "settings_percent_range": {
        "vi": "«{value}» phải từ 0 đến 100 %",
        "en": "«{value}» must be from 0 to 100 %",
    },
    # the Shops page: one shop's settings
    "ui.settings_title": {"vi": "Cài đặt gian hàng", "en": "Shop settings"},
    "ui.settings_auto_publish": {"vi": "Đăng tự động sản phẩm mới", "en": "Publish new products automatically"},
    "ui.settings_auto_publish_help": {
        "vi": "Bật: lần đồng bộ tới đăng lên gian hàng này mọi sản phẩm mới của HTX. "
              "Tắt: chỉ đăng những sản phẩm bạn chọn.",
        "en": "On: the next sync publishes every new product of the co-op on this shop. "
              "Off: only the products you choose are published.",
    },
    "ui.settings_auto_publish_on": {
        "vi": "{shop}: đã bật đăng tự động sản phẩm mới.",
        "en": "{shop}: new products are now published automatically.",
    },
    "ui.settings_auto_publish_off": {
        "vi": "{shop}: đã tắt đăng tự động; chỉ đăng những sản phẩm bạn chọn.",
        "en": "{shop}: automatic publishing is off; only the products you choose are published.",
    },
    "ui.settings_auto_publish_column": {"vi": "Đăng tự động", "en": "Auto-publish"},
    "ui.settings_yes": {"vi": "Bật", "en": "On"},
    "ui.settings_no": {"vi": "Tắt", "en": "Off"},
    "ui.settings_admin_only": {
        "vi": "Chỉ quản trị viên sửa được quy tắc giá và chính sách tồn kho; bạn xem được.",
        "en": "Only an administrator edits the price rule and the stock policy; you can see them.",
    },
    "ui.settings_fee_phi_thanh_toan": {"vi": "Phí thanh toán", "en": "Payment fee"},
    "ui.settings_fee_phi_co_dinh": {"vi": "Phí cố định", "en": "Fixed commission"},
    "ui.settings_fee_phi_dich_vu": {"vi": "Phí dịch vụ", "en": "Service fee"},
    "ui.settings_fee_other": {"vi": "Phí «{name}»", "en": "Fee «{name}»"},
    "ui.settings_fee_per_order": {"vi": "Phí mỗi đơn", "en": "Fee per order"},
    "ui.settings_markup": {"vi": "Lãi thêm", "en": "Markup"},
    "ui.settings_rounding": {"vi": "Làm tròn lên bội số của", "en": "Round up to a multiple of"},
    "ui.settings_per_order": {"vi": "/đơn", "en": "/order"},
    "ui.settings_buffer": {"vi": "Giữ lại (không bán trên sàn này)", "en": "Held back (not sold here)"},
    "ui.settings_allocation": {"vi": "Đưa lên sàn", "en": "Offered here"},
    "ui.settings_allocation_all": {"vi": "Toàn bộ tồn kho còn lại", "en": "All the remaining stock"},
    "ui.settings_allocation_percentage": {"vi": "Một phần trăm tồn kho", "en": "A percentage of the stock"},
    "ui.settings_allocation_cap": {"vi": "Nhiều nhất một số lượng", "en": "At most a number of units"},
    "ui.settings_percentage": {"vi": "Phần trăm tồn kho đưa lên sàn", "en": "Percentage of the stock offered"},
    "ui.settings_cap": {"vi": "Số lượng tối đa", "en": "Most units offered"},
    "ui.settings_zero_at_or_below": {"vi": "Về 0 khi còn ≤", "en": "0 when at or below"},
    "ui.settings_zero_shown": {"vi": "về 0 khi còn ≤ {threshold}", "en": "0 at or below {threshold}"},
    "ui.settings_example_price": {"vi": "Giá ví dụ", "en": "Example price"},
    "ui.settings_example": {
        "vi": "Sản phẩm giá {base} → giá trên {marketplace}: **{price}** (HTX vẫn nhận {base} sau phí).",
        "en": "A product at {base} → price on {marketplace}: **{price}** (the co-op still nets {base} after fees).",
    },
    "ui.settings_field_invalid": {"vi": "{field}: {error}", "en": "{field}: {error}"},
    "ui.settings_saved": {"vi": "Đã lưu cài đặt của {shop}.", "en": "Saved the settings of {shop}."},
}
