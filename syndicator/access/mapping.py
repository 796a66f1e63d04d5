"""The Ghép danh mục page: where each catalogue category goes on each marketplace's tree (the marketplaces that
state one, ``capabilities.setup``) and how its leaf's attributes are filled (``syndicator/category_mapping.py``).

An admin edits the defaults (every co-op's), a co-op clerk only their co-op's overrides, an officer reads.
The tree and the leaves come from the shops' cached setup; a leaf not read yet is read once through a shop of
the marketplace, and the marketplace's suggestion for a category is asked of it too.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from adapters import registry
from adapters.common.errors import MarketplaceError
from adapters.common.setup import LeafSetup, SetupAttribute
from catalog.i18n import t
from catalog.models import Category, CategoryMapping, ChannelAccount, Coop, Role, SetupRecord
from catalog.text import fold
from syndicator.access.roles import AccessDenied, require_admin, require_editor_of, scope_coop_id
from syndicator.category_mapping import (
    MappingChange,
    MappingError,
    MappingLine,
    Suggestion,
    mapping_lines,
    remove_mapping,
    set_mapping,
    suggest_for_category,
)
from syndicator.channels import NETWORK, Reach
from syndicator.setup import LEAF, marketplace_setup, read_leaf
from syndicator.users import Viewer

SEARCH_LIMIT = 50
# a leaf's attribute as the page edits it (the page takes it, and LeafSetup, from here, not from adapters/)
Attribute = SetupAttribute


@dataclass(frozen=True)
class CategoryMappings:
    """One catalogue category on one marketplace: the admin's default and the co-op's own override."""

    code: str
    name: str
    default: MappingLine | None
    override: MappingLine | None

    @property
    def effective(self) -> MappingLine | None:
        return self.override or self.default


@dataclass(frozen=True)
class Leaf:
    leaf_id: str
    path: str


def mapping_marketplaces() -> list[str]:
    """The marketplaces whose items go on a leaf of a tree they state (Shopee, Lazada)."""
    return [name for name in registry.names() if registry.spec(name).capabilities.setup]


def editable_scopes(engine: Engine, viewer: Viewer) -> list[str | None]:
    """The scopes the viewer may write: None (the default for every co-op) and every co-op for an admin, the
    own co-op for a clerk, none for an officer."""
    if viewer.role is Role.admin:
        with Session(engine) as session:
            return [None, *session.exec(select(Coop.code).order_by(Coop.code)).all()]
    if viewer.role is Role.coop:
        return [viewer.coop_code]
    return []


def category_mappings(engine: Engine, viewer: Viewer, marketplace: str, coop_code: str | None = None
                      ) -> list[CategoryMappings]:
    """Every catalogue category with its default mapping on ``marketplace`` and ``coop_code``'s override (a
    clerk always reads their own co-op's)."""
    with Session(engine) as session:
        coop_id = scope_coop_id(session, viewer, coop_code)
        lines = mapping_lines(session, marketplace, coop_id)
        categories = session.exec(select(Category.code, Category.name_vi).order_by(Category.code)).all()
    defaults = {line.category_code: line for line in lines if line.coop_code is None}
    overrides = {line.category_code: line for line in lines if line.coop_code is not None}
    return [CategoryMappings(code, name, defaults.get(code), overrides.get(code) if coop_id is not None else None)
            for code, name in categories]


def has_tree(engine: Engine, marketplace: str) -> bool:
    """Whether a shop of the marketplace has had its category tree read (the picker has something to show)."""
    with Session(engine) as session:
        return bool(marketplace_setup(session, marketplace)[1].categories)


