"""Messages of the photo store and of photos at import and on the Sản phẩm page (ids photo_…, photos_…),
looked up through ``catalog/i18n.py``."""

PHOTOS_MESSAGES: dict[str, dict[str, str]] = {
    # a photo refused by the store (catalog/photos.py)
    "photo_not_picture": {
        "vi": "không phải ảnh (nhận JPEG, PNG, WebP, GIF, BMP, TIFF)",
        "en": "not a picture (JPEG, PNG, WebP, GIF, BMP, TIFF are taken)",
    },
    "photo_unreadable": {"vi": "ảnh bị hỏng, không đọc được ({detail})",
                         "en": "the picture is damaged and cannot be read ({detail})"},
    "photo_too_small": {
        "vi": "ảnh {width}×{height} px quá nhỏ: cạnh dài cần ít nhất {minimum} px",
        "en": "the picture is {width}×{height} px, too small: its long edge needs at least {minimum} px",
    },
    "photo_too_many_pixels": {
        "vi": "ảnh quá lớn để mở: tối đa {limit} triệu điểm ảnh",
        "en": "the picture is too large to open: at most {limit} million pixels",
    },
    "photo_too_large_bytes": {"vi": "tệp ảnh quá lớn: tối đa {limit_mb} MB",
                              "en": "the picture file is too large: at most {limit_mb} MB"},
    "photo_cannot_shrink": {"vi": "không nén được ảnh xuống dưới {limit_mb} MB",
                            "en": "the picture cannot be compressed under {limit_mb} MB"},
    "photo_digest_invalid": {"vi": "mã ảnh «{value}» không hợp lệ", "en": "«{value}» is not a photo's code"},
    # what an image cell names, at import (catalog/photo_sources.py)
    "photo_entry": {"vi": "«{entry}»: {problem}", "en": "«{entry}»: {problem}"},
    "photo_too_many": {"vi": "tối đa {limit} ảnh cho một sản phẩm", "en": "at most {limit} photos a product"},
    "photo_source_absolute": {
        "vi": "chỉ nhận đường dẫn tính từ thư mục của bảng tính (như anh/che.jpg), không nhận đường dẫn tuyệt đối",
        "en": "only a path from the spreadsheet's folder is taken (like anh/che.jpg), not an absolute path",
    },
    "photo_source_parent": {"vi": "đường dẫn không được ra ngoài thư mục của bảng tính («..»)",
                            "en": "the path may not leave the spreadsheet's folder («..»)"},
    "photo_source_outside": {"vi": "tệp này trỏ ra ngoài thư mục của bảng tính",
                             "en": "this file points outside the spreadsheet's folder"},
    "photo_source_missing": {
        "vi": "không có tệp này trong thư mục của bảng tính (gửi kèm ảnh: nén bảng tính và thư mục ảnh thành tệp .zip)",
        "en": "there is no such file in the spreadsheet's folder (to send photos with it, zip the spreadsheet and "
              "its photo folder)",
    },
    "photo_source_missing_zip": {"vi": "không có tệp này trong tệp .zip", "en": "there is no such file in the .zip"},
    "photo_source_not_file": {"vi": "đây không phải một tệp", "en": "this is not a file"},
    "photo_source_scheme": {
        "vi": "chỉ nhận địa chỉ https://, không nhận {scheme}://",
        "en": "only https:// addresses are taken, not {scheme}://",
    },
    "photo_entry_scheme": {
        "vi": "«{entry}»: chỉ nhận địa chỉ https://, không nhận {scheme}://",
        "en": "«{entry}»: only https:// addresses are taken, not {scheme}://",
    },
    "photo_source_bad_url": {"vi": "địa chỉ web không hợp lệ", "en": "not a valid web address"},
    "photo_source_unresolved": {"vi": "không tìm thấy máy chủ {host}", "en": "the host {host} was not found"},
    "photo_source_private": {
        "vi": "máy chủ {host} ở mạng nội bộ ({address}): không tải ảnh từ đó",
        "en": "the host {host} is on a private network ({address}): no photo is fetched from it",
    },
    "photo_source_redirects": {"vi": "chuyển hướng quá {limit} lần", "en": "redirected more than {limit} times"},
    "photo_source_status": {"vi": "máy chủ trả lời mã {status}, không phải ảnh",
                            "en": "the server answered {status}, not a picture"},
    "photo_source_fetch_failed": {"vi": "không tải được ảnh ({detail})", "en": "the photo could not be fetched ({detail})"},
    "photo_source_unknown_digest": {"vi": "không có ảnh này trong kho ảnh", "en": "this photo is not in the store"},
    "photo_zip_sheets": {
        "vi": "tệp .zip cần đúng một bảng tính (.xlsx hoặc .csv), tệp này có {count}",
        "en": "the .zip needs exactly one spreadsheet (.xlsx or .csv); this one holds {count}",
    },
    "photo_zip_too_many": {"vi": "tệp .zip có {count} tệp, tối đa {limit}",
                           "en": "the .zip holds {count} files, at most {limit}"},
    # the Sản phẩm page
    "photos_section": {"vi": "Ảnh sản phẩm", "en": "Product photos"},
    "photos_of": {"vi": "Ảnh của {name} ({product}): ảnh đầu là ảnh chính",
                  "en": "Photos of {name} ({product}): the first is the main photo"},
    "photos_pick_sku": {"vi": "Nhập SKU ở trên để xem và sửa ảnh của sản phẩm",
                        "en": "Enter a SKU above to see and edit its product's photos"},
    "photos_upload": {"vi": "Thêm ảnh (chọn được nhiều ảnh một lần)", "en": "Add photos (several at once)"},
    "photos_add": {"vi": "Lưu ảnh đã chọn", "en": "Save the chosen photos"},
    "photos_added": {"vi": "Đã thêm {count} ảnh", "en": "{count} photo(s) added"},
    "photos_refused": {"vi": "Ảnh «{name}» không dùng được: {problem}", "en": "The photo «{name}» was refused: {problem}"},
    "photos_none": {"vi": "Sản phẩm chưa có ảnh: Shopee và Lazada cần ít nhất một ảnh",
                    "en": "The product has no photo yet: Shopee and Lazada need at least one"},
    "photos_main": {"vi": "Ảnh chính", "en": "Main photo"},
    "photos_number": {"vi": "Ảnh {number}", "en": "Photo {number}"},
    "photos_first": {"vi": "Làm ảnh chính", "en": "Make main"},
    "photos_up": {"vi": "Lên trước", "en": "Move up"},
    "photos_down": {"vi": "Xuống sau", "en": "Move down"},
    "photos_remove": {"vi": "Xoá ảnh", "en": "Remove"},
    "photos_old": {
        "vi": "Ảnh cũ «{value}» không nằm trong kho ảnh và sẽ không được gửi: hãy tải lại ảnh này rồi xoá dòng này",
        "en": "The old photo «{value}» is not in the photo store and is never sent: upload it again, then remove this",
    },
    "photos_not_on_product": {"vi": "ảnh này không thuộc sản phẩm", "en": "this photo is not the product's"},
    "photos_upload_zip": {
        "vi": "Bảng tính (.xlsx, .csv), hoặc tệp .zip chứa bảng tính và thư mục ảnh",
        "en": "A spreadsheet (.xlsx, .csv), or a .zip holding the spreadsheet and its photo folder",
    },
}
