"""Đồng bộ: run a sync now with progress, the history of runs, and errors with the marketplace's message."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalog.i18n import t
from syndicator.access.roles import can_edit
from syndicator.access.sync import queue_sync_now, run_sync_now, sync_errors, sync_runs
from syndicator.channels import display_name
from syndicator.tasks import uses_queue
from ui.common import coop_picker, engine, guarded, lang, page_footer, pager, plain, tr, viewer, when


def sync_now(coop_code: str | None) -> None:
    if not st.button(tr("sync_now"), key="sync_now", type="primary"):
        return
    if uses_queue(engine()):  # PostgreSQL: the workers run it, one job a shop
        queued = guarded(lambda: queue_sync_now(engine(), who, coop_code=coop_code))
        if queued is not None:
            st.success(tr("sync_queued", n=queued[0], waiting=queued[1]))
        return
    bar = st.progress(0.0)

    def progress(account, done: int, total: int) -> None:
        shop = f"{display_name(account.marketplace)} · {plain(account.coop_code)}"
        bar.progress(min(done / max(total, 1), 1.0), text=f"{shop}: {done}/{total}")

    report = guarded(lambda: run_sync_now(engine(), who, coop_code=coop_code, progress=progress))
    if report is not None:
        bar.progress(1.0)
        show = st.success if report.succeeded else st.warning
        show(tr("sync_done", status=tr(f"run_status_{report.status}")))


def planned(summary: dict) -> str:
    """What the run set out to do, in words: ``đăng mới 400 · đổi tồn kho 30``."""
    counts = summary.get("planned") or {}
    return " · ".join(f"{tr(f'action_{kind}')} {count}" for kind, count in counts.items()) or "—"


def history() -> None:
    st.subheader(tr("sync_history"))
    runs = sync_runs(engine(), who, offset=pager("runs_page"), limit=50)
    if not runs.rows:
        st.info(tr("never_synced"))
        return
    st.dataframe(pd.DataFrame({
        "#": [r["id"] for r in runs.rows],
        tr("started"): [when(r["started_at"]) for r in runs.rows],
        tr("finished"): [when(r["finished_at"]) for r in runs.rows],
        tr("trigger"): [tr(f"trigger_{r['trigger']}") for r in runs.rows],
        tr("status"): [tr(f"run_status_{r['status']}") for r in runs.rows],
        tr("summary"): [planned(r["summary"]) for r in runs.rows],
    }), hide_index=True, width="stretch")
    page_footer(runs, "runs_page")


def errors() -> None:
    st.subheader(tr("sync_errors"))
    page = sync_errors(engine(), who, offset=pager("errors_page"), limit=50)
    if not page.rows:
        st.info(tr("nothing_found"))
        return
    st.dataframe(pd.DataFrame({
        "#": [r["run_id"] for r in page.rows],
        tr("started"): [when(r["at"]) for r in page.rows],
        tr("coop"): [r["coop_code"] for r in page.rows],
        tr("marketplace"): [display_name(r["marketplace"]) for r in page.rows],
        tr("col_product"): [r["product"] for r in page.rows],
        "SKU": [r["sku"] or "—" for r in page.rows],  # none when the error is about the product as a whole
        tr("action"): [tr(f"action_{r['action']}") for r in page.rows],
        tr("kind"): [t(f"error_kind_{r['error_kind']}", lang()) if r["error_kind"] else "—" for r in page.rows],
        tr("message"): [r["message"] for r in page.rows],
    }), hide_index=True, width="stretch")
    page_footer(page, "errors_page")


who = viewer()
st.header(tr("page_sync"))
if can_edit(who):
    sync_now(coop_picker(who, key="sync_coop"))
else:
    st.caption(tr("read_only"))
history()
errors()
