"""Tổng quan: listings live and in error per marketplace, today's orders, the last sync, each co-op's listing
health, the packs out of stock or low on it; for officers and admins, trace-page views per week and origin
commune."""

from __future__ import annotations

from datetime import datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from catalog.i18n import t
from catalog.models import Role
from syndicator.access.overview import listing_health, overview, stock_alerts, trace_views_by_week
from syndicator.access.sales import LOCAL_ZONE
from syndicator.channels import display_name
from ui.common import coop_picker, engine, guarded, lang, money, tr, viewer, when

TRACE_WEEKS = 12

who = viewer()
st.header(tr("page_overview"))
coop_code = coop_picker(who, key="overview_coop")
facts = guarded(lambda: overview(engine(), who, coop_code))
if facts is not None:
    listings = pd.DataFrame(facts.listings, columns=["marketplace", "state", "count"])
    listings["marketplace"] = listings["marketplace"].map(display_name)
    live = int(listings.loc[listings["state"] == "live", "count"].sum())
    errors = int(listings.loc[listings["state"] == "error", "count"].sum())
    columns = st.columns(4)
    columns[0].metric(tr("live_listings"), f"{live:,}".replace(",", "."))
    columns[1].metric(tr("error_listings"), f"{errors:,}".replace(",", "."))
    columns[2].metric(tr("orders_today"), facts.orders_today)
    columns[3].metric(tr("sales_today"), money(facts.sales_today))

    st.subheader(tr("last_sync"))
    if facts.last_run is None:
        st.info(tr("never_synced"))
    else:
        run = facts.last_run
        status = tr(f"run_status_{run['status']}")
        st.write(f"#{run['id']} · {when(run['started_at'])} → {when(run['finished_at'])} · **{status}**")

    st.subheader(tr("listings_by_marketplace"))
    if listings.empty:
        st.info(tr("nothing_found"))
    else:
        listings["state_label"] = [tr(f"state_{state}") for state in listings["state"]]
        chart = alt.Chart(listings).mark_bar().encode(
            x=alt.X("marketplace:N", title=tr("marketplace"), axis=alt.Axis(labelAngle=0, labelLimit=140)),
            y=alt.Y("count:Q", title=tr("count")),
            color=alt.Color("state_label:N", title=tr("state")),
            tooltip=[alt.Tooltip("marketplace:N", title=tr("marketplace")),
                     alt.Tooltip("state_label:N", title=tr("state")), alt.Tooltip("count:Q", title=tr("count"))],
        )
        st.altair_chart(chart, width="stretch")
        table = listings.pivot_table(index="marketplace", columns="state_label", values="count", aggfunc="sum",
                                     fill_value=0)
        table = table.rename_axis(index=tr("marketplace"), columns=None)
        st.dataframe(table, width="stretch")


def health(coop_code: str | None) -> None:
    rows = guarded(lambda: listing_health(engine(), who, coop_code))
    if rows is None:
        return
    st.subheader(tr("dash_health"))
    st.caption(tr("dash_health_note"))
    if not rows:
        st.info(tr("dash_no_coops"))
        return
    st.dataframe(pd.DataFrame({
        tr("coop"): [f"{r['coop_name']} ({r['coop_code']})" for r in rows],  # a table cell is never Markdown
        tr("dash_live"): [r["live"] for r in rows],
        tr("dash_failed"): [r["failed"] for r in rows],
        tr("dash_drift"): [r["drift"] for r in rows],
    }), hide_index=True, width="stretch")


def stock_lists(coop_code: str | None) -> None:
    alerts = guarded(lambda: stock_alerts(engine(), who, coop_code))
    if alerts is None:
        return
    for kind, title, empty in (("out", "dash_out_of_stock", "dash_none_out"), ("low", "dash_low_stock", "dash_none_low")):
        st.subheader(tr(title))
        if kind == "low":
            st.caption(tr("dash_low_stock_note", threshold=alerts["threshold"]))
        rows = alerts[kind]
        if not rows:
            st.info(tr(empty))
            continue
        st.dataframe(pd.DataFrame({
            tr("coop"): [r["coop_code"] for r in rows],
            tr("col_product"): [r["product"] for r in rows],
            tr("dash_pack"): [r["variant"] for r in rows],
            "SKU": [r["sku"] for r in rows],
            tr("stock_available"): [r["available"] for r in rows],
        }), hide_index=True, width="stretch")


health(coop_code)
stock_lists(coop_code)

if who.role in (Role.officer, Role.admin):
    st.subheader(t("trace_views_heading", lang()))
    today = datetime.now(LOCAL_ZONE).date()
    weeks = guarded(lambda: trace_views_by_week(engine(), who, today - timedelta(weeks=TRACE_WEEKS), today, coop_code))
    if weeks is not None and not weeks:
        st.info(t("trace_views_none", lang(), weeks=TRACE_WEEKS))
    elif weeks:
        views = pd.DataFrame(weeks, columns=["week", "commune", "views"])
        views["commune"] = views["commune"].fillna(t("trace_commune_unknown", lang()))
        chart = alt.Chart(views).mark_bar().encode(
            x=alt.X("week:O", title=t("trace_views_week", lang())),
            y=alt.Y("views:Q", title=t("trace_views_count", lang()), axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color("commune:N", title=t("trace_views_commune", lang())),
            tooltip=[alt.Tooltip("week:O", title=t("trace_views_week", lang())),
                     alt.Tooltip("commune:N", title=t("trace_views_commune", lang())),
                     alt.Tooltip("views:Q", title=t("trace_views_count", lang()))],
        )
        st.altair_chart(chart, width="stretch")
