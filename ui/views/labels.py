"""Tem nhãn: a co-op's trace labels on A4 label paper and its market stall sign with a VietQR code, as PDF to
download, and the bank account that code pays into."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import segno
import streamlit as st

from catalog.models import Role
from catalog.vietqr import napas_banks
from syndicator.access.coops import coops
from syndicator.access.labels import coop_contact, label_products, label_sheet, save_coop_contact, stall_sign
from syndicator.access.roles import can_edit
from syndicator.labels import LAYOUTS, LabelsRefused
from ui.common import engine, guarded, lang, money, plain, tr, viewer

CONTACT_INPUTS = (("bank_account", "labels_account"), ("bank_account_name", "labels_holder"),
                  ("phone", "labels_phone"), ("address", "labels_address"))


def pick_coop() -> str | None:
    """A co-op user works on its own co-op; officers and admins choose one."""
    if who.role is Role.coop:
        return who.coop_code
    choices = guarded(lambda: coops(engine(), who)) or []
    names = {c["code"]: f"{c['name']} ({c['code']})" for c in choices}
    return st.selectbox(tr("coop"), list(names), format_func=names.get, key="labels_coop")


def refused_shown(action: Callable[[], Any]) -> Any:
    """``guarded``, and a product or lot the catalogue does not know shown as a message too."""
    try:
        return guarded(action)
    except LabelsRefused as refused:
        st.error(plain(refused))
        return None


def layout_name(name: str) -> str:
    layout = LAYOUTS[name]
    return tr("labels_layout_choice", columns=layout.columns, rows=layout.rows, count=layout.per_page,
              width=f"{layout.width:g}", height=f"{layout.height:g}")


def sheet_section(coop: str) -> None:
    st.subheader(tr("labels_sheet_section"))
    products = guarded(lambda: label_products(engine(), who, coop))
    if not products:
        if products is not None:
            st.info(tr("labels_no_products"))
        return
    names = {p["code"]: f"{p['name']} ({p['code']})" for p in products}
    chosen = st.multiselect(tr("labels_products"), list(names), format_func=names.get,
                            placeholder=tr("labels_all_products"), key=f"labels_products_{coop}")
    lots = sorted({lot for p in products if not chosen or p["code"] in chosen for lot in p["lots"]})
    # the choices' words are fixed here, not in a format_func: Streamlit may call that again outside the page's
    # run, where the viewer's language is not known
    lot_names = {None: tr("labels_no_lot")} | {code: code for code in lots}
    lot = st.selectbox(tr("labels_lot"), list(lot_names), format_func=lot_names.get, key=f"labels_lot_{coop}")
    layouts = {name: layout_name(name) for name in LAYOUTS}
    layout = st.radio(tr("labels_layout"), list(layouts), format_func=layouts.get, horizontal=True,
                      key="labels_layout")
    price = st.checkbox(tr("labels_show_price"), key="labels_price")
    if not st.button(tr("labels_preview"), key="labels_preview", type="primary"):
        return
    made = refused_shown(lambda: label_sheet(engine(), who, coop, tuple(chosen), lot, layout, price))
    if made is None:
        return
    labels, pdf = made
    if not labels:
        st.info(tr("labels_nothing"))
        return
    preview(labels, layout)
    st.download_button(tr("labels_download"), pdf, f"tem-{coop}.pdf", "application/pdf", key="labels_download",
                       on_click="ignore", icon=":material/download:")


def preview(labels: list[Any], layout: str) -> None:
    """What the first page holds, label by label, and the first label's QR code as it scans."""
    per_page = LAYOUTS[layout].per_page
    st.caption(tr("labels_count", count=len(labels), pages=-(-len(labels) // per_page)))
    first = labels[:per_page]
    st.dataframe(pd.DataFrame({
        tr("col_product"): [label.product for label in first],
        tr("col_variant"): [label.pack for label in first],
        tr("col_price"): [money(label.price) for label in first],
        tr("labels_col_lot"): [label.lot.code if label.lot else "" for label in first],
        tr("labels_col_trace"): [label.trace_url for label in first],
    }), hide_index=True, width="stretch")
    png = io.BytesIO()
    segno.make(first[0].trace_url, error="m", micro=False).save(png, kind="png", scale=5, border=4)
    st.image(png.getvalue(), caption=tr("labels_first_qr"), width=170)


def stall_section(coop: str, contact: dict[str, str | None]) -> None:
    st.subheader(tr("labels_stall_section"))
    st.caption(tr("labels_stall_hint"))
    made = guarded(lambda: stall_sign(engine(), who, coop))
    if made is None:
        return
    sign, pdf = made
    if sign is None:
        st.info(tr("labels_stall_nothing"))
        return
    if not contact["bank_account"]:
        st.warning(tr("labels_no_bank"))
    elif sign.payment_problem:
        st.warning(plain(sign.payment_problem))
    st.download_button(tr("labels_stall_download"), pdf, f"bang-gia-{coop}.pdf", "application/pdf",
                       key="stall_download", on_click="ignore", icon=":material/download:")


def bank_form(coop: str, contact: dict[str, str | None]) -> None:
    st.subheader(tr("labels_bank_section"))
    if not can_edit(who):
        st.caption(tr("read_only"))
        return
    banks = napas_banks()
    bank_names = {"": tr("labels_bank_none")} | {
        code: f"{banks[code]} ({code})" for code in sorted(banks, key=lambda code: banks[code].casefold())}
    bins = list(bank_names)
    with st.form(f"bank_form_{coop}"):
        values = {"bank_bin": st.selectbox(
            tr("labels_bank"), bins, index=bins.index(contact["bank_bin"]) if contact["bank_bin"] in bins else 0,
            format_func=bank_names.get, key=f"bank_bin_{coop}")}
        values |= {field: st.text_input(tr(label), value=contact[field] or "", key=f"{field}_{coop}")
                   for field, label in CONTACT_INPUTS}
        submitted = st.form_submit_button(tr("labels_save_bank"))
    if not submitted:
        return
    refusals = guarded(lambda: save_coop_contact(engine(), who, coop, values, lang=lang()))
    for reason in refusals or ():
        st.error(tr("labels_bank_refused", reason=plain(reason)))
    if refusals == []:
        st.session_state["labels_bank_saved"] = True
        st.rerun()  # the stall sign above is drawn again with the account just saved


who = viewer()
st.header(tr("page_labels"))
st.caption(tr("labels_intro"))
if st.session_state.pop("labels_bank_saved", False):
    st.success(tr("labels_bank_saved"))
picked = pick_coop()
contact_now = guarded(lambda: coop_contact(engine(), who, picked)) if picked else None
if contact_now is not None:
    sheet_section(picked)
    stall_section(picked, contact_now)
    bank_form(picked, contact_now)
