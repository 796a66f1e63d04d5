"""Gian hàng: each co-op's shop on each marketplace, token expiry, price rule and stock policy."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import streamlit as st
from pydantic import ValidationError

from catalog.models import ChannelState, Role
from catalog.pricing import PriceRule, channel_price
from syndicator.access.products import products
from syndicator.access.shops import channels, confirm_feed_upload, set_price_rule, set_stock_policy
from syndicator.channels import display_name, marketplace_names, reconnect_command
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
        except (ValueError, ValidationError) as error:
            st.error(tr("invalid", error=plain(error)))
        else:
            st.success(tr("saved", sku=plain(labels[shop_id])))


def preview(shop: dict, rule_text: str) -> None:
    """What the co-op's first SKUs would cost on this marketplace under the rule being edited."""
    try:
        rule = PriceRule.model_validate(json.loads(rule_text))
    except (ValueError, ValidationError) as error:
        st.error(tr("invalid", error=plain(error)))
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
