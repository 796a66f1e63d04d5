"""Tổng quan: listings live and in error per marketplace, today's orders, the last sync."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from syndicator.access.overview import overview
from ui.common import coop_picker, engine, guarded, money, tr, viewer, when

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
