"""``syndicator monitor``: see what shoppers see on the marketplaces, and where it drifted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from syndicator.commands.database import open_database

if TYPE_CHECKING:
    from syndicator.monitor import MonitorReport

MarketplaceName = Annotated[str | None, typer.Option("--marketplace", help="chỉ một sàn / one marketplace only")]
Cache = Annotated[bool, typer.Option("--cache", help="giữ trang trên đĩa khi phát triển / cache pages (development)")]


def _money(amount: int | None) -> str:
    from catalog.money import format_vnd

    return format_vnd(amount) if amount is not None else "—"


def _drift_table(report: MonitorReport) -> Table:
    from catalog.i18n import t
    from syndicator.monitor.drift import drift_label

    columns = (t(f"cli_col_{column}") for column in ("marketplace", "sku", "drift", "price_seen", "stock_seen", "sold"))
    table = Table(*columns, title=t("cli_monitor_drifted", count=len(report.drift)), title_justify="left")
    for row in report.drift:
        table.add_row(
            row.marketplace, row.seller_sku, ", ".join(drift_label(kind) for kind in row.drift),
            f"{_money(row.pushed_price)} → {_money(row.seen_price)}",
            f"{row.pushed_stock if row.pushed_stock is not None else '—'} → "
            f"{row.seen_stock if row.seen_stock is not None else '—'}",
            str(row.sold_count) if row.sold_count is not None else "—",
        )
    return table


def _print_report(report: MonitorReport, console: Console, errors: Console) -> None:
    from catalog.i18n import t
    from syndicator.monitor.drift import drift_label

    console.print(t("cli_monitor_observed", observed=report.observed, listings=report.listings,
                    marketplaces=", ".join(report.marketplaces) or "—"))
    if report.skipped:
        console.print(t("cli_monitor_skipped", count=report.skipped))
    counts = ", ".join(f"{drift_label(kind)}: {n}" for kind, n in report.counts().items() if n)
    console.print(t("cli_monitor_drift", counts=counts or t("cli_monitor_no_drift")))
    if report.drift:
        console.print(_drift_table(report))
    for url in report.blocked:
        console.print(t("cli_monitor_disallowed", url=url))
    for failure in report.failed:
        errors.print(t("cli_monitor_failed", url=failure["url"], reason=failure["reason"]))
    if not report.ok and not report.failed:
        errors.print(t("cli_monitor_crawl_failed", code=report.exit_code, log=report.log_tail))


def register(app: typer.Typer) -> None:
    @app.command("monitor")
    def monitor_command(marketplace: MarketplaceName = None, cache: Cache = False) -> None:
        """Xem trang sản phẩm như người mua và báo sai lệch. Crawl public pages as shoppers see them; report drift.

        Thoát mã 1 khi không quét được, không phải khi có sai lệch. Exits 1 on a failed crawl, not on drift."""
        from catalog.i18n import t
        from syndicator.monitor import run_monitor

        engine = open_database()
        console, errors = Console(), Console(stderr=True)
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True) as bar:
                task = bar.add_task(t("cli_monitor_crawling"), total=None)
                report = run_monitor(
                    engine, marketplace, cache=cache,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        except ValueError as exc:
            errors.print(str(exc))
            raise typer.Exit(2) from None
        _print_report(report, console, errors)
        raise typer.Exit(0 if report.ok else 1)
