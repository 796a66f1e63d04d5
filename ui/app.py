"""The Streamlit app: log in, then the pages a co-op clerk, an officer or an admin may open.

Run with ``syndicator ui [--port 8501]``; the database is ``SYNDICATOR_DATABASE_URL`` (default SQLite).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from catalog.models import Role
from syndicator.users import authenticate
from ui.common import engine, role_label, tr

HERE = Path(__file__).parent
PAGES = (
    ("pages/overview.py", "page_overview", ":material/dashboard:"),
    ("pages/products.py", "page_products", ":material/inventory_2:"),
    ("pages/channels.py", "page_channels", ":material/storefront:"),
    ("pages/listings.py", "page_listings", ":material/sell:"),
    ("pages/sync.py", "page_sync", ":material/sync:"),
    ("pages/sales.py", "page_sales", ":material/bar_chart:"),
    ("pages/monitor.py", "page_monitor", ":material/visibility:"),
)
ADMIN_PAGE = ("pages/admin.py", "page_admin", ":material/admin_panel_settings:")


def login() -> None:
    st.title(tr("app_title"))
    with st.form("login"):
        username = st.text_input(tr("username"), key="login_username")
        password = st.text_input(tr("password"), type="password", key="login_password")
        submitted = st.form_submit_button(tr("login"))
    if submitted:
        who = authenticate(engine(), username, password)
        if who is None:
            st.error(tr("login_failed"))
        else:
            st.session_state["viewer"] = who
            st.rerun()


def sidebar() -> None:
    with st.sidebar:
        st.radio(tr("language"), ["vi", "en"], key="lang", horizontal=True,
                 format_func={"vi": "Tiếng Việt", "en": "English"}.get)
        who = st.session_state.get("viewer")
        if who is not None:
            st.caption(tr("signed_in_as", name=who.username, role=role_label(who)))
            if st.button(tr("logout"), key="logout"):
                del st.session_state["viewer"]
                st.rerun()


st.set_page_config(page_title="Syndicator", page_icon=":material/agriculture:", layout="wide")
st.session_state.setdefault("lang", "vi")
sidebar()
who = st.session_state.get("viewer")
if who is None:
    chosen = st.navigation([st.Page(login, title=tr("login"), icon=":material/login:")])
else:
    entries = PAGES + ((ADMIN_PAGE,) if who.role is Role.admin else ())
    chosen = st.navigation([st.Page(HERE / path, title=tr(key), icon=icon) for path, key, icon in entries])
chosen.run()
