"""Messages of explicit publishing (ids publish_… and ui.publish_…), looked up through ``catalog/i18n.py``."""

PUBLISHING_MESSAGES: dict[str, dict[str, str]] = {
    "publish_nothing_chosen": {
        "vi": "Chưa chọn gì để đăng: dùng --product MÃ, --sku MÃ hoặc --all.",
        "en": "Nothing chosen: use --product CODE, --sku CODE or --all.",
    },
    "publish_unknown_codes": {
        "vi": "Không có sản phẩm hay SKU nào mang mã {codes} (HTX {coop}); không thay đổi gì.",
        "en": "No product or SKU has the code {codes} (co-op {coop}); nothing was changed.",
    },
    "publish_connected_none": {
        "vi": "Gian hàng chưa đăng bán gì. Chọn sản phẩm để bán: syndicator publish --coop {coop} --all (hoặc --product MÃ).",
        "en": "Nothing is published on the shop yet. Choose what to sell: syndicator publish --coop {coop} --all (or --product CODE).",
    },
    "publish_connected_all": {
        "vi": "Mọi sản phẩm của {coop} sẽ được đăng ở lần đồng bộ tới; sản phẩm mới cũng tự được đăng.",
        "en": "Every product of {coop} will be listed at the next sync; new products are published automatically too.",
    },
    "publish_cli_publish": {
        "vi": "Đã đăng {n} SKU-gian hàng ({skus} SKU, {shops} gian hàng); lần đồng bộ tới sẽ gửi lên sàn.",
        "en": "Published {n} SKU-shop pairs ({skus} SKUs, {shops} shops); the next sync sends them.",
    },
    "publish_cli_unpublish": {
        "vi": "Đã ngừng bán {n} SKU-gian hàng ({skus} SKU, {shops} gian hàng); lần đồng bộ tới sẽ gỡ khỏi sàn.",
        "en": "Unpublished {n} SKU-shop pairs ({skus} SKUs, {shops} shops); the next sync takes them off.",
    },
    "publish_auto_on": {
        "vi": "Gian hàng #{id} ({shop}) sẽ tự đăng sản phẩm mới ở mỗi lần đồng bộ.",
        "en": "Shop #{id} ({shop}) will publish new products by itself at each sync.",
    },
    "publish_auto_off": {
        "vi": "Gian hàng #{id} ({shop}) chỉ đăng những gì được chọn.",
        "en": "Shop #{id} ({shop}) publishes only what is chosen.",
    },
    "publish_plan_auto": {
        "vi": "{coop} · {marketplace}: lần đồng bộ tới sẽ tự đăng {n} SKU mới (gian hàng đăng tự động sản phẩm mới).",
        "en": "{coop} · {marketplace}: the next sync publishes {n} new SKUs by itself (the shop publishes new products automatically).",
    },
    "publish_plan_nothing_published": {
        "vi": "Chưa đăng bán sản phẩm nào. Chọn sản phẩm để bán: syndicator publish --all (hoặc --product MÃ, --sku MÃ).",
        "en": "Nothing is published yet. Choose what to sell: syndicator publish --all (or --product CODE, --sku CODE).",
    },
    # the listing matrix: one SKU on one shop
    "ui.publication_not_published": {"vi": "chưa đăng", "en": "not published"},
    "ui.publication_auto": {"vi": "sẽ tự đăng", "en": "will publish itself"},
    "ui.publication_pending": {"vi": "chờ gửi", "en": "pending"},
    "ui.publication_live": {"vi": "đang bán", "en": "live"},
    "ui.publication_failed": {"vi": "lỗi", "en": "failed"},
    "ui.publication_unpublishing": {"vi": "chờ gỡ", "en": "to be taken off"},
    "ui.publication_unpublished": {"vi": "đã ngừng bán", "en": "unpublished"},
    "ui.publication_retiring": {"vi": "tin cũ chờ ngừng", "en": "old item, to retire"},
    "ui.publication_retired": {"vi": "tin cũ đã ngừng", "en": "old item, retired"},
    "ui.publish_matching": {"vi": "Đăng bán tất cả {n} SKU theo bộ lọc", "en": "Publish all {n} SKUs of the filter"},
    "ui.publish_choose_rows": {
        "vi": "Đánh dấu cột «Chọn» ở các dòng cần đăng hoặc ngừng bán, chọn sàn, rồi bấm nút.",
        "en": "Tick «Select» on the rows to publish or unpublish, choose the marketplaces, then press a button.",
    },
    "ui.publish_auto_pending": {
        "vi": "{shop}: lần đồng bộ tới sẽ tự đăng {n} SKU mới (gian hàng đăng tự động sản phẩm mới).",
        "en": "{shop}: the next sync publishes {n} new SKUs by itself (the shop publishes new products automatically).",
    },
}
