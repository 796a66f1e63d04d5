"""What every page shares: the engine, who is logged in, language, plain text, money, paging and export."""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NoReturn

import extra_streamlit_components as stx
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine

from catalog.db import DatabaseBusy, busy_refused, database_url, make_engine
from catalog.i18n import SPOKEN_LANG, t
from catalog.models import Role
from catalog.money import format_vnd
from catalog.spreadsheet import escape_csv
from syndicator import sessions
from syndicator.access.coops import coops
from syndicator.access.roles import AccessDenied, Page
from syndicator.access.sales import LOCAL_ZONE
from syndicator.users import Viewer, current_viewer, session_idle_limit

PAGE_SIZE = 50
SESSION_COOKIE = "syndicator_session"
COOKIE_CHANGE = "session_cookie_change"  # the signed cookie the browser is to keep, or "" to drop it
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
    and the app shows the login form; a session idle past ``SYNDICATOR_SESSION_IDLE_MINUTES``, ended (a
    logout in another tab, its 12 hours over), or whose login was disabled or deleted, is logged out first.
    Every page starts here, so here the rest of the run is set to speak the app's language: a refusal raised
    in ``syndicator/`` follows the language switch."""
    # Streamlit runs a page in one thread, top to bottom: set here, it holds for the rest of this run.
    SPOKEN_LANG.set(lang())
    who = st.session_state.get("viewer")
    if who is None:
        st.stop()
    now = datetime.now(UTC)
    if now - st.session_state.get("last_active", now) > session_idle_limit():
        end_session("session_idle")
    token = st.session_state.get("session_token")
    current = sessions.resume_session(engine(), token, now=now) if token else None
    if current is None:
        end_session("session_ended" if current_viewer(engine(), who.username) is None else "session_over")
    st.session_state["viewer"], st.session_state["last_active"] = current, now
    return current


def log_in(who: Viewer) -> None:
    """Open a session for a login that has just authenticated; the browser is to keep its cookie."""
    token = sessions.start_session(engine(), who.username)
    _hold(who, token)
    st.session_state[COOKIE_CHANGE] = sessions.signed_cookie(token)


def resume_from_cookie() -> None:
    """A page run without a viewer (a refresh, a deep link, a new tab) takes the one the session cookie
    names, if the database holds that session alive. The app calls it before it builds the navigation, so
    the viewer's pages are all there and Streamlit opens the one in the address bar."""
    if "viewer" in st.session_state:
        return
    cookie = st.context.cookies.get(SESSION_COOKIE)
    token = sessions.token_from_cookie(cookie) if cookie else None
    who = sessions.resume_session(engine(), token) if token else None
    if who is not None:
        _hold(who, token)


def _hold(who: Viewer, token: str) -> None:
    st.session_state.update(viewer=who, session_token=token, last_active=datetime.now(UTC))


def end_session(notice: str) -> NoReturn:
    """Log out, then run again: the app shows the login form with ``notice``."""
    log_out(notice)
    st.rerun()


def log_out(notice: str | None = None) -> None:
    """End the session in the database (its cookie opens nothing any more) and forget everything it held
    but its language; the browser is to drop the cookie, and ``notice`` is shown on the login page."""
    token = st.session_state.get("session_token")
    if token is not None:
        sessions.end_session(engine(), token)
    for key in [key for key in st.session_state if key != "lang"]:
        del st.session_state[key]
    st.session_state[COOKIE_CHANGE] = ""
    if notice is not None:
        st.session_state["notice"] = notice


class _CookieManager(stx.CookieManager):
    def _remove_extra_spacing(self) -> None:
        """Left out: its CSS, a Markdown element for each call, only hides the empty frames, which take no
        room that shows at the foot of the sidebar, where :func:`keep_session_cookie` puts them."""


def keep_session_cookie() -> None:
    """Write the session cookie after a login, or delete it after a logout, in the browser: through
    ``extra-streamlit-components``' cookie manager, whose frame stays until the browser has done it. The
    cookie is readable by the page's scripts (a component writes it from JavaScript: it cannot be HttpOnly),
    so it is signed, dated and worth nothing once its session ended; it is sent to this site only
    (SameSite=Strict), and marked Secure (HTTPS only) when the app is served over HTTPS."""
    change = st.session_state.get(COOKIE_CHANGE)
    if change is None:
        return
    cookies, done = _CookieManager(key="session_cookies"), f"session_cookie_{'set' if change else 'delete'}"
    if change:
        cookies.set(SESSION_COOKIE, change, key=done, expires_at=datetime.now(UTC) + sessions.SESSION_LIFETIME,
                    secure=(st.context.url or "").startswith("https:"), same_site="strict")
    else:
        with contextlib.suppress(KeyError):  # it drops the cookie from its copy too, empty until the browser answers
            cookies.delete(SESSION_COOKIE, key=done)
    if st.session_state.get(done) is True:  # the browser has answered
        del st.session_state[COOKIE_CHANGE]


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


