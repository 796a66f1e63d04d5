"""The category mapping: where a catalogue category's products go on each marketplace's tree and how each
attribute of that leaf is filled, edited by people (an admin the defaults, a clerk their co-op's overrides),
and resolved for one listing against its shop's cached setup (``syndicator/setup.py``).

A mapped leaf's attribute without a rule gets the rule its name suggests (``Hạn sử dụng`` from the shelf life,
``Xuất xứ`` the country), so a first mapping is a leaf and a confirmation; a select attribute's value must be
one of the marketplace's options, matched without marks and case.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters.common.contract import AttributeValue, ListingCategory, ListingDraft
from adapters.common.setup import LeafSetup, SetupAttribute, ShopSetup
from catalog.attribute_rules import AttributeRule, rules_of
from catalog.categories import ensure_categories
from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import Category, CategoryMapping, ChannelAccount, Coop, Product, utcnow
from catalog.text import clean, fold
from syndicator.channels import NETWORK, Reach, adapter_for

# attribute names (folded) a rule is guessed from when a mapping gives none
NAME_RULES: tuple[tuple[str, AttributeRule], ...] = (
    ("han su dung", AttributeRule(source="field", field="shelf_life_days")),
    ("xuat xu", AttributeRule(source="field", field="country")),
    ("quoc gia", AttributeRule(source="field", field="country")),
    ("noi san xuat", AttributeRule(source="field", field="origin")),
    ("khoi luong", AttributeRule(source="field", field="weight_g")),
    ("trong luong", AttributeRule(source="field", field="weight_g")),
    ("chung nhan", AttributeRule(source="field", field="certifications")),
    ("ocop", AttributeRule(source="field", field="ocop_stars")),
    ("quy cach", AttributeRule(source="field", field="variant")),
    ("vung trong", AttributeRule(source="field", field="origin")),
    ("to chuc chiu trach nhiem", AttributeRule(source="field", field="coop_name")),
)


class MappingError(ValueError):
    pass


def guessed_rule(attribute: SetupAttribute) -> AttributeRule | None:
    name = fold(attribute.name)
    return next((rule for key, rule in NAME_RULES if key in name), None)


def option_id(attribute: SetupAttribute, text: str) -> str | None:
    wanted = fold(text).strip()
    return next((option.value_id for option in attribute.options if fold(option.name).strip() == wanted), None)


def attribute_value(attribute: SetupAttribute, rule: AttributeRule | None, product: Mapping[str, Any]
                    ) -> AttributeValue | None:
    """The attribute's value for ``product`` by ``rule`` (else the rule its name suggests); None when no value.
    A guessed value that is none of a select's options is left out of an optional attribute (a mandatory one
    keeps it, and the readiness check names it)."""
    guessed = rule is None
    rule = rule or guessed_rule(attribute)
    if rule is None:
        return None
    text = rule.text(product, with_unit=attribute.input == "text" or attribute.unit is not None)
    if not text:
        return None
    if attribute.input == "multi_select" and attribute.options:
        chosen = [part.strip() for part in text.split(",") if option_id(attribute, part)]
        if not chosen:
            return None
        return AttributeValue(attribute_id=attribute.attribute_id, name=attribute.name, value=", ".join(chosen),
                              value_id=option_id(attribute, chosen[0]))
    value_id = rule.value_id if rule.source == "constant" and rule.value_id else None
    value_id = value_id or (option_id(attribute, text) if attribute.options else None)
    if attribute.input == "select" and attribute.options and value_id is None and guessed and not attribute.mandatory:
        return None
    return AttributeValue(attribute_id=attribute.attribute_id, name=attribute.name, value=text, value_id=value_id)


NO_BRAND = "no brand"


def default_brand(leaf: LeafSetup | None) -> tuple[str | None, str]:
    """The leaf's own "No Brand", where its marketplace lists one (Lazada), for a mapping that names none."""
    found = next((brand for brand in (leaf.brands if leaf else []) if fold(brand.name) == NO_BRAND), None)
    return (found.brand_id, found.name) if found else (None, "No Brand")


