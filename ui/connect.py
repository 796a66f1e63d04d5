"""Connecting shops from the Gian hàng page: each marketplace's own authorisation page and back, connecting a
shop that needs it again, and a form for the local trade floors.

The marketplace sends the owner back to this page in a new page load, with ``state`` and ``code`` (Shopee:
also ``shop_id``) in the query: once the viewer is logged in, the exchange is completed from
``st.query_params``, which are then cleared so that a rerun or a refresh does not send the code again.
"""

from __future__ import annotations

from datetime import timedelta
from html import escape

import streamlit as st

from catalog.models import Role
from syndicator.access.connect import (
    connect_floor_feed,
    connect_floor_with_key,
    finish_connect,
    floors,
    redirect_marketplaces,
    shops_to_reconnect,
    start_connect,
    start_reconnect,
)
from syndicator.channels import ChannelError, display_name
from syndicator.users import Viewer
from ui.common import coop_picker, engine, guarded, plain, tr

RETURNED = ("state", "code", "shop_id", "error")
LINKS_FRESH_FOR = timedelta(minutes=4)
BY_FEED, BY_KEY = "feed", "key"


def connect_section(who: Viewer) -> None:
    """The returned authorisation completed, then (for those who may) the ways to connect a shop."""
    finish_returned(who)
    st.subheader(tr("connect_title"))
    if who.role is Role.officer:
        st.caption(tr("connect_officer"))
        return
    coop_code = coop_picker(who, key="connect_coop")
    links(who, coop_code)
    if coop_code is not None:
        floor_form(who, coop_code)


@st.fragment(run_every=LINKS_FRESH_FOR)
def links(who: Viewer, coop_code: str | None) -> None:
    """The links to the marketplaces' pages, made again while the page stays open: Shopee refuses a link
    5 minutes after it was signed, and the state expires after 10."""
    reconnect_links(who)
    if coop_code is None:
        st.caption(tr("connect_pick_coop"))
    else:
        marketplace_links(who, coop_code)


def page_address() -> str:
    """This page's address as the browser has it, without its query: where the marketplace sends the owner back."""
    return (st.context.url or "").split("?", 1)[0]  # None only outside a browser (AppTest)


def finish_returned(who: Viewer) -> None:
    returned = {name: st.query_params[name] for name in RETURNED if name in st.query_params}
    if "state" not in returned and "code" not in returned:
        return
    for name in RETURNED:  # cleared first: a rerun or a refresh must not send the code again
        st.query_params.pop(name, None)
    shop = attempt(lambda: finish_connect(engine(), who, returned))
    if shop is not None:
        st.success(tr("connect_done", marketplace=display_name(shop["marketplace"]), shop=plain(shop["name"])))


def attempt(action):
    """An access call; a refused connection is a message naming why, nothing stored."""
    try:
        return guarded(action)
    except ChannelError as refused:
        st.error(tr("connect_failed", error=plain(refused)))
        return None


def link(label: str, url: str) -> None:
    """A button-like link that opens the marketplace's page in this tab (it sends the owner back here)."""
    st.markdown(f'<a href="{escape(url)}" target="_self" class="connect-link" '
                f'style="display:inline-block;padding:0.4rem 0.9rem;border:1px solid #ccc;border-radius:0.5rem;'
                f'text-decoration:none">{escape(plain(label))}</a>', unsafe_allow_html=True)


def marketplace_links(who: Viewer, coop_code: str) -> None:
    st.caption(tr("connect_explain"))
    names = attempt(redirect_marketplaces) or []
    if not names:
        st.caption(tr("connect_none_configured"))
    for column, marketplace in zip(st.columns(max(len(names), 1)), names, strict=False):
        url = attempt(lambda m=marketplace: start_connect(engine(), who, coop_code, m, page_address()))
        if url is not None:
            with column:
                link(tr("connect_with", marketplace=display_name(marketplace)), url)


def reconnect_links(who: Viewer) -> None:
    for shop in guarded(lambda: shops_to_reconnect(engine(), who)) or []:
        url = attempt(lambda s=shop: start_reconnect(engine(), who, s["id"], page_address()))
        if url is not None:
            name = f"{display_name(shop['marketplace'])} · {shop['name']} (#{shop['id']})"
            link(tr("connect_again", shop=name), url)


def floor_form(who: Viewer, coop_code: str) -> None:
    """A floor's shop: as a feed shop (spreadsheets), or with the key the floor issued."""
    names = floors()
    if not names:
        return
    with st.expander(tr("connect_floor_title")), st.form("connect_floor"):
        marketplace = st.selectbox(tr("connect_floor"), names, format_func=display_name, key="connect_floor_name")
        how = st.radio(tr("connect_how"), [BY_FEED, BY_KEY], horizontal=True, key="connect_floor_how",
                       format_func={BY_FEED: tr("connect_by_feed"), BY_KEY: tr("connect_by_key")}.get)
        typed = {field: st.text_input(tr(f"connect_{field}"), key=f"connect_floor_{field}",
                                      type="password" if field == "api_secret" else "default")
                 for field in ("base_url", "shop_id", "api_key", "api_secret")}
        submitted = st.form_submit_button(tr("connect_submit"))
    if not submitted:
        return
    if how == BY_FEED:
        shop = attempt(lambda: connect_floor_feed(engine(), who, coop_code, marketplace))
    else:
        shop = attempt(lambda: connect_floor_with_key(engine(), who, coop_code, marketplace, typed))
    if shop is not None:
        st.success(tr("connect_done", marketplace=display_name(shop["marketplace"]), shop=plain(shop["name"])))
