"""Logins for the app: argon2-hashed passwords, one role each, a co-op for ``coop`` users.

Logging in is throttled per user name and per client address (:data:`FREE_FAILURES` failures within
:data:`FAILURE_WINDOW`, then a lock that doubles with each further failure, up to :data:`LONGEST_LOCK`),
and a disabled login can neither log in nor keep a session open.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import Coop, LoginAttempt, Role, User
from catalog.settings import settings

MIN_PASSWORD_LENGTH = 8
MAX_USERNAME_LENGTH = 80
FREE_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LONGEST_LOCK = timedelta(minutes=15)

PRODUCTION_HASHER = PasswordHasher()  # argon2id at RFC 9106's low-memory profile
_hasher = PRODUCTION_HASHER
log = logging.getLogger(__name__)


def use_password_hasher(hasher: PasswordHasher) -> None:
    """Hash and check every password with ``hasher`` from now on. The test suite passes a cheap one: a
    hash at :data:`PRODUCTION_HASHER`'s cost takes tenths of a second, by design."""
    global _hasher
    _hasher = hasher


def password_hasher() -> PasswordHasher:
    """The hasher in use: :data:`PRODUCTION_HASHER` unless :func:`use_password_hasher` chose another."""
    return _hasher


class UserError(ValueError):
    """A login that cannot be created or changed as asked (bad name, role, co-op or password)."""


class LoginThrottled(Exception):
    """Too many failed logins for this name or from this address: refused, even with the right password."""

    def __init__(self, minutes: int) -> None:
        self.minutes = minutes
        super().__init__(t("user_throttled", minutes=minutes))


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
        raise UserError(t("user_name_empty"))
    if len(username) > MAX_USERNAME_LENGTH:
        raise UserError(t("user_name_too_long", max=MAX_USERNAME_LENGTH))
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(t("user_password_short", min=MIN_PASSWORD_LENGTH))
    if role is Role.coop and not coop_code:
        raise UserError(t("user_coop_needed"))
    if role is not Role.coop and coop_code:
        raise UserError(t("user_role_without_coop", role=role))
    with session_scope(engine) as session:
        if session.exec(select(User).where(User.username == username)).first():
            raise UserError(t("user_name_taken", name=username))
        coop_id = None
        if coop_code:
            coop = session.exec(select(Coop).where(Coop.code == coop_code)).first()
            if coop is None:
                raise UserError(t("coop_missing", coop=coop_code))
            coop_id = coop.id
        password_hash = password_hasher().hash(password)
        session.add(User(username=username, password_hash=password_hash, role=role, coop_id=coop_id))
    return Viewer(username=username, role=role, coop_id=coop_id, coop_code=coop_code)


def authenticate(engine: Engine, username: str, password: str, *, client: str = "",
                 now: datetime | None = None) -> Viewer | None:
    """The viewer for a right username and password of an enabled login, else ``None`` (never says which
    one was wrong). Raises :class:`LoginThrottled` while the name or the client address is locked.

    ``client`` is the caller's network address ("" when unknown: then only the name is throttled).
    """
    username, client, now = username.strip()[:MAX_USERNAME_LENGTH], client[:64], now or datetime.now(UTC)
    with session_scope(engine) as session:
        locked_until = _locked_until(session, username, client, now)
        if locked_until is not None:
            log.warning("login throttled: username=%r client=%r locked until %s", username, client,
                        locked_until.isoformat())
            raise LoginThrottled(math.ceil((locked_until - now) / timedelta(minutes=1)))
        viewer = _check_password(session, username, password)
        session.add(LoginAttempt(username=username, client=client, succeeded=viewer is not None, created_at=now))
        session.execute(sa.delete(LoginAttempt).where(LoginAttempt.created_at < now - FAILURE_WINDOW))
    return viewer


