"""Đơn hàng: every order of the co-op's shops, line by line, with the stock it moved; filters, search and
downloads. Lines whose SKU is none of the co-op's are flagged: they move no stock."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from syndicator.access.orders import ORDER_STATUSES, OrderFilter, orders
from syndicator.access.sales import unknown_order_lines
from syndicator.channels import display_name, marketplace_names
from ui.common import (
    coop_picker,
    downloads,
    engine,
    guarded,
    money,
    page_footer,
    pager,
    plain,
    tr,
    viewer,
    when,
)

PAGE_KEY = "orders_page"
EXPORT_LIMIT = 20_000  # orders in one download: a file Excel opens at once
UNKNOWN_ROW = "background-color: #fde2e1"
NO_LINE = {"seller_sku": "", "known": True, "product": None, "variant": None, "quantity": None,
           "unit_price": None, "movements": []}


def first_page() -> None:
    """A changed filter starts again at the first page."""
    st.session_state.pop(PAGE_KEY, None)


def filters(coop_code: str | None) -> OrderFilter:
    marketplace_col, status_col, since_col, until_col = st.columns(4)
    marketplace = marketplace_col.selectbox(
        tr("marketplace"), [None, *marketplace_names()], key="orders_marketplace", on_change=first_page,
        format_func=lambda name: tr("orders_all_marketplaces") if name is None else display_name(name),
    )
    status = status_col.selectbox(
        tr("orders_status"), [None, *ORDER_STATUSES], key="orders_status", on_change=first_page,
        format_func=lambda code: tr("orders_all_statuses") if code is None else tr(f"orders_status_{code}"),
    )
    since = since_col.date_input(tr("orders_since"), value=None, format="DD/MM/YYYY", key="orders_since",
                                 on_change=first_page)
    until = until_col.date_input(tr("orders_until"), value=None, format="DD/MM/YYYY", key="orders_until",
                                 on_change=first_page)
    query_col, unknown_col = st.columns([3, 1], vertical_alignment="bottom")
    query = query_col.text_input(tr("orders_search"), key="orders_query", on_change=first_page)
    unknown_only = unknown_col.checkbox(tr("orders_unknown_only"), key="orders_unknown_only", on_change=first_page)
    return OrderFilter(coop_code=coop_code, marketplace=marketplace, status=status, since=since, until=until,
                       query=query, unknown_only=unknown_only)


def movement_text(line: dict) -> str:
    """What the line did to the stock ledger, in words: «Xuất bán -2, Nhập lại do hủy +2»."""
    if not line["known"]:
        return tr("orders_no_stock_moved")
    return ", ".join(f"{tr('orders_movement_' + m['kind'])} {m['quantity']:+d}" for m in line["movements"])


def lines_frame(rows: list[dict], with_coop: bool) -> pd.DataFrame:
    """One row per order line (an order's own columns repeated on each of its lines); numbers stay numbers."""
    records = []
    for order in rows:
        for line in order["lines"] or [NO_LINE]:
            records.append({
                **({tr("coop"): order["coop_name"]} if with_coop else {}),
                tr("marketplace"): display_name(order["marketplace"]),
                tr("order_id"): order["order_id"],
                tr("orders_time"): when(order["placed_at"]),
                tr("orders_status"): tr(f"orders_status_{order['status']}"),
                "SKU": line["seller_sku"],
                tr("orders_unknown_sku"): "" if line["known"] else tr("orders_yes"),
                tr("col_product"): line["product"] or "",
                tr("col_variant"): line["variant"] or "",
                tr("orders_quantity"): line["quantity"],
                tr("unit_price"): line["unit_price"],
                tr("orders_total"): order["total"],
                tr("orders_stock"): movement_text(line),
            })
    frame = pd.DataFrame.from_records(records)
    numbers = [tr("orders_quantity"), tr("unit_price"), tr("orders_total")]
    return frame.astype(dict.fromkeys(numbers, "Int64")) if records else frame


def shown(frame: pd.DataFrame) -> pd.io.formats.style.Styler:
    """The table as a clerk reads it: money in đồng, lines of an unknown SKU in red."""
    flag = tr("orders_unknown_sku")

    def highlight(row: pd.Series) -> list[str]:
        return [UNKNOWN_ROW if row[flag] else ""] * len(row)

    in_dong = {column: [money(None if pd.isna(amount) else int(amount)) for amount in frame[column]]
               for column in (tr("unit_price"), tr("orders_total"))}
    return frame.assign(**in_dong).style.apply(highlight, axis=1)


def export(chosen: OrderFilter, with_coop: bool) -> None:
    if not st.button(tr("orders_prepare_download"), key="orders_prepare_download"):
        return
    found = guarded(lambda: orders(engine(), who, chosen, offset=0, limit=EXPORT_LIMIT))
    if found is None:
        return
    if found.total > EXPORT_LIMIT:
        st.caption(tr("orders_export_capped", n=EXPORT_LIMIT))
    name = "don-hang" if chosen.coop_code is None else f"don-hang-{chosen.coop_code}"
    downloads(lines_frame(found.rows, with_coop), name, key="orders")


def unknown_warning(coop_code: str | None) -> None:
    unknown = guarded(lambda: unknown_order_lines(engine(), who, coop_code=coop_code, limit=1))
    if unknown is not None and unknown.total:
        st.warning(tr("orders_unknown_warning", n=unknown.total))


who = viewer()
st.header(tr("page_orders"))
scope = coop_picker(who, key="orders_coop")
chosen = filters(scope)
unknown_warning(scope)
try:
    page = guarded(lambda: orders(engine(), who, chosen, offset=pager(PAGE_KEY)))
except ValueError as refused:  # a filter that cannot be used, such as a start date after the end date
    st.error(plain(refused))
    page = None
if page is not None:
    with_coop = scope is None
    if not page.rows:
        st.info(tr("orders_none"))
    else:
        frame = lines_frame(page.rows, with_coop)
        # the product's name stays in the downloads: on screen the SKU and its pack leave room for the stock
        on_screen = [column for column in frame.columns if column != tr("col_product")]
        st.dataframe(shown(frame), hide_index=True, width="stretch", column_order=on_screen)
    page_footer(page, PAGE_KEY)
    if page.rows:
        export(chosen, with_coop)
