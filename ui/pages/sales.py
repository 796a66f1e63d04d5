"""Doanh số: sales by co-op, product, marketplace and month as charts, with CSV and Excel export."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from syndicator.access.sales import sales, unknown_order_lines
from ui.common import coop_picker, downloads, engine, guarded, money, tr, viewer, when

SECTIONS = (("month", "sales_by_month"), ("marketplace", "sales_by_marketplace"), ("coop", "sales_by_coop"),
            ("product", "sales_by_product"))

DOT_THOUSANDS = alt.Axis(format=",.0f", labelExpr="replace(datum.label, /,/g, '.')")


def section(by: str, title: str, coop_code: str | None) -> None:
    rows = guarded(lambda: sales(engine(), who, by, coop_code=coop_code))
    if rows is None:
        return
    st.subheader(tr(title))
    frame = pd.DataFrame(rows, columns=[by, "revenue", "units", "orders"])
    label = tr("month") if by == "month" else tr("coop") if by == "coop" else \
        tr("marketplace") if by == "marketplace" else tr("col_product")
    sort = None if by == "month" else "-x"
    revenue = alt.X("revenue:Q", title=tr("revenue"), axis=DOT_THOUSANDS)
    chart = alt.Chart(frame).mark_bar(size=40 if by == "month" else alt.Undefined).encode(
        x=revenue if by != "month" else alt.X(f"{by}:O", title=label),
        y=alt.Y(f"{by}:N", title=label, sort=sort) if by != "month" else
        alt.Y("revenue:Q", title=tr("revenue"), axis=DOT_THOUSANDS),
        tooltip=[alt.Tooltip(by, title=label), alt.Tooltip("revenue:Q", title=tr("revenue"), format=",.0f"),
                 alt.Tooltip("units:Q", title=tr("units")), alt.Tooltip("orders:Q", title=tr("orders"))],
    )
    st.altair_chart(chart, width="stretch")
    shown = frame.rename(columns={by: label, "revenue": tr("revenue"), "units": tr("units"), "orders": tr("orders")})
    st.dataframe(shown.assign(**{tr("revenue"): [money(v) for v in frame["revenue"]]}), hide_index=True,
                 width="stretch")
    downloads(shown, f"doanh-so-{by}", key=f"sales-{by}")


def unknown_lines(coop_code: str | None) -> None:
    """Order lines whose SKU is none of the shop's co-op's: kept on the order, never moving any stock."""
    page = guarded(lambda: unknown_order_lines(engine(), who, coop_code=coop_code, limit=200))
    if not page or not page.rows:
        return
    st.subheader(tr("unknown_sku_lines"))
    st.caption(tr("unknown_sku_note"))
    st.dataframe(pd.DataFrame({
        tr("placed_at"): [when(r["placed_at"]) for r in page.rows],
        tr("coop"): [r["coop_code"] for r in page.rows],
        tr("marketplace"): [r["marketplace"] for r in page.rows],
        tr("order_id"): [r["order_id"] for r in page.rows],
        "SKU": [r["seller_sku"] for r in page.rows],
        tr("units"): [r["quantity"] for r in page.rows],
        tr("unit_price"): [money(r["unit_price"]) for r in page.rows],
    }), hide_index=True, width="stretch")


who = viewer()
st.header(tr("page_sales"))
scope = coop_picker(who, key="sales_coop")
if not guarded(lambda: sales(engine(), who, "marketplace", coop_code=scope)):
    st.info(tr("no_sales"))
else:
    for by, title in SECTIONS:
        section(by, title, scope)
unknown_lines(scope)
