"""Logins for the app: argon2-hashed passwords, one role each, a co-op for ``coop`` users."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import Coop, Role, User

MIN_PASSWORD_LENGTH = 8

_hasher = PasswordHasher()


class UserError(ValueError):
    """A login that cannot be created as asked (bad name, role, co-op or password)."""


@dataclass(frozen=True)
class Viewer:
    """Who is looking: what every function in :mod:`syndicator.access` is given."""

    username: str
    role: Role
    coop_id: int | None = None
    coop_code: str | None = None

    @property
    def can_see_all_coops(self) -> bool:
        return self.role in (Role.officer, Role.admin)


def add_user(engine: Engine, username: str, password: str, role: Role | str, coop_code: str | None = None) -> Viewer:
    """Create a login. A ``coop`` user belongs to exactly one co-op; officers and admins to none."""
    username = username.strip()
    role = _role(role)
    if not username:
        raise UserError("tên đăng nhập không được để trống / username is empty")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự / password needs {MIN_PASSWORD_LENGTH}+ characters"
        )
    if role is Role.coop and not coop_code:
        raise UserError("tài khoản HTX cần --coop / a coop login needs --coop CODE")
    if role is not Role.coop and coop_code:
        raise UserError(f"vai trò {role} không gắn với HTX / role {role} has no co-op")
    with session_scope(engine) as session:
        if session.exec(select(User).where(User.username == username)).first():
            raise UserError(f"tên đăng nhập {username!r} đã có / username {username!r} is taken")
        coop_id = None
        if coop_code:
            coop = session.exec(select(Coop).where(Coop.code == coop_code)).first()
            if coop is None:
                raise UserError(f"không có HTX mã {coop_code!r} / no co-op {coop_code!r}")
            coop_id = coop.id
        session.add(User(username=username, password_hash=_hasher.hash(password), role=role, coop_id=coop_id))
    return Viewer(username=username, role=role, coop_id=coop_id, coop_code=coop_code)


def authenticate(engine: Engine, username: str, password: str) -> Viewer | None:
    """The viewer for a right username and password, else ``None`` (never says which one was wrong)."""
    with session_scope(engine) as session:
        row = session.exec(
            select(User, Coop.code).join(Coop, User.coop_id == Coop.id, isouter=True).where(
                User.username == username.strip()
            )
        ).first()
        if row is None:
            _hasher.hash(password)  # same work either way, so timing does not reveal usernames
            return None
        user, coop_code = row
        try:
            _hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            return None
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        return Viewer(username=user.username, role=Role(user.role), coop_id=user.coop_id, coop_code=coop_code)


def list_users(engine: Engine) -> list[dict]:
    """Every login with its role and co-op code, by username (no hashes)."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(User.username, User.role, Coop.code)
            .join(Coop, User.coop_id == Coop.id, isouter=True)
            .order_by(User.username)
        ).all()
    return [{"username": name, "role": str(role), "coop_code": code} for name, role, code in rows]


def user_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(sa.func.count()).select_from(User)).one()


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(f"vai trò không hợp lệ {role!r}; chọn coop, officer hoặc admin") from None
