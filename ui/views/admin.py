"""Quản trị (admins): co-ops and logins. Price rules are edited on the Gian hàng page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from catalog.models import Role
from syndicator.access.coops import add_coop, coops
from syndicator.access.logins import create_login, logins, set_login_disabled
from syndicator.users import UserError
from ui.common import engine, guarded, lang, plain, tr, viewer


def disable_or_enable(names: list[str]) -> None:
    """Disable a login (it cannot log in, its open sessions end at their next page) or enable it again."""
    name = st.selectbox(tr("username"), names, key="login_to_change")
    left, right = st.columns(2)
    if left.button(tr("disable_user"), key="disable_user"):
        change_login(name, disabled=True)
    if right.button(tr("enable_user"), key="enable_user"):
        change_login(name, disabled=False)


def change_login(name: str, disabled: bool) -> None:
    try:
        changed = guarded(lambda: set_login_disabled(engine(), who, name, disabled))
    except UserError as error:
        st.error(plain(error))
        return
    if changed is not None:
        st.success(tr("user_disabled" if disabled else "user_enabled", name=plain(changed)))


def add_login(username: str, password: str, role: str, coop_code: str | None) -> None:
    """A co-op clerk's login needs its co-op; an officer's or an admin's belongs to none, whatever was chosen."""
    if role == Role.coop and coop_code is None:
        st.error(tr("login_needs_coop"))
        return
    try:
        created = guarded(lambda: create_login(engine(), who, username, password, role,
                                               coop_code if role == Role.coop else None))
    except UserError as error:
        st.error(plain(error))
        return
    if created is not None:
        st.success(tr("created", what=plain(created.username)))


def coops_table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        tr("coop_code"): [r["code"] for r in rows],
        tr("coop_name"): [r["name"] for r in rows],
        tr("commune"): [r["commune"] or "—" for r in rows],
        tr("province"): [r["province"] for r in rows],
    })


def logins_table(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame({
        tr("username"): [r["username"] for r in rows],
        tr("role"): [tr(f"role_name_{r['role']}") for r in rows],
        tr("coop"): [r["coop_code"] or "—" for r in rows],
        tr("login_state"): [tr("login_disabled" if r["disabled"] else "login_enabled") for r in rows],
    })


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
            st.error(plain(error))
        else:
            if added is not None:
                st.success(tr("created", what=plain(added)))
with right, st.form("add_user"):
    st.subheader(tr("add_user"))
    username = st.text_input(tr("username"), key="new_username")
    password = st.text_input(tr("password"), type="password", key="new_password")
    roles = {r.value: tr(f"role_name_{r.value}") for r in Role}
    role = st.selectbox(tr("role"), list(roles), format_func=roles.get, key="new_role")
    coop_names = {None: tr("no_coop")} | {c["code"]: f"{c['name']} ({c['code']})" for c in coops(engine(), who)}
    coop_code = st.selectbox(tr("login_coop"), list(coop_names), format_func=coop_names.get, key="new_user_coop")
    if st.form_submit_button(tr("add_user")):
        add_login(username, password, role, coop_code)
st.subheader(tr("coop"))
st.dataframe(coops_table(coops(engine(), who)), hide_index=True, width="stretch")
st.subheader(tr("users"))
names = [user["username"] for user in guarded(lambda: logins(engine(), who)) or []]
if names:
    disable_or_enable(names)
    st.dataframe(logins_table(logins(engine(), who)), hide_index=True, width="stretch")  # as changed just now
