"""Messages of the Ghép danh mục page and of the listing matrix's readiness (ids ``ui.mapping_…``,
``mapping_access_…``), looked up through ``catalog/i18n.py``."""

from catalog.attribute_rules import PRODUCT_FIELDS

# the product fields an attribute is filled from, as PRODUCT_FIELDS says them, in English
FIELDS_IN_ENGLISH = {
    "shelf_life_days": "Shelf life (days)",
    "origin": "Origin (commune, province)",
    "origin_commune": "Commune of production",
    "origin_province": "Province of production",
    "country": "Country (Việt Nam)",
    "weight_g": "Weight (g)",
    "certifications": "Certifications",
    "ocop_stars": "OCOP stars",
    "coop_name": "Co-op's name",
    "variant": "Pack",
}

MAPPING_PAGE_MESSAGES: dict[str, dict[str, str]] = {
    "ui.page_mapping": {"vi": "Ghép danh mục", "en": "Category mapping"},
    "ui.mapping_intro": {
        "vi": "Chọn ngành hàng của sàn cho từng danh mục sản phẩm, và cách điền từng thuộc tính của ngành hàng đó.",
        "en": "Choose the marketplace's category for each product category, and how each of its attributes is "
              "filled.",
    },
    "ui.mapping_marketplace": {"vi": "Sàn", "en": "Marketplace"},
    "ui.mapping_scope": {"vi": "Ghép cho", "en": "Mapping for"},
    "ui.mapping_scope_default": {"vi": "Mặc định cho mọi HTX", "en": "Default for every co-op"},
    "ui.mapping_scope_coop": {
        "vi": "Ghép riêng cho {coop}; danh mục chưa ghép riêng dùng ghép mặc định.",
        "en": "Mapping of {coop} only; a category without its own mapping uses the default.",
    },
    "ui.mapping_col_category": {"vi": "Danh mục", "en": "Category"},
    "ui.mapping_col_default": {"vi": "Ghép mặc định", "en": "Default mapping"},
    "ui.mapping_col_override": {"vi": "Ghép riêng của HTX", "en": "Co-op's own mapping"},
    "ui.mapping_col_brand": {"vi": "Thương hiệu", "en": "Brand"},
    "ui.mapping_not_mapped": {"vi": "chưa ghép", "en": "not mapped"},
    "ui.mapping_category": {"vi": "Danh mục sản phẩm", "en": "Product category"},
    "ui.mapping_no_tree": {
        "vi": "Chưa đọc danh mục ngành hàng của {marketplace} — kết nối gian hàng rồi chạy «Làm mới danh mục» ở "
              "trang Gian hàng.",
        "en": "{marketplace}'s categories have not been read — connect a shop, then run «Refresh categories» on "
              "the Shops page.",
    },
    "ui.mapping_suggested": {"vi": "Sàn gợi ý: {path}", "en": "The marketplace suggests: {path}"},
    "ui.mapping_no_suggestion": {"vi": "Sàn không có gợi ý cho danh mục này.",
                                 "en": "The marketplace has no suggestion for this category."},
    "ui.mapping_use_suggestion": {"vi": "Dùng gợi ý này", "en": "Use this suggestion"},
    "ui.mapping_search": {"vi": "Tìm ngành hàng của sàn", "en": "Search the marketplace's categories"},
    "ui.mapping_search_hint": {"vi": "ví dụ: trà, mật ong, gạo", "en": "e.g. tea, honey, rice"},
    "ui.mapping_leaf": {"vi": "Ngành hàng của sàn", "en": "Marketplace category"},
    "ui.mapping_pick_leaf": {"vi": "Chọn ngành hàng…", "en": "Choose a category…"},
    "ui.mapping_nothing_found": {"vi": "Không có ngành hàng nào khớp.", "en": "No category matches."},
    "ui.mapping_attributes": {"vi": "Thuộc tính của ngành hàng", "en": "The category's attributes"},
    "ui.mapping_no_attributes": {"vi": "Ngành hàng này không có thuộc tính.", "en": "This category has no attributes."},
    "ui.mapping_mandatory": {"vi": "bắt buộc", "en": "mandatory"},
    "ui.mapping_source": {"vi": "Lấy từ", "en": "Taken from"},
    "ui.mapping_source_none": {"vi": "Bỏ trống", "en": "Left empty"},
    "ui.mapping_source_field": {"vi": "Trường sản phẩm", "en": "Product field"},
    "ui.mapping_source_constant": {"vi": "Giá trị cố định", "en": "Fixed value"},
    "ui.mapping_source_lookup": {"vi": "Bảng tra", "en": "Lookup table"},
    "ui.mapping_field": {"vi": "Trường", "en": "Field"},
    "ui.mapping_value": {"vi": "Giá trị", "en": "Value"},
    "ui.mapping_lookup_product": {"vi": "Giá trị của sản phẩm", "en": "Product's value"},
    "ui.mapping_lookup_marketplace": {"vi": "Giá trị trên sàn", "en": "Marketplace's value"},
    "ui.mapping_brand": {"vi": "Thương hiệu", "en": "Brand"},
    "ui.mapping_brand_mandatory": {"vi": "Ngành hàng này bắt buộc chọn thương hiệu.",
                                   "en": "This category requires a brand."},
    "ui.mapping_no_brand": {"vi": "Không thương hiệu (No Brand)", "en": "No brand"},
    "ui.mapping_mandatory_empty": {
        "vi": "Thuộc tính bắt buộc còn bỏ trống: {names} — sản phẩm của danh mục này sẽ chưa sẵn sàng trên sàn.",
        "en": "Mandatory attributes left empty: {names} — this category's products will not be ready there.",
    },
    "ui.mapping_save": {"vi": "Lưu ghép danh mục", "en": "Save the mapping"},
    "ui.mapping_saved": {
        "vi": "Đã lưu: «{category}» → {leaf} ({scope}). Lần đồng bộ sau dùng ghép này.",
        "en": "Saved: «{category}» → {leaf} ({scope}). The next sync uses it.",
    },
    "ui.mapping_remove": {"vi": "Xoá ghép riêng của HTX", "en": "Remove the co-op's own mapping"},
    "ui.mapping_remove_default": {"vi": "Xoá ghép mặc định", "en": "Remove the default mapping"},
    "ui.mapping_removed": {"vi": "Đã xoá ghép của «{category}» ({scope}).",
                           "en": "Removed the mapping of «{category}» ({scope})."},
    "ui.mapping_refused": {"vi": "Chưa lưu được: {error}", "en": "Not saved: {error}"},
    "ui.mapping_unreadable": {"vi": "Chưa đọc được từ sàn: {error}", "en": "Could not read from the marketplace: {error}"},
    "ui.mapping_constant_empty": {"vi": "«{attribute}»: nhập giá trị cố định", "en": "«{attribute}»: type the value"},
    "ui.mapping_lookup_empty": {"vi": "«{attribute}»: bảng tra chưa có dòng nào",
                                "en": "«{attribute}»: the lookup table has no rows"},
    "ui.publication_blocked": {"vi": "chưa sẵn sàng", "en": "not ready"},
    "ui.blocked_title": {"vi": "Chưa sẵn sàng — cần sửa trước khi gửi", "en": "Not ready — fix before it is sent"},
    "ui.blocked_reasons": {"vi": "Lý do", "en": "Reasons"},
    "ui.readiness_title": {"vi": "Sẵn sàng đăng bán", "en": "Ready to list"},
    "ui.readiness_all_ready": {"vi": "Sẵn sàng trên mọi gian hàng đã đăng.",
                               "en": "Ready on every shop it is published on."},
    "ui.readiness_shop_blocked": {"vi": "{shop}: chưa sẵn sàng", "en": "{shop}: not ready"},
    "mapping_access_no_setup": {
        "vi": "chưa đọc danh mục ngành hàng của {marketplace}",
        "en": "{marketplace}'s categories have not been read",
    },
    "mapping_access_unreachable": {
        "vi": "không hỏi được sàn ({error}) — thử lại sau",
        "en": "the marketplace did not answer ({error}) — try again later",
    },
}
MAPPING_PAGE_MESSAGES |= {f"ui.mapping_field_{field}": {"vi": label, "en": FIELDS_IN_ENGLISH[field]}
                          for field, label in PRODUCT_FIELDS.items()}
