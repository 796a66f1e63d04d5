"""Who may do what: the role checks every access function makes, and the page of rows lists return."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, select

from catalog.i18n import t
from catalog.models import Coop, Role
from syndicator.users import Viewer


class AccessDenied(PermissionError):
    """The viewer's role does not allow this (checked here, whatever the page shows)."""


@dataclass(frozen=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    offset: int
    limit: int


def paged(session: Session, statement: Any, offset: int, limit: int) -> tuple[list[Any], int]:
    """One page of ``statement``'s rows and how many rows it has in all."""
    total = session.exec(select(sa.func.count()).select_from(statement.subquery())).one()
    return list(session.exec(statement.offset(offset).limit(limit)).all()), total


def require_admin(viewer: Viewer) -> None:
    if viewer.role is not Role.admin:
        raise AccessDenied(t("access_admins_only"))


def require_editor_of(viewer: Viewer, coop_id: int | None) -> None:
    if viewer.role is Role.admin:
        return
    if viewer.role is Role.officer:
        raise AccessDenied(t("access_read_only"))
    if coop_id is None or coop_id != viewer.coop_id:
        raise AccessDenied(t("access_edit_own_coop"))


def scope_coop_id(session: Session, viewer: Viewer, coop_code: str | None) -> int | None:
    """The co-op a query is limited to: a co-op user's own, or the one asked for (None = all)."""
    if viewer.role is Role.coop:
        if coop_code and coop_code != viewer.coop_code:
            raise AccessDenied(t("access_other_coop"))
        return viewer.coop_id
    if not coop_code:
        return None
    coop_id = session.exec(select(Coop.id).where(Coop.code == coop_code)).first()
    if coop_id is None:
        raise LookupError(t("coop_missing", coop=coop_code))
    return coop_id


def can_edit(viewer: Viewer) -> bool:
    """Whether the pages should offer editing at all (the access functions check again)."""
    return viewer.role is not Role.officer


def sync_scope(viewer: Viewer, coop_code: str | None) -> str | None:
    """The co-op a sync (or an import) started by this viewer may cover (officers may not start one)."""
    if viewer.role is Role.officer:
        raise AccessDenied(t("access_read_only"))
    if viewer.role is Role.coop:
        if coop_code and coop_code != viewer.coop_code:
            raise AccessDenied(t("access_sync_own_coop"))
        return viewer.coop_code
    return coop_code
