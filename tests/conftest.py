"""Shared fixtures: a fresh database per test on SQLite and, when asked, on PostgreSQL too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from sqlalchemy.engine import Engine

from catalog.db import init_database
from syndicator.users import PRODUCTION_HASHER, use_password_hasher
from tests.support.databases import BACKENDS, empty_database

# the module-scoped sandboxes behind the ``sandboxes`` fixture that end-to-end test modules import
pytest_plugins = ["tests.support.sandboxes"]

CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hasher() -> Iterator[None]:
    """Passwords hashed at argon2's lowest cost in this process (the app under AppTest included): the UI
    tests seed four logins each. Programs the tests start as subprocesses keep the production cost."""
    use_password_hasher(CHEAP_HASHER)
    yield
    use_password_hasher(PRODUCTION_HASHER)


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """A URL to an empty database: SQLite in a temporary folder, or a new PostgreSQL database."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """An engine on a freshly migrated database."""
    engine = init_database(database_url)
    yield engine
    engine.dispose()