def _check_password(session: Session, username: str, password: str) -> Viewer | None:
    hasher = password_hasher()
    row = _enabled_login(session, username)
    if row is None:
        hasher.hash(password)  # same work either way, so timing does not reveal usernames
        return None
    user, coop_code = row
    try:
        hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return _viewer(user, coop_code)


def _enabled_login(session: Session, username: str) -> tuple[User, str | None] | None:
    """The login and its co-op's code, unless it is disabled or does not exist."""
    return session.exec(
        select(User, Coop.code).join(Coop, User.coop_id == Coop.id, isouter=True).where(
            User.username == username, User.disabled == sa.false()
        )
    ).first()


def _viewer(user: User, coop_code: str | None) -> Viewer:
    return Viewer(username=user.username, role=Role(user.role), coop_id=user.coop_id, coop_code=coop_code)


def _locked_until(session: Session, username: str, client: str, now: datetime) -> datetime | None:
    """When the later of the name's and the address's locks ends, if either is still on at ``now``."""
    since = now - FAILURE_WINDOW
    last_success = session.exec(
        select(sa.func.max(LoginAttempt.created_at)).where(LoginAttempt.username == username, LoginAttempt.succeeded)
    ).one()
    by_name = _failure_times(session, LoginAttempt.username == username, max(since, last_success or since))
    by_client = _failure_times(session, LoginAttempt.client == client, since) if client else []
    ends = [end for end in (_lock_end(by_name), _lock_end(by_client)) if end is not None and end > now]
    return max(ends, default=None)


def _failure_times(session: Session, who: sa.ColumnElement[bool], since: datetime) -> list[datetime]:
    return list(session.exec(
        select(LoginAttempt.created_at)
        .where(who, LoginAttempt.succeeded == sa.false(), LoginAttempt.created_at > since)
        .order_by(LoginAttempt.created_at)
    ).all())


def _lock_end(failures: Sequence[datetime]) -> datetime | None:
    """A lock of 1 minute after the 5th failure, doubling with each further one, from the last failure."""
    if len(failures) < FREE_FAILURES:
        return None
    doublings = min(len(failures) - FREE_FAILURES, 10)  # past LONGEST_LOCK anyway: no overflow from a burst
    return failures[-1] + min(timedelta(minutes=2**doublings), LONGEST_LOCK)


def session_idle_limit() -> timedelta:
    """How long an app session may sit unused before it must log in again (default 30 minutes)."""
    return timedelta(minutes=settings().session_idle_minutes)


def current_viewer(engine: Engine, username: str) -> Viewer | None:
    """The login as it is now (role and co-op re-read), or ``None`` once it is disabled or deleted."""
    with session_scope(engine) as session:
        row = _enabled_login(session, username)
        return None if row is None else _viewer(*row)


def disable_user(engine: Engine, username: str) -> None:
    """The login can no longer log in, and its open sessions end at their next page."""
    _set_disabled(engine, username, True)


def enable_user(engine: Engine, username: str) -> None:
    _set_disabled(engine, username, False)


def _set_disabled(engine: Engine, username: str, disabled: bool) -> None:
    with session_scope(engine) as session:
        user = session.exec(select(User).where(User.username == username.strip())).first()
        if user is None:
            raise UserError(t("user_unknown", name=username))
        user.disabled = disabled


def list_users(engine: Engine) -> list[dict]:
    """Every login with its role and co-op code, by username (no hashes)."""
    with session_scope(engine) as session:
        rows = session.exec(
            select(User.username, User.role, Coop.code, User.disabled)
            .join(Coop, User.coop_id == Coop.id, isouter=True)
            .order_by(User.username)
        ).all()
    return [{"username": name, "role": str(role), "coop_code": code, "disabled": disabled}
            for name, role, code, disabled in rows]


def user_count(engine: Engine) -> int:
    with session_scope(engine) as session:
        return session.exec(select(sa.func.count()).select_from(User)).one()


def _role(role: Role | str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise UserError(t("user_role_unknown", role=role)) from None
