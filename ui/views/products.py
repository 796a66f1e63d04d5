"""Sản phẩm: browse and search, add or edit one SKU (validated as an import is) and its product's photos,
import (a spreadsheet, or a .zip of it and its photos), export, and a product's lots (Lô hàng)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from catalog.i18n import t
from catalog.lots import field_label
from catalog.spreadsheet import COLUMNS, header_label
from syndicator.access.lots import add_product_lot, lot_products, product_lots
from syndicator.access.products import (
    add_product_photos,
    arrange_product_photos,
    export_catalog,
    import_catalog,
    photo_preview,
    product_photos,
    product_row,
    products,
    save_product_row,
)
from syndicator.access.roles import AccessDenied, can_edit
from ui.common import (
    coop_picker,
    engine,
    guarded,
    lang,
    money,
    page_footer,
    pager,
    plain,
    tr,
    viewer,
)
from ui.readiness import show_product_readiness

# stock moves only through the ledger; photos are uploaded, never typed
FIELDS_NOT_TYPED = ("coop_code", "stock", "images")
PHOTO_TYPES = ["jpg", "jpeg", "png", "webp", "gif", "bmp", "tif", "tiff"]
PHOTO_COLUMNS = 4


def browse(coop_code: str | None) -> None:
    query = st.text_input(tr("search"), key="products_query")
    page = guarded(lambda: products(engine(), who, query=query, coop_code=coop_code, offset=pager("products_page"),
                                    limit=50))
    if page is None:
        return
    if not page.rows:
        st.info(tr("nothing_found"))
        return
    frame = pd.DataFrame(
        {
            tr("coop"): [r["coop_code"] for r in page.rows],
            tr("col_product_code"): [r["product_code"] for r in page.rows],
            tr("col_product"): [r["name"] for r in page.rows],
            "SKU": [r["sku"] for r in page.rows],
            tr("col_variant"): [r["variant"] for r in page.rows],
            tr("col_price"): [money(r["price"]) for r in page.rows],
            tr("col_stock"): [r["on_hand"] for r in page.rows],
            tr("col_available"): [r["available"] for r in page.rows],
            tr("col_category"): [r["category"] or "" for r in page.rows],
        }
    )
    st.dataframe(frame, hide_index=True, width="stretch")
    page_footer(page, "products_page")


def edit(coop_code: str | None) -> None:
    sku = st.text_input(tr("edit_which"), key="edit_sku").strip()
    current = guarded(lambda: product_row(engine(), who, sku)) if sku else {}
    if current is None:
        return
    with st.form("product_form"):
        values = {
            column.field: st.text_input(header_label(column.field, lang()), value=str(current.get(column.field) or ""),
                                        key=f"field_{sku}_{column.field}")
            for column in COLUMNS if column.field not in FIELDS_NOT_TYPED
        }
        st.caption(tr("stock_edit_on_stock_page"))
        submitted = st.form_submit_button(tr("save"))
    if not submitted:
        return
    raw = {field: value for field, value in values.items() if value.strip()}
    raw["coop_code"] = current.get("coop_code") or coop_code
    errors = guarded(lambda: save_product_row(engine(), who, raw, lang=lang()))
    if errors is None:
        return
    if errors:
        st.error(tr("fix_errors"))
        for error in errors:
            st.error(f"{header_label(error.column, lang())}: {plain(error.message)}")
    else:
        st.success(tr("saved", sku=plain(raw.get("sku", ""))))


def photos_section(sku: str) -> None:
    """The product's photos as previews, main one first, each movable and removable; new ones uploaded
    several at once. Previews come from the photo store by digest."""
    st.subheader(t("photos_section", lang()))
    if not sku:
        st.caption(t("photos_pick_sku", lang()))
        return
    try:
        found = product_photos(engine(), who, sku)
    except (LookupError, AccessDenied):
        return  # the form above says why
    st.caption(t("photos_of", lang(), name=plain(found["name"]), product=plain(found["product_code"])))
    show_product_readiness(who, found["product_id"])
    for message in st.session_state.pop("photos_flash", []):
        getattr(st, message[0])(message[1])
    entries = [photo["entry"] for photo in found["photos"]]
    if not entries:
        st.info(t("photos_none", lang()))
    columns = st.columns(PHOTO_COLUMNS)
    for index, photo in enumerate(found["photos"]):
        with columns[index % PHOTO_COLUMNS]:
            photo_card(sku, entries, index, photo)
    nonce = st.session_state.setdefault("photos_nonce", 0)
    st.file_uploader(t("photos_upload", lang()), type=PHOTO_TYPES, accept_multiple_files=True,
                     key=f"photos_upload_{nonce}", on_change=add_uploaded, args=(sku, f"photos_upload_{nonce}"))


def photo_card(sku: str, entries: list[str], index: int, photo: dict) -> None:
    """One photo: its preview (or, for an entry from before the store, why it is not sent) and its buttons."""
    label = t("photos_main", lang()) if index == 0 else t("photos_number", lang(), number=index + 1)
    if photo["format"] is None:
        st.warning(t("photos_old", lang(), value=plain(photo["entry"][:80])))
    else:
        st.image(photo_preview(photo), caption=f"{label} · {photo['width']}×{photo['height']}")
    moves = {
        "photos_first": [entries[index]] + entries[:index] + entries[index + 1:],
        "photos_up": _swapped(entries, index, index - 1),
        "photos_down": _swapped(entries, index, index + 1),
        "photos_remove": entries[:index] + entries[index + 1:],
    }
    for key, arranged in moves.items():
        if arranged != entries and st.button(t(key, lang()), key=f"{key}_{index}_{photo['entry'][:16]}"):
            guarded(lambda arranged=arranged: arrange_product_photos(engine(), who, sku, arranged, lang()))
            st.rerun()


def _swapped(entries: list[str], first: int, second: int) -> list[str]:
    if not 0 <= second < len(entries):
        return entries
    swapped = list(entries)
    swapped[first], swapped[second] = swapped[second], swapped[first]
    return swapped


def add_uploaded(sku: str, key: str) -> None:
    """The uploader's callback: the chosen files kept in the store and added; a fresh uploader next run."""
    uploads = [(upload.name, upload.getvalue()) for upload in st.session_state.get(key) or []]
    st.session_state["photos_nonce"] = st.session_state.get("photos_nonce", 0) + 1
    if not uploads:
        return
    try:
        refused = add_product_photos(engine(), who, sku, uploads, lang())
    except (AccessDenied, LookupError) as error:
        st.session_state["photos_flash"] = [("error", plain(error))]
        return
    flash = [("error", t("photos_refused", lang(), name=plain(name), problem=plain(problem)))
             for name, problem in refused]
    if len(uploads) > len(refused):
        flash.insert(0, ("success", t("photos_added", lang(), count=len(uploads) - len(refused))))
    st.session_state["photos_flash"] = flash


