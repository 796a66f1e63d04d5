"""Gian hàng: each co-op's shop on each marketplace, token expiry, its settings (price rule and stock policy as
forms an admin edits and everyone else reads, publishing new products automatically), and adopting the listings
a shop already has."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pandas as pd
import streamlit as st
from babel.numbers import format_decimal
from pydantic import BaseModel, ValidationError

from catalog.i18n import t
from catalog.models import ChannelState, Role
from catalog.money import MoneyError, parse_vnd
from catalog.pricing import PriceRule, StockPolicy, channel_price
from catalog.validation import parse_percent, parse_price
from syndicator.access.products import products
from syndicator.access.shops import (
    adopt_shop,
    channels,
    confirm_feed_upload,
    set_auto_publish,
    set_price_rule,
    set_stock_policy,
)
from syndicator.adopt import AdoptionReport
from syndicator.channels import ChannelError, display_name, marketplace_names
from ui.common import coop_picker, engine, guarded, lang, money, plain, tr, viewer, when
from ui.connect import connect_section

Typed = TypeVar("Typed")
Model = TypeVar("Model", bound=BaseModel)
# The fee kinds every price rule form offers (blank is 0), besides any other fee a shop's rule holds.
FEE_KINDS = ("phi_thanh_toan", "phi_co_dinh", "phi_dich_vu")
EXAMPLE_PRICE = 120000
ALLOCATIONS = ("all", "percentage", "cap")
SAVED = "shop_settings_saved"  # what was just saved, said once on the next run


def percent_text(value: Decimal) -> str:
    """``6,497 %`` in Vietnamese (``6.497%`` reads as six thousand percent beside ``120.000 ₫``)."""
    return f"{format_decimal(value, format='#,##0.####', locale=lang())} %"


def describe_rule(rule: PriceRule) -> str:
    """``9 % + 3.000 ₫/đơn · làm tròn 1.000 ₫``: the fees a marketplace takes and how prices are rounded."""
    parts = [percent_text(rule.total_percent), f"+ {money(rule.fixed_fee_per_order)}{tr('settings_per_order')}"]
    if rule.markup_percent:
        parts.append(f"+ {percent_text(rule.markup_percent)} {tr('markup')}")
    return " ".join(parts) + f" · {tr('rounding')} {money(rule.rounding_step)}"


def describe_policy(policy: StockPolicy) -> str:
    allocation = {"all": tr("all_stock"), "percentage": percent_text(policy.percentage),
                  "cap": f"≤ {policy.cap}"}[policy.allocation]
    threshold = f" · {tr('settings_zero_shown', threshold=policy.zero_at_or_below)}" if policy.zero_at_or_below else ""
    return f"{tr('buffer')} {policy.safety_buffer} · {allocation}{threshold}"


def shops_table(shops: list[dict]) -> None:
    connected = {s["marketplace"] for s in shops}
    rows = [
        {
            tr("marketplace"): display_name(s["marketplace"]), tr("coop"): s["coop_code"],
            tr("shop"): f"{s['name']} ({s['shop_id']})", tr("state"): tr(f"state_{s['state']}"),
            tr("token_expiry"): when(s["access_expires_at"]), tr("live_count"): str(s["live_listings"]),
            tr("price_rule"): describe_rule(PriceRule.model_validate(s["price_rule"])),
            tr("stock_policy"): describe_policy(StockPolicy.model_validate(s["stock_policy"])),
            tr("settings_auto_publish_column"): tr("settings_yes" if s["auto_publish"] else "settings_no"),
        }
        for s in shops
    ]
    columns = list(rows[0]) if rows else [tr("marketplace"), tr("state")]
    rows += [{tr("marketplace"): display_name(m), tr("state"): tr("not_connected")}
             for m in marketplace_names() if m not in connected]
    st.dataframe(pd.DataFrame(rows, columns=columns).fillna(""), hide_index=True, width="stretch")
    for s in shops:
        if s["state"] == ChannelState.needs_reauthorisation:
            st.warning(tr("reconnect_needed", shop=plain(f"{display_name(s['marketplace'])} · {s['name']} (#{s['id']})")))
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


def shop_label(shop: dict) -> str:
    return f"{display_name(shop['marketplace'])} · {shop['coop_code']} · {shop['name']}"


class ShopForm:
    """One shop's settings as typed, each field read by the catalog's parser. What cannot be read is kept as a
    message naming its field, so every mistake shows at once and nothing is saved while one is left."""

    def __init__(self, shop_id: int, editable: bool) -> None:
        self.shop_id = shop_id
        self.editable = editable
        self.problems: list[str] = []

    def field(self, name: str, unit: str, shown: str, parse: Callable[[str], Typed], key: str) -> Typed | None:
        text = st.text_input(f"{plain(name)} ({unit})", shown, key=f"settings_{key}_{self.shop_id}",
                             disabled=not self.editable)
        try:
            return parse(text)
        except ValueError as error:
            self.problems.append(tr("settings_field_invalid", field=plain(name), error=plain(error)))
            return None

    def checked(self, model: type[Model], read: Callable[[], dict]) -> Model | None:
        """``model`` from the fields ``read`` shows, if each could be read and together they make sense."""
        before = len(self.problems)
        values = read()
        if len(self.problems) > before:
            return None
        try:
            return model.model_validate(values)
        except ValidationError as error:
            self.problems.append(tr("invalid", error=plain(refusal(error))))
            return None


def percent(text: str) -> Decimal:
    return parse_percent(text or "0", lang())


def amount(text: str) -> int:
    """Whole đồng, none allowed (``parse_price`` asks for more than 0: a shop may take no fee per order)."""
    try:
        return parse_vnd(text or "0")
    except MoneyError as error:
        raise ValueError(t(error.reason, lang(), value=error.text)) from None


def step(text: str) -> int:
    return parse_price(text, lang())


def fee_name(kind: str) -> str:
    return tr(f"settings_fee_{kind}") if kind in FEE_KINDS else tr("settings_fee_other", name=kind.replace("_", " "))


def price_rule_fields(shop: dict, form: ShopForm) -> dict:
    rule = PriceRule.model_validate(shop["price_rule"])
    fees = {kind: form.field(fee_name(kind), "%", percent_text(rule.percentage_fees.get(kind, Decimal(0))),
                             percent, f"fee_{kind}")
            for kind in dict.fromkeys([*FEE_KINDS, *rule.percentage_fees])}
    return {
        "percentage_fees": {kind: fee for kind, fee in fees.items() if fee},
        "fixed_fee_per_order": form.field(tr("settings_fee_per_order"), "₫", money(rule.fixed_fee_per_order),
                                          amount, "per_order"),
        "markup_percent": form.field(tr("settings_markup"), "%", percent_text(rule.markup_percent), percent,
                                     "markup"),
        "rounding_step": form.field(tr("settings_rounding"), "₫", money(rule.rounding_step), step, "rounding"),
    }


def stock_policy_fields(shop: dict, form: ShopForm) -> dict:
    policy = StockPolicy.model_validate(shop["stock_policy"])
    read_only, shop_id = not form.editable, shop["id"]
    allocations = {allocation: tr(f"settings_allocation_{allocation}") for allocation in ALLOCATIONS}
    chosen = {
        "safety_buffer": st.number_input(tr("settings_buffer"), min_value=0, step=1, value=policy.safety_buffer,
                                         key=f"settings_buffer_{shop_id}", disabled=read_only),
        "allocation": st.selectbox(tr("settings_allocation"), ALLOCATIONS, ALLOCATIONS.index(policy.allocation),
                                   format_func=allocations.get,
                                   key=f"settings_allocation_{shop_id}", disabled=read_only),
        "zero_at_or_below": st.number_input(tr("settings_zero_at_or_below"), min_value=0, step=1,
                                            value=policy.zero_at_or_below, key=f"settings_zero_{shop_id}",
                                            disabled=read_only),
    }
    if chosen["allocation"] == "percentage":
        chosen["percentage"] = form.field(tr("settings_percentage"), "%", percent_text(policy.percentage), percent,
                                          "percentage")
    if chosen["allocation"] == "cap":
        chosen["cap"] = st.number_input(tr("settings_cap"), min_value=0, step=1, value=policy.cap or 0,
                                        key=f"settings_cap_{shop_id}", disabled=read_only)
    return chosen


def price_example(shop: dict, rule: PriceRule) -> None:
    """One price through the rule as it is typed: what a product at that price asks on this marketplace."""
    text = st.text_input(f"{tr('settings_example_price')} (₫)", money(EXAMPLE_PRICE), key="settings_example_price")
    try:
        base = parse_price(text, lang())
    except ValueError as error:
        st.error(tr("settings_field_invalid", field=tr("settings_example_price"), error=plain(error)))
        return
    st.markdown(tr("settings_example", base=money(base), marketplace=display_name(shop["marketplace"]),
                   price=money(channel_price(base, rule))))


def auto_publish_box(shop: dict) -> None:
    """The shop's "đăng tự động sản phẩm mới", saved as soon as it is ticked (its co-op's clerk, an admin)."""
    key = f"auto_publish_{shop['id']}"
    st.checkbox(tr("settings_auto_publish"), value=shop["auto_publish"], key=key, help=tr("settings_auto_publish_help"),
                disabled=who.role is Role.officer, on_change=save_auto_publish, args=(shop, key))


def save_auto_publish(shop: dict, key: str) -> None:
    """Run before the page, so the table above the box already shows the new setting."""
    on = st.session_state[key]
    if guarded(lambda: set_auto_publish(engine(), who, shop["id"], on)) is not None:
        message = "settings_auto_publish_on" if on else "settings_auto_publish_off"
        st.session_state[SAVED] = tr(message, shop=plain(shop_label(shop)))


def shop_settings(shops: list[dict]) -> None:
    """One shop's settings: an admin edits its price rule and stock policy, everyone else reads them."""
    st.subheader(tr("settings_title"))
    labels = {s["id"]: shop_label(s) for s in shops}
    shop_id = st.selectbox(tr("shop"), list(labels), format_func=labels.get, key="edit_shop_id")
    shop = next(s for s in shops if s["id"] == shop_id)
    saved = st.session_state.pop(SAVED, None)
    if saved:
        st.success(saved)
    auto_publish_box(shop)
    form = ShopForm(shop_id, editable=who.role is Role.admin)
    if not form.editable:
        st.caption(tr("settings_admin_only"))
    left, right = st.columns(2)
    with left:
        st.markdown(f"**{tr('price_rule')}**")
        rule = form.checked(PriceRule, lambda: price_rule_fields(shop, form))
        if rule is not None:
            price_example(shop, rule)
    with right:
        st.markdown(f"**{tr('stock_policy')}**")
        policy = form.checked(StockPolicy, lambda: stock_policy_fields(shop, form))
    for problem in form.problems:
        st.error(problem)
    if rule is not None:
        preview(shop, rule)
    saving = form.editable and st.button(tr("save"), key="save_shop")
    if saving and rule is not None and policy is not None and guarded(lambda: save_settings(shop_id, rule, policy)):
        st.session_state[SAVED] = tr("settings_saved", shop=plain(labels[shop_id]))
        st.rerun()  # the table above still shows the settings as they were


def save_settings(shop_id: int, rule: PriceRule, policy: StockPolicy) -> bool:
    set_price_rule(engine(), who, shop_id, rule.model_dump(mode="json"))
    set_stock_policy(engine(), who, shop_id, policy.model_dump(mode="json"))
    return True


def refusal(error: ValidationError) -> str:
    """A refused rule or policy in the catalogue's words, without pydantic's English wrapper around them (the
    forms' parsers keep every field in range, so what is left are the rule's own checks, such as fees of 100 %)."""
    return "; ".join(problem["msg"].removeprefix("Value error, ") for problem in error.errors())


def preview(shop: dict, rule: PriceRule) -> None:
    """What the co-op's first SKUs would cost on this marketplace under the rule as typed."""
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
connect_section(who)
scope = coop_picker(who, key="channels_coop")
found = guarded(lambda: channels(engine(), who, scope))
if found is not None:
    shops_table(found)
    if not found:
        st.info(tr("no_shops"))
    else:
        shop_settings(found)
        if who.role is Role.officer:
            st.caption(tr("read_only"))
        else:
            for shop in found:
                if shop["state"] != ChannelState.feed:  # a feed shop's items are only the rows we wrote
                    adopt_box(shop)