def resolve(draft: ListingDraft, mapping: CategoryMapping | None, setup: ShopSetup) -> ListingCategory | None:
    """Where ``draft`` goes on the shop's marketplace and what it carries there; None when its category is not
    mapped. Attributes are those of the leaf as last read; a leaf not read yet carries only the rules' values
    (the readiness check then blocks the listing until the leaf is read)."""
    if mapping is None:
        return None
    rules = rules_of(mapping.attributes)
    product = draft.model_dump()
    leaf = setup.leaves.get(mapping.leaf_id)
    attributes = leaf.attributes if leaf is not None else [
        SetupAttribute(attribute_id=attribute_id, name=attribute_id) for attribute_id in rules]
    values = [value for attribute in attributes
              if (value := attribute_value(attribute, rules.get(attribute.attribute_id), product)) is not None]
    brand_id, brand_name = (mapping.brand_id, mapping.brand_name) if mapping.brand_id else default_brand(leaf)
    return ListingCategory(category_id=mapping.leaf_id, attributes=values, brand_id=brand_id,
                           brand_name=brand_name or "No Brand", logistics=setup.enabled_logistics())


def effective_mappings(session: Session, marketplace: str, coop_id: int) -> dict[int, CategoryMapping]:
    """Catalogue category id → the mapping its products use on ``marketplace``: the co-op's own, else the default."""
    rows = session.exec(select(CategoryMapping).where(
        CategoryMapping.marketplace == marketplace,
        sa.or_(CategoryMapping.coop_id.is_(None), CategoryMapping.coop_id == coop_id))).all()
    chosen: dict[int, CategoryMapping] = {}
    for row in sorted(rows, key=lambda row: row.coop_id is not None):  # defaults first, overrides win
        chosen[row.category_id] = row
    return chosen


@dataclass
class MappingChange:
    """What a person sets for one catalogue category on one marketplace (``coop_code`` None: the default)."""

    marketplace: str
    category_code: str
    leaf_id: str
    leaf_name: str = ""
    coop_code: str | None = None
    brand_id: str | None = None
    brand_name: str = ""
    attributes: dict[str, AttributeRule] = field(default_factory=dict)


def _category_id(session: Session, code: str) -> int:
    found = session.exec(select(Category.id).where(Category.code == code.strip().upper())).first()
    if found is None:
        known = ", ".join(session.exec(select(Category.code).order_by(Category.code)).all())
        raise MappingError(t("mapping_category_missing", code=code, known=known))
    return found


def _coop_id(session: Session, code: str | None) -> int | None:
    if code is None:
        return None
    found = session.exec(select(Coop.id).where(Coop.code == code)).first()
    if found is None:
        raise MappingError(t("mapping_coop_missing", coop=code))
    return found


def _scoped(session: Session, marketplace: str, category_id: int, coop_id: int | None) -> CategoryMapping | None:
    """The mapping of one scope: the default (``coop_id`` None) or one co-op's own."""
    scope = CategoryMapping.coop_id.is_(None) if coop_id is None else CategoryMapping.coop_id == coop_id
    return session.exec(select(CategoryMapping).where(
        CategoryMapping.marketplace == marketplace, CategoryMapping.category_id == category_id, scope)).first()


def set_mapping(engine: Engine, change: MappingChange, actor: str | None = None) -> CategoryMapping:
    """Write one mapping (replacing the same scope's), checked against the leaf as last read where it was."""
    from syndicator.setup import marketplace_setup

    if not clean(change.leaf_id):
        raise MappingError(t("mapping_no_leaf"))
    with session_scope(engine) as session:
        category_id = _category_id(session, change.category_code)
        coop_id = _coop_id(session, change.coop_code)
        _, setup = marketplace_setup(session, change.marketplace)
        node = setup.leaf(change.leaf_id)
        if setup.categories and (node is None or not node.leaf):
            raise MappingError(t("mapping_not_a_leaf", leaf=change.leaf_id, marketplace=change.marketplace))
        row = _scoped(session, change.marketplace, category_id, coop_id)
        row = row or CategoryMapping(marketplace=change.marketplace, category_id=category_id, coop_id=coop_id,
                                     leaf_id=change.leaf_id)
        row.leaf_id = change.leaf_id
        row.leaf_name = change.leaf_name or (setup.path(change.leaf_id) if setup.categories else "")
        row.brand_id, row.brand_name = change.brand_id, change.brand_name
        row.attributes = {key: rule.model_dump(exclude_defaults=True) for key, rule in change.attributes.items()}
        row.updated_by, row.updated_at = actor, utcnow()
        session.add(row)
        session.flush()
        session.expunge(row)
        return row


