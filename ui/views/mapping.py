"""Ghép danh mục: each catalogue category mapped to a leaf of each marketplace's tree (the marketplace's suggestion
offered first, or a leaf found by searching the tree), with each attribute of that leaf filled from a product
field, a fixed value or a lookup table, and the brand. An admin edits the defaults and any co-op's own mapping,
a clerk their co-op's own, an officer reads the table."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from catalog.attribute_rules import PRODUCT_FIELDS, AttributeRule
from catalog.models import Role
from catalog.text import clean, fold
from syndicator.access.mapping import (
    Attribute,
    CategoryMappings,
    LeafSetup,
    category_mappings,
    editable_scopes,
    has_tree,
    leaf_details,
    leaf_path,
    mapping_marketplaces,
    remove_scope_mapping,
    save_mapping,
    search_leaves,
    suggestions,
)
from syndicator.category_mapping import MappingChange, MappingError, MappingLine, guessed_rule
from syndicator.channels import display_name
from ui.common import coop_picker, engine, guarded, plain, tr, viewer

SOURCES = ("none", "field", "constant", "lookup")
NOTICE = "mapping_notice"
FIELDS = list(PRODUCT_FIELDS)


def attempt(action: Any, failed: str = "mapping_refused") -> Any:
    """A call that may be refused: by role (``guarded``) or by the mapping's own checks, said in words."""
    try:
        return guarded(action)
    except MappingError as error:
        st.error(tr(failed, error=plain(error)))
    return None


def source_labels() -> dict[str, str]:
    return {source: tr(f"mapping_source_{source}") for source in SOURCES}


def scope_label(scope: str | None) -> str:
    return tr("mapping_scope_default") if scope is None else scope


def choose_scope(scopes: list[str | None]) -> str | None:
    """The mapping being edited: an admin picks the default or a co-op; a clerk edits their own co-op's."""
    if who.role is Role.coop:
        st.caption(tr("mapping_scope_coop", coop=plain(who.coop_code)))
        return who.coop_code
    if scopes:
        labels = {scope: scope_label(scope) for scope in scopes}
        return st.selectbox(tr("mapping_scope"), scopes, format_func=labels.get, key="mapping_scope")
    return coop_picker(who, key="mapping_coop")


def overview(rows: list[CategoryMappings], scope: str | None) -> None:
    def shown(line: MappingLine | None) -> str:
        return line.leaf_name or line.leaf_id if line else tr("mapping_not_mapped")

    table = {tr("mapping_col_category"): [row.name for row in rows],
             tr("mapping_col_default"): [shown(row.default) for row in rows]}
    if scope is not None:
        table[tr("mapping_col_override")] = [shown(row.override) if row.override else "" for row in rows]
    table[tr("mapping_col_brand")] = [row.effective.brand_name if row.effective else "" for row in rows]
    st.dataframe(pd.DataFrame(table), hide_index=True, width="stretch")


def pick(key: str, leaf_id: str) -> None:
    st.session_state[key] = leaf_id


def suggestion(market: str, code: str, leaf_key: str) -> None:
    """The marketplace's first suggestion for the category, asked once per page session, with a button to use it."""
    asked = f"mapping_suggestion_{market}_{code}"
    if asked not in st.session_state:
        st.session_state[asked] = attempt(lambda: suggestions(engine(), who, market, code), "mapping_unreadable") or []
    found = st.session_state[asked]
    if not found:
        st.caption(tr("mapping_no_suggestion"))
        return
    best = found[0]
    left, right = st.columns([3, 1])
    left.info(tr("mapping_suggested", path=plain(best.path or best.leaf_id)))
    right.button(tr("mapping_use_suggestion"), key=f"{leaf_key}_use", on_click=pick, args=(leaf_key, best.leaf_id))


def leaf_picker(market: str, key: str) -> str | None:
    """A search box over the tree's paths, then the matching leaves to choose from (the chosen one stays first)."""
    typed = st.text_input(tr("mapping_search"), key=f"{key}_search", placeholder=tr("mapping_search_hint"))
    matches = search_leaves(engine(), who, market, typed)
    current = st.session_state.get(key)
    paths = {leaf.leaf_id: leaf.path for leaf in matches}
    if current and current not in paths:
        paths = {current: leaf_path(engine(), market, current)} | paths
    if not paths:
        st.caption(tr("mapping_nothing_found"))
        return None
    options = list(paths)
    return st.selectbox(tr("mapping_leaf"), options, index=0 if current else None, format_func=paths.get, key=key,
                        placeholder=tr("mapping_pick_leaf"))


