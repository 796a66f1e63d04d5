"""What every page shares: the engine, who is logged in, language, money, paging and export."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from catalog.db import database_url, init_database
from catalog.models import Role
from catalog.money import format_vnd
from syndicator.access import AccessDenied, Page, coops
from syndicator.users import Viewer
from ui.strings import text

PAGE_SIZE = 50


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    return init_database(url)


def engine() -> Engine:
    return _engine(database_url())


def lang() -> str:
    return st.session_state.get("lang", "vi")


def tr(key: str, **values: object) -> str:
    return text(key, lang(), **values)


def viewer() -> Viewer:
    """The logged-in viewer; a page run without one stops here (the app shows the login instead)."""
    current = st.session_state.get("viewer")
    if current is None:
        st.stop()
    return current


def role_label(who: Viewer) -> str:
    if who.role is Role.coop:
        return tr("role_coop", coop=who.coop_code)
    return tr(f"role_{who.role}")


def money(amount: int | None) -> str:
    return "" if amount is None else format_vnd(amount)


def when(value: Any) -> str:
    """A time in Vietnam, as a clerk reads it."""
    from syndicator.access import LOCAL_ZONE

    return "" if value is None else value.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y %H:%M")


def guarded(action: Callable[[], Any]) -> Any:
    """Run a data-layer call; a refusal becomes a message instead of a traceback."""
    try:
        return action()
    except AccessDenied as denied:
        st.error(tr("denied", reason=denied))
        return None


def coop_picker(who: Viewer, key: str) -> str | None:
    """Officers and admins choose a co-op (or all); a co-op user is always in its own."""
    if who.role is Role.coop:
        return who.coop_code
    choices = coops(engine(), who)
    labels = {None: tr("all_coops")} | {c["code"]: f"{c['name']} ({c['code']})" for c in choices}
    return st.selectbox(tr("coop"), list(labels), format_func=labels.get, key=key)


def pager(key: str) -> int:
    """The offset of the page the viewer is on (set by :func:`page_footer`)."""
    return (st.session_state.get(key, 1) - 1) * PAGE_SIZE


def page_footer(page: Page, key: str) -> None:
    pages = max(1, -(-page.total // PAGE_SIZE))
    st.caption(tr("page_of", page=page.offset // PAGE_SIZE + 1, pages=pages, total=page.total))
    if pages > 1:
        st.number_input(tr("page_number"), min_value=1, max_value=pages, step=1, key=key)


def downloads(frame: pd.DataFrame, name: str, key: str) -> None:
    """CSV (UTF-8 with BOM, for Excel) and .xlsx downloads of a table."""
    left, right = st.columns(2)
    left.download_button(
        tr("download_csv"), frame.to_csv(index=False).encode("utf-8-sig"), f"{name}.csv", "text/csv",
        key=f"{key}-csv",
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False, engine="openpyxl")
    right.download_button(
        tr("download_xlsx"), buffer.getvalue(), f"{name}.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key=f"{key}-xlsx",
    )


