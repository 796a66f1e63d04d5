"""Databases for tests, on each backend the suite runs: SQLite always, PostgreSQL too when
``SYNDICATOR_TEST_DATABASE_URL`` names a server (``.ci/run`` sets it). One per test (``tests/conftest.py``),
or one a test module's tests share, for a scenario too costly to build for every test, which they only read.

Running every migration for every test cost a quarter of a second each: a migrated database is made once
per test process (``MigratedTemplates``) and copied for each test that wants one (a file copy on SQLite,
``CREATE DATABASE … TEMPLATE`` on PostgreSQL). Tests of the migrations themselves still get empty ones."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.db import init_database

PG_URL = os.environ.get("SYNDICATOR_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def _admin() -> sa.Engine:
    return sa.create_engine(sa.engine.make_url(PG_URL), isolation_level="AUTOCOMMIT")


def _pg_url(name: str) -> str:
    return sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def _create_pg(name: str, template: str | None = None) -> None:
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    admin.dispose()


def _drop_pg(name: str) -> None:
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


class MigratedTemplates:
    """One migrated database per backend for this test process, made when first asked for."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="syndicator-template-"))
        self.made: dict[str, str] = {}

    def __call__(self, backend: str) -> str:
        """The template of ``backend``: a SQLite file's path, or a PostgreSQL database's name."""
        if backend not in self.made:
            if backend == "sqlite":
                path = self.folder / "template.db"
                init_database(f"sqlite:///{path}").dispose()
                self.made[backend] = str(path)
            else:
                name = f"syn_template_{uuid.uuid4().hex[:12]}"
                _create_pg(name)
                init_database(_pg_url(name)).dispose()  # no connection may stay open on a template
                self.made[backend] = name
        return self.made[backend]

    def close(self) -> None:
        if "postgresql" in self.made:
            _drop_pg(self.made["postgresql"])
        shutil.rmtree(self.folder, ignore_errors=True)


@contextmanager
def new_database(backend: str, folder: Path, template: str | None = None) -> Iterator[str]:
    """The URL of a new database, empty or a copy of ``template``: SQLite in ``folder``, or a PostgreSQL
    database dropped afterwards."""
    if backend == "sqlite":
        path = folder / "syndicator.db"
        if template:
            shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    name = f"syn_test_{uuid.uuid4().hex[:12]}"
    _create_pg(name, template)
    try:
        yield _pg_url(name)
    finally:
        _drop_pg(name)


@pytest.fixture(scope="session")
def migrated_templates() -> Iterator[MigratedTemplates]:
    templates = MigratedTemplates()
    yield templates
    templates.close()


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request, tmp_path_factory, migrated_templates) -> Iterator[str]:
    """A migrated database kept for the whole module."""
    template = migrated_templates(request.param)
    with new_database(request.param, tmp_path_factory.mktemp("module-db"), template) as url:
        yield url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path, migrated_templates) -> Iterator[str]:
    """A URL to a new database: SQLite in a temporary folder, or a new PostgreSQL database. Migrated when the
    test also takes ``engine`` (a copy of this process's migrated template), empty otherwise."""
    template = migrated_templates(request.param) if "engine" in request.fixturenames else None
    with new_database(request.param, tmp_path, template) as url:
        yield url


@pytest.fixture
def engine(database_url) -> Iterator[Engine]:
    """An engine on a freshly migrated database."""
    engine = init_database(database_url)
    yield engine
    engine.dispose()
