"""Login sessions: the database decides whether a session is alive; the cookie only carries its signed token."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import LoginSession
from syndicator.sessions import (
    SESSION_LIFETIME,
    end_session,
    resume_session,
    signed_cookie,
    start_session,
    token_from_cookie,
)
from syndicator.users import disable_user, enable_user
from tests.support.apptest import logged_in, open_page
from tests.support.ui import TAN_CUONG, seed_two_coops

LOGIN = datetime(2026, 12, 3, 7, 30, tzinfo=UTC)  # half past two in the afternoon in Thái Nguyên


@pytest.fixture
def seeded(engine, database_url, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)  # for the app under AppTest
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path / "data"))  # the cookie's key is made there
    monkeypatch.setenv("SYNDICATOR_SESSION_IDLE_MINUTES", "30")
    seed_two_coops(engine)
    return engine


def _row(engine, token: str) -> LoginSession:
    with session_scope(engine) as session:
        return session.exec(select(LoginSession).where(
            LoginSession.token_hash == hashlib.sha256(token.encode()).hexdigest())).one()


# ---------------------------------------------------------------- the database decides


def test_a_new_session_resumes_as_the_clerk_who_logged_in(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    who = resume_session(seeded, token, now=LOGIN + timedelta(minutes=5))
    assert (who.username, who.coop_code) == ("tancuong", TAN_CUONG)


def test_the_database_keeps_only_the_hash_of_the_token(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    row = _row(seeded, token)
    assert row.token_hash != token and len(row.token_hash) == 64
    assert row.expires_at == LOGIN + SESSION_LIFETIME


def test_a_token_never_given_out_resumes_nothing(seeded):
    start_session(seeded, "tancuong", now=LOGIN)
    assert resume_session(seeded, "doan-bua-mot-token", now=LOGIN) is None


def test_a_logged_out_session_resumes_no_more(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    end_session(seeded, token, now=LOGIN + timedelta(minutes=10))
    assert resume_session(seeded, token, now=LOGIN + timedelta(minutes=11)) is None
    assert _row(seeded, token).ended_at == LOGIN + timedelta(minutes=10)


def test_logging_out_ends_only_that_session(seeded):
    office, phone = (start_session(seeded, "tancuong", now=LOGIN) for _ in range(2))
    end_session(seeded, office, now=LOGIN)
    assert resume_session(seeded, phone, now=LOGIN).username == "tancuong"


def test_a_session_idle_past_the_setting_resumes_no_more(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    assert resume_session(seeded, token, now=LOGIN + timedelta(minutes=31)) is None


def test_a_session_in_use_outlives_the_idle_limit(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    for minutes in (20, 40, 60, 80):
        assert resume_session(seeded, token, now=LOGIN + timedelta(minutes=minutes)) is not None, minutes


def test_the_idle_limit_follows_the_setting(seeded, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_SESSION_IDLE_MINUTES", "5")
    token = start_session(seeded, "tancuong", now=LOGIN)
    assert resume_session(seeded, token, now=LOGIN + timedelta(minutes=4)) is not None
    assert resume_session(seeded, token, now=LOGIN + timedelta(minutes=10)) is None


def test_a_session_ends_twelve_hours_after_login_however_busy(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    minutes = 0
    while minutes < SESSION_LIFETIME / timedelta(minutes=1) - 20:
        minutes += 20
        assert resume_session(seeded, token, now=LOGIN + timedelta(minutes=minutes)) is not None, minutes
    assert resume_session(seeded, token, now=LOGIN + SESSION_LIFETIME) is None


def test_last_seen_is_written_at_most_once_a_minute(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    resume_session(seeded, token, now=LOGIN + timedelta(seconds=40))
    assert _row(seeded, token).last_seen_at == LOGIN
    resume_session(seeded, token, now=LOGIN + timedelta(seconds=70))
    assert _row(seeded, token).last_seen_at == LOGIN + timedelta(seconds=70)


def test_a_disabled_logins_session_resumes_no_more_even_once_enabled_again(seeded):
    token = start_session(seeded, "tancuong", now=LOGIN)
    disable_user(seeded, "tancuong")
    assert resume_session(seeded, token, now=LOGIN) is None
    enable_user(seeded, "tancuong")
    assert resume_session(seeded, token, now=LOGIN).username == "tancuong"  # never ended: the login is back


def test_an_officers_session_resumes_as_an_officer(seeded):
    token = start_session(seeded, "canbo", now=LOGIN)
    assert resume_session(seeded, token, now=LOGIN).can_see_all_coops


# ---------------------------------------------------------------- the cookie


def test_a_signed_cookie_gives_back_its_token(seeded):
    token = start_session(seeded, "tancuong")
    assert token_from_cookie(signed_cookie(token)) == token


def test_the_token_alone_unsigned_is_refused(seeded):
    token = start_session(seeded, "tancuong")
    assert token_from_cookie(token) is None


def test_a_cookie_with_another_token_under_the_signature_is_refused(seeded):
    signature = signed_cookie(start_session(seeded, "tancuong")).split(".", 1)[1]
    vonhai = signed_cookie(start_session(seeded, "vonhai")).split(".", 1)[0]
    assert token_from_cookie(f"{vonhai}.{signature}") is None


def test_a_cookie_signed_with_another_key_is_refused(seeded, tmp_path, monkeypatch):
    cookie = signed_cookie(start_session(seeded, "tancuong"))
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path / "another-server"))
    assert token_from_cookie(cookie) is None


def test_a_cookie_older_than_a_session_is_refused_before_the_database_is_asked(seeded, monkeypatch):
    token = start_session(seeded, "tancuong")
    signed_then = time.time() - SESSION_LIFETIME.total_seconds() - 60
    with monkeypatch.context() as past:
        past.setattr(time, "time", lambda: signed_then)
        cookie = signed_cookie(token)
    assert token_from_cookie(cookie) is None


def test_the_cookies_key_is_the_data_folders_secret_key(seeded, tmp_path):
    signed_cookie(start_session(seeded, "tancuong"))
    assert (tmp_path / "data" / "secret.key").stat().st_mode & 0o777 == 0o600


# ---------------------------------------------------------------- the app


def test_logging_out_in_the_app_ends_the_session_in_the_database(seeded):
    app = open_page(logged_in("tancuong"), "products")
    token = app.session_state["session_token"]
    app.button(key="logout").click()
    app.run()
    assert _row(seeded, token).ended_at is not None
    assert resume_session(seeded, token) is None


def test_a_session_logged_out_in_another_tab_ends_at_this_tabs_next_page(seeded):
    app = open_page(logged_in("tancuong"), "products")
    end_session(seeded, app.session_state["session_token"])
    app.run()
    assert "viewer" not in app.session_state
    assert [i.value for i in app.info] == [
        "Phiên làm việc đã kết thúc (đã đăng xuất ở nơi khác hoặc quá 12 giờ); hãy đăng nhập lại."]
