"""Empty databases for tests, on each backend the suite runs: SQLite always, PostgreSQL too when
``SYNDICATOR_TEST_DATABASE_URL`` names a server (``.ci/run`` sets it). One per test (``tests/conftest.py``),
or one a test module's tests share, for a scenario too costly to build for every test, which they only read."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

PG_URL = os.environ.get("SYNDICATOR_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


@contextmanager
def empty_database(backend: str, folder: Path) -> Iterator[str]:
    """The URL of a new, empty database: SQLite in ``folder``, or a PostgreSQL database dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'syndicator.db'}"
        return
    base = sa.engine.make_url(PG_URL)
    name = f"syn_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request, tmp_path_factory) -> Iterator[str]:
    """An empty database kept for the whole module."""
    with empty_database(request.param, tmp_path_factory.mktemp("module-db")) as url:
        yield url
