"""``syndicator monitor``: see what shoppers see on the marketplaces, and where it drifted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from syndicator.commands.catalog import open_database

if TYPE_CHECKING:
    from syndicator.monitor import MonitorReport

MarketplaceName = Annotated[str | None, typer.Option("--marketplace", help="chỉ một sàn / one marketplace only")]
Cache = Annotated[bool, typer.Option("--cache", help="giữ trang trên đĩa khi phát triển / cache pages (development)")]


def _money(amount: int | None) -> str:
    from catalog.money import format_vnd

    return format_vnd(amount) if amount is not None else "—"


def _drift_table(report: MonitorReport) -> Table:
    from syndicator.monitor.drift import LABELS

    table = Table("sàn / marketplace", "SKU", "sai lệch / drift", "giá đã gửi → thấy / price pushed → seen",
                  "tồn đã gửi → thấy / stock pushed → seen", "đã bán / sold",
                  title=f"{len(report.drift)} tin đăng sai lệch / listings drifted", title_justify="left")
    for row in report.drift:
        table.add_row(
            row.marketplace, row.seller_sku, ", ".join(LABELS[kind] for kind in row.drift),
            f"{_money(row.pushed_price)} → {_money(row.seen_price)}",
            f"{row.pushed_stock if row.pushed_stock is not None else '—'} → "
            f"{row.seen_stock if row.seen_stock is not None else '—'}",
            str(row.sold_count) if row.sold_count is not None else "—",
        )
    return table


def _print_report(report: MonitorReport, console: Console, errors: Console) -> None:
    from syndicator.monitor.drift import LABELS

    console.print(
        f"Đã xem / observed {report.observed}/{report.listings} tin đăng / listings "
        f"({', '.join(report.marketplaces) or '—'})"
    )
    if report.skipped:
        console.print(f"Bỏ qua / skipped {report.skipped}: gian hàng chưa có địa chỉ công khai / shop has no public address")
    counts = ", ".join(f"{LABELS[kind]}: {n}" for kind, n in report.counts().items() if n)
    console.print(f"Sai lệch / drift: {counts or 'không có / none'}")
    if report.drift:
        console.print(_drift_table(report))
    for url in report.blocked:
        console.print(f"robots.txt không cho phép / disallowed by robots.txt: {url}")
    for failure in report.failed:
        errors.print(f"Lỗi / failed: {failure['url']}: {failure['reason']}")
    if not report.ok and not report.failed:
        errors.print(f"Lượt quét lỗi / crawl failed (exit {report.exit_code}):\n{report.log_tail}")


def register(app: typer.Typer) -> None:
    @app.command("monitor")
    def monitor_command(marketplace: MarketplaceName = None, cache: Cache = False) -> None:
        """Xem trang sản phẩm như người mua và báo sai lệch. Crawl public pages as shoppers see them; report drift.

        Thoát mã 1 khi không quét được, không phải khi có sai lệch. Exits 1 on a failed crawl, not on drift."""
        from syndicator.monitor import run_monitor

        engine = open_database()
        console, errors = Console(), Console(stderr=True)
        try:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console, transient=True) as bar:
                task = bar.add_task("Đang xem trang / crawling", total=None)
                report = run_monitor(
                    engine, marketplace, cache=cache,
                    progress=lambda done, total: bar.update(task, completed=done, total=total),
                )
        except ValueError as exc:
            errors.print(str(exc))
            raise typer.Exit(2) from None
        _print_report(report, console, errors)
        raise typer.Exit(0 if report.ok else 1)