def brand_picker(leaf: LeafSetup, saved: MappingLine | None, key: str) -> tuple[str | None, str]:
    """The leaf's brands; by default the saved one, else No Brand: the marketplace's own entry where its list
    has one (Lazada's, with its id), else none at all (Shopee's brand 0)."""
    listed = {brand.brand_id: brand.name for brand in leaf.brands}
    no_brand = next((brand_id for brand_id, name in listed.items() if fold(name).strip() == "no brand"), None)
    brands = listed if no_brand else {"": tr("mapping_no_brand")} | listed
    options = list(brands)
    chosen = next((brand_id for brand_id, name in listed.items() if saved and name == saved.brand_name),
                  no_brand or "")
    picked = st.selectbox(tr("mapping_brand"), options, index=options.index(chosen), key=f"{key}_brand",
                          format_func=brands.get)
    if leaf.brand_mandatory:
        st.caption(tr("mapping_brand_mandatory"))
    return (picked or None), listed.get(picked, "")


def attribute_rule(attribute: Attribute, rule: AttributeRule | None, key: str
                   ) -> tuple[AttributeRule | None, str | None]:
    """One attribute's editor: where its value comes from, and that value; the rule, or what is missing."""
    title = f"**{plain(attribute.name)}**"
    st.markdown(f"{title} · :red[{tr('mapping_mandatory')}]" if attribute.mandatory else title)
    left, right = st.columns([1, 2])
    source = left.selectbox(tr("mapping_source"), SOURCES, index=SOURCES.index(rule.source if rule else "none"),
                            format_func=source_labels().get, key=f"{key}_source")
    if source == "none":
        return None, None
    if source == "constant":
        return constant_rule(attribute, rule, right, key)
    labels = {field: tr(f"mapping_field_{field}") for field in FIELDS}
    field = right.selectbox(tr("mapping_field"), FIELDS, format_func=labels.get, key=f"{key}_field",
                            index=FIELDS.index(rule.field) if rule and rule.field in PRODUCT_FIELDS else 0)
    if source == "field":
        return AttributeRule(source="field", field=field), None
    table = lookup_table(rule, right, key)
    if not table:
        return None, tr("mapping_lookup_empty", attribute=plain(attribute.name))
    return AttributeRule(source="lookup", field=field, table=table), None


def constant_rule(attribute: Attribute, rule: AttributeRule | None, place: Any, key: str
                  ) -> tuple[AttributeRule | None, str | None]:
    """A fixed value: one of the attribute's options when it has them, else typed."""
    if attribute.options:
        names = {option.value_id: option.name for option in attribute.options}
        ids = list(names)
        saved = rule.value_id if rule and rule.value_id in names else None
        chosen = place.selectbox(tr("mapping_value"), ids, format_func=names.get, key=f"{key}_option",
                                 index=ids.index(saved) if saved else 0)
        return AttributeRule(source="constant", value=names[chosen], value_id=chosen), None
    typed = clean(place.text_input(tr("mapping_value"), rule.value if rule else "", key=f"{key}_value"))
    if not typed:
        return None, tr("mapping_constant_empty", attribute=plain(attribute.name))
    return AttributeRule(source="constant", value=typed), None


def lookup_table(rule: AttributeRule | None, place: Any, key: str) -> dict[str, str]:
    """The product's value → the marketplace's value, edited as a table (rows added and removed in place)."""
    product, market = tr("mapping_lookup_product"), tr("mapping_lookup_marketplace")
    saved = rule.table if rule else {}
    edited = place.data_editor(pd.DataFrame({product: list(saved), market: list(saved.values())}, dtype="string"),
                               num_rows="dynamic", hide_index=True, width="stretch", key=f"{key}_table")
    return {clean(str(mine)): clean(str(theirs)) for mine, theirs in zip(edited[product], edited[market], strict=True)
            if not pd.isna(mine) and not pd.isna(theirs) and clean(str(mine)) and clean(str(theirs))}