def remove_mapping(engine: Engine, marketplace: str, category_code: str, coop_code: str | None) -> bool:
    with session_scope(engine) as session:
        category_id, coop_id = _category_id(session, category_code), _coop_id(session, coop_code)
        row = _scoped(session, marketplace, category_id, coop_id)
        if row is None:
            return False
        session.delete(row)
        return True


@dataclass
class MappingLine:
    """One mapping as ``mapping show`` and the Mapping page list it."""

    marketplace: str
    category_code: str
    category_name: str
    coop_code: str | None
    leaf_id: str
    leaf_name: str
    brand_name: str
    attributes: dict[str, AttributeRule]


def mapping_lines(session: Session, marketplace: str | None = None, coop_id: int | None = None,
                  with_defaults: bool = True) -> list[MappingLine]:
    query = (select(CategoryMapping, Category.code, Category.name_vi, Coop.code)
             .join(Category, Category.id == CategoryMapping.category_id)
             .outerjoin(Coop, Coop.id == CategoryMapping.coop_id)
             .order_by(CategoryMapping.marketplace, Category.code, CategoryMapping.coop_id))
    if marketplace:
        query = query.where(CategoryMapping.marketplace == marketplace)
    if coop_id is not None:
        scope = CategoryMapping.coop_id == coop_id
        query = query.where(sa.or_(scope, CategoryMapping.coop_id.is_(None)) if with_defaults else scope)
    return [MappingLine(row.marketplace, code, name, coop, row.leaf_id, row.leaf_name, row.brand_name,
                        rules_of(row.attributes))
            for row, code, name, coop in session.exec(query).all()]


@dataclass
class Suggestion:
    leaf_id: str
    path: str


def suggest(engine: Engine, marketplace: str, name: str, reach: Reach = NETWORK) -> list[Suggestion]:
    """The leaves the marketplace proposes for an item named ``name``, best first, asked through one of its
    connected shops, with their paths in the cached tree."""
    from syndicator.setup import marketplace_setup

    with Session(engine) as session:
        account_id, setup = marketplace_setup(session, marketplace)
        if account_id is None:
            account_id = session.exec(select(ChannelAccount.id).where(
                ChannelAccount.marketplace == marketplace, ChannelAccount.enabled == sa.true())).first()
        if account_id is None:
            raise MappingError(t("mapping_no_shop", marketplace=marketplace))
        adapter = adapter_for(engine, session.get(ChannelAccount, account_id), reach.http, reach.transport)

    async def ask() -> list[str]:
        async with adapter:
            return await adapter.suggest_categories(name)

    return [Suggestion(leaf_id, setup.path(leaf_id) if setup.categories else "") for leaf_id in asyncio.run(ask())]


def suggested_rules(leaf: LeafSetup | None) -> dict[str, AttributeRule]:
    """For each attribute of ``leaf`` whose name says which product field fills it, that rule."""
    if leaf is None:
        return {}
    return {attribute.attribute_id: rule for attribute in leaf.attributes
            if (rule := guessed_rule(attribute)) is not None}


def category_queries(session: Session, category_code: str) -> list[str]:
    """What to ask the marketplace's suggestion with for a catalogue category: its name, then the names of up
    to three of its products."""
    category_id = _category_id(session, category_code)
    name = session.get(Category, category_id).name_vi
    products = session.exec(select(Product.name).where(Product.category_id == category_id)
                            .order_by(Product.id).limit(3)).all()
    return [name, *products]


def suggest_for_category(engine: Engine, marketplace: str, category_code: str, reach: Reach = NETWORK
                         ) -> list[Suggestion]:
    """The marketplace's suggestions for a catalogue category: for its name, else for its products' names."""
    with Session(engine) as session:
        queries = category_queries(session, category_code)
    for query in queries:
        if found := suggest(engine, marketplace, query, reach):
            return found
    return []