def import_tab(coop_code: str | None) -> None:
    uploaded = st.file_uploader(t("photos_upload_zip", lang()), type=["xlsx", "csv", "zip"], key="import_file")
    if uploaded is None:
        return
    # The upload's own name is the browser's to choose: only its type is kept.
    suffix = next((s for s in (".csv", ".zip") if uploaded.name.lower().endswith(s)), ".xlsx")
    with tempfile.TemporaryDirectory(prefix="syndicator-import-") as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(uploaded.getvalue())
        import_upload(path, coop_code)


def import_upload(path: Path, coop_code: str | None) -> None:
    report = guarded(lambda: import_catalog(engine(), who, path, coop_code=coop_code, dry_run=True, lang=lang()))
    if report is None:
        return
    if report.errors:
        st.error(tr("preview_bad", n=len({e.row for e in report.errors})))
        st.dataframe(
            pd.DataFrame({tr("row"): [e.row for e in report.errors], tr("column"): [e.column for e in report.errors],
                          tr("problem"): [e.message for e in report.errors]}),
            hide_index=True, width="stretch",
        )
        return
    st.success(tr("preview_ok", summary=report.summary(lang())))
    if st.button(tr("import_now"), key="import_now"):
        progress = st.progress(0.0)
        done = guarded(lambda: import_catalog(engine(), who, path, coop_code=coop_code, dry_run=False, lang=lang(),
                                              progress=lambda done, total: progress.progress(done / max(total, 1))))
        if done is not None:
            st.success(tr("imported", summary=done.summary(lang())))