def attribute_rules(leaf: LeafSetup, saved: dict[str, AttributeRule], key: str
                    ) -> tuple[dict[str, AttributeRule], list[str]]:
    st.subheader(tr("mapping_attributes"))
    if not leaf.attributes:
        st.caption(tr("mapping_no_attributes"))
    rules, missing = {}, []
    for attribute in sorted(leaf.attributes, key=lambda attribute: not attribute.mandatory):
        rule, problem = attribute_rule(attribute, saved.get(attribute.attribute_id) or guessed_rule(attribute),
                                       f"{key}_{attribute.attribute_id}")
        if rule is not None:
            rules[attribute.attribute_id] = rule
        if problem:
            missing.append(problem)
    return rules, missing


def editor(market: str, row: CategoryMappings, scope: str | None) -> None:
    """The chosen category's mapping in the chosen scope, pre-filled from it (a co-op's own from the default)."""
    own = row.override if scope is not None else row.default
    base = own or row.default
    key = f"mapping_{market}_{row.code}_{scope or ''}"
    leaf_key = f"{key}_leaf"
    if leaf_key not in st.session_state and base is not None:
        st.session_state[leaf_key] = base.leaf_id
    suggestion(market, row.code, leaf_key)
    leaf_id = leaf_picker(market, leaf_key)
    if leaf_id is None:
        return
    leaf = attempt(lambda: leaf_details(engine(), who, market, leaf_id), "mapping_unreadable")
    if leaf is None:
        return
    same_leaf = base is not None and base.leaf_id == leaf_id
    brand_id, brand_name = brand_picker(leaf, base if same_leaf else None, f"{key}_{leaf_id}")
    rules, missing = attribute_rules(leaf, base.attributes if same_leaf else {}, f"{key}_{leaf_id}")
    empty = [attribute.name for attribute in leaf.attributes if attribute.mandatory and attribute.attribute_id not in rules]
    if empty:
        st.warning(tr("mapping_mandatory_empty", names=plain(", ".join(empty))))
    left, right = st.columns(2)
    if left.button(tr("mapping_save"), key=f"{key}_save", type="primary"):
        if missing:
            st.error(tr("mapping_refused", error="; ".join(missing)))
            return
        change = MappingChange(market, row.code, leaf_id, leaf_path(engine(), market, leaf_id), scope, brand_id,
                               brand_name, rules)
        if attempt(lambda: save_mapping(engine(), who, change)) is not None:
            done(tr("mapping_saved", category=plain(row.name), leaf=plain(change.leaf_name),
                    scope=plain(scope_label(scope))))
    remove = tr("mapping_remove") if scope is not None else tr("mapping_remove_default")
    removing = own is not None and right.button(remove, key=f"{key}_remove")
    if removing and attempt(lambda: remove_scope_mapping(engine(), who, market, row.code, scope)):
        st.session_state.pop(leaf_key, None)
        done(tr("mapping_removed", category=plain(row.name), scope=plain(scope_label(scope))))


def done(message: str) -> None:
    """After a change: run the page again, so the table shows it, with the message on top."""
    st.session_state[NOTICE] = message
    st.rerun()


who = viewer()
st.header(tr("page_mapping"))
st.caption(tr("mapping_intro"))
if NOTICE in st.session_state:
    st.success(st.session_state.pop(NOTICE))
market = st.selectbox(tr("mapping_marketplace"), mapping_marketplaces(), format_func=display_name,
                      key="mapping_marketplace")
scopes = guarded(lambda: editable_scopes(engine(), who)) or []
scope = choose_scope(scopes)
rows = guarded(lambda: category_mappings(engine(), who, market, scope))
if rows is not None:
    overview(rows, scope)
    if not scopes:
        st.caption(tr("read_only"))
    elif not has_tree(engine(), market):
        st.warning(tr("mapping_no_tree", marketplace=display_name(market)))
    else:
        by_code = {row.code: row for row in rows}
        code = st.selectbox(tr("mapping_category"), list(by_code), key="mapping_category",
                            format_func=lambda c: by_code[c].name)
        editor(market, by_code[code], scope)
