"""``syndicator init``."""

from __future__ import annotations

import typer


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
