"""``syndicator users add|disable|enable|list`` and ``syndicator ui``."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from syndicator.commands.database import open_database
from syndicator.processes import run_child

APP_PATH = Path(__file__).resolve().parents[2] / "ui" / "app.py"


def ui_command(port: int, host: str, *, headless: bool = True) -> list[str]:
    """The command line that serves the Streamlit app on ``host``:``port``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(APP_PATH),
        "--server.address", host,
        "--server.port", str(port),
        "--server.headless", "true" if headless else "false",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        # a clerk's upload is a spreadsheet (catalog.limits refuses past 50 MB unpacked); an error shows
        # as a message, never as a traceback naming the server's folders
        "--server.maxUploadSize", "60",
        "--client.showErrorDetails", "none",
    ]


def read_password() -> str:
    """A hidden, confirmed prompt at a terminal; otherwise the first line of standard input (for scripts)."""
    if sys.stdin.isatty():
        from catalog.i18n import t

        return typer.prompt(t("cli_password_prompt"), hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


@contextmanager
def refusals_exit() -> Iterator[None]:
    """A login change refused (:class:`UserError`) prints ``Lỗi: …`` and exits 1, no traceback."""
    from catalog.i18n import t
    from syndicator.users import UserError

    try:
        yield
    except UserError as error:
        typer.echo(f"{t('cli_error_label')}: {error}", err=True)
        raise typer.Exit(1) from None


def register(app: typer.Typer) -> None:
    users = typer.Typer(help="Tài khoản đăng nhập. Logins for the app.", no_args_is_help=True)
    app.add_typer(users, name="users")

    @users.command("add")
    def add(
        name: Annotated[str, typer.Argument(help="tên đăng nhập / username")],
        role: Annotated[str, typer.Option("--role", help="coop | officer | admin")],
        coop: Annotated[str | None, typer.Option("--coop", help="mã HTX (bắt buộc với role coop)")] = None,
    ) -> None:
        """Tạo tài khoản; mật khẩu được hỏi, hoặc đọc từ dòng đầu của stdin. Create a login; the password is
        prompted for, or read from the first line of standard input (never from an argument)."""
        from catalog.i18n import t
        from catalog.models import Role
        from syndicator.users import add_user

        if role not in {choice.value for choice in Role}:
            raise typer.BadParameter(f"{role!r}: coop | officer | admin", param_hint="'--role'")
        password = read_password()
        with refusals_exit():
            viewer = add_user(open_database(), name, password, role, coop_code=coop)
        where = f" (HTX {viewer.coop_code})" if viewer.coop_code else ""
        typer.echo(t("cli_user_created", name=viewer.username, role=viewer.role, coop=where))

    @users.command("disable")
    def disable(name: Annotated[str, typer.Argument(help="tên đăng nhập / username")]) -> None:
        """Khoá tài khoản: không đăng nhập được, phiên đang mở kết thúc. Disable a login and end its sessions."""
        from catalog.i18n import t
        from syndicator.users import disable_user

        with refusals_exit():
            disable_user(open_database(), name)
        typer.echo(t("cli_user_disabled", name=name))

    @users.command("enable")
    def enable(name: Annotated[str, typer.Argument(help="tên đăng nhập / username")]) -> None:
        """Mở lại tài khoản đã khoá. Enable a disabled login."""
        from catalog.i18n import t
        from syndicator.users import enable_user

        with refusals_exit():
            enable_user(open_database(), name)
        typer.echo(t("cli_user_enabled", name=name))

    @users.command("list")
    def list_() -> None:
        """Liệt kê tài khoản. List logins."""
        from catalog.i18n import t
        from syndicator.users import list_users

        for user in list_users(open_database()):
            state = t("cli_user_state_disabled") if user["disabled"] else t("cli_user_state_active")
            typer.echo(f"{user['username']}\t{user['role']}\t{user['coop_code'] or '-'}\t{state}")

    @app.command()
    def ui(
        port: Annotated[int, typer.Option("--port", help="cổng / port")] = 8501,
        host: Annotated[str | None, typer.Option(
            "--host",
            help="địa chỉ nghe, 0.0.0.0 = mọi giao diện / address to listen on, 0.0.0.0 = every interface "
                 "(SYNDICATOR_UI_HOST, 127.0.0.1)",
        )] = None,
    ) -> None:
        """Mở ứng dụng web (Streamlit) đến khi dừng. Start the web app until stopped (Ctrl+C or SIGTERM)."""
        from catalog.i18n import t
        from catalog.settings import settings

        host = host or settings().ui_host
        open_database()
        typer.echo(t("cli_app_at", url=f"http://{host}:{port}"))
        raise typer.Exit(run_child(ui_command(port, host)))
