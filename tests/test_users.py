"""Logins: argon2 hashes, roles, co-op binding, disabling, throttling, and the ``users`` commands."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from argon2 import Parameters, extract_parameters
from argon2.profiles import RFC_9106_LOW_MEMORY
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.i18n import t
from catalog.models import Coop, Role, User
from syndicator.cli import app
from syndicator.users import (
    MIN_PASSWORD_LENGTH,
    PRODUCTION_HASHER,
    LoginThrottled,
    UserError,
    add_user,
    authenticate,
    current_viewer,
    disable_user,
    enable_user,
    use_password_hasher,
)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "che-ngon-2026"
OFFICE = "203.0.113.7"  # the co-op office's address, as the proxy reports it
START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def tea_coop(engine):
    with session_scope(engine) as session:
        session.add(Coop(code="HTX-TANCUONG", name="HTX Chè Tân Cương"))
    return "HTX-TANCUONG"


def test_a_right_password_logs_in_as_the_coop_user(engine, tea_coop):
    add_user(engine, "tancuong", "che-ngon-2026", "coop", coop_code=tea_coop)
    viewer = authenticate(engine, "tancuong", "che-ngon-2026")
    assert viewer is not None
    assert (viewer.role, viewer.coop_code) == (Role.coop, "HTX-TANCUONG")


def test_a_wrong_password_or_unknown_name_is_refused(engine, tea_coop):
    add_user(engine, "tancuong", "che-ngon-2026", "coop", coop_code=tea_coop)
    assert authenticate(engine, "tancuong", "che-ngon-2025") is None
    assert authenticate(engine, "khongco", "che-ngon-2026") is None


def test_passwords_are_stored_as_argon2_hashes_not_plain_text(engine):
    add_user(engine, "canbo", "khuyen-nong-tn", "officer")
    with session_scope(engine) as session:
        stored = session.exec(sa.select(User.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$")
    assert "khuyen-nong-tn" not in stored


def test_outside_the_tests_passwords_are_hashed_at_production_cost(engine):
    """The suite hashes cheaply (tests/conftest.py); the app's own hasher is argon2's RFC 9106 low-memory
    profile, and a login re-hashes a cheaper stored hash at that cost."""
    add_user(engine, "canbo", "khuyen-nong-tn", "officer")
    use_password_hasher(PRODUCTION_HASHER)
    add_user(engine, "quantri", "quan-tri-2026", "admin")
    assert stored_cost("quantri", engine) == RFC_9106_LOW_MEMORY
    assert stored_cost("canbo", engine) != RFC_9106_LOW_MEMORY
    assert authenticate(engine, "canbo", "khuyen-nong-tn") is not None
    assert stored_cost("canbo", engine) == RFC_9106_LOW_MEMORY


def stored_cost(username: str, engine) -> Parameters:
    with session_scope(engine) as session:
        stored = session.exec(sa.select(User.password_hash).where(User.username == username)).scalar_one()
    return extract_parameters(stored)


def test_a_coop_login_needs_an_existing_coop(engine):
    with pytest.raises(UserError, match="--coop"):
        add_user(engine, "tancuong", "che-ngon-2026", "coop")
    with pytest.raises(UserError, match="HTX-KHONGCO"):
        add_user(engine, "tancuong", "che-ngon-2026", "coop", coop_code="HTX-KHONGCO")


def test_an_officer_cannot_be_tied_to_a_coop(engine, tea_coop):
    with pytest.raises(UserError):
        add_user(engine, "canbo", "khuyen-nong-tn", "officer", coop_code=tea_coop)


def test_a_username_can_be_taken_only_once(engine):
    add_user(engine, "canbo", "khuyen-nong-tn", "officer")
    with pytest.raises(UserError, match="canbo"):
        add_user(engine, "canbo", "mat-khau-khac", "admin")


def test_a_short_password_is_refused(engine):
    with pytest.raises(UserError, match="8"):
        add_user(engine, "canbo", "ngan", "officer")


def _users_command(database_url: str, *args: str, stdin: str) -> subprocess.CompletedProcess:
    """``python -m syndicator users …`` as an operator's script runs it, the password on standard input."""
    return subprocess.run(
        [sys.executable, "-m", "syndicator", "users", *args], input=stdin, capture_output=True, text=True,
        cwd=ROOT, env=os.environ | {"SYNDICATOR_DATABASE_URL": database_url}, timeout=120, check=False,
    )


@pytest.mark.slow
def test_users_add_reads_the_password_from_standard_input(engine, database_url, tea_coop):
    result = _users_command(database_url, "add", "tancuong", "--role", "coop", "--coop", tea_coop,
                            stdin=f"{PASSWORD}\n")
    assert result.returncode == 0, result.stderr
    assert "tancuong" in result.stdout and PASSWORD not in result.stdout + result.stderr
    assert authenticate(engine, "tancuong", PASSWORD) is not None


@pytest.mark.slow
def test_users_add_refuses_a_password_given_as_an_argument(engine, database_url):
    """An argument shows in ``ps`` and the shell history: there is no ``--password`` to put it in."""
    result = _users_command(database_url, "add", "canbo", "--role", "officer", "--password", "khuyen-nong-tn",
                            stdin="")
    assert result.returncode == 2 and "--password" in result.stderr
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0


def test_users_add_with_nothing_on_standard_input_creates_nothing(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["users", "add", "canbo", "--role", "officer"], input="")
    assert result.exit_code == 1 and t("user_password_short", min=MIN_PASSWORD_LENGTH) in result.output
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0


