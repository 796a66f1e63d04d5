"""Tổng quan: listings live and in error per marketplace, today's orders, the last sync; for officers and
admins, trace-page views per week and origin commune."""

from __future__ import annotations

from datetime import datetime, timedelta

import altair as alt
import pandas as pd
import streamlit as st

from catalog.i18n import t
from catalog.models import Role
from syndicator.access.overview import overview, trace_views_by_week
from syndicator.access.sales import LOCAL_ZONE
from ui.common import coop_picker, engine, guarded, lang, money, tr, viewer, when

TRACE_WEEKS = 12

who = viewer()
st.header(tr("page_overview"))
coop_code = coop_picker(who, key="overview_coop")
facts = guarded(lambda: overview(engine(), who, coop_code))
if facts is not None:
    listings = pd.DataFrame(facts.listings, columns=["marketplace", "state", "count"])
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
        st.write(f"#{run['id']} · {when(run['started_at'])} → {when(run['finished_at'])} · **{run['status']}**")

    st.subheader(tr("listings_by_marketplace"))
    if listings.empty:
        st.info(tr("nothing_found"))
    else:
        listings["state_label"] = [tr(f"state_{state}") for state in listings["state"]]
        chart = alt.Chart(listings).mark_bar().encode(
            x=alt.X("marketplace:N", title=tr("marketplace")),
            y=alt.Y("count:Q", title=tr("count")),
            color=alt.Color("state_label:N", title=tr("state")),
            tooltip=["marketplace", "state_label", "count"],
        )
        st.altair_chart(chart, width="stretch")
        table = listings.pivot_table(index="marketplace", columns="state_label", values="count", fill_value=0)
        st.dataframe(table, width="stretch")

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
            tooltip=["week", "commune", "views"],
        )
        st.altair_chart(chart, width="stretch")
