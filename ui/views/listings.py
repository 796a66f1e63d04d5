"""Đăng bán: a SKU × marketplace matrix of what is published where; publish or unpublish the selected rows
(or every row of the filter) on chosen marketplaces; preview the plan."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from syndicator.access.listings import (
    listing_matrix,
    plan_preview,
    publish,
    publish_matching,
    set_price_override,
    unpublish,
)
from syndicator.access.roles import can_edit
from syndicator.channels import display_name, marketplace_names
from ui.common import coop_picker, engine, guarded, lang, money, page_footer, pager, plain, tr, viewer

SELECT = "select"
NOTICE = "listings_notice"


# each publication's colour: the matrix cell's background, and the legend's words in the same colour
COLOURS = {"live": "green", "pending": "blue", "auto": "blue", "failed": "red", "blocked": "violet",
           "unpublishing": "orange",
           "unpublished": "gray", "retiring": "gray", "retired": "gray", "not_published": None}
BACKGROUNDS = {"green": "#d3f9d8", "blue": "#d0ebff", "red": "#ffe3e3", "violet": "#e5dbff", "orange": "#ffe8cc",
               "gray": "#e9ecef"}


def state_label(variant: dict | None) -> str:
    """One SKU on one marketplace: its publication in words, and its own price if it has one."""
    if variant is None:
        return tr("state_none")
    label = tr(f"publication_{variant['state']}")
    if variant.get("price_override") is not None:
        label += f" · {money(variant['price_override'])}"
    return label


def background(variant: dict | None) -> str:
    colour = COLOURS[variant["state"]] if variant else None
    return f"background-color: {BACKGROUNDS[colour]}" if colour else ""


def legend() -> str:
    return " · ".join(f":{colour}-background[{tr(f'publication_{state}')}]" if colour else tr(f"publication_{state}")
                      for state, colour in COLOURS.items() if state not in ("auto", "retiring", "retired"))


def matrix_frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame({
        SELECT: [False] * len(rows),
        "SKU": [r["sku"] for r in rows],
        tr("col_product"): [r["name"] for r in rows],
        tr("col_variant"): [r["variant"] for r in rows],
    })
    for marketplace in marketplace_names():
        frame[display_name(marketplace)] = [state_label(r["listings"].get(marketplace)) for r in rows]
    return frame


def coloured(frame: pd.DataFrame, rows: list[dict]) -> Any:
    """The matrix with each marketplace cell on its publication's colour (a pandas Styler)."""
    colours = pd.DataFrame({display_name(m): [background(r["listings"].get(m)) for r in rows]
                            for m in marketplace_names()}, index=frame.index)
    return frame.style.apply(lambda _: colours, axis=None, subset=list(colours.columns))


def errors_table(rows: list[dict]) -> None:
    failed = [
        {"SKU": r["sku"], tr("marketplace"): display_name(m), tr("last_error"): variant["last_error"]}
        for r in rows for m, variant in r["listings"].items() if variant["last_error"]
    ]
    if failed:
        st.subheader(tr("last_error"))
        st.dataframe(pd.DataFrame(failed), hide_index=True, width="stretch")


def blocked_table(rows: list[dict]) -> None:
    """Every pack the next sync holds back, with what to fix (the same reasons the plan gives)."""
    blocked = [
        {"SKU": r["sku"], tr("marketplace"): display_name(m), tr("blocked_reasons"): "; ".join(variant["reasons"])}
        for r in rows for m, variant in r["listings"].items() if variant.get("reasons")
    ]
    if blocked:
        st.subheader(tr("blocked_title"))
        st.dataframe(pd.DataFrame(blocked), hide_index=True, width="stretch")


def actions(rows: list[dict], chosen: list[bool], total: int) -> None:
    selected = [row["sku_id"] for row, pick in zip(rows, chosen, strict=True) if pick]
    st.caption(tr("publish_choose_rows"))
    targets = st.multiselect(tr("publish_to"), marketplace_names(), default=list(marketplace_names()),
                             format_func=display_name, key="publish_targets")
    left, middle, right = st.columns(3)
    if left.button(tr("publish_selected"), key="publish", disabled=not selected or not targets):
        done(guarded(lambda: publish(engine(), who, selected, targets)), "published_skus")
    if middle.button(tr("delist_selected"), key="delist", disabled=not selected or not targets):
        done(guarded(lambda: unpublish(engine(), who, selected, targets)), "delisted_skus")
    if right.button(tr("publish_matching", n=total), key="publish_matching", disabled=not targets):
        done(guarded(lambda: publish_matching(engine(), who, query, scope, targets)), "published_skus")


