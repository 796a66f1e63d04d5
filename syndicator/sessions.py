"""Login sessions that outlive a page: a refresh or a deep link opens the app as the user who logged in.

The browser keeps a cookie holding a random token, signed with the data folder's secret key
(:func:`syndicator.secrets.secret_key`) by ``itsdangerous`` and dated, so a cookie that was not made here, or
is older than :data:`SESSION_LIFETIME`, is refused before the database is asked. The database keeps only the
token's SHA-256 (``login_session``) and decides whether the session is alive: not ended by a logout, not past
its ``expires_at``, not idle past :func:`syndicator.users.session_idle_limit`, and its login still enabled.
"""

from __future__ import annotations

import contextlib
import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.engine import Engine
from sqlmodel import select

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import LoginSession, User
from syndicator.secrets import ensure_key_file, secret_key
from syndicator.users import UserError, Viewer, current_viewer, session_idle_limit

SESSION_LIFETIME = timedelta(hours=12)  # a working day: the next morning starts with a login
TOUCH_INTERVAL = timedelta(minutes=1)  # last_seen_at is written at most this often, not at every click
COOKIE_SALT = "syndicator.login-session"  # keeps these signatures apart from any other use of the key


def start_session(engine: Engine, username: str, *, now: datetime | None = None) -> str:
    """A new session for a login that has just authenticated; the token its cookie is to carry."""
    now = now or datetime.now(UTC)
    token = secrets.token_urlsafe(32)
    with session_scope(engine) as session:
        user_id = session.exec(select(User.id).where(User.username == username)).first()
        if user_id is None:
            raise UserError(t("user_unknown", name=username))
        session.add(LoginSession(token_hash=_token_hash(token), user_id=user_id, created_at=now,
                                 last_seen_at=now, expires_at=now + SESSION_LIFETIME))
    return token


def resume_session(engine: Engine, token: str, *, now: datetime | None = None) -> Viewer | None:
    """The viewer of a live session, its role and co-op as they are now; ``None`` once the session was ended,
    has expired or sat idle too long, or its login was disabled or deleted."""
    now = now or datetime.now(UTC)
    with session_scope(engine) as session:
        row = session.exec(
            select(LoginSession, User.username).join(User, LoginSession.user_id == User.id)
            .where(LoginSession.token_hash == _token_hash(token))
        ).first()
        if row is None:
            return None
        login, username = row
        if login.ended_at is not None or now >= login.expires_at or now - login.last_seen_at > session_idle_limit():
            return None
        if now - login.last_seen_at >= TOUCH_INTERVAL:
            login.last_seen_at = now
    return current_viewer(engine, username)


def end_session(engine: Engine, token: str, *, now: datetime | None = None) -> None:
    """Log the session out: its cookie opens nothing any more, in this browser or any copy of it."""
    with session_scope(engine) as session:
        login = session.exec(select(LoginSession).where(LoginSession.token_hash == _token_hash(token))).first()
        if login is not None and login.ended_at is None:
            login.ended_at = now or datetime.now(UTC)


def signed_cookie(token: str) -> str:
    """What the session cookie holds: the token, dated and signed."""
    return _serializer().dumps(token)


def token_from_cookie(cookie: str) -> str | None:
    """The token of a cookie this app signed within :data:`SESSION_LIFETIME`; ``None`` for anything else."""
    try:
        token = _serializer().loads(cookie, max_age=int(SESSION_LIFETIME.total_seconds()))
    except BadSignature:  # forged, altered, unsigned or too old (SignatureExpired is a BadSignature)
        return None
    return token if isinstance(token, str) else None


def _serializer() -> URLSafeTimedSerializer:
    # as `syndicator init` does, so that the first login on a fresh data folder can sign its cookie
    with contextlib.suppress(FileExistsError):  # another process created it at the same moment
        ensure_key_file()
    return URLSafeTimedSerializer(secret_key(), salt=COOKIE_SALT)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
