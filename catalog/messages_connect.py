"""Messages of connecting shops from the app (ids ui.connect_… and connect_…), looked up through ``catalog/i18n.py``."""

CONNECT_MESSAGES: dict[str, dict[str, str]] = {
    # refusals raised by syndicator/connect.py
    "connect_apps_unreadable": {
        "vi": "{env}: không đọc được đăng ký ứng dụng trên các sàn ({error})",
        "en": "{env}: the app's marketplace registrations cannot be read ({error})",
    },
    "connect_no_app": {
        "vi": "Ứng dụng chưa được đăng ký trên {marketplace} ({env}), chưa thể kết nối gian hàng",
        "en": "The app is not registered on {marketplace} ({env}); no shop can be connected yet",
    },
    "connect_not_by_redirect": {
        "vi": "{marketplace} không kết nối qua trang cấp quyền; hãy dùng biểu mẫu khóa đối tác",
        "en": "{marketplace} is not connected through an authorisation page; use the partner key form",
    },
    "connect_state_missing": {
        "vi": "Đường dẫn quay về không có mã phiên kết nối (state); hãy bấm kết nối lại từ trang Gian hàng",
        "en": "The return address carries no connection state; start connecting again from the Shops page",
    },
    "connect_state_forged": {
        "vi": "Mã phiên kết nối (state) không hợp lệ: không phải do ứng dụng này tạo ra; không lưu gì",
        "en": "The connection state is not valid: this app did not make it; nothing was stored",
    },
    "connect_state_expired": {
        "vi": "Phiên kết nối đã quá {minutes} phút và hết hạn; hãy bấm kết nối lại",
        "en": "The connection started more than {minutes} minutes ago and expired; start again",
    },
    "connect_state_other_login": {
        "vi": "Phiên kết nối này do một tài khoản khác bắt đầu; không lưu gì",
        "en": "Another login started this connection; nothing was stored",
    },
    "connect_state_spent": {
        "vi": "Phiên kết nối này đã được dùng rồi (mã cấp quyền gửi lại lần hai); không lưu gì",
        "en": "This connection was already used (the authorisation code sent a second time); nothing was stored",
    },
    "connect_declined": {
        "vi": "{marketplace} không cấp quyền: {error}",
        "en": "{marketplace} did not grant access: {error}",
    },
    "connect_no_code": {
        "vi": "{marketplace} không gửi lại mã cấp quyền; hãy bấm kết nối lại",
        "en": "{marketplace} sent no authorisation code back; start again",
    },
    "connect_code_refused": {
        "vi": "{marketplace} không nhận mã cấp quyền (mã đã dùng, hết hạn hoặc của ứng dụng khác): {reason}",
        "en": "{marketplace} refused the authorisation code (used, expired or another app's): {reason}",
    },
    "connect_other_shop": {
        "vi": "{marketplace}: đã cấp quyền cho gian hàng {other}, không phải gian hàng {shop} cần kết nối lại",
        "en": "{marketplace}: access was granted for shop {other}, not for shop {shop} being connected again",
    },
    "connect_field_missing": {"vi": "{field}: cần nhập", "en": "{field}: required"},
    "connect_base_url_invalid": {
        "vi": "Địa chỉ API: «{url}» phải bắt đầu bằng http:// hoặc https://",
        "en": "API address: «{url}» must start with http:// or https://",
    },
    # the connect section of the Gian hàng page (ui/connect.py)
    "ui.connect_title": {"vi": "Kết nối gian hàng", "en": "Connect a shop"},
    "ui.connect_explain": {
        "vi": "Bấm nút của sàn: trang cấp quyền của sàn mở ra, bạn đăng nhập gian hàng và bấm Đồng ý, rồi quay về "
              "đây. Kết nối xong, chưa có sản phẩm nào được đăng bán.",
        "en": "Press a marketplace's button: its authorisation page opens, you log in to your shop and agree, then "
              "come back here. Connecting publishes nothing.",
    },
    "ui.connect_with": {"vi": "Kết nối {marketplace}", "en": "Connect {marketplace}"},
    "ui.connect_again": {"vi": "Kết nối lại {shop}", "en": "Connect {shop} again"},
    "ui.connect_none_configured": {
        "vi": "Chưa sàn nào được cấu hình để kết nối qua trang cấp quyền.",
        "en": "No marketplace is set up for connecting through its authorisation page.",
    },
    "ui.connect_pick_coop": {"vi": "Chọn một HTX để kết nối gian hàng.", "en": "Choose a co-op to connect a shop."},
    "ui.connect_officer": {
        "vi": "Cán bộ chỉ xem; HTX tự kết nối gian hàng của mình.",
        "en": "Officers only look; each co-op connects its own shops.",
    },
    "ui.connect_done": {
        "vi": "Đã kết nối {marketplace} · {shop}. Chưa đăng bán sản phẩm nào.",
        "en": "Connected {marketplace} · {shop}. Nothing is published yet.",
    },
    "ui.connect_failed": {"vi": "Không kết nối được: {error}", "en": "Not connected: {error}"},
    "ui.connect_floor_title": {"vi": "Sàn địa phương", "en": "Local trade floors"},
    "ui.connect_floor": {"vi": "Sàn", "en": "Floor"},
    "ui.connect_how": {"vi": "Cách kết nối", "en": "How"},
    "ui.connect_by_feed": {
        "vi": "Không có API: tải bảng tính lên sàn", "en": "No API: upload spreadsheets to the floor"},
    "ui.connect_by_key": {"vi": "Có khóa đối tác (API)", "en": "With a partner key (API)"},
    "ui.connect_base_url": {"vi": "Địa chỉ API", "en": "API address"},
    "ui.connect_shop_id": {"vi": "Mã gian hàng", "en": "Shop id"},
    "ui.connect_api_key": {"vi": "Khóa API", "en": "API key"},
    "ui.connect_api_secret": {"vi": "Mật khẩu API", "en": "API secret"},
    "ui.connect_submit": {"vi": "Kết nối", "en": "Connect"},
}
