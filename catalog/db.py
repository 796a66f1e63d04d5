"""Where the catalog lives: engine, sessions and schema upgrades (Alembic)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from catalog.i18n import t
from catalog.settings import settings

if TYPE_CHECKING:
    from sqlmodel import Session

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# The newest migration (tests/test_database.py checks it is Alembic's head). A database already there is
# not handed to Alembic: importing it and the models would double the start-up time of every command.
SCHEMA_HEAD = "e8b2c6d4a1f9"


def data_dir() -> Path:
    """The folder for the SQLite database, feeds and keys (``SYNDICATOR_DATA_DIR``, default ``./data``)."""
    return settings().data_dir


def private_folder(path: Path) -> Path:
    """``path``, created with any missing parent readable by its owner only (0700); a folder that already
    exists keeps its mode."""
    for folder in reversed([path, *path.parents]):
        if not folder.exists():
            folder.mkdir(mode=0o700, exist_ok=True)
    return path


def _private_file(path: Path) -> None:
    """Create an empty database file readable by its owner only: SQLite gives its -wal and -shm files the
    database file's mode."""
    private_folder(path.parent)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def database_url() -> str:
    """``SYNDICATOR_DATABASE_URL``, else SQLite in the data folder."""
    url = settings().database_url
    if url:
        return url
    return f"sqlite:///{data_dir() / 'syndicator.db'}"


def busy_timeout_ms() -> int:
    """How long SQLite waits for another process's write lock (``SYNDICATOR_SQLITE_BUSY_TIMEOUT_MS``)."""
    return settings().sqlite_busy_timeout_ms


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def sqlite_path(url: str) -> Path | None:
    """The file of a SQLite database (``None`` for another database, or one in memory)."""
    if not url.startswith("sqlite"):
        return None
    path = sa.engine.make_url(url).database
    return Path(path) if path and path != ":memory:" else None


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        if (path := sqlite_path(url)) is not None:
            _private_file(path)
        engine = sa.create_engine(url, connect_args={"check_same_thread": False,
                                                    "timeout": busy_timeout_ms() / 1000})
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(url, pool_pre_ping=True)


def alembic_config(url: str):
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def schema_revision(engine: Engine) -> str | None:
    """The migration the database is at; ``None`` before the first."""
    with engine.connect() as connection:
        if not sa.inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()


def ours(_object: object, name: str | None, type_: str, _reflected: bool, _compare_to: object) -> bool:
    """Whether a database object is the models' (for Alembic's autogenerate): procrastinate's job tables,
    applied by a migration from its own schema, are not."""
    return not (type_ in ("table", "index") and (name or "").startswith(("procrastinate", "idx_procrastinate")))


def init_database(url: str | None = None) -> Engine:
    """Create or upgrade the schema to the latest migration; returns an engine on it."""
    engine = make_engine(url)
    if schema_revision(engine) != SCHEMA_HEAD:
        _upgrade(engine)
    return engine


def _upgrade(engine: Engine) -> None:
    from alembic import command

    config = alembic_config(str(engine.url.render_as_string(hide_password=False)))
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:  # a batch migration copies a table others refer to; SQLite allows it only with the check off
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        with connection.begin():
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
            if sqlite and connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                raise RuntimeError("the migration left rows pointing at rows that are gone")
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    from sqlmodel import Session  # the ORM only once a session is opened: `syndicator coops list` needs none

    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


class DatabaseBusy(RuntimeError):
    """Another process held SQLite's write lock past the busy timeout; trying again later will work."""

    def __init__(self, lang: str | None = None) -> None:
        super().__init__(t("database_busy", lang))


@contextmanager
def busy_refused(lang: str | None = None) -> Iterator[None]:
    """Turn SQLite's "database is locked" inside the block into :class:`DatabaseBusy`."""
    try:
        yield
    except sa.exc.OperationalError as error:
        if "database is locked" not in str(error.orig):
            raise
        raise DatabaseBusy(lang) from error
