"""Gian hàng: each co-op's shop on each marketplace, token expiry, price rule and stock policy, and adopting
the listings a shop already has."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from catalog.models import ChannelState, Role
from catalog.pricing import PriceRule, channel_price
from syndicator.access.products import products
from syndicator.access.shops import (
    adopt_shop,
    channels,
    confirm_feed_upload,
    set_price_rule,
    set_stock_policy,
)
from syndicator.adopt import AdoptionReport
from syndicator.channels import ChannelError, display_name, marketplace_names, reconnect_command
from ui.common import coop_picker, engine, guarded, money, plain, tr, viewer, when


def describe_rule(rule: PriceRule) -> str:
    """``9% + 3.000 ₫/đơn · làm tròn 1.000 ₫``: the fees a marketplace takes and how prices are rounded."""
    parts = [f"{rule.total_percent.normalize():f}%", f"+ {money(rule.fixed_fee_per_order)}"]
    if rule.markup_percent:
        parts.append(f"+ {rule.markup_percent.normalize():f}% {tr('markup')}")
    return " ".join(parts) + f" · {tr('rounding')} {money(rule.rounding_step)}"


def describe_policy(policy: dict) -> str:
    allocation = {"all": tr("all_stock"), "percentage": f"{policy.get('percentage')}%",
                  "cap": f"≤ {policy.get('cap')}"}.get(policy.get("allocation", "all"), "")
    return f"{tr('buffer')} {policy.get('safety_buffer', 0)} · {allocation}"


def shops_table(shops: list[dict]) -> None:
    connected = {s["marketplace"] for s in shops}
    rows = [
        {
            tr("marketplace"): display_name(s["marketplace"]), tr("coop"): s["coop_code"], tr("shop"): f"{s['name']} ({s['shop_id']})",
            tr("state"): tr(f"state_{s['state']}"), tr("token_expiry"): when(s["access_expires_at"]),
            tr("live_count"): s["live_listings"],
            tr("price_rule"): describe_rule(PriceRule.model_validate(s["price_rule"])),
            tr("stock_policy"): describe_policy(s["stock_policy"]),
        }
        for s in shops
    ]
    rows += [{tr("marketplace"): display_name(m), tr("state"): tr("not_connected")}
             for m in marketplace_names() if m not in connected]
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    for s in shops:
        if s["state"] == ChannelState.needs_reauthorisation:
            st.warning(tr("reconnect_needed", shop=plain(f"{display_name(s['marketplace'])} · {s['name']} (#{s['id']})"),
                          command=reconnect_command(s["id"])))
        if s["state"] == ChannelState.feed:
            feed_box(s)


def feed_box(shop: dict) -> None:
    """A feed-only shop: download its latest workbooks, then confirm they were uploaded in the floor's seller centre."""
    st.markdown(f"**{plain(display_name(shop['marketplace']))} · {plain(shop['name'])}** — {tr('state_feed')}")
    if shop["feed_full_path"] is None:
        st.caption(tr("feed_none"))
    else:
        workbooks = ((Path(shop["feed_full_path"]), "feed_full"), (Path(shop["feed_changes_path"]), "feed_changes"))
        for column, (path, label) in zip(st.columns(2), workbooks, strict=True):
            if path.exists():
                column.download_button(tr(label, name=path.name), path.read_bytes(), file_name=path.name,
                                       key=f"{label}_{shop['id']}")
    if not shop["awaiting_upload"]:
        return
    st.info(tr("feed_awaiting", count=shop["awaiting_upload"]))
    if who.role is not Role.officer and st.button(tr("feed_confirm"), key=f"confirm_{shop['id']}"):
        confirmed = guarded(lambda: confirm_feed_upload(engine(), who, shop["id"]))
        if confirmed is not None:
            st.success(tr("feed_confirmed", count=confirmed))


def edit_shop(shops: list[dict]) -> None:
    st.subheader(tr("edit_shop"))
    labels = {s["id"]: f"{s['marketplace']} · {s['coop_code']} · {s['name']}" for s in shops}
    shop_id = st.selectbox(tr("shop"), list(labels), format_func=labels.get, key="edit_shop_id")
    shop = next(s for s in shops if s["id"] == shop_id)
    rule_text = st.text_area(tr("price_rule"), json.dumps(shop["price_rule"], ensure_ascii=False, indent=2),
                             key=f"rule_{shop_id}", disabled=who.role is not Role.admin)
    policy_text = st.text_area(tr("stock_policy"), json.dumps(shop["stock_policy"], ensure_ascii=False, indent=2),
                               key=f"policy_{shop_id}")
    preview(shop, rule_text)
    if st.button(tr("save"), key="save_shop"):
        try:
            if who.role is Role.admin:
                set_price_rule(engine(), who, shop_id, json.loads(rule_text))
            guarded(lambda: set_stock_policy(engine(), who, shop_id, json.loads(policy_text)))
        except ValueError as error:  # pydantic's ValidationError and json's JSONDecodeError are ValueErrors
            st.error(tr("invalid", error=plain(refusal(error))))
        else:
            st.success(tr("saved", sku=plain(labels[shop_id])))


