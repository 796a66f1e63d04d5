"""The one catalogue of messages for people: Vietnamese first, English available (``lang="en"``, else the
caller's language set by :func:`speaking` or ``SPOKEN_LANG``, else ``SYNDICATOR_LANG=en``). Catalog texts live
here, the app's in ``catalog/messages_app.py`` (ids ``ui.…``), ``syndicator/``'s in
``catalog/messages_syndicator.py``, traceability's in ``catalog/messages_lots.py``, ``messages_labels.py`` and
``messages_trace.py``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from catalog.messages_app import APP_MESSAGES
from catalog.messages_connect import CONNECT_MESSAGES
from catalog.messages_dashboards import DASHBOARDS_MESSAGES
from catalog.messages_labels import LABELS_MESSAGES
from catalog.messages_lots import LOTS_MESSAGES
from catalog.messages_mapping import MAPPING_PAGE_MESSAGES
from catalog.messages_orders import ORDERS_MESSAGES
from catalog.messages_photos import PHOTOS_MESSAGES
from catalog.messages_publishing import PUBLISHING_MESSAGES
from catalog.messages_queue import QUEUE_MESSAGES
from catalog.messages_readiness import READINESS_MESSAGES
from catalog.messages_sessions import SESSIONS_MESSAGES
from catalog.messages_shop_settings import SHOP_SETTINGS_MESSAGES
from catalog.messages_stock import STOCK_MESSAGES
from catalog.messages_syndicator import PACKAGE_MESSAGES
from catalog.messages_trace import TRACE_MESSAGES
from catalog.settings import DEFAULT_LANG, settings

LANGS = ("vi", "en")
# The language of whoever the code is working for (the app sets its viewer's for each page run); it wins over
# SYNDICATOR_LANG, so a message raised deep in syndicator/ speaks the caller's language without being handed it.
SPOKEN_LANG: ContextVar[str | None] = ContextVar("spoken_lang", default=None)

CATALOG_MESSAGES: dict[str, dict[str, str]] = {
    # validation
    "required": {"vi": "bắt buộc, đang để trống", "en": "required, but empty"},
    "text_expected": {"vi": "phải là chữ", "en": "must be text"},
    "too_long": {"vi": "dài quá {max} ký tự", "en": "longer than {max} characters"},
    "name_length": {
        "vi": "tên phải dài {min}–{max} ký tự (đang có {length})",
        "en": "name must be {min}–{max} characters long (it has {length})",
    },
    "sku_format": {
        "vi": "SKU «{value}» chỉ được gồm chữ A–Z, số 0–9 và dấu -, dài 3–40 ký tự",
        "en": "SKU «{value}» may only hold A–Z, 0–9 and -, 3–40 characters long",
    },
    "money_not_number": {
        "vi": "«{value}» không phải số tiền (ví dụ 120000, 120.000 ₫)",
        "en": "«{value}» is not an amount of money (e.g. 120000, 120.000 ₫)",
    },
    "money_negative": {"vi": "giá không được âm: «{value}»", "en": "a price cannot be negative: «{value}»"},
    "money_fraction": {
        "vi": "giá phải là số đồng nguyên: «{value}»",
        "en": "a price must be whole đồng: «{value}»",
    },
    "price_positive": {"vi": "giá phải lớn hơn 0", "en": "the price must be more than 0"},
    "whole_number": {
        "vi": "«{value}» không phải số nguyên không âm",
        "en": "«{value}» is not a whole number of zero or more",
    },
    "positive_number": {
        "vi": "«{value}» phải là số nguyên lớn hơn 0",
        "en": "«{value}» must be a whole number above 0",
    },
    "weight_format": {
        "vi": "khối lượng «{value}» không đọc được (ví dụ 200, 200g, 1,2 kg)",
        "en": "cannot read the weight «{value}» (e.g. 200, 200g, 1,2 kg)",
    },
    "weight_whole": {
        "vi": "khối lượng «{value}» phải là số gam nguyên lớn hơn 0",
        "en": "the weight «{value}» must be a whole number of grams above 0",
    },
    "gtin_format": {
        "vi": "mã vạch «{value}» phải có 8, 12, 13 hoặc 14 chữ số",
        "en": "the barcode «{value}» must have 8, 12, 13 or 14 digits",
    },
    "gtin_check": {
        "vi": "mã vạch «{value}» sai số kiểm tra",
        "en": "the barcode «{value}» has a wrong check digit",
    },
    "ocop_stars": {
        "vi": "hạng OCOP phải là 3, 4 hoặc 5 sao (đang là «{value}»)",
        "en": "OCOP rating must be 3, 4 or 5 stars (it is «{value}»)",
    },
    "ocop_date_required": {
        "vi": "có hạng OCOP thì phải ghi ngày hết hiệu lực",
        "en": "an OCOP rating needs its validity date",
    },
    "date_format": {
        "vi": "«{value}» không phải ngày (ví dụ 31/12/2026)",
        "en": "«{value}» is not a date (e.g. 31/12/2026)",
    },
    "certification_unknown": {
        "vi": "chứng nhận «{value}» không rõ; dùng VietGAP, Hữu cơ, GlobalGAP hoặc Chỉ dẫn địa lý",
        "en": "unknown certification «{value}»; use VietGAP, Hữu cơ (organic), GlobalGAP or Chỉ dẫn địa lý",
    },
    "commune_unknown": {
        "vi": "không có xã/phường «{value}» ở tỉnh {province} (danh mục 2025)",
        "en": "no commune or ward «{value}» in {province} province (2025 list)",
    },
    "commune_ambiguous": {
        "vi": "«{value}» khớp nhiều xã/phường: {choices}; hãy ghi đủ dấu",
        "en": "«{value}» matches several communes or wards: {choices}; write it with its marks",
    },
    "province_unknown": {"vi": "không có tỉnh/thành «{value}»", "en": "no province «{value}»"},
    "category_unknown": {
        "vi": "danh mục «{value}» không có; dùng một trong: {choices}",
        "en": "no category «{value}»; use one of: {choices}",
    },
    "url_format": {
        "vi": "«{value}» không phải địa chỉ web (http:// hoặc https://)",
        "en": "«{value}» is not a web address (http:// or https://)",
    },
    "image_format": {
        "vi": "ảnh «{value}» phải là đường dẫn tệp hoặc địa chỉ http(s)",
        "en": "the image «{value}» must be a file path or an http(s) address",
    },
    "invalid": {"vi": "giá trị không hợp lệ: {detail}", "en": "invalid value: {detail}"},
    # whole-file and database checks
    "header_missing": {
        "vi": "thiếu cột «{column}» (hoặc «{english}»)",
        "en": "the column «{column}» (or «{english}») is missing",
    },
    "header_duplicate": {"vi": "cột «{column}» xuất hiện hai lần", "en": "the column «{column}» appears twice"},
    "header_unknown": {
        "vi": "cột «{column}» không dùng đến, bỏ qua",
        "en": "the column «{column}» is not used and was ignored",
    },
    "file_empty": {"vi": "tệp không có dòng tiêu đề", "en": "the file has no header row"},
    "file_type": {
        "vi": "chỉ nhận tệp .xlsx hoặc .csv (đang là «{value}»)",
        "en": "only .xlsx or .csv files can be read (this is «{value}»)",
    },
    "file_encoding": {
        "vi": "tệp CSV phải lưu bằng mã UTF-8 (trong Excel: Lưu thành › CSV UTF-8)",
        "en": "a CSV file must be saved as UTF-8 (in Excel: Save As › CSV UTF-8)",
    },
    "file_unreadable": {"vi": "không đọc được tệp: {detail}", "en": "cannot read the file: {detail}"},
    "file_damaged": {
        "vi": "không đọc được tệp: tệp .xlsx bị hỏng hoặc không phải bảng tính Excel ({detail})",
        "en": "cannot read the file: the .xlsx file is damaged or not an Excel workbook ({detail})",
    },
    "file_xml": {
        "vi": "không đọc được tệp: XML trong tệp .xlsx bị hỏng ({detail})",
        "en": "cannot read the file: the XML inside the .xlsx file is broken ({detail})",
    },
    "file_xml_entities": {
        "vi": "không đọc được tệp: tệp .xlsx khai báo DTD/thực thể XML, không được phép",
        "en": "cannot read the file: the .xlsx file declares a DTD or XML entities, which are not allowed",
    },
    "file_too_large": {
        "vi": "tệp quá lớn: hơn {limit_mb} MB dữ liệu (tệp .xlsx tính khi giải nén); hãy chia thành nhiều tệp",
        "en": "the file is too large: more than {limit_mb} MB of data (an .xlsx counted unpacked); split it",
    },
    "file_too_many_parts": {
        "vi": "tệp .xlsx có quá nhiều phần ({count}, tối đa {limit})",
        "en": "the .xlsx file has too many parts ({count}, at most {limit})",
    },
    "file_too_many_rows": {
        "vi": "tệp có hơn {limit} dòng; hãy chia thành nhiều tệp, mỗi tệp tối đa {limit} dòng",
        "en": "the file has more than {limit} rows; split it into files of at most {limit} rows",
    },
    "cell_too_long": {
        "vi": "ô dài {length} ký tự, tối đa {limit}",
        "en": "the cell is {length} characters long, at most {limit}",
    },
    "control_character": {
        "vi": "có ký tự điều khiển không được phép ({code})",
        "en": "holds a control character that is not allowed ({code})",
    },
    "price_too_high": {
        "vi": "giá quá cao: «{value}», tối đa {max}",
        "en": "the price is too high: «{value}», at most {max}",
    },
    "number_too_large": {
        "vi": "«{value}» quá lớn, tối đa {max}",
        "en": "«{value}» is too large, at most {max}",
    },
    "database_busy": {
        "vi": "cơ sở dữ liệu đang bận (một việc khác đang ghi), thử lại sau",
        "en": "the database is busy (another task is writing), try again later",
    },
    "sku_repeated": {
        "vi": "SKU «{value}» đã có ở dòng {first}",
        "en": "SKU «{value}» already appears on row {first}",
    },
    "product_conflict": {
        "vi": "sản phẩm «{product}» ở dòng {first} ghi khác: «{first_value}»",
        "en": "product «{product}» says otherwise on row {first}: «{first_value}»",
    },
    "coop_unknown": {
        "vi": "chưa có HTX mã «{value}» (thêm bằng: syndicator coops add)",
        "en": "no co-op with code «{value}» (add it with: syndicator coops add)",
    },
    "coop_mismatch": {
        "vi": "dòng thuộc HTX «{value}» nhưng đang nhập cho HTX «{coop}»",
        "en": "the row belongs to co-op «{value}» but this import is for «{coop}»",
    },
    "sku_other_product": {
        "vi": "SKU «{value}» đã thuộc sản phẩm «{owner}»",
        "en": "SKU «{value}» already belongs to product «{owner}»",
    },
    "coop_exists": {"vi": "mã HTX «{value}» đã có", "en": "the co-op code «{value}» is taken"},
    "coop_bank_name_required": {
        "vi": "cần tên chủ tài khoản (in trên biển giá, dưới mã VietQR)",
        "en": "the account holder's name is needed (printed on the stall sign, under the VietQR code)",
    },
    "sku_unknown": {"vi": "không có SKU «{value}»", "en": "no SKU «{value}»"},
    "receipt_positive": {"vi": "nhập kho phải là số dương", "en": "a receipt must be a positive quantity"},
    "quantity_zero": {"vi": "số lượng phải khác 0", "en": "the quantity must not be 0"},
    # price rules and stock policies
    "fee_negative": {"vi": "phí phần trăm không được âm", "en": "percentage fees cannot be negative"},
    "fees_too_high": {"vi": "tổng phí phần trăm phải dưới 100%", "en": "percentage fees must total under 100%"},
    "cap_missing": {"vi": "phân bổ 'cap' cần số tối đa", "en": "allocation 'cap' needs a cap"},
    # marketplace errors, by kind
    "error_kind_transient": {"vi": "lỗi tạm thời", "en": "temporary failure"},
    "error_kind_rate_limited": {"vi": "quá giới hạn gọi", "en": "rate limited"},
    "error_kind_auth_expired": {"vi": "hết hạn ủy quyền", "en": "authorisation expired"},
    "error_kind_rejected": {"vi": "bị từ chối", "en": "rejected"},
    # import report
    "report_summary": {
        "vi": "{rows} dòng: {products_created} sản phẩm mới, {products_changed} sản phẩm sửa, "
        "{skus_created} SKU mới, {skus_changed} SKU sửa, {stock_changed} tồn kho đổi, {unchanged} dòng không đổi",
        "en": "{rows} rows: {products_created} new products, {products_changed} changed products, "
        "{skus_created} new SKUs, {skus_changed} changed SKUs, {stock_changed} stock changes, {unchanged} rows unchanged",
    },
    "report_dry_run": {"vi": "chạy thử, chưa ghi gì", "en": "dry run, nothing written"},
    "report_errors": {
        "vi": "{rows} dòng lỗi, {errors} lỗi; không nhập dòng nào",
        "en": "{rows} bad rows, {errors} errors; nothing was imported",
    },
    "stock_import": {"vi": "đặt tồn kho theo tệp nhập", "en": "stock set by an import"},
    # command line
    "cli_coop_added": {"vi": "Đã thêm HTX {code}: {name}", "en": "Added co-op {code}: {name}"},
    "cli_no_coops": {"vi": "Chưa có HTX nào", "en": "No co-ops yet"},
    "cli_reading": {"vi": "Đang đọc {file}", "en": "Reading {file}"},
    "cli_bad_file": {
        "vi": "Tệp có lỗi, không nhập dòng nào. Sửa các lỗi sau rồi nhập lại:",
        "en": "The file has errors; nothing was imported. Fix these and import again:",
    },
    "cli_exported": {"vi": "Đã xuất {rows} dòng ra {file}", "en": "Wrote {rows} rows to {file}"},
    "cli_adjusted": {
        "vi": "{sku}: tồn {on_hand}, đang giữ cho đơn {reserved}, còn bán được {available}",
        "en": "{sku}: on hand {on_hand}, reserved {reserved}, available {available}",
    },
    "col_row": {"vi": "Dòng", "en": "Row"},
    "col_column": {"vi": "Cột", "en": "Column"},
    "col_problem": {"vi": "Lỗi", "en": "Problem"},
    "col_code": {"vi": "Mã", "en": "Code"},
    "col_name": {"vi": "Tên", "en": "Name"},
    "col_commune": {"vi": "Xã/phường", "en": "Commune"},
    "col_products": {"vi": "Sản phẩm", "en": "Products"},
    "col_product": {"vi": "Sản phẩm", "en": "Product"},
    "col_variant": {"vi": "Quy cách", "en": "Pack"},
    "col_on_hand": {"vi": "Tồn kho", "en": "On hand"},
    "col_reserved": {"vi": "Đang giữ", "en": "Reserved"},
    "col_available": {"vi": "Còn bán", "en": "Available"},
    "col_change": {"vi": "Thay đổi", "en": "Change"},
    "change_create": {"vi": "thêm mới", "en": "new"},
    "change_update": {"vi": "sửa", "en": "changed"},
    "change_stock": {"vi": "tồn kho", "en": "stock"},
    "stock_manual": {"vi": "điều chỉnh tay", "en": "manual adjustment"},
}

MESSAGE_PARTS = (
    CATALOG_MESSAGES, APP_MESSAGES, PACKAGE_MESSAGES, LOTS_MESSAGES, LABELS_MESSAGES, TRACE_MESSAGES,
    PUBLISHING_MESSAGES, ORDERS_MESSAGES, STOCK_MESSAGES, CONNECT_MESSAGES, SHOP_SETTINGS_MESSAGES,
    DASHBOARDS_MESSAGES, SESSIONS_MESSAGES, READINESS_MESSAGES, MAPPING_PAGE_MESSAGES, PHOTOS_MESSAGES,
    QUEUE_MESSAGES,
)
MESSAGES: dict[str, dict[str, str]] = {key: texts for part in MESSAGE_PARTS for key, texts in part.items()}


def current_lang() -> str:
    """The caller's language (``SPOKEN_LANG``), else ``SYNDICATOR_LANG``, else Vietnamese."""
    lang = (SPOKEN_LANG.get() or settings().lang).strip().lower()[:2]
    return lang if lang in LANGS else DEFAULT_LANG


@contextmanager
def speaking(lang: str) -> Iterator[None]:
    """Messages in ``lang`` inside the block, whatever ``SYNDICATOR_LANG`` says; the language before it after."""
    token = SPOKEN_LANG.set(lang)
    try:
        yield
    finally:
        SPOKEN_LANG.reset(token)


def t(key: str, lang: str | None = None, **kw: object) -> str:
    """The message ``key`` in ``lang`` (default: :func:`current_lang`), filled with ``kw``."""
    texts = MESSAGES[key]
    template = texts.get(lang or current_lang()) or texts[DEFAULT_LANG]
    return template.format(**kw)
