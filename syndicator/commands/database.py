"""``syndicator init``, and the database as every command opens it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

import typer
from rich.console import Console

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


def open_database() -> Engine:
    """The configured database, upgraded to the latest schema. One that does not exist yet, or holds no schema,
    is not created here: the command says to run ``syndicator init`` and exits with code 2."""
    from catalog.db import database_url, init_database, make_engine, schema_revision, sqlite_path
    from catalog.i18n import t

    url = database_url()
    path = sqlite_path(url)
    missing = path is not None and not path.exists()
    if not missing:
        engine = make_engine(url)
        missing = schema_revision(engine) is None
        engine.dispose()
    if missing:
        Console(stderr=True).print(t("cli_database_missing", url=sa_url(url)))
        raise typer.Exit(2)
    return init_database(url)


def sa_url(url: str) -> str:
    """A database address as it may be shown: without its password."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@contextmanager
def exit_when_busy() -> Iterator[None]:
    """A database held busy by another process past the busy timeout: a message and exit code 1, no traceback.

    Also a decorator of a command: ``@exit_when_busy()``."""
    from catalog.db import DatabaseBusy, busy_refused

    try:
        with busy_refused():
            yield
    except DatabaseBusy as busy:
        Console(stderr=True).print(f"[red]{busy}[/red]")
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def init() -> None:
        """Tạo hoặc nâng cấp cơ sở dữ liệu. Create or upgrade the database."""
        from catalog.db import database_url, init_database
        from catalog.i18n import t
        from syndicator.secrets import ensure_key_file

        url = database_url()
        engine = init_database(url)
        typer.echo(t("cli_database_ready", url=engine.url.render_as_string(hide_password=True)))
        created = ensure_key_file()
        if created is not None:
            typer.echo(t("cli_key_written", path=created))