def export_tab(coop_code: str | None) -> None:
    if not st.button(tr("export_now"), key="export_now"):
        return
    with tempfile.TemporaryDirectory(prefix="syndicator-export-") as folder:
        path = Path(folder) / f"catalog-{coop_code or 'all'}.xlsx"
        if guarded(lambda: export_catalog(engine(), who, path, coop_code=coop_code)) is not None:
            st.download_button(tr("download_xlsx"), path.read_bytes(), path.name, key="export_download")


LOT_FIELDS = ("code", "produced_on", "expires_on", "quantity")


def _day(value: object) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def lots_section(coop_code: str | None, editable: bool) -> None:
    """A product's lots, newest first, and (for its co-op's clerks) a form adding one."""
    st.subheader(t("lots_section", lang()))
    choices = guarded(lambda: lot_products(engine(), who, coop_code))
    if not choices:
        if choices is not None:
            st.info(t("lots_no_products", lang()))
        return
    labels = {f"{c['coop_code']}|{c['product_code']}": f"{c['name']} ({c['coop_code']} · {c['product_code']})"
              for c in choices}
    picked = st.selectbox(t("lots_pick_product", lang()), list(labels), format_func=labels.get, key="lots_product")
    coop, product = picked.split("|")
    if editable:
        add_lot_form(coop, product)
    found = guarded(lambda: product_lots(engine(), who, coop, product))
    if found:
        st.dataframe(pd.DataFrame({
            t("lots_col_code", lang()): [lot["code"] for lot in found],
            t("lots_col_produced", lang()): [_day(lot["produced_on"]) for lot in found],
            t("lots_col_expires", lang()): [_day(lot["expires_on"]) for lot in found],
            t("lots_col_quantity", lang()): ["" if lot["quantity"] is None else lot["quantity"] for lot in found],
            t("lots_col_notes", lang()): [lot["notes"] for lot in found],
        }), hide_index=True, width="stretch")
    elif found is not None:
        st.info(t("lots_none", lang()))


def add_lot_form(coop: str, product: str) -> None:
    hints = {"produced_on": t("lots_date_hint", lang()), "expires_on": t("lots_expiry_hint", lang())}
    with st.form("lot_form", clear_on_submit=True):
        raw = {name: st.text_input(field_label(name, lang()), placeholder=hints.get(name, ""), key=f"lot_{name}")
               for name in LOT_FIELDS}
        raw["notes"] = st.text_area(field_label("notes", lang()), key="lot_notes")
        submitted = st.form_submit_button(t("lots_add", lang()))
    if not submitted:
        return
    raw |= {"coop_code": coop, "product_code": product}
    errors = guarded(lambda: add_product_lot(engine(), who, raw, lang=lang()))
    if errors:
        st.error(t("lots_fix", lang()))
        for error in errors:
            st.error(f"{field_label(error.column, lang())}: {plain(error.message)}")
    elif errors is not None:
        st.success(t("lots_saved", lang(), code=plain(raw["code"].strip().upper())))


who = viewer()
st.header(tr("page_products"))
scope = coop_picker(who, key="products_coop")
if can_edit(who):
    tabs = st.tabs([tr("tab_browse"), tr("tab_edit"), tr("tab_import"), tr("tab_export"), t("lots_section", lang())])
    with tabs[0]:
        browse(scope)
    with tabs[1]:
        edit(scope)
        photos_section(st.session_state.get("edit_sku", "").strip())
    with tabs[2]:
        import_tab(scope)
    with tabs[3]:
        export_tab(scope)
    with tabs[4]:
        lots_section(scope, editable=True)
else:
    st.caption(tr("read_only"))
    browse(scope)
    export_tab(scope)
    lots_section(scope, editable=False)
