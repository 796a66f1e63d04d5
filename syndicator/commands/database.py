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
    """The configured database, created or upgraded to the latest schema."""
    from catalog.db import database_url, init_database

    return init_database(database_url())


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