def adopt_suggestion(engine: Engine, marketplace: str, category_code: str, coop_code: str | None = None,
                     actor: str | None = None, reach: Reach = NETWORK) -> CategoryMapping | None:
    """Map a catalogue category to the marketplace's first suggestion, its attributes filled by the rules their
    names suggest (the leaf is read now from a shop of the marketplace); None when the marketplace suggests
    nothing."""
    from syndicator.setup import marketplace_setup, read_leaf

    found = suggest_for_category(engine, marketplace, category_code, reach)
    if not found:
        return None
    with Session(engine) as session:
        account_id, _ = marketplace_setup(session, marketplace)
    leaf = read_leaf(engine, account_id, found[0].leaf_id, reach) if account_id is not None else None
    return set_mapping(engine, MappingChange(marketplace, category_code, found[0].leaf_id, found[0].path, coop_code,
                                             attributes=suggested_rules(leaf)), actor)


def map_unmapped(engine: Engine, marketplace: str, coop_code: str | None = None, actor: str | None = None,
                 reach: Reach = NETWORK) -> dict[str, CategoryMapping | None]:
    """Every catalogue category that has products and no mapping of this scope on ``marketplace``, mapped to the
    marketplace's first suggestion (:func:`adopt_suggestion`): by category code, the mapping made, or None where
    the marketplace suggested nothing."""
    with Session(engine) as session:
        ensure_categories(session)
        codes = sorted(session.exec(select(Category.code).where(
            Category.id.in_(select(Product.category_id).distinct()))).all())
        mapped = {line.category_code for line in mapping_lines(session, marketplace) if line.coop_code == coop_code}
    return {code: adopt_suggestion(engine, marketplace, code, coop_code, actor, reach)
            for code in codes if code not in mapped}


def add_constant_rules(engine: Engine, marketplace: str, values: Mapping[str, Mapping[str, str]],
                       actor: str | None = None) -> int:
    """Give each default mapping of ``marketplace`` a constant rule for every attribute of its leaf named in
    ``values[category code]`` (by attribute name, without marks) that has no rule yet, matched to the
    attribute's option where it has options: how an admin fills "Loại trà = Trà xanh" once per category.
    Returns how many rules were added."""
    from syndicator.setup import marketplace_setup

    added = 0
    with session_scope(engine) as session:
        _, setup = marketplace_setup(session, marketplace)
        rows = session.exec(select(CategoryMapping, Category.code).join(Category).where(
            CategoryMapping.marketplace == marketplace, CategoryMapping.coop_id.is_(None))).all()
        for row, code in rows:
            wanted = {fold(name): value for name, value in values.get(code, {}).items()}
            leaf = setup.leaves.get(row.leaf_id)
            rules = dict(row.attributes)
            for attribute in leaf.attributes if leaf else []:
                value = wanted.get(fold(attribute.name))
                if value is None or attribute.attribute_id in rules:
                    continue
                rule = AttributeRule(source="constant", value=value, value_id=option_id(attribute, value))
                rules[attribute.attribute_id] = rule.model_dump(exclude_defaults=True)
                added += 1
            if rules != row.attributes:
                row.attributes, row.updated_by, row.updated_at = rules, actor, utcnow()
                session.add(row)
    return added


def map_from_shop(engine: Engine, account_id: int, constants: Mapping[str, Mapping[str, str]] | None = None,
                  actor: str | None = None, reach: Reach = NETWORK) -> dict[str, CategoryMapping | None]:
    """What an admin does once per marketplace, through one of its shops: read the shop's setup, map every
    unmapped catalogue category to the marketplace's suggestion, and give the mappings the ``constants`` the
    catalogue's categories share (:func:`add_constant_rules`)."""
    from syndicator.setup import refresh_setup

    refresh_setup(engine, account_id, reach=reach)
    with Session(engine) as session:
        marketplace = session.get(ChannelAccount, account_id).marketplace
    made = map_unmapped(engine, marketplace, actor=actor, reach=reach)
    if constants:
        add_constant_rules(engine, marketplace, constants, actor)
    return made
