"""Shared fixtures: a fresh database per test on SQLite and, when asked, on PostgreSQL too."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from catalog.db import init_database
from syndicator.users import PRODUCTION_HASHER, use_password_hasher

# the module-scoped sandboxes behind the ``sandboxes`` fixture that end-to-end test modules import
pytest_plugins = ["tests.support.sandboxes"]

PG_URL = os.environ.get("SYNDICATOR_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hasher() -> Iterator[None]:
    """Passwords hashed at argon2's lowest cost in this process (the app under AppTest included): the UI
    tests seed four logins each. Programs the tests start as subprocesses keep the production cost."""
    use_password_hasher(CHEAP_HASHER)
    yield
    use_password_hasher(PRODUCTION_HASHER)


def _fresh_postgres_database() -> tuple[str, str]:
    base = sa.engine.make_url(PG_URL)
    name = f"syn_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return base.set(database=name).render_as_string(hide_password=False), name


def _drop_postgres_database(name: str) -> None:
    admin = sa.create_engine(sa.engine.make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database: SQLite in a temporary folder, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'syndicator.db'}"
        return
    url, name = _fresh_postgres_database()
    try:
        yield url
    finally:
        _drop_postgres_database(name)


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """An engine on a freshly migrated database."""
    engine = init_database(database_url)
    yield engine
    engine.dispose()
