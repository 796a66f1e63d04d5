"""Giám sát: what shoppers see on each listing's public page, and where it drifted from what we sent."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalog.i18n import t
from syndicator.access.monitor import observations
from syndicator.channels import display_name
from ui.common import coop_picker, engine, guarded, lang, money, page_footer, pager, tr, viewer, when


def unseen(count: int | None) -> str:
    """A count the page did not show stays blank (a table shows a missing value as "None")."""
    return "" if count is None else str(count)


who = viewer()
st.header(tr("page_monitor"))
coop_code = coop_picker(who, key="monitor_coop")
drift_only = st.toggle(tr("drift_only"), key="drift_only")
page = guarded(lambda: observations(engine(), who, drift_only=drift_only, offset=pager("monitor_page"),
                                    coop_code=coop_code))
if page is not None and not page.rows:
    # the drift filter found nothing: say so, unless the monitor never looked at these listings at all
    observed = drift_only and observations(engine(), who, limit=1, coop_code=coop_code).total > 0
    st.info(tr("dash_no_drift") if observed else tr("no_observations"))
elif page is not None:
    st.dataframe(pd.DataFrame({
        tr("observed_at"): [when(r["observed_at"]) for r in page.rows],
        tr("coop"): [r["coop_code"] for r in page.rows],
        tr("marketplace"): [display_name(r["marketplace"]) for r in page.rows],
        "SKU": [r["sku"] for r in page.rows],
        tr("visible"): [r["visible"] for r in page.rows],
        tr("seen_price"): [money(r["price"]) for r in page.rows],
        tr("pushed_price"): [money(r["pushed_price"]) for r in page.rows],
        tr("col_stock"): [unseen(r["stock"]) for r in page.rows],
        tr("sold_count"): [unseen(r["sold_count"]) for r in page.rows],
        tr("drift"): [", ".join(t(f"drift_{kind}", lang()) for kind in r["drift"]) for r in page.rows],
        "URL": [r["url"] for r in page.rows],
    }), hide_index=True, width="stretch",
        column_config={"URL": st.column_config.LinkColumn("URL")})
    page_footer(page, "monitor_page")
