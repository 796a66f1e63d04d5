"""Quản trị (admins): co-ops and logins. Price rules are edited on the Gian hàng page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalog.models import Role
from syndicator.access import add_coop, coops, create_login, logins
from syndicator.users import UserError
from ui.common import engine, guarded, lang, tr, viewer

who = viewer()
st.header(tr("page_admin"))
left, right = st.columns(2)
with left, st.form("add_coop"):
    st.subheader(tr("add_coop"))
    code = st.text_input(tr("coop_code"), key="new_coop_code")
    name = st.text_input(tr("coop_name"), key="new_coop_name")
    commune = st.text_input(tr("commune"), key="new_coop_commune")
    if st.form_submit_button(tr("add_coop")):
        try:
            added = guarded(lambda: add_coop(engine(), who, code, name, commune.strip() or None, lang=lang()))
        except ValueError as error:
            st.error(str(error))
        else:
            if added is not None:
                st.success(tr("created", what=added))
with right, st.form("add_user"):
    st.subheader(tr("add_user"))
    username = st.text_input(tr("username"), key="new_username")
    password = st.text_input(tr("password"), type="password", key="new_password")
    role = st.selectbox(tr("role"), [r.value for r in Role], key="new_role")
    coop_code = st.selectbox(tr("coop"), [None] + [c["code"] for c in coops(engine(), who)], key="new_user_coop")
    if st.form_submit_button(tr("add_user")):
        try:
            created = guarded(lambda: create_login(engine(), who, username, password, role, coop_code))
        except UserError as error:
            st.error(str(error))
        else:
            if created is not None:
                st.success(tr("created", what=created.username))
st.subheader(tr("coop"))
st.dataframe(pd.DataFrame(coops(engine(), who)), hide_index=True, width="stretch")
st.subheader(tr("users"))
st.dataframe(pd.DataFrame(guarded(lambda: logins(engine(), who)) or []), hide_index=True, width="stretch")