def test_users_add_with_a_bad_role_exits_non_zero_and_creates_nothing(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["users", "add", "x", "--role", "boss"], input="mat-khau-dai\n")
    assert result.exit_code != 0
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0


# ---------------------------------------------------------------- disabling


def test_a_disabled_login_is_refused_even_with_the_right_password(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    disable_user(engine, "tancuong")
    assert authenticate(engine, "tancuong", PASSWORD) is None


def test_a_login_enabled_again_logs_in(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    disable_user(engine, "tancuong")
    enable_user(engine, "tancuong")
    assert authenticate(engine, "tancuong", PASSWORD) is not None


def test_an_open_session_finds_no_current_viewer_once_its_login_is_disabled(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    assert current_viewer(engine, "tancuong").coop_code == tea_coop
    disable_user(engine, "tancuong")
    assert current_viewer(engine, "tancuong") is None


def test_users_disable_on_the_command_line_shows_in_users_list(engine, database_url, monkeypatch, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    assert CliRunner().invoke(app, ["users", "disable", "tancuong"]).exit_code == 0
    listed = CliRunner().invoke(app, ["users", "list"]).output
    assert "tancuong\tcoop\tHTX-TANCUONG\tđã khoá" in listed
    assert authenticate(engine, "tancuong", PASSWORD) is None


def test_users_disable_of_an_unknown_login_exits_1(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["users", "disable", "khongco"])
    assert result.exit_code == 1 and "khongco" in result.output


# ---------------------------------------------------------------- throttling


def _fail(engine, times: int, username: str = "tancuong", client: str = "", start: datetime = START) -> datetime:
    """``times`` wrong passwords, ten seconds apart; the time of the last one."""
    at = start
    for attempt in range(times):
        at = start + timedelta(seconds=10 * attempt)
        assert authenticate(engine, username, f"doan-mo-{attempt}", client=client, now=at) is None
    return at


def test_the_sixth_try_after_five_wrong_passwords_is_refused_even_when_right(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    last = _fail(engine, 5)
    with pytest.raises(LoginThrottled, match="thử lại sau 1 phút") as refused:
        authenticate(engine, "tancuong", PASSWORD, now=last + timedelta(seconds=10))
    assert refused.value.minutes == 1


def test_the_right_password_is_accepted_once_the_lock_is_over(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    last = _fail(engine, 5)
    assert authenticate(engine, "tancuong", PASSWORD, now=last + timedelta(minutes=1, seconds=1)) is not None


def test_each_failure_after_a_lock_doubles_the_next_lock(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    last = _fail(engine, 5)
    sixth = last + timedelta(minutes=1, seconds=1)
    assert authenticate(engine, "tancuong", "doan-mo-5", now=sixth) is None
    with pytest.raises(LoginThrottled) as refused:
        authenticate(engine, "tancuong", PASSWORD, now=sixth + timedelta(seconds=10))
    assert refused.value.minutes == 2


def test_the_lock_on_a_name_holds_from_every_address(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    for attempt in range(5):
        authenticate(engine, "tancuong", f"doan-mo-{attempt}", client=f"198.51.100.{attempt + 1}",
                     now=START + timedelta(seconds=attempt))
    with pytest.raises(LoginThrottled):
        authenticate(engine, "tancuong", PASSWORD, client=OFFICE, now=START + timedelta(seconds=30))


def test_an_address_that_failed_five_times_is_locked_for_every_name(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    for attempt, name in enumerate(["admin", "quantri", "canbo", "nari", "vonhai"]):
        _fail(engine, 1, username=name, client=OFFICE, start=START + timedelta(seconds=attempt))
    with pytest.raises(LoginThrottled):
        authenticate(engine, "tancuong", PASSWORD, client=OFFICE, now=START + timedelta(seconds=30))


def test_a_locked_address_does_not_lock_the_same_name_elsewhere(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    for attempt, name in enumerate(["admin", "quantri", "canbo", "nari", "vonhai"]):
        _fail(engine, 1, username=name, client=OFFICE, start=START + timedelta(seconds=attempt))
    assert authenticate(engine, "tancuong", PASSWORD, client="198.51.100.9",
                        now=START + timedelta(seconds=30)) is not None


def test_a_success_clears_the_failures_of_that_name(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    last = _fail(engine, 4)
    assert authenticate(engine, "tancuong", PASSWORD, now=last + timedelta(seconds=10)) is not None
    last = _fail(engine, 4, start=last + timedelta(seconds=20))
    assert authenticate(engine, "tancuong", PASSWORD, now=last + timedelta(seconds=10)) is not None


def test_failures_older_than_the_window_no_longer_count(engine, tea_coop):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    _fail(engine, 4)
    later = _fail(engine, 1, start=START + timedelta(minutes=16))
    assert authenticate(engine, "tancuong", PASSWORD, now=later + timedelta(seconds=10)) is not None


def test_a_throttled_try_is_logged_with_name_and_address_but_no_password(engine, tea_coop, caplog):
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=tea_coop)
    last = _fail(engine, 5, client=OFFICE)
    with caplog.at_level(logging.WARNING, logger="syndicator.users"), pytest.raises(LoginThrottled):
        authenticate(engine, "tancuong", PASSWORD, client=OFFICE, now=last + timedelta(seconds=10))
    [record] = [r for r in caplog.records if r.name == "syndicator.users"]
    assert record.levelno == logging.WARNING
    assert "tancuong" in record.getMessage() and OFFICE in record.getMessage()
    assert PASSWORD not in record.getMessage()