def search_leaves(engine: Engine, viewer: Viewer, marketplace: str, text: str, limit: int = SEARCH_LIMIT
                  ) -> list[Leaf]:
    """The leaves of the marketplace's cached tree whose path holds every word of ``text``, matched without
    marks and case (``tra`` finds ``Trà``), in the path's order; every leaf for an empty ``text``."""
    with Session(engine) as session:
        _, setup = marketplace_setup(session, marketplace)
    words = fold(text).split()
    found = []
    for node in setup.categories:
        if not node.leaf:
            continue
        path = setup.path(node.category_id)
        folded = fold(path)
        if all(word in folded for word in words):
            found.append(Leaf(node.category_id, path))
    return sorted(found, key=lambda leaf: fold(leaf.path))[:limit]


def leaf_path(engine: Engine, marketplace: str, leaf_id: str) -> str:
    with Session(engine) as session:
        _, setup = marketplace_setup(session, marketplace)
    return setup.path(leaf_id) if setup.leaf(leaf_id) is not None else leaf_id


def leaf_details(engine: Engine, viewer: Viewer, marketplace: str, leaf_id: str, reach: Reach = NETWORK
                 ) -> LeafSetup:
    """A leaf's attributes, brands and limits: as cached, else read now through the shop whose tree is cached
    (by a viewer who may edit a mapping: an officer reads only what is cached)."""
    with Session(engine) as session:
        account_id, setup = marketplace_setup(session, marketplace)
        if account_id is None:
            raise MappingError(t("mapping_access_no_setup", marketplace=registry.spec(marketplace).display_name))
        cached = setup.leaves.get(leaf_id) or _any_shop_leaf(session, marketplace, leaf_id)
    if cached is not None:
        return cached
    if viewer.role is Role.officer:
        raise AccessDenied(t("access_read_only"))
    try:
        return read_leaf(engine, account_id, leaf_id, reach)
    except (MarketplaceError, httpx.HTTPError) as error:
        raise MappingError(t("mapping_access_unreachable", error=error)) from error


def _any_shop_leaf(session: Session, marketplace: str, leaf_id: str) -> LeafSetup | None:
    """The leaf as another shop of the marketplace read it (a leaf is the marketplace's, whichever shop asked)."""
    data = session.exec(select(SetupRecord.data)
                        .join(ChannelAccount, ChannelAccount.id == SetupRecord.channel_account_id)
                        .where(ChannelAccount.marketplace == marketplace, SetupRecord.kind == LEAF + leaf_id)
                        .order_by(SetupRecord.read_at.desc())).first()
    return LeafSetup.model_validate(data) if data is not None else None


def suggestions(engine: Engine, viewer: Viewer, marketplace: str, category_code: str, reach: Reach = NETWORK
                ) -> list[Suggestion]:
    """The leaves the marketplace proposes for a catalogue category, best first (asked of it now)."""
    if viewer.role is Role.officer:
        raise AccessDenied(t("access_read_only"))
    try:
        return suggest_for_category(engine, marketplace, category_code, reach)
    except (MarketplaceError, httpx.HTTPError) as error:
        raise MappingError(t("mapping_access_unreachable", error=error)) from error


def require_scope_editor(engine: Engine, viewer: Viewer, coop_code: str | None) -> None:
    """The default (``coop_code`` None) is an admin's to write; a co-op's override its clerk's or an admin's."""
    if coop_code is None:
        require_admin(viewer)
        return
    with Session(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == coop_code)).first()
    if coop_id is None and viewer.role is Role.admin:
        raise LookupError(t("coop_missing", coop=coop_code))
    require_editor_of(viewer, coop_id)


def save_mapping(engine: Engine, viewer: Viewer, change: MappingChange) -> CategoryMapping:
    """Write one mapping in ``change``'s scope, which the viewer must be allowed to edit, as by the viewer."""
    require_scope_editor(engine, viewer, change.coop_code)
    return set_mapping(engine, change, actor=viewer.username)


def remove_scope_mapping(engine: Engine, viewer: Viewer, marketplace: str, category_code: str,
                         coop_code: str | None) -> bool:
    """Remove the mapping of this scope (a co-op's override: its products use the default again)."""
    require_scope_editor(engine, viewer, coop_code)
    return remove_mapping(engine, marketplace, category_code, coop_code)
