"""Logins: argon2 hashes, roles, co-op binding, and the ``users add`` command."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import Coop, Role, User
from syndicator.cli import app
from syndicator.users import UserError, add_user, authenticate


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


def test_users_add_prompts_for_the_password_when_not_given(engine, database_url, monkeypatch, tea_coop):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    result = CliRunner().invoke(
        app, ["users", "add", "tancuong", "--role", "coop", "--coop", tea_coop],
        input="che-ngon-2026\nche-ngon-2026\n",
    )
    assert result.exit_code == 0, result.output
    assert "tancuong" in result.output
    assert authenticate(engine, "tancuong", "che-ngon-2026") is not None


def test_users_add_with_a_bad_role_exits_non_zero_and_creates_nothing(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    result = CliRunner().invoke(app, ["users", "add", "x", "--role", "boss", "--password", "mat-khau-dai"])
    assert result.exit_code != 0
    with session_scope(engine) as session:
        assert session.exec(sa.select(sa.func.count()).select_from(User)).scalar_one() == 0