def done(count: int | None, message: str) -> None:
    """After a publication changed: run the page again, so the matrix shows it, with the message on top."""
    if count is not None:
        st.session_state[NOTICE] = tr(message, n=count)
        st.rerun()


def price_override(rows: list[dict]) -> None:
    """One SKU sold on one marketplace at its own price instead of the shop's price rule (a promotion, a
    clearance)."""
    variants = {variant["variant_id"]: (r["sku"], display_name(m), variant["price_override"])
                for r in rows for m, variant in r["listings"].items() if variant["variant_id"] is not None}
    if not variants:
        return
    st.subheader(tr("sku_price_override"))
    chosen = st.selectbox(tr("sku_on_shop"), list(variants), key="override_variant",
                          format_func=lambda i: f"{variants[i][0]} · {variants[i][1]}")
    typed = st.text_input(tr("override_price"), money(variants[chosen][2]), key=f"override_{chosen}",
                          help=tr("override_help"))
    if not st.button(tr("save"), key="save_override"):
        return
    try:
        # wrapped so that a refusal (None from guarded) is told apart from a cleared price (None from the call)
        saved = guarded(lambda: [set_price_override(engine(), who, chosen, typed, lang())])
    except ValueError as error:
        st.error(tr("invalid", error=plain(error)))
        return
    if saved is None:
        return
    sku, marketplace, _ = variants[chosen]
    listing, (price,) = f"{sku} · {marketplace}", saved
    st.success(tr("override_cleared", listing=listing) if price is None
               else tr("override_saved", listing=listing, price=money(price)))


def plan(coop_code: str | None) -> None:
    if not st.button(tr("show_plan"), key="show_plan"):
        return
    found = guarded(lambda: plan_preview(engine(), who, coop_code=coop_code))
    if found is None:
        return
    names = {account.id: f"{display_name(account.marketplace)} · {account.coop_code}" for account in found.accounts}
    for account_id, count in found.auto_publish.items():
        st.info(tr("publish_auto_pending", shop=names[account_id], n=count))
    if not found.actions:
        st.info(tr("plan_empty"))
        return
    st.dataframe(pd.DataFrame({
        tr("shop"): [names.get(a.account_id, a.account_id) for a in found.actions],
        "SKU": [a.seller_sku for a in found.actions],
        tr("action"): [tr(f"action_{a.kind.value}") for a in found.actions],
        tr("channel_price"): [money(a.price) for a in found.actions],
        tr("pushed_price"): [money(a.pushed_price) for a in found.actions],
        tr("col_stock"): [a.stock for a in found.actions],
    }), hide_index=True, width="stretch")


who = viewer()
st.header(tr("page_listings"))
if NOTICE in st.session_state:
    st.success(st.session_state.pop(NOTICE))
scope = coop_picker(who, key="listings_coop")
query = st.text_input(tr("search"), key="listings_query")
page = guarded(lambda: listing_matrix(engine(), who, query=query, coop_code=scope, offset=pager("listings_page")))
if page is not None:
    if not page.rows:
        st.info(tr("nothing_found"))
    else:
        frame = matrix_frame(page.rows)
        st.caption(legend())
        if can_edit(who):
            shown = st.data_editor(
                coloured(frame, page.rows), hide_index=True, width="stretch", key="matrix",
                disabled=[c for c in frame.columns if c != SELECT],
                column_config={SELECT: st.column_config.CheckboxColumn(tr("select"))},
            )
        else:
            st.dataframe(coloured(frame.drop(columns=[SELECT]), page.rows), hide_index=True, width="stretch")
        page_footer(page, "listings_page")
        blocked_table(page.rows)
        errors_table(page.rows)
        if can_edit(who):
            actions(page.rows, list(shown[SELECT]), page.total)
            price_override(page.rows)
            plan(scope)
        else:
            st.caption(tr("read_only"))
