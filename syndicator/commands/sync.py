"""``syndicator plan``, ``sync``, ``orders pull`` and ``schedule``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from syndicator.commands.database import exit_when_busy, open_database

if TYPE_CHECKING:
    from syndicator.engine import SyncReport
    from syndicator.orders import OrdersReport
    from syndicator.plan import AccountScope

Coop = Annotated[str | None, typer.Option("--coop", help="mã HTX / co-op code")]
MarketplaceName = Annotated[str | None, typer.Option("--marketplace", help="tên sàn / marketplace")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON output")]
EXIT_BUSY = 2
EXIT_BLOCKED = 3  # everything sent went through, but some listings are blocked (not ready) and were not sent


class MarketplaceBars:
    """A progress bar per marketplace, summing its shops."""

    def __init__(self, progress: Progress):
        self.progress = progress
        self.tasks: dict[str, int] = {}
        self.shops: dict[int, tuple[str, int, int]] = {}

    def __call__(self, account: AccountScope, done: int, total: int) -> None:
        name = account.marketplace
        self.shops[account.id] = (name, done, total)
        if name not in self.tasks:
            self.tasks[name] = self.progress.add_task(name, total=0)
        mine = [(d, t) for market, d, t in self.shops.values() if market == name]
        self.progress.update(self.tasks[name], completed=sum(d for d, _ in mine), total=sum(t for _, t in mine))


def _summary_table(report: SyncReport) -> Table:
    from catalog.i18n import t

    columns = (t(f"cli_col_{column}") for column in ("marketplace", "shop", "ok", "failed", "new_orders"))
    table = Table("HTX", *columns, title=t("cli_sync_run", run=report.run_id, status=report.status),
                  title_justify="left")
    orders = {shop.account_id: shop for shop in report.orders.shops}
    for shop in report.shops:
        pulled = orders.get(shop.account.id)
        table.add_row(shop.account.coop_code, shop.account.marketplace, shop.account.shop_id,
                      _counts(shop.ok), _counts(shop.failed), str(pulled.orders_new) if pulled else "—")
    return table


def _print_feeds(report: SyncReport, console: Console) -> None:
    """Where each feed shop's new workbooks are, for its clerk to upload."""
    from catalog.i18n import t

    accounts = {shop.account.id: shop.account for shop in report.shops}
    for feed in report.feeds:
        account = accounts[feed.account_id]
        shop = f"#{account.id} {account.coop_code} · {account.marketplace}"
        written = t("cli_sync_feed_written", shop=shop, full=feed.full_path, changes=feed.changes_path)
        console.print(escape(written), soft_wrap=True)  # soft wrap: a long path stays whole, to copy


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{kind} {n}" for kind, n in sorted(counts.items())) or "0"


def _print_unknown_skus(orders: OrdersReport, console: Console) -> None:
    from catalog.i18n import t

    for shop in orders.shops:
        if shop.unknown_skus:
            unknown = escape(", ".join(sorted(set(shop.unknown_skus))))  # typed by a seller: not markup
            said = t("cli_sync_unknown_skus", skus=unknown)
            console.print(f"[yellow]{shop.marketplace} #{shop.account_id}: {said}[/yellow]")


def _print_problems(report: SyncReport | OrdersReport, console: Console) -> None:
    from catalog.i18n import t
    from syndicator.engine import SyncReport

    orders = report.orders if isinstance(report, SyncReport) else report
    for shop in orders.shops:
        if shop.error:
            said = t("cli_sync_orders_failed", error=shop.error)
            console.print(f"[red]{shop.marketplace} #{shop.account_id}: {said}[/red]")
    _print_unknown_skus(orders, console)
    for shop in getattr(report, "shops", []):
        for error in shop.errors:
            console.print(f"[red]{shop.account.marketplace} #{shop.account.id}: {error}[/red]")
    for account in getattr(report, "busy", []):
        console.print(f"[yellow]{account.marketplace} #{account.id}: {t('cli_sync_shop_busy')}[/yellow]")
    if isinstance(report, SyncReport):
        _print_blocked(report.plan.blocked, console)


def _print_blocked(blocked: list, console: Console) -> None:
    """Each blocked pack with its reasons, apart from failures: nothing was sent for it."""
    from catalog.i18n import t
    from syndicator.readiness import explain

    if blocked:
        console.print(f"[yellow]{t('cli_blocked_title', n=len(blocked))}[/yellow]")
    for listing in blocked:
        reasons = "; ".join(explain(blocker) for blocker in listing.blockers)
        console.print(f"[yellow]  {escape(listing.seller_sku)} · {listing.marketplace} {listing.shop_id}: "
                      f"{escape(reasons)}[/yellow]")


