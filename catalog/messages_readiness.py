"""Messages of readiness and marketplace refusals (ids reason_…, ready_…), looked up through ``catalog/i18n.py``.

Each reason says what is wrong and how to fix it, in the clerk's words; ``{detail}`` names the attribute, photo
or limit concerned (empty where there is nothing to name).
"""

READINESS_MESSAGES: dict[str, dict[str, str]] = {
    "reason_no_photo": {
        "vi": "Thiếu ảnh chính — thêm ít nhất một ảnh ở trang Sản phẩm",
        "en": "No main photo — add at least one photo on the Products page",
    },
    "reason_photo_missing": {
        "vi": "Ảnh {detail} chưa có trong kho ảnh — tải ảnh lên lại ở trang Sản phẩm",
        "en": "Photo {detail} is not in the photo store — upload it again on the Products page",
    },
    "reason_photo_too_small": {
        "vi": "Ảnh quá nhỏ ({detail} điểm ảnh) — dùng ảnh rõ hơn, cạnh ngắn đủ lớn",
        "en": "Photo too small ({detail} px) — use a sharper photo with a longer short side",
    },
    "reason_photo_too_large": {
        "vi": "Ảnh quá nặng ({detail} byte) — dùng ảnh nhẹ hơn",
        "en": "Photo too large ({detail} bytes) — use a lighter photo",
    },
    "reason_setup_missing": {
        "vi": "Chưa đọc danh mục ngành hàng của sàn {detail} — chạy «Làm mới danh mục» ở trang Gian hàng",
        "en": "The marketplace's categories {detail} have not been read — run «Refresh categories» on the Shops page",
    },
    "reason_unmapped_category": {
        "vi": "Danh mục «{detail}» chưa được ghép với ngành hàng của sàn — chọn ở trang Ghép danh mục",
        "en": "Category «{detail}» is not mapped to a marketplace category — choose one on the Mapping page",
    },
    "reason_unknown_category": {
        "vi": "Ngành hàng {detail} không còn trên sàn — chọn lại ở trang Ghép danh mục",
        "en": "Marketplace category {detail} no longer exists — choose again on the Mapping page",
    },
    "reason_attribute_missing": {
        "vi": "Thiếu thuộc tính bắt buộc «{detail}» — điền ở trang Sản phẩm hoặc trang Ghép danh mục",
        "en": "Mandatory attribute «{detail}» has no value — fill it on the Products or the Mapping page",
    },
    "reason_attribute_invalid": {
        "vi": "Giá trị không có trong danh sách của sàn ({detail}) — chọn giá trị ở trang Ghép danh mục",
        "en": "Value not in the marketplace's list ({detail}) — pick one on the Mapping page",
    },
    "reason_brand_missing": {
        "vi": "Ngành hàng này bắt buộc thương hiệu — chọn thương hiệu ở trang Ghép danh mục",
        "en": "This category requires a brand — choose one on the Mapping page",
    },
    "reason_name_too_short": {
        "vi": "Tên sản phẩm quá ngắn ({detail} ký tự) — đặt tên đầy đủ hơn",
        "en": "Product name too short ({detail} characters) — give a fuller name",
    },
    "reason_name_too_long": {
        "vi": "Tên sản phẩm quá dài ({detail}) — rút gọn tên",
        "en": "Product name too long ({detail}) — shorten it",
    },
    "reason_description_too_short": {
        "vi": "Mô tả quá ngắn ({detail} ký tự) — viết thêm mô tả ở trang Sản phẩm",
        "en": "Description too short ({detail} characters) — write more on the Products page",
    },
    "reason_weight_missing": {
        "vi": "Thiếu khối lượng đóng gói — điền khối lượng (g) của quy cách",
        "en": "No package weight — fill in the pack's weight (g)",
    },
    "reason_dimensions_missing": {
        "vi": "Ngành hàng này bắt buộc kích thước đóng gói — điền dài, rộng, cao (cm) của quy cách",
        "en": "This category requires package dimensions — fill in the pack's length, width and height (cm)",
    },
    "reason_gtin_missing": {
        "vi": "Ngành hàng này bắt buộc mã vạch GTIN — điền mã vạch của quy cách",
        "en": "This category requires a GTIN barcode — fill in the pack's barcode",
    },
    "reason_no_logistics": {
        "vi": "Gian hàng chưa bật đơn vị vận chuyển nào — bật trong trang người bán của sàn rồi làm mới danh mục",
        "en": "The shop has no shipping channel switched on — switch one on in the seller centre, then refresh",
    },
    "cli_blocked_title": {
        "vi": "{n} tin chưa sẵn sàng, không gửi (sửa rồi đồng bộ lại):",
        "en": "{n} listings not ready, not sent (fix them, then sync again):",
    },
    "setup_read": {
        "vi": "Gian hàng #{id}: đã đọc {categories} ngành hàng ({leaves} ngành cuối), chi tiết {read} ngành đã ghép, "
              "{logistics} đơn vị vận chuyển",
        "en": "Shop #{id}: read {categories} categories ({leaves} leaves), {read} mapped leaves in full, "
              "{logistics} logistics channels",
    },
    "setup_not_read": {
        "vi": "Gian hàng #{id}: không đọc được danh mục của sàn: {error}",
        "en": "Shop #{id}: the marketplace's setup could not be read: {error}",
    },
    "job_setup_refresh": {
        "vi": "Đọc lại danh mục ngành hàng của các sàn (hằng tuần)",
        "en": "Read the marketplaces' categories again (weekly)",
    },
    "mapping_coop_missing": {"vi": "HTX «{coop}» không có", "en": "No co-op «{coop}»"},
    "mapping_category_missing": {"vi": "danh mục «{code}» không có; có: {known}", "en": "no category «{code}»; there are: {known}"},
    "mapping_no_leaf": {"vi": "chưa chọn ngành hàng của sàn", "en": "no marketplace category chosen"},
    "mapping_not_a_leaf": {"vi": "«{leaf}» không phải ngành hàng cuối của sàn {marketplace}", "en": "«{leaf}» is not a leaf category of {marketplace}"},
    "mapping_no_shop": {"vi": "chưa có gian hàng nào trên {marketplace} để hỏi gợi ý", "en": "no shop on {marketplace} to ask for suggestions"},
    "mapping_cli_title": {"vi": "Ghép danh mục", "en": "Category mapping"},
    "mapping_cli_col_marketplace": {"vi": "Sàn", "en": "Marketplace"},
    "mapping_cli_col_category": {"vi": "Danh mục", "en": "Category"},
    "mapping_cli_col_coop": {"vi": "HTX", "en": "Co-op"},
    "mapping_cli_col_leaf": {"vi": "Ngành hàng của sàn", "en": "Marketplace category"},
    "mapping_cli_col_attributes": {"vi": "Thuộc tính", "en": "Attributes"},
    "mapping_cli_default": {"vi": "mặc định", "en": "default"},
    "mapping_cli_none": {"vi": "Chưa ghép danh mục nào: `syndicator mapping suggest --marketplace shopee --all --save`", "en": "Nothing mapped yet: `syndicator mapping suggest --marketplace shopee --all --save`"},
    "mapping_cli_no_suggestion": {"vi": "{code}: sàn không gợi ý", "en": "{code}: the marketplace suggests nothing"},
    "mapping_cli_removed": {"vi": "đã bỏ", "en": "removed"},
    "mapping_cli_not_found": {"vi": "không có mapping này", "en": "no such mapping"},
    "mapping_cli_choose": {"vi": "cần --category, --name hoặc --all", "en": "give --category, --name or --all"},
    "ready_ready": {"vi": "sẵn sàng", "en": "ready"},
    "ready_blocked": {"vi": "bị chặn", "en": "blocked"},
}
