"""``syndicator users add|list`` and ``syndicator ui``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from catalog.db import database_url, init_database
from catalog.models import Role
from syndicator.users import UserError, add_user, list_users

APP_PATH = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def ui_command(port: int, *, headless: bool = True) -> list[str]:
    """The command line that serves the Streamlit app on ``port``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.port", str(port),
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Tài khoản đăng nhập. Logins for the app.", no_args_is_help=True)
    app.add_typer(users, name="users")

    @users.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="tên đăng nhập / username")],
        role: Annotated[Role, typer.Option("--role", help="coop | officer | admin")],
        coop: Annotated[str | None, typer.Option("--coop", help="mã HTX (bắt buộc với role coop)")] = None,
        password: Annotated[
            str | None, typer.Option("--password", help="bỏ trống để được hỏi / prompted when omitted")
        ] = None,
    ) -> None:
        """Tạo tài khoản. Create a login."""
        if password is None:
            password = typer.prompt("Mật khẩu / password", hide_input=True, confirmation_prompt=True)
        engine = init_database(database_url())
        try:
            viewer = add_user(engine, name, password, role, coop_code=coop)
        except UserError as error:
            typer.echo(f"Lỗi / error: {error}", err=True)
            raise typer.Exit(1) from None
        where = f" (HTX {viewer.coop_code})" if viewer.coop_code else ""
        typer.echo(f"Đã tạo tài khoản / created: {viewer.username} [{viewer.role}]{where}")

    @users.command("list")
    def list_() -> None:
        """Liệt kê tài khoản. List logins."""
        for user in list_users(init_database(database_url())):
            typer.echo(f"{user['username']}\t{user['role']}\t{user['coop_code'] or '-'}")

    @app.command()
    def ui(port: Annotated[int, typer.Option("--port", help="cổng / port")] = 8501) -> None:
        """Mở ứng dụng web (Streamlit). Start the web app."""
        init_database(database_url())
        typer.echo(f"Ứng dụng / app: http://localhost:{port}")
        raise typer.Exit(subprocess.call(ui_command(port)))
