"""The texts of ``syndicator/`` (its commands, logins, shops, schedule, monitor, demo), in the one catalogue of
``catalog/i18n.py``."""

PACKAGE_MESSAGES: dict[str, dict[str, str]] = {
    # logins
    "user_name_empty": {"vi": "tên đăng nhập không được để trống", "en": "the username is empty"},
    "user_name_too_long": {
        "vi": "tên đăng nhập quá {max} ký tự",
        "en": "the username is longer than {max} characters",
    },
    "user_password_short": {
        "vi": "mật khẩu cần ít nhất {min} ký tự",
        "en": "the password needs at least {min} characters",
    },
    "user_coop_needed": {"vi": "tài khoản HTX cần --coop", "en": "a coop login needs --coop CODE"},
    "user_role_without_coop": {"vi": "vai trò {role} không gắn với HTX", "en": "the role {role} has no co-op"},
    "user_role_unknown": {
        "vi": "vai trò không hợp lệ «{role}»; chọn coop, officer hoặc admin",
        "en": "no role «{role}»; choose coop, officer or admin",
    },
    "user_name_taken": {"vi": "tên đăng nhập «{name}» đã có", "en": "the username «{name}» is taken"},
    "user_unknown": {"vi": "không có tài khoản «{name}»", "en": "no login «{name}»"},
    "user_throttled": {
        "vi": "Đăng nhập sai quá nhiều lần; thử lại sau {minutes} phút",
        "en": "too many failed logins; try again in {minutes} minutes",
    },
    "coop_missing": {"vi": "không có HTX mã «{coop}»", "en": "no co-op with code «{coop}»"},
    # shops
    "marketplace_unknown": {
        "vi": "sàn không hợp lệ «{name}»; chọn: {choices}",
        "en": "unknown marketplace «{name}»; choose: {choices}",
    },
    "channel_other_coop": {
        "vi": "gian hàng {shop} đã thuộc HTX khác",
        "en": "the shop {shop} belongs to another co-op",
    },
    "channel_unreachable": {
        "vi": "không kết nối được {marketplace} tại {url}: {error}",
        "en": "cannot reach {marketplace} at {url}: {error}",
    },
    "channel_refused": {
        "vi": "{marketplace} từ chối: {message} [{code}]",
        "en": "{marketplace} refused: {message} [{code}]",
    },
    "channel_unknown": {"vi": "không có gian hàng #{id}", "en": "no channel account #{id}"},
    "channel_is_feed": {
        "vi": "gian hàng #{id} đăng bằng bảng tính, không cần kết nối lại",
        "en": "the shop #{id} is a spreadsheet feed: nothing to authorise",
    },
    "channel_feed_floors_only": {
        "vi": "{marketplace} không nhận bảng tính: chỉ các sàn tỉnh và sàn bưu điện mới nhận",
        "en": "{marketplace} takes no spreadsheet feed: only the trade floors do",
    },
    "channel_has_api": {
        "vi": "gian hàng #{id} dùng API, không dùng bảng tính",
        "en": "shop #{id} syncs by API, not by spreadsheet feed",
    },
    "channel_not_a_sandbox": {
        "vi": "{url} không cấp mã mới cho gian hàng {shop} (không phải sandbox): xin {marketplace} mã ủy quyền "
        "mới, ghi vào tệp JSON thông tin đăng nhập (trường `code`) rồi chạy `{command}`",
        "en": "{url} gives the shop {shop} no new code (not a sandbox): get a new authorisation code from "
        "{marketplace}, put it in the credentials JSON file (field `code`) and run `{command}`",
    },
    "channel_credentials_unreadable": {
        "vi": "tệp thông tin đăng nhập không đọc được: {error}",
        "en": "the credentials file cannot be read: {error}",
    },
    "channel_reconnect_hint": {
        "vi": "gian hàng {marketplace} #{id} cần kết nối lại (sàn không nhận token nữa): chạy `{command}`",
        "en": "the {marketplace} shop #{id} must be connected again (its tokens are refused): run `{command}`",
    },
    # encryption key
    "secret_key_missing": {
        "vi": "chưa có khoá mã hoá: đặt {env} hoặc chạy `syndicator init` ({path})",
        "en": "no encryption key: set {env} or run `syndicator init` ({path})",
    },
    "secret_key_mismatch": {
        "vi": "khoá mã hoá không khớp với các bí mật đã lưu",
        "en": "the encryption key does not match the stored secrets",
    },
    # schedule
    "schedule_started": {
        "vi": "Lịch đồng bộ đang chạy (Ctrl+C hoặc SIGTERM để dừng)",
        "en": "The scheduler is running (Ctrl+C or SIGTERM to stop)",
    },
    "job_nightly_reconcile": {"vi": "đối soát hằng đêm", "en": "nightly reconcile"},
    "job_orders_and_stock": {"vi": "đơn hàng và tồn kho", "en": "orders and stock"},
    "job_nightly_monitor": {"vi": "xem trang sản phẩm", "en": "monitor public pages"},
    "job_token_refresh": {"vi": "gia hạn token", "en": "token refresh"},
    # monitor
    "drift_price": {"vi": "giá khác", "en": "price differs"},
    "drift_stock": {"vi": "tồn kho khác", "en": "stock differs"},
    "drift_missing": {"vi": "không thấy trên sàn", "en": "not on sale"},
    "drift_confirmed": {"vi": "đã lên sàn", "en": "now live"},
    # demo
    "demo_seeding": {"vi": "Đang tạo danh mục mẫu …", "en": "Seeding the sample catalogue …"},
    "demo_connecting": {
        "vi": "Đang kết nối gian hàng trên {count} sàn thử nghiệm …",
        "en": "Connecting shops on {count} sandboxes …",
    },
    "demo_first_sync": {"vi": "Đồng bộ lần 1 …", "en": "First sync …"},
    "demo_orders": {"vi": "Người mua đặt hàng …", "en": "Shoppers place orders …"},
    "demo_second_sync": {
        "vi": "Đồng bộ lần 2: lấy đơn, cập nhật tồn kho …",
        "en": "Second sync: pull orders, fan stock out …",
    },
    # command line: table columns
    "cli_col_marketplace": {"vi": "sàn", "en": "marketplace"},
    "cli_col_shop": {"vi": "gian hàng", "en": "shop"},
    "cli_col_state": {"vi": "trạng thái", "en": "state"},
    "cli_col_token_expiry": {"vi": "token hết hạn", "en": "token expires"},
    "cli_col_fee_percent": {"vi": "phí %", "en": "fee %"},
    "cli_col_fee_per_order": {"vi": "phí/đơn", "en": "fee/order"},
    "cli_col_stock": {"vi": "tồn kho", "en": "stock"},
    "cli_col_price": {"vi": "giá", "en": "price"},
    "cli_col_action": {"vi": "việc", "en": "action"},
    "cli_col_sku": {"vi": "SKU", "en": "SKU"},
    "cli_col_ok": {"vi": "thành công", "en": "ok"},
    "cli_col_failed": {"vi": "lỗi", "en": "failed"},
    "cli_col_new_orders": {"vi": "đơn mới", "en": "new orders"},
    "cli_col_changed": {"vi": "đổi trạng thái", "en": "changed"},
    "cli_col_movements": {"vi": "phiếu kho", "en": "movements"},
    "cli_col_error": {"vi": "lỗi", "en": "error"},
    "cli_col_drift": {"vi": "sai lệch", "en": "drift"},
    "cli_col_price_seen": {"vi": "giá đã gửi → thấy", "en": "price pushed → seen"},
    "cli_col_stock_seen": {"vi": "tồn đã gửi → thấy", "en": "stock pushed → seen"},
    "cli_col_sold": {"vi": "đã bán", "en": "sold"},
    "cli_col_username": {"vi": "tên đăng nhập", "en": "username"},
    "cli_col_password": {"vi": "mật khẩu", "en": "password"},
    "cli_col_role": {"vi": "vai trò", "en": "role"},
    "cli_col_live": {"vi": "đang bán", "en": "live"},
    # command line: what commands say
    "cli_error_label": {"vi": "Lỗi", "en": "Error"},
    "cli_password_prompt": {"vi": "Mật khẩu", "en": "Password"},
    "cli_app_at": {"vi": "Ứng dụng: {url}", "en": "App: {url}"},
    "cli_app_until_stopped": {"vi": "Ứng dụng: {url} — Ctrl+C để dừng", "en": "App: {url} — Ctrl+C to stop"},
    "cli_database_ready": {"vi": "Cơ sở dữ liệu sẵn sàng: {url}", "en": "Database ready: {url}"},
    "cli_next_connect": {
        "vi": "Chưa có gian hàng nào. Bước tiếp theo: kết nối một gian hàng, ví dụ\n"
              "  syndicator channels connect --coop HTX-TANCUONG --marketplace shopee --sandbox http://127.0.0.1:8701\n"
              "(sàn thử: syndicator sandbox serve; gian hàng nộp bảng tính: --marketplace voso --feed).",
        "en": "No shop yet. Next: connect one, for example\n"
              "  syndicator channels connect --coop HTX-TANCUONG --marketplace shopee --sandbox http://127.0.0.1:8701\n"
              "(sandboxes: syndicator sandbox serve; a shop fed by spreadsheet: --marketplace voso --feed).",
    },
    "cli_database_missing": {
        "vi": "Chưa có cơ sở dữ liệu ở {url}. Hãy chạy: syndicator init (lệnh này không tạo gì).",
        "en": "There is no database at {url} yet. Run: syndicator init (this command created nothing).",
    },
    "cli_key_written": {"vi": "Khoá mã hoá: {path}", "en": "Encryption key: {path}"},
    "cli_user_created": {"vi": "Đã tạo tài khoản: {name} [{role}]{coop}", "en": "Created the login: {name} [{role}]{coop}"},
    "cli_user_disabled": {"vi": "Đã khoá: {name}", "en": "Disabled: {name}"},
    "cli_user_enabled": {"vi": "Đã mở lại: {name}", "en": "Enabled: {name}"},
    "cli_user_state_disabled": {"vi": "đã khoá", "en": "disabled"},
    "cli_user_state_active": {"vi": "hoạt động", "en": "active"},
    "cli_channel_state_connected": {"vi": "đã kết nối", "en": "connected"},
    "cli_channel_state_feed": {"vi": "bảng tính", "en": "spreadsheet feed"},
    "cli_channel_state_needs_reauthorisation": {"vi": "cần kết nối lại", "en": "must be connected again"},
    "cli_stock_policy": {"vi": "giữ {buffer}, {allocation}", "en": "keep {buffer}, {allocation}"},
    "cli_connect_choose_one": {
        "vi": "chọn đúng một: --sandbox URL | --base-url URL --credentials FILE | --feed",
        "en": "choose exactly one: --sandbox URL | --base-url URL --credentials FILE | --feed",
    },
    "cli_connected": {
        "vi": "Đã kết nối: {coop} · {marketplace} · gian hàng {shop} (#{id})",
        "en": "Connected: {coop} · {marketplace} · shop {shop} (#{id})",
    },
    "cli_reconnected": {
        "vi": "Đã kết nối lại: {marketplace} · gian hàng {shop} (#{id})",
        "en": "Connected again: {marketplace} · shop {shop} (#{id})",
    },
    "cli_upload_confirmed": {
        "vi": "Đã xác nhận: {count} tin đăng đang bán (#{id})",
        "en": "Confirmed: {count} listings now live (#{id})",
    },
    "cli_feed_none": {
        "vi": "{shop}: chưa có bảng tính (chạy `syndicator sync`)",
        "en": "{shop}: no feed written yet (run `syndicator sync`)",
    },
    "cli_feed_full": {"vi": "{shop}: bảng đầy đủ {path}", "en": "{shop}: full workbook {path}"},
    "cli_feed_changes": {"vi": "{shop}: bảng thay đổi {path}", "en": "{shop}: changes workbook {path}"},
    "cli_feed_awaiting": {
        "vi": "{shop}: {count} tin chờ đăng tải; sau khi tải lên: syndicator channels confirm-upload {id}",
        "en": "{shop}: {count} listings awaiting upload; once uploaded: syndicator channels confirm-upload {id}",
    },
    "cli_sync_all_busy": {
        "vi": "Mọi gian hàng trong phạm vi đang được một lần chạy khác đồng bộ; thử lại sau",
        "en": "Every shop in scope is being synced by another run; try again later",
    },
    "cli_sync_shop_busy": {
        "vi": "đang được một lần chạy khác đồng bộ, bỏ qua",
        "en": "being synced by another run, skipped",
    },
    "cli_sync_unknown_skus": {
        "vi": "SKU không thuộc HTX này — không trừ kho: {skus}",
        "en": "not a SKU of this co-op — no stock moved: {skus}",
    },
    "cli_sync_orders_failed": {"vi": "đơn hàng: {error}", "en": "orders: {error}"},
    "cli_sync_run": {"vi": "Lần đồng bộ #{run}: {status}", "en": "Sync run #{run}: {status}"},
    "cli_sync_feed_written": {
        "vi": "{shop}: bảng tính mới: đầy đủ {full}; chỉ phần thay đổi {changes}",
        "en": "{shop}: new workbooks: full {full}; changes only {changes}",
    },
    "cli_plan_title": {
        "vi": "{actions} việc cho {listings} tin đăng",
        "en": "{actions} actions for {listings} listings",
    },
    "cli_plan_stock": {
        "vi": "{pushed} → {stock} (còn {available})",
        "en": "{pushed} → {stock} ({available} available)",
    },
    "cli_plan_clamped": {
        "vi": "sàn giữ {reserved} cho khuyến mãi, không gửi ít hơn (muốn {wanted})",
        "en": "the marketplace holds {reserved} for a promotion, never sent less (wanted {wanted})",
    },
    "cli_plan_heartbeat": {
        "vi": "gửi lại định kỳ, tồn kho không đổi",
        "en": "sent again, unchanged, so it does not go stale",
    },
    "cli_stock_policy_threshold": {"vi": ", về 0 khi còn ≤ {threshold}", "en": ", 0 at or below {threshold}"},
    "stock_threshold_negative": {
        "vi": "«Về 0 khi còn ≤» không được âm: {value}",
        "en": "«0 at or below» cannot be negative: {value}",
    },
    "stock_campaign_locked": {
        "vi": "sàn đang giữ hàng cho chương trình khuyến mãi: không giảm tồn kho xuống dưới số đang giữ",
        "en": "the marketplace holds stock for a promotion: stock cannot go below what it holds",
    },
    "cli_monitor_drifted": {"vi": "{count} SKU sai lệch", "en": "{count} SKUs drifted"},
    "cli_monitor_observed": {
        "vi": "Đã xem {observed}/{listings} SKU đang bán ({marketplaces})",
        "en": "Observed {observed}/{listings} SKUs on sale ({marketplaces})",
    },
    "cli_monitor_skipped": {
        "vi": "Bỏ qua {count}: gian hàng chưa có địa chỉ công khai",
        "en": "Skipped {count}: the shop has no public address",
    },
    "cli_monitor_drift": {"vi": "Sai lệch: {counts}", "en": "Drift: {counts}"},
    "cli_monitor_no_drift": {"vi": "không có", "en": "none"},
    "cli_monitor_disallowed": {"vi": "robots.txt không cho phép: {url}", "en": "disallowed by robots.txt: {url}"},
    "cli_monitor_failed": {"vi": "Lỗi: {url}: {reason}", "en": "Failed: {url}: {reason}"},
    "cli_monitor_crawl_failed": {
        "vi": "Lượt quét lỗi (exit {code}):\n{log}",
        "en": "The crawl failed (exit {code}):\n{log}",
    },
    "cli_monitor_crawling": {"vi": "Đang xem trang", "en": "Crawling"},
    "cli_demo_logins": {"vi": "Tài khoản demo", "en": "Demo logins"},
    "cli_demo_sandboxes": {"vi": "Sàn thử nghiệm", "en": "Sandboxes"},
    "cli_demo_retired": {
        "vi": "Gian hàng của lần demo trước đã ngừng: {count}",
        "en": "Shops from an earlier demo retired: {count}",
    },
    "cli_demo_totals": {
        "vi": "Gian hàng đã kết nối: {shops} · đồng bộ: {first}, {second}\n"
        "Tin đang bán: {live} · đơn đặt: {placed} · đơn đã lấy về: {pulled}",
        "en": "Shops connected: {shops} · syncs: {first}, {second}\n"
        "Listings live: {live} · orders placed: {placed} · orders pulled: {pulled}",
    },
    # ---- the app's access rules and the job store (message ids, not inline "vi / en" text) ----
    "access_admins_only": {"vi": "chỉ quản trị viên được làm việc này", "en": "admins only"},
    "access_read_only": {"vi": "cán bộ khuyến nông chỉ được xem", "en": "officers have read-only access"},
    "access_edit_own_coop": {
        "vi": "chỉ được sửa dữ liệu của HTX mình",
        "en": "you may edit only your own co-op",
    },
    "access_other_coop": {"vi": "không xem được HTX khác", "en": "you cannot see another co-op"},
    "access_sync_own_coop": {"vi": "chỉ được đồng bộ HTX mình", "en": "you may sync only your own co-op"},
    "access_own_login": {
        "vi": "không thể tự khoá tài khoản của mình",
        "en": "you cannot disable your own login",
    },
    # ---- adopting a shop's existing listings ----
    "cli_adopt_title": {
        "vi": "Gian hàng #{id} ({marketplace}): đã gắn {adopted} SKU với hàng có sẵn; {bound} SKU đã gắn từ trước",
        "en": "Shop #{id} ({marketplace}): {adopted} SKUs bound to existing items; {bound} were bound already",
    },
    "cli_adopt_title_dry": {
        "vi": "Gian hàng #{id} ({marketplace}), chỉ xem: sẽ gắn {adopted} SKU; {bound} SKU đã gắn từ trước",
        "en": "Shop #{id} ({marketplace}), dry run: {adopted} SKUs would be bound; {bound} are bound already",
    },
    "cli_col_item": {"vi": "Mã trên sàn", "en": "Item id"},
    "cli_col_matched_by": {"vi": "Khớp theo", "en": "Matched by"},
    "cli_adopt_ambiguous": {
        "vi": "SKU {sku} khớp nhiều hàng trên sàn: {items}. Chọn bằng --choose {sku}=MÃ",
        "en": "SKU {sku} matches several items: {items}. Choose with --choose {sku}=ITEM_ID",
    },
    "cli_adopt_marketplace_only": {
        "vi": "Chỉ có trên sàn ({count}): {items}",
        "en": "On the marketplace only ({count}): {items}",
    },
    "cli_adopt_catalogue_only": {
        "vi": "Chỉ có trong danh mục ({count}), sẽ đăng mới ở lần đồng bộ sau: {skus}",
        "en": "In the catalogue only ({count}), published by the next sync: {skus}",
    },
    "adopt_feed_shop": {
        "vi": "gian hàng #{id} đăng bằng bảng tính: không có gì trên sàn để nhận",
        "en": "shop #{id} is a spreadsheet feed: there is nothing on the marketplace to adopt",
    },
    "adopt_shop_busy": {
        "vi": "gian hàng #{id} đang được đồng bộ; thử lại sau ít phút",
        "en": "shop #{id} is being synced; try again in a few minutes",
    },
    "cli_adopt_choose_format": {
        "vi": "--choose phải có dạng SKU=MÃ_TRÊN_SÀN",
        "en": "--choose takes SKU=ITEM_ID",
    },
    "cli_adopt_by_seller_sku": {"vi": "mã SKU", "en": "seller SKU"},
    "cli_adopt_by_gtin": {"vi": "mã vạch", "en": "barcode"},
    # ---- a run's outcomes ----
    "apply_skipped": {
        "vi": "bỏ qua: sàn không phản hồi trong lần chạy này",
        "en": "skipped: marketplace unavailable",
    },
    "apply_unknown_error": {"vi": "lỗi không rõ", "en": "unknown error"},
    "apply_invalid_stored_id": {
        "vi": "mã sản phẩm đã lưu không hợp lệ và sàn không có SKU này: sẽ đăng mới ở lần chạy sau",
        "en": "stored item id invalid and the SKU is not on the marketplace: created next run",
    },
    "feed_not_written": {
        "vi": "không ghi được bảng tính của gian hàng: {error}",
        "en": "the shop's workbooks could not be written: {error}",
    },
    "shopee_price_ratio": {
        "vi": "{dearest} ({dearest_price}) đắt hơn {ratio} lần {cheapest} ({cheapest_price}): Shopee không cho hai gói "
              "chênh giá như vậy trong cùng một tin. Hãy tách gói đắt thành sản phẩm riêng",
        "en": "{dearest} ({dearest_price}) costs more than {ratio} times {cheapest} ({cheapest_price}): Shopee does "
              "not take packs that far apart in one listing. List the dear pack as a product of its own",
    },
    "cli_demo_trace": {"vi": "Trang truy xuất một lô hàng: {url}", "en": "A lot's trace page: {url}"},
    "cli_demo_labels": {"vi": "Tờ tem mẫu: {path}", "en": "A sample label sheet: {path}"},
    "cli_coop_contact": {
        "vi": "{code}: điện thoại {phone}; địa chỉ {address}; tài khoản {bank}",
        "en": "{code}: phone {phone}; address {address}; account {bank}",
    },
    "feed_only": {
        "vi": "gian hàng dùng bảng tính, không có API",
        "en": "the shop is fed by spreadsheet, it has no API",
    },
    "feed_sku_missing": {
        "vi": "SKU {sku} không có trong bảng tính của gian hàng",
        "en": "the SKU {sku} is not in the shop's feed",
    },
    "job_refused": {
        "vi": "việc hẹn giờ {job} bị từ chối và xoá: {reason}",
        "en": "scheduled job {job} refused and removed: {reason}",
    },
    "listing_variant_unknown": {"vi": "không có SKU đăng bán #{id}", "en": "no listed SKU #{id}"},
    # syndicator serve: marketplace pushes
    "push_off": {
        "vi": "Chưa đặt {env}: không nhận thông báo đẩy từ sàn; đơn hàng và tồn kho chỉ cập nhật theo lượt đồng bộ "
              "hẹn giờ",
        "en": "{env} is not set: no marketplace pushes are received; orders and stock follow the scheduled pass "
              "only",
    },
    "push_registered": {
        "vi": "{marketplace} ({host}): sàn sẽ gửi thông báo đẩy tới {url}",
        "en": "{marketplace} ({host}): the marketplace pushes to {url}",
    },
    "push_register_failed": {
        "vi": "{marketplace} ({host}): không đăng ký được địa chỉ nhận thông báo đẩy {url}: {error}",
        "en": "{marketplace} ({host}): could not register the push address {url}: {error}",
    },
    "push_by_hand": {
        "vi": "{marketplace} ({host}): hãy tự đặt địa chỉ nhận thông báo đẩy {url} tại: {where}",
        "en": "{marketplace} ({host}): set the push address {url} by hand at: {where}",
    },
}
