"""What every page shares: the engine, who is logged in, language, plain text, money, paging and export."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NoReturn

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from catalog.db import DatabaseBusy, busy_refused, database_url, make_engine
from catalog.i18n import SPOKEN_LANG, t
from catalog.models import Role
from catalog.money import format_vnd
from catalog.spreadsheet import escape_csv
from syndicator.access.coops import coops
from syndicator.access.roles import AccessDenied, Page
from syndicator.access.sales import LOCAL_ZONE
from syndicator.users import Viewer, current_viewer, session_idle_limit

PAGE_SIZE = 50
# What Markdown, Streamlit's directives (:red[…], $math$) or HTML would act on, anywhere in a line
# (an underscore between letters or digits, as in safety_buffer, never is) …
MARKUP_ANYWHERE = re.compile(r"([\\`*{}\[\]()<>#+!|~$:&]|(?<![^\W_])_|_(?![^\W_]))")
# … and at the start of a line: list items (-, 1.) and heading underlines (===, ---).
MARKUP_LINE_START = re.compile(r"^(\s*\d*)([.=-])", re.MULTILINE)


@st.cache_resource(show_spinner=False)
def _engine(url: str) -> Engine:
    """The database as ``syndicator ui`` (or ``syndicator init``) left it: the app never migrates it."""
    return make_engine(url)


def engine() -> Engine:
    return _engine(database_url())


def lang() -> str:
    return st.session_state.get("lang", "vi")


def tr(key: str, **values: object) -> str:
    """The app's text ``ui.<key>`` from the one catalogue, in the language chosen in the app."""
    return t(f"ui.{key}", lang(), **values)


def plain(typed: object) -> str:
    """Person-typed text (a shop, product or co-op name, a message echoing input) made safe for the places
    Streamlit renders as Markdown: it shows exactly as typed, never as an image, a link, HTML or formatting."""
    escaped = MARKUP_ANYWHERE.sub(r"\\\1", str(typed))
    return MARKUP_LINE_START.sub(r"\1\\\2", escaped)


def client_address() -> str:
    """The browser's address ("" on loopback): uvicorn takes it from X-Forwarded-For only when the
    connection comes from a trusted proxy on this host (FORWARDED_ALLOW_IPS, default 127.0.0.1)."""
    address = st.context.ip_address
    return address if isinstance(address, str) else ""  # None on loopback; not a str under AppTest's runtime


def viewer() -> Viewer:
    """The logged-in viewer, re-read from the database on every page run. Without one the page stops here
    and the app shows the login form; a session idle past ``SYNDICATOR_SESSION_IDLE_MINUTES``, or whose
    login was disabled or deleted, is logged out first. Every page starts here, so here the rest of the run
    is set to speak the app's language: a refusal raised in ``syndicator/`` follows the language switch."""
    # Streamlit runs a page in one thread, top to bottom: set here, it holds for the rest of this run.
    SPOKEN_LANG.set(lang())
    who = st.session_state.get("viewer")
    if who is None:
        st.stop()
    now = datetime.now(UTC)
    if now - st.session_state.get("last_active", now) > session_idle_limit():
        end_session("session_idle")
    current = current_viewer(engine(), who.username)
    if current is None:
        end_session("session_ended")
    st.session_state["viewer"], st.session_state["last_active"] = current, now
    return current


def end_session(notice: str) -> NoReturn:
    """Log out, then run again: the app shows the login form with ``notice``."""
    log_out(notice)
    st.rerun()


def log_out(notice: str | None = None) -> None:
    """Forget everything the session held but its language; ``notice`` is shown on the login page."""
    for key in [key for key in st.session_state if key != "lang"]:
        del st.session_state[key]
    if notice is not None:
        st.session_state["notice"] = notice


def role_label(who: Viewer) -> str:
    if who.role is Role.coop:
        return tr("role_coop", coop=who.coop_code)
    return tr(f"role_{who.role}")


def money(amount: int | None) -> str:
    return "" if amount is None else format_vnd(amount)


def when(value: Any) -> str:
    """A time in Vietnam, as a clerk reads it."""
    return "" if value is None else value.astimezone(LOCAL_ZONE).strftime("%d/%m/%Y %H:%M")


def guarded(action: Callable[[], Any]) -> Any:
    """Run a data-layer call; a refusal becomes a message instead of a traceback."""
    try:
        with busy_refused(lang()):
            return action()
    except AccessDenied as denied:
        st.error(tr("denied", reason=plain(denied)))
    except DatabaseBusy as busy:
        st.error(plain(busy))
    except LookupError as missing:  # a SKU or co-op the viewer typed that does not exist
        st.error(plain(missing))
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
    """CSV (UTF-8 with BOM, for Excel) and .xlsx downloads of a table, formula-safe as ``syndicator export``
    is: text that starts like a formula (``=HYPERLINK(…)``) is written with a leading ``'``."""
    frame = frame.map(lambda cell: escape_csv(cell) if isinstance(cell, str) else cell)
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


