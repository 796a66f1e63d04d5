"""``syndicator channels connect|reconnect|list``: a co-op's shops on the marketplaces. Secrets are never shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from syndicator.commands.database import open_database

if TYPE_CHECKING:
    from catalog.models import ChannelAccount
    from syndicator.adopt import AdoptionReport
    from syndicator.channels import ChannelSummary


def _connected(work: Callable[[], ChannelAccount]) -> ChannelAccount:
    """The account ``work`` connected; a refusal is printed in red and the command exits 1."""
    from syndicator.channels import ChannelError
    from syndicator.secrets import SecretKeyMissing

    try:
        return work()
    except (ChannelError, SecretKeyMissing) as exc:
        Console(stderr=True).print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


def _read_setup(engine, account: ChannelAccount) -> None:
    """A new shop on a marketplace with a category tree has it read at once (else the first sync reads it); a
    failure only warns, as the sync will try again."""
    import httpx

    from adapters.common.errors import MarketplaceError
    from catalog.i18n import t
    from syndicator.channels import reads_setup
    from syndicator.setup import refresh_setup

    if not reads_setup(account):
        return
    try:
        done = refresh_setup(engine, account.id)
    except (MarketplaceError, httpx.HTTPError) as exc:
        Console(stderr=True).print(f"[yellow]{t('setup_not_read', id=account.id, error=exc)}[/yellow]")
        return
    typer.echo(t("setup_read", id=account.id, categories=done.categories, leaves=done.leaves,
                 read=done.leaves_read, logistics=done.logistics))


def register(app: typer.Typer) -> None:
    channels = typer.Typer(help="Gian hàng trên các sàn. A co-op's shops on the marketplaces.", no_args_is_help=True)
    app.add_typer(channels, name="channels")

    @channels.command("connect")
    def connect_command(
        coop: Annotated[str, typer.Option("--coop", help="mã HTX / co-op code")],
        marketplace: Annotated[str, typer.Option("--marketplace", help="shopee, lazada, voso, postmart, thainguyentrade")],
        sandbox: Annotated[str | None, typer.Option("--sandbox", help="sandbox base URL")] = None,
        base_url: Annotated[str | None, typer.Option("--base-url", help="real marketplace host")] = None,
        credentials: Annotated[Path | None, typer.Option("--credentials", help="JSON credentials file")] = None,
        feed: Annotated[bool, typer.Option("--feed", help="no API: spreadsheet feed")] = False,
        publish_all: Annotated[bool, typer.Option(
            "--publish-all", help="đăng mọi sản phẩm và tự đăng sản phẩm mới / publish everything, and new products")] = False,
    ) -> None:
        """Kết nối gian hàng. Connect a shop (sandbox, real host with credentials, or spreadsheet feed).

        Connecting publishes nothing: choose what to sell there with `syndicator publish`, or connect with
        `--publish-all` to publish every product now and each new one automatically."""
        from catalog.i18n import t

        chosen = [bool(sandbox), bool(base_url or credentials), feed]
        if sum(chosen) != 1 or (base_url is None) != (credentials is None):
            Console(stderr=True).print(f"[red]{t('cli_connect_choose_one')}[/red]")
            raise typer.Exit(2)
        from syndicator.channels import connect, connect_feed, connect_sandbox

        engine = open_database()
        if sandbox:
            account = _connected(lambda: connect_sandbox(engine, coop, marketplace, sandbox, publish_all=publish_all))
        elif feed:
            account = _connected(lambda: connect_feed(engine, coop, marketplace, publish_all=publish_all))
        else:
            account = _connected(lambda: connect(engine, coop, marketplace, base_url, credentials,
                                                 publish_all=publish_all))
        typer.echo(t("cli_connected", coop=coop, marketplace=marketplace, shop=account.shop_id, id=account.id))
        _read_setup(engine, account)
        typer.echo(t("publish_connected_all" if publish_all else "publish_connected_none", coop=coop))

    @channels.command("reconnect")
    def reconnect_command(
        account_id: Annotated[int, typer.Argument(help="số # của gian hàng trong `channels list` / its # there")],
    ) -> None:
        """Kết nối lại gian hàng sandbox. Authorise a sandbox shop again once its tokens are refused.

        On a real marketplace: get a new code from it and run `channels connect --base-url … --credentials FILE`
        with the code in the file; the same shop is updated."""
        from catalog.i18n import t
        from syndicator.channels import reconnect_sandbox

        account = _connected(lambda: reconnect_sandbox(open_database(), account_id))
        typer.echo(t("cli_reconnected", marketplace=account.marketplace, shop=account.shop_id, id=account.id))

    @channels.command("auto-publish")
    def auto_publish_command(
        account_id: Annotated[int, typer.Argument(help="số # của gian hàng trong `channels list` / its # there")],
        on: Annotated[bool, typer.Option("--on/--off", help="bật / tắt · on / off")],
    ) -> None:
        """Đăng tự động sản phẩm mới (bật/tắt). Whether the shop publishes new products by itself at each sync."""
        from catalog.i18n import t
        from syndicator.channels import set_auto_publish

        account = _connected(lambda: set_auto_publish(open_database(), account_id, on))
        typer.echo(t("publish_auto_on" if on else "publish_auto_off", id=account.id, shop=account.shop_id))

    @channels.command("refresh-setup")
    def refresh_setup_command(
        account_id: Annotated[int, typer.Argument(help="số # của gian hàng trong `channels list` / its # there")],
    ) -> None:
        """Đọc lại danh mục ngành hàng, thuộc tính, thương hiệu, vận chuyển của sàn. Read the marketplace's
        categories, mapped leaves' attributes, brands and limits, and the shop's logistics channels again."""
        import httpx

        from adapters.common.errors import MarketplaceError
        from catalog.i18n import t
        from syndicator.setup import refresh_setup

        try:
            done = refresh_setup(open_database(), account_id)
        except (MarketplaceError, httpx.HTTPError, NotImplementedError, ValueError) as exc:
            Console(stderr=True).print(f"[red]{t('setup_not_read', id=account_id, error=exc)}[/red]")
            raise typer.Exit(1) from None
        typer.echo(t("setup_read", id=account_id, categories=done.categories, leaves=done.leaves,
                     read=done.leaves_read, logistics=done.logistics))

    @channels.command("list")
    def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Danh sách gian hàng. Shops, state, token expiry, price rule, stock policy."""
        from catalog.i18n import t
        from catalog.models import ChannelState
        from catalog.money import format_vnd
        from syndicator.channels import list_channels, reconnect_hint

        summaries = list_channels(open_database())
        if as_json:
            typer.echo(json.dumps([s.model_dump(mode="json") for s in summaries], ensure_ascii=False, indent=2))
            return
        if not summaries:
            Console().print(t("cli_next_connect"))
            return
        table = Table("#", "HTX", *(t(f"cli_col_{column}") for column in (
            "marketplace", "shop", "state", "token_expiry", "fee_percent", "fee_per_order", "stock")))
        for s in summaries:
            expiry = f"{s.access_expires_at:%Y-%m-%d %H:%M}" if s.access_expires_at else "—"
            policy = s.stock_policy
            stock = t("cli_stock_policy", buffer=policy.safety_buffer, allocation=policy.allocation)
            if policy.zero_at_or_below:
                stock += t("cli_stock_policy_threshold", threshold=policy.zero_at_or_below)
            table.add_row(str(s.id), s.coop_code, s.marketplace, s.shop_id, t(f"cli_channel_state_{s.state}"), expiry,
                          f"{s.price_rule.total_percent}%", format_vnd(s.price_rule.fixed_fee_per_order), stock)
        console = Console()
        console.print(table)
        for s in summaries:
            if s.state == ChannelState.needs_reauthorisation:
                console.print(f"[yellow]{reconnect_hint(s.id, s.marketplace)}[/yellow]")
            if s.state == ChannelState.feed:
                _print_feed(console, s)

    @channels.command("confirm-upload")
    def confirm_upload_command(
        account_id: Annotated[int, typer.Argument(help="số # của gian hàng trong `channels list` / its # there")],
    ) -> None:
        """Xác nhận đã đăng tải bảng tính. The shop's feed was uploaded in the floor's seller centre: its
        listings awaiting upload are now live."""
        from catalog.i18n import t
        from syndicator.channels import ChannelError
        from syndicator.feeds import confirm_upload

        engine = open_database()
        try:
            confirmed = confirm_upload(engine, account_id)
        except ChannelError as exc:
            Console(stderr=True).print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        typer.echo(t("cli_upload_confirmed", count=confirmed, id=account_id))

    @channels.command("adopt")
    def adopt_command(
        account_id: Annotated[int, typer.Argument(help="số # của gian hàng trong `channels list` / its # there")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="chỉ xem, không gắn / show only, bind nothing")] = False,
        as_json: Annotated[bool, typer.Option("--json")] = False,
        choose: Annotated[list[str] | None, typer.Option(
            "--choose", help="chọn hàng cho SKU mơ hồ / SKU=ITEM_ID for an ambiguous SKU")] = None,
    ) -> None:
        """Nhận tin đăng có sẵn. Bind the items a shop already sells to the co-op's SKUs (by seller SKU, then
        barcode where the adapter reads one back: none does yet) without creating anything; list what is only
        on the marketplace and only in the catalogue."""
        from adapters.common.errors import MarketplaceError
        from catalog.i18n import t
        from syndicator.adopt import adopt
        from syndicator.channels import ChannelError

        choices = dict(part.split("=", 1) for part in (choose or []) if "=" in part)
        if len(choices) != len(choose or []):
            Console(stderr=True).print(f"[red]{t('cli_adopt_choose_format')}[/red]")
            raise typer.Exit(2)
        try:
            report = adopt(open_database(), account_id, dry_run=dry_run, choices=choices)
        except (ChannelError, MarketplaceError) as exc:
            Console(stderr=True).print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        if as_json:
            typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
            return
        _print_adoption(Console(), report)