def refusal(error: ValueError) -> str:
    """A refused rule or policy in its own words (the catalogue's, for our checks), without pydantic's English
    wrapper around them; a field's error names the field."""
    if not isinstance(error, ValidationError):
        return str(error)
    return "; ".join(map(problem_text, error.errors()))


def problem_text(problem: ErrorDetails) -> str:
    message = problem["msg"].removeprefix("Value error, ")
    where = ".".join(map(str, problem["loc"]))
    return f"{where}: {message}" if where else message


def preview(shop: dict, rule_text: str) -> None:
    """What the co-op's first SKUs would cost on this marketplace under the rule being edited."""
    try:
        rule = PriceRule.model_validate(json.loads(rule_text))
    except ValueError as error:
        st.error(tr("invalid", error=plain(refusal(error))))
        return
    page = products(engine(), who, coop_code=shop["coop_code"], limit=10)
    st.caption(tr("price_preview"))
    st.dataframe(
        pd.DataFrame({
            "SKU": [r["sku"] for r in page.rows],
            tr("col_product"): [r["name"] for r in page.rows],
            tr("base_price"): [money(r["price"]) for r in page.rows],
            tr("channel_price"): [money(channel_price(r["price"], rule)) for r in page.rows],
        }),
        hide_index=True, width="stretch",
    )


def adopt_box(shop: dict) -> None:
    """Bind the items a shop already sells to its co-op's SKUs: a preview first, then the binding."""
    shop_id, report_key = shop["id"], f"adopt_report_{shop['id']}"
    title = tr("adopt_title", shop=plain(f"{display_name(shop['marketplace'])} · {shop['name']}"))
    with st.expander(title, expanded=st.session_state.get(report_key) is not None):
        st.caption(tr("adopt_explain"))
        if st.button(tr("adopt_preview"), key=f"adopt_preview_{shop_id}"):
            st.session_state[report_key] = adoption(shop_id, dry_run=True)
        report = st.session_state.get(report_key)
        if report is None:
            return
        show_adoption(report)
        choices = ambiguous_choices(report)
        if (report.adopted or report.ambiguous) and st.button(tr("adopt_bind"), key=f"adopt_bind_{shop_id}"):
            bound = adoption(shop_id, dry_run=False, choices=choices)
            if bound is not None:
                del st.session_state[report_key]  # the preview no longer says what the shop holds
                st.success(tr("adopt_bound", count=len(bound.adopted)))


def adoption(shop_id: int, *, dry_run: bool, choices: dict[str, str] | None = None) -> AdoptionReport | None:
    """``adopt_shop`` through the page's error path; a marketplace that cannot be read is a message too."""
    try:
        return guarded(lambda: adopt_shop(engine(), who, shop_id, dry_run=dry_run, choices=choices))
    except ChannelError as error:
        st.error(tr("adopt_failed", error=plain(error)))
        return None


def show_adoption(report: AdoptionReport) -> None:
    """The preview; names and SKUs come from the marketplace, so they are shown in tables or through plain()."""
    st.markdown(tr("adopt_counts", adopted=len(report.adopted), bound=len(report.already_bound),
                   ambiguous=len(report.ambiguous), marketplace_only=len(report.marketplace_only),
                   catalogue_only=len(report.catalogue_only)))
    if report.adopted:
        st.dataframe(pd.DataFrame({
            "SKU": [a.seller_sku for a in report.adopted],
            tr("adopt_item"): [a.item_id for a in report.adopted],
            tr("adopt_matched_by"): [tr(f"adopt_by_{a.by}") for a in report.adopted],
        }), hide_index=True, width="stretch")
    if report.marketplace_only:
        st.caption(tr("adopt_marketplace_only"))
        st.dataframe(pd.DataFrame({
            tr("adopt_item"): [i.item_id for i in report.marketplace_only],
            "SKU": [i.seller_sku for i in report.marketplace_only],
            tr("adopt_item_name"): [i.name or "" for i in report.marketplace_only],
        }), hide_index=True, width="stretch")
    if report.catalogue_only:
        st.caption(tr("adopt_catalogue_only", skus=plain(", ".join(report.catalogue_only))))


def ambiguous_choices(report: AdoptionReport) -> dict[str, str]:
    """For each SKU that matches several items, the one the clerk chose (none: it stays unbound)."""
    chosen: dict[str, str] = {}
    for seller_sku, items in report.ambiguous.items():
        names = {None: tr("adopt_leave_unbound")} | {i.item_id: f"{i.item_id} · {i.name or ''}" for i in items}
        item_id = st.selectbox(tr("adopt_choose", sku=plain(seller_sku)), list(names), format_func=names.get,
                               key=f"adopt_choice_{report.account_id}_{seller_sku}")
        if item_id is not None:
            chosen[seller_sku] = item_id
    return chosen


who = viewer()
st.header(tr("page_channels"))
scope = coop_picker(who, key="channels_coop")
found = guarded(lambda: channels(engine(), who, scope))
if found is not None:
    shops_table(found)
    if not found:
        st.info(tr("no_shops"))
    elif who.role is Role.officer:
        st.caption(tr("read_only"))
    else:
        edit_shop(found)
        for shop in found:
            if shop["state"] != ChannelState.feed:  # a feed shop's items are only the rows we wrote
                adopt_box(shop)
