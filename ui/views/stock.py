"""Tồn kho: every SKU's on hand, reserved and available and what each shop shows; one SKU's ledger (what moved,
from where, who recorded it, when, why); a receipt or an adjustment with its reason, for the co-op's clerks."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from catalog.lots import LotError
from catalog.stock import StockRefused
from syndicator.access.lots import product_lots
from syndicator.access.roles import can_edit
from syndicator.access.stock import LOW_STOCK, record_stock, sku_ledger, stock_rows
from ui.common import coop_picker, engine, guarded, page_footer, pager, plain, tr, viewer, when


def _on_shops(shops: list[dict[str, Any]]) -> str:
    return " · ".join(tr("stock_shop_shows", marketplace=shop["marketplace"],
                         shown=tr("stock_not_pushed") if shop["shown"] is None else shop["shown"])
                      for shop in shops)


def levels_table(coop_code: str | None) -> list[dict[str, Any]]:
    """The page of SKUs with their stock; its rows (empty when nothing matches or the viewer may not look)."""
    query = st.text_input(tr("stock_search"), key="stock_query")
    page = guarded(lambda: stock_rows(engine(), who, query=query, coop_code=coop_code, offset=pager("stock_page")))
    if page is None:
        return []
    if not page.rows:
        st.info(tr("nothing_found"))
        return []
    st.dataframe(pd.DataFrame({
        tr("coop"): [r["coop_code"] for r in page.rows],
        tr("col_product"): [r["name"] for r in page.rows],
        "SKU": [r["sku"] for r in page.rows],
        tr("col_variant"): [r["variant"] for r in page.rows],
        tr("stock_on_hand"): [r["on_hand"] for r in page.rows],
        tr("stock_reserved"): [r["reserved"] for r in page.rows],
        tr("stock_available"): [r["available"] for r in page.rows],
        tr("stock_col_alert"): [tr("stock_low") if r["low"] else "" for r in page.rows],
        tr("stock_on_shops"): [_on_shops(r["shops"]) for r in page.rows],
    }), hide_index=True, width="stretch")
    st.caption(tr("stock_low_note", threshold=LOW_STOCK))
    page_footer(page, "stock_page")
    return page.rows


def record_form(sku: str, lots: list[str]) -> None:
    kinds = {"adjustment": tr("stock_kind_adjustment"), "receipt": tr("stock_kind_receipt")}
    lot_labels = {"": tr("stock_no_lot")} | {code: code for code in lots}
    with st.form("stock_form", clear_on_submit=True):
        st.subheader(tr("stock_record"))
        kind = st.radio(tr("stock_record_kind"), list(kinds), format_func=kinds.get, horizontal=True,
                        key="stock_kind")
        quantity = st.number_input(tr("stock_quantity"), value=0, step=1, help=tr("stock_quantity_help"),
                                   key="stock_quantity")
        reason = st.text_input(tr("stock_reason"), key="stock_reason")
        lot = st.selectbox(tr("stock_lot"), list(lot_labels), format_func=lot_labels.get, key="stock_lot")
        submitted = st.form_submit_button(tr("stock_submit"))
    if "stock_notice" in st.session_state:
        st.success(st.session_state.pop("stock_notice"))
    if not submitted:
        return
    try:
        level = guarded(lambda: record_stock(engine(), who, sku, int(quantity), reason, receipt=kind == "receipt",
                                             lot_code=lot or None))
    except (StockRefused, LotError) as refused:
        st.error(tr("stock_refused", reason=plain(refused)))
        return
    if level is not None:  # run again, so the levels above show the movement too
        st.session_state["stock_notice"] = tr("stock_recorded", **level)
        st.rerun()


def _source(movement: dict[str, Any]) -> str:
    if movement["source"] == "order":
        return tr("stock_source_order", order=movement["order_id"], marketplace=movement["marketplace"])
    if movement["source"] == "count":
        return tr("stock_source_count")
    return tr(f"stock_kind_{movement['kind']}")


def _actor(actor: str | None) -> str:
    if actor is None:
        return tr("stock_actor_system")
    if actor.startswith("cli:"):
        return tr("stock_actor_cli", user=actor.removeprefix("cli:"))
    return actor


def ledger(sku: str) -> None:
    found = guarded(lambda: sku_ledger(engine(), who, sku))
    if found is None:
        return
    st.subheader(tr("stock_history", sku=found["sku"], product=plain(found["product"]),
                    variant=plain(found["variant"])))
    moves = found["movements"]
    if not moves:
        st.info(tr("stock_history_empty"))
        return
    st.dataframe(pd.DataFrame({
        tr("stock_col_when"): [when(m["at"]) for m in moves],
        tr("stock_col_movement"): [tr(f"stock_kind_{m['kind']}") for m in moves],
        tr("stock_col_quantity"): [f"{m['quantity']:+d}".replace("-", "−") for m in moves],
        tr("stock_col_source"): [_source(m) for m in moves],
        tr("stock_col_who"): [_actor(m["actor"]) for m in moves],
        tr("stock_col_note"): [m["note"] for m in moves],
        tr("stock_col_lot"): [m["lot"] or "" for m in moves],
    }), hide_index=True, width="stretch")
    if found["total"] > len(moves):
        st.caption(tr("stock_history_latest", shown=len(moves), total=found["total"]))


who = viewer()
st.header(tr("page_stock"))
editable = can_edit(who)
if not editable:
    st.caption(tr("read_only"))
scope = coop_picker(who, key="stock_coop")
rows = levels_table(scope)
if rows:
    labels = {r["sku"]: f"{r['sku']} · {r['name']} ({r['variant']})" for r in rows}
    chosen = st.selectbox(tr("stock_pick_sku"), list(labels), format_func=labels.get, key="stock_sku")
    if editable:
        row = next(r for r in rows if r["sku"] == chosen)
        lots = guarded(lambda: product_lots(engine(), who, row["coop_code"], row["product_code"])) or []
        record_form(chosen, [lot["code"] for lot in lots])
    ledger(chosen)