def _print_adoption(console: Console, report: AdoptionReport) -> None:
    from rich.markup import escape

    from catalog.i18n import t

    title = "cli_adopt_title_dry" if report.dry_run else "cli_adopt_title"
    console.print(t(title, id=report.account_id, marketplace=report.marketplace, adopted=len(report.adopted),
                    bound=len(report.already_bound)))
    if report.adopted:
        table = Table("SKU", t("cli_col_item"), t("cli_col_matched_by"))
        for adoption in report.adopted:
            table.add_row(adoption.seller_sku, adoption.item_id, t(f"cli_adopt_by_{adoption.by}"))
        console.print(table)
    for seller_sku, items in report.ambiguous.items():  # names and SKUs typed by sellers: not markup
        candidates = ", ".join(f"{item.item_id} ({escape(item.name or '')})" for item in items)
        console.print(f"[yellow]{t('cli_adopt_ambiguous', sku=escape(seller_sku), items=candidates)}[/yellow]")
    if report.marketplace_only:
        listed = ", ".join(f"{item.item_id} {escape(item.seller_sku)}" for item in report.marketplace_only)
        console.print(t("cli_adopt_marketplace_only", count=len(report.marketplace_only), items=listed))
    if report.catalogue_only:
        console.print(t("cli_adopt_catalogue_only", count=len(report.catalogue_only),
                        skus=", ".join(report.catalogue_only)))


def _print_feed(console: Console, summary: ChannelSummary) -> None:
    """Where a feed-only shop's latest workbooks are, and what still waits for the clerk's upload."""
    from catalog.i18n import t

    where = f"#{summary.id} {summary.coop_code} · {summary.marketplace}"
    if summary.feed_full_path is None:
        console.print(t("cli_feed_none", shop=where))
        return
    console.print(t("cli_feed_full", shop=where, path=summary.feed_full_path))
    console.print(t("cli_feed_changes", shop=where, path=summary.feed_changes_path))
    if summary.awaiting_upload:
        console.print(f"[yellow]{t('cli_feed_awaiting', shop=where, count=summary.awaiting_upload, id=summary.id)}"
                      "[/yellow]")
