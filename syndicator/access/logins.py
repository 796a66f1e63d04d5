"""Logins (the admin page): who may use the app, as which role (admins only)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from catalog.i18n import t
from syndicator.access.roles import require_admin
from syndicator.users import UserError, Viewer, add_user, disable_user, enable_user, list_users


def create_login(engine: Engine, viewer: Viewer, username: str, password: str, role: str,
                 coop_code: str | None = None) -> Viewer:
    require_admin(viewer)
    return add_user(engine, username, password, role, coop_code=coop_code)


def logins(engine: Engine, viewer: Viewer) -> list[dict[str, Any]]:
    require_admin(viewer)
    return list_users(engine)


def set_login_disabled(engine: Engine, viewer: Viewer, username: str, disabled: bool) -> str:
    """Disable or enable a login (admins only; never their own, so the app keeps an admin); its username."""
    require_admin(viewer)
    if disabled and username == viewer.username:
        raise UserError(t("access_own_login"))
    (disable_user if disabled else enable_user)(engine, username)
    return username
