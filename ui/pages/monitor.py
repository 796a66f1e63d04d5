"""Giám sát: what shoppers see on each listing's public page, and where it drifted from what we sent."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from syndicator.access.monitor import observations
from ui.common import engine, money, page_footer, pager, tr, viewer, when

who = viewer()
st.header(tr("page_monitor"))
drift_only = st.toggle(tr("drift_only"), key="drift_only")
page = observations(engine(), who, drift_only=drift_only, offset=pager("monitor_page"))
if not page.rows:
    st.info(tr("no_observations"))
else:
    st.dataframe(pd.DataFrame({
        tr("observed_at"): [when(r["observed_at"]) for r in page.rows],
        tr("coop"): [r["coop_code"] for r in page.rows],
        tr("marketplace"): [r["marketplace"] for r in page.rows],
        "SKU": [r["sku"] for r in page.rows],
        tr("visible"): [r["visible"] for r in page.rows],
        tr("seen_price"): [money(r["price"]) for r in page.rows],
        tr("pushed_price"): [money(r["pushed_price"]) for r in page.rows],
        tr("col_stock"): [r["stock"] for r in page.rows],
        tr("sold_count"): [r["sold_count"] for r in page.rows],
        tr("drift"): [", ".join(r["drift"]) for r in page.rows],
        "URL": [r["url"] for r in page.rows],
    }), hide_index=True, width="stretch",
        column_config={"URL": st.column_config.LinkColumn("URL")})
    page_footer(page, "monitor_page")