def register(app: typer.Typer) -> None:
    @app.command("plan")
    def plan_command(coop: Coop = None, marketplace: MarketplaceName = None, as_json: AsJson = False) -> None:
        """Xem trước những gì sẽ gửi (không gửi gì). What a sync would send; sends nothing."""
        from catalog.i18n import t
        from catalog.money import format_vnd
        from syndicator.plan import build_plan

        plan = build_plan(open_database(), coop, marketplace)
        if as_json:
            typer.echo(json.dumps(plan.as_json(), ensure_ascii=False, indent=2))
            return
        if not plan.accounts:
            Console().print(t("cli_next_connect"))
            return
        accounts = {account.id: account for account in plan.accounts}
        columns = (t(f"cli_col_{column}") for column in ("marketplace", "sku", "action", "price", "stock"))
        title = t("cli_plan_title", actions=len(plan.actions), listings=plan.listings)
        table = Table("HTX", *columns, title=title, title_justify="left")
        for action in plan.actions:
            account = accounts[action.account_id]
            price = f"{format_vnd(action.base_price)} → {format_vnd(action.price)}"
            pushed = action.pushed_stock if action.pushed_stock is not None else "—"
            stock = t("cli_plan_stock", pushed=pushed, stock=action.stock, available=action.available)
            if action.clamped_from is not None:
                stock += "; " + t("cli_plan_clamped", reserved=action.reserved, wanted=action.clamped_from)
            elif action.heartbeat:
                stock += "; " + t("cli_plan_heartbeat")
            table.add_row(account.coop_code, account.marketplace, action.seller_sku, action.kind.value, price, stock)
        console = Console()
        console.print(table)
        for account_id, count in plan.auto_publish.items():
            account = accounts[account_id]
            console.print(t("publish_plan_auto", n=count, coop=account.coop_code, marketplace=account.marketplace))
        if not plan.actions and not plan.auto_publish and not plan.listings:
            console.print(t("publish_plan_nothing_published"))
        _print_blocked(plan.blocked, console)

    @app.command("sync")
    @exit_when_busy()
    def sync_command(
        coop: Coop = None, marketplace: MarketplaceName = None, as_json: AsJson = False,
        reconcile: Annotated[bool, typer.Option("--reconcile", help="đọc lại hàng trên sàn / read items back")] = False,
        queue: Annotated[bool, typer.Option("--queue", help="xếp vào hàng đợi cho worker (PostgreSQL) / defer one "
                                                            "job per shop to the workers")] = False,
    ) -> None:
        """Đồng bộ: đơn hàng, rồi đăng tin, giá, tồn kho. Pull orders, then push listings, prices and stock
        (``--reconcile``: first read every shop's items back, as the nightly run does; ``--queue``: one job per
        shop for the workers, returning at once)."""
        from catalog.i18n import t
        from syndicator.engine import run_sync

        if queue:
            from syndicator.commands.queue import open_queue_database
            from syndicator.tasks import defer_syncs

            deferred, waiting = defer_syncs(open_queue_database(), coop, marketplace, reconcile)
            typer.echo(t("queue_deferred", n=deferred, waiting=waiting))
            if not deferred and not waiting:
                typer.echo(t("cli_next_connect"))
            return
        engine = open_database()
        if as_json:
            report = run_sync(engine, coop, marketplace, reconcile=reconcile)
            typer.echo(json.dumps({"run_id": report.run_id, "status": report.status, **report.summary()},
                                  ensure_ascii=False, indent=2, default=str))
        else:
            console = Console()
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console) as progress:
                report = run_sync(engine, coop, marketplace, progress=MarketplaceBars(progress), reconcile=reconcile)
            console.print(_summary_table(report))
            if not report.shops:
                console.print(t("cli_next_connect"))
            _print_feeds(report, console)
            _print_problems(report, Console(stderr=True))
        if report.status == "busy":
            typer.echo(t("cli_sync_all_busy"), err=True)
            raise typer.Exit(EXIT_BUSY)
        if not report.succeeded:
            raise typer.Exit(1)
        raise typer.Exit(EXIT_BLOCKED if report.plan.blocked else 0)

    orders = typer.Typer(help="Đơn hàng. Orders.", no_args_is_help=True)
    app.add_typer(orders, name="orders")

    @orders.command("pull")
    @exit_when_busy()
    def orders_pull(coop: Coop = None, marketplace: MarketplaceName = None) -> None:
        """Lấy đơn hàng mới. Pull new and changed orders into the stock ledger."""
        from catalog.i18n import t
        from syndicator.orders import pull_orders

        report = pull_orders(open_database(), coop, marketplace)
        table = Table(t("cli_col_marketplace"), "#", *(t(f"cli_col_{column}") for column in (
            "new_orders", "changed", "movements", "error")))
        for shop in report.shops:
            table.add_row(shop.marketplace, str(shop.account_id), str(shop.orders_new), str(shop.orders_changed),
                          str(shop.movements), shop.error or "")
        Console().print(table)
        _print_unknown_skus(report, Console(stderr=True))
        raise typer.Exit(0 if report.succeeded else 1)

    @app.command("schedule")
    def schedule_command() -> None:
        """Chạy lịch đồng bộ (02:00 đối soát, 15 phút đơn hàng và tồn kho). Run the scheduler in the foreground."""
        from syndicator.schedule import run_forever
        from syndicator.tasks import uses_queue

        engine = open_database()
        if uses_queue(engine):
            from catalog.i18n import t
            from syndicator.commands.queue import start_worker

            print(t("queue_schedule_in_workers"), flush=True)
            engine.dispose()
            start_worker(4, None)
            return
        run_forever(engine)
