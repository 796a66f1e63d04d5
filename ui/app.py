"""The Streamlit app: log in, then the pages a co-op clerk, an officer or an admin may open.

Run with ``syndicator ui [--port 8501]``; the database is ``SYNDICATOR_DATABASE_URL`` (default SQLite).
Logins are throttled per name and per client address. A login's session lives in the database
(:mod:`syndicator.sessions`) and its signed token in a cookie, so a refresh, a new tab or a link to a page
opens that page still logged in. Every page run re-checks the session (:func:`ui.common.viewer`): a disabled
login is logged out at once, and so is a session idle for ``SYNDICATOR_SESSION_IDLE_MINUTES`` (default 30),
logged out elsewhere, or 12 hours old.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from catalog.models import Role
from syndicator.users import LoginThrottled, authenticate
from ui.common import (
    client_address,
    engine,
    keep_session_cookie,
    log_in,
    log_out,
    plain,
    resume_from_cookie,
    role_label,
    tr,
)

HERE = Path(__file__).parent
# The pages live in views/, not pages/: Streamlit takes a pages/ folder beside the main script for pages of its
# own and, until st.navigation has run once, would open a deep link (/sales) on that file alone, blank.
PAGES = (
    ("views/overview.py", "page_overview", ":material/dashboard:"),
    ("views/products.py", "page_products", ":material/inventory_2:"),
    ("views/stock.py", "page_stock", ":material/warehouse:"),
    ("views/labels.py", "page_labels", ":material/qr_code_2:"),
    ("views/channels.py", "page_channels", ":material/storefront:"),
    ("views/mapping.py", "page_mapping", ":material/account_tree:"),
    ("views/listings.py", "page_listings", ":material/sell:"),
    ("views/sync.py", "page_sync", ":material/sync:"),
    ("views/orders.py", "page_orders", ":material/receipt_long:"),
    ("views/sales.py", "page_sales", ":material/bar_chart:"),
    ("views/monitor.py", "page_monitor", ":material/visibility:"),
)
ADMIN_PAGE = ("views/admin.py", "page_admin", ":material/admin_panel_settings:")


def login() -> None:
    st.title(tr("app_title"))
    if "notice" in st.session_state:
        st.info(tr(st.session_state.pop("notice")))
    with st.form("login"):
        username = st.text_input(tr("username"), key="login_username")
        password = st.text_input(tr("password"), type="password", key="login_password")
        submitted = st.form_submit_button(tr("login"))
    if not submitted:
        return
    try:
        who = authenticate(engine(), username, password, client=client_address())
    except LoginThrottled as throttled:
        st.error(tr("login_throttled", minutes=throttled.minutes))
        return
    if who is None:
        st.error(tr("login_failed"))
    else:
        log_in(who)
        st.rerun()


def sidebar() -> None:
    with st.sidebar:
        st.radio(tr("language"), ["vi", "en"], key="lang", horizontal=True,
                 format_func={"vi": "Tiếng Việt", "en": "English"}.get)
        who = st.session_state.get("viewer")
        if who is not None:
            st.caption(tr("signed_in_as", name=plain(who.username), role=plain(role_label(who))))
            st.button(tr("logout"), key="logout", on_click=log_out)
        keep_session_cookie()


st.set_page_config(page_title="Syndicator", page_icon=":material/agriculture:", layout="wide")
st.session_state.setdefault("lang", "vi")
resume_from_cookie()
sidebar()
who = st.session_state.get("viewer")  # every page re-checks it (ui.common.viewer)
if who is None:
    # a link to a page opens the login form at the page's address: once logged in, the same address opens it
    addresses = [Path(path).stem for path, _, _ in (*PAGES, ADMIN_PAGE)]
    chosen = st.navigation([st.Page(login, title=tr("login"), icon=":material/login:", default=True)] + [
        st.Page(login, title=tr("login"), icon=":material/login:", url_path=address) for address in addresses
    ], position="hidden")
else:
    entries = PAGES + ((ADMIN_PAGE,) if who.role is Role.admin else ())
    chosen = st.navigation([st.Page(HERE / path, title=tr(key), icon=icon) for path, key, icon in entries])
chosen.run()
