"""Doanh số: over a date range (the last 12 months unless chosen), revenue and orders by week or month, then
sales by marketplace, co-op and product as charts, with CSV and Excel export."""

from __future__ import annotations

from datetime import date, datetime

import altair as alt
import pandas as pd
import streamlit as st

from syndicator.access.sales import LOCAL_ZONE, local_day_bounds, sales, trend, unknown_order_lines
from syndicator.channels import display_name
from ui.common import coop_picker, downloads, engine, guarded, money, tr, viewer, when

# by month is the trend above (by week or month)
SECTIONS = (("marketplace", "sales_by_marketplace"), ("coop", "sales_by_coop"), ("product", "sales_by_product"))

DOT_THOUSANDS = alt.Axis(format=",.0f", labelExpr="replace(datum.label, /,/g, '.')")


def last_twelve_months(today: date) -> tuple[date, date]:
    """From the first day of the month eleven months back to today: twelve calendar months."""
    months = today.year * 12 + today.month - 1 - 11
    return date(months // 12, months % 12 + 1, 1), today


def date_range() -> tuple[date, date]:
    today = datetime.now(LOCAL_ZONE).date()
    default = last_twelve_months(today)
    chosen = st.date_input(tr("dash_range"), value=default, max_value=today, format="DD/MM/YYYY", key="sales_range")
    if len(chosen) != 2:
        st.caption(tr("dash_range_incomplete"))
        return default
    return chosen[0], chosen[1]


def trends(start: date, end: date, coop_code: str | None) -> None:
    st.subheader(tr("dash_trend"))
    period = st.segmented_control(tr("dash_by"), ("week", "month"), default="month", key="sales_trend_by",
                                  format_func=lambda p: tr(f"dash_by_{p}")) or "month"
    rows = guarded(lambda: trend(engine(), who, period, start, end, coop_code))
    if rows is None:
        return
    if not any(row["orders"] or row["cancelled"] or row["returned"] for row in rows):
        st.info(tr("dash_no_orders_in_range"))
        return
    frame = pd.DataFrame(rows)
    label = tr("dash_week_of") if period == "week" else tr("month")
    frame["label"] = [p.strftime("%d/%m/%Y") if period == "week" else p.strftime("%m/%Y") for p in frame["period"]]
    frame[label] = pd.to_datetime(frame["period"])
    # weeks on a time axis (fifty bars read as a curve), months one labelled bar each
    axis = alt.X(f"{label}:T", title=label, axis=alt.Axis(format="%d/%m")) if period == "week" else \
        alt.X("label:O", title=label, sort=list(frame["label"]), axis=alt.Axis(labelAngle=0))
    base = alt.Chart(frame).encode(x=axis, tooltip=[
        alt.Tooltip("label:N", title=label), alt.Tooltip("revenue:Q", title=tr("revenue"), format=",.0f"),
        alt.Tooltip("orders:Q", title=tr("orders")), alt.Tooltip("cancelled:Q", title=tr("dash_cancelled")),
        alt.Tooltip("returned:Q", title=tr("dash_returned"))])
    columns = st.columns(2)
    columns[0].altair_chart(base.mark_bar().encode(y=alt.Y("revenue:Q", title=tr("revenue"), axis=DOT_THOUSANDS)),
                            width="stretch")
    columns[1].altair_chart(base.mark_line(point=True).encode(
        y=alt.Y("orders:Q", title=tr("orders"), axis=alt.Axis(tickMinStep=1, format="d"))), width="stretch")
    shown = pd.DataFrame({label: frame["label"], tr("revenue"): [money(v) for v in frame["revenue"]],
                          tr("orders"): frame["orders"], tr("dash_cancelled"): frame["cancelled"],
                          tr("dash_returned"): frame["returned"]})
    st.dataframe(shown, hide_index=True, width="stretch")
    downloads(shown.assign(**{tr("revenue"): frame["revenue"]}), f"xu-huong-{period}", key=f"trend-{period}")


def section(by: str, title: str, coop_code: str | None, since: datetime, until: datetime) -> None:
    rows = guarded(lambda: sales(engine(), who, by, coop_code=coop_code, since=since, until=until))
    if rows is None:
        return
    st.subheader(tr(title))
    frame = pd.DataFrame(rows, columns=[by, "revenue", "units", "orders"])
    if by == "marketplace":
        frame[by] = frame[by].map(display_name)
    label = tr("coop") if by == "coop" else tr("marketplace") if by == "marketplace" else tr("col_product")
    chart = alt.Chart(frame).mark_bar().encode(
        x=alt.X("revenue:Q", title=tr("revenue"), axis=DOT_THOUSANDS),
        y=alt.Y(f"{by}:N", title=label, sort="-x"),
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
first_day, last_day = date_range()
st.caption(tr("dash_range_note", start=first_day.strftime("%d/%m/%Y"), end=last_day.strftime("%d/%m/%Y")))
since, until = local_day_bounds(first_day, last_day)
if not guarded(lambda: sales(engine(), who, "marketplace", coop_code=scope)):
    st.info(tr("no_sales"))
else:
    trends(first_day, last_day, scope)
    for by, title in SECTIONS:
        section(by, title, scope, since, until)
unknown_lines(scope)
