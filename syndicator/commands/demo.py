"""``syndicator demo [--no-ui]``: sample data on the five sandboxes, synced, orders pulled, then the app."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from syndicator.commands.serve import serve_command
from syndicator.commands.users import ui_command
from syndicator.processes import child_process, run_child

if TYPE_CHECKING:
    from syndicator.demo import DemoSummary


def print_summary(console: Console, summary: DemoSummary) -> None:
    from catalog.i18n import t
    from syndicator.channels import display_name
    from syndicator.demo import DEMO_PASSWORD

    logins = Table(title=t("cli_demo_logins"), show_lines=False)
    for column in (t("cli_col_username"), t("cli_col_password"), t("cli_col_role"), "HTX"):
        logins.add_column(column)
    for login in summary.logins:
        logins.add_row(login.username, DEMO_PASSWORD, t(f"ui.role_name_{login.role.value}"), login.coop_code or "—")
    console.print(logins)
    sandboxes = Table(title=t("cli_demo_sandboxes"))
    sandboxes.add_column(t("cli_col_marketplace"))
    sandboxes.add_column("URL")
    sandboxes.add_column(t("cli_col_live"), justify="right")
    for name, url in summary.sandboxes.items():
        sandboxes.add_row(display_name(name), url, str(summary.live.get(name, 0)))
    console.print(sandboxes)
    if summary.retired_shops:
        console.print(t("cli_demo_retired", count=summary.retired_shops))
    first, second = (t(f"ui.run_status_{status}") if status else "—" for status in (summary.first_sync, summary.second_sync))
    console.print(t("cli_demo_totals", shops=summary.shops, first=first, second=second,
                    live=sum(summary.live.values()), placed=summary.orders_placed, pulled=summary.orders_pulled))
    if summary.blocked:
        console.print(f"[yellow]{t('cli_blocked_title', n=summary.blocked)}[/yellow] `syndicator plan`")
    if summary.trace_url:
        console.print(t("cli_demo_trace", url=summary.trace_url))
    if summary.labels:
        console.print(t("cli_demo_labels", path=summary.labels))
    for error in summary.errors[:20]:
        console.print(f"[yellow]{t('cli_error_label')}:[/yellow] {error}")


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        no_ui: Annotated[bool, typer.Option("--no-ui", help="dừng sau khi đồng bộ / stop after the sync")] = False,
        port: Annotated[int, typer.Option("--port", help="cổng ứng dụng / app port")] = 8501,
        sandbox_port: Annotated[
            int | None, typer.Option("--sandbox-port", help="cổng sàn đầu tiên / first sandbox port (8701)")
        ] = None,
        serve_port: Annotated[int, typer.Option("--serve-port", help="cổng trang truy xuất / trace pages' port")
                              ] = 8600,
    ) -> None:
        """Dữ liệu mẫu + sàn thử nghiệm + đồng bộ + đơn hàng, rồi mở ứng dụng. Sample data, sandboxes, sync, app."""
        from catalog.db import database_url, init_database
        from catalog.i18n import t
        from catalog.settings import env_name, settings
        from syndicator.connect import APPS_ENV, sandbox_apps
        from syndicator.demo import FIRST_PORT, run_demo, start_sandboxes, stop_sandboxes
        from syndicator.secrets import ensure_key_file

        console = Console()
        # the trace pages this demo serves, printed on its labels and carried in its listings
        os.environ.setdefault(env_name("public_url"), f"http://127.0.0.1:{serve_port}")
        engine = init_database(database_url())  # the demo starts from nothing: it makes its own database
        ensure_key_file()
        servers = start_sandboxes(first_port=sandbox_port or FIRST_PORT)
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                          console=console, transient=True) as bars:
                tasks: dict[int, int] = {}

                def progress(account, done: int, total: int) -> None:
                    if account.id not in tasks:
                        tasks[account.id] = bars.add_task(f"{account.marketplace} · {account.coop_code}", total=total)
                    bars.update(tasks[account.id], completed=done, total=total)

                summary = run_demo(engine, servers, say=console.print, progress=progress)
            print_summary(console, summary)
            if no_ui:
                raise typer.Exit(0 if summary.ok else 1)
            host = settings().ui_host
            # the app registered on the sandboxes, so that shops are connected from its Gian hàng page too
            os.environ.setdefault(APPS_ENV, sandbox_apps({name: server.base_url for name, server in servers.items()},
                                                         "Syndicator (demo)", f"http://{host}:{port}/channels"))
            console.print(t("cli_app_until_stopped", url=f"http://{host}:{port}"))
            with child_process(serve_command(serve_port, "127.0.0.1")):
                raise typer.Exit(run_child(ui_command(port, host)))
        finally:
            stop_sandboxes(servers)
