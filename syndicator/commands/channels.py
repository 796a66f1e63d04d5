"""``syndicator channels connect|reconnect|list``: a co-op's shops on the marketplaces. Secrets are never shown."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from syndicator.commands.catalog import open_database

if TYPE_CHECKING:
    from catalog.models import ChannelAccount
    from syndicator.channels import ChannelSummary

STATE_WORDS = {  # by ChannelState
    "connected": "đã kết nối / connected",
    "feed": "bảng tính / spreadsheet feed",
    "needs_reauthorisation": "cần kết nối lại / must be connected again",
}


def _connected(work: Callable[[], ChannelAccount]) -> ChannelAccount:
    """The account ``work`` connected; a refusal is printed in red and the command exits 1."""
    from syndicator.channels import ChannelError
    from syndicator.secrets import SecretKeyMissing

    try:
        return work()
    except (ChannelError, SecretKeyMissing) as exc:
        Console(stderr=True).print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


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
    ) -> None:
        """Kết nối gian hàng. Connect a shop (sandbox, real host with credentials, or spreadsheet feed)."""
        chosen = [bool(sandbox), bool(base_url or credentials), feed]
        if sum(chosen) != 1 or (base_url is None) != (credentials is None):
            Console(stderr=True).print(
                "[red]chọn đúng một: --sandbox URL | --base-url URL --credentials FILE | --feed / "
                "choose exactly one of these[/red]")
            raise typer.Exit(2)
        from syndicator.channels import connect, connect_feed, connect_sandbox

        engine = open_database()
        if sandbox:
            account = _connected(lambda: connect_sandbox(engine, coop, marketplace, sandbox))
        elif feed:
            account = _connected(lambda: connect_feed(engine, coop, marketplace))
        else:
            account = _connected(lambda: connect(engine, coop, marketplace, base_url, credentials))
        typer.echo(f"Đã kết nối / connected: {coop} · {marketplace} · gian hàng / shop {account.shop_id} "
                   f"(#{account.id})")

    @channels.command("reconnect")
    def reconnect_command(
        account_id: Annotated[int, typer.Argument(help="số # của gian hàng trong `channels list` / its # there")],
    ) -> None:
        """Kết nối lại gian hàng sandbox. Authorise a sandbox shop again once its tokens are refused.

        On a real marketplace: get a new code from it and run `channels connect --base-url … --credentials FILE`
        with the code in the file; the same shop is updated."""
        from syndicator.channels import reconnect_sandbox

        account = _connected(lambda: reconnect_sandbox(open_database(), account_id))
        typer.echo(f"Đã kết nối lại / connected again: {account.marketplace} · gian hàng / shop {account.shop_id} "
                   f"(#{account.id})")

    @channels.command("list")
    def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Danh sách gian hàng. Shops, state, token expiry, price rule, stock policy."""
        from catalog.models import ChannelState
        from catalog.money import format_vnd
        from syndicator.channels import list_channels, reconnect_hint

        summaries = list_channels(open_database())
        if as_json:
            typer.echo(json.dumps([s.model_dump(mode="json") for s in summaries], ensure_ascii=False, indent=2))
            return
        table = Table("#", "HTX", "sàn", "gian hàng", "trạng thái", "token hết hạn", "phí %", "phí/đơn", "tồn kho")
        for s in summaries:
            expiry = f"{s.access_expires_at:%Y-%m-%d %H:%M}" if s.access_expires_at else "—"
            policy = s.stock_policy
            stock = f"giữ {policy.safety_buffer}, {policy.allocation}"
            table.add_row(str(s.id), s.coop_code, s.marketplace, s.shop_id, STATE_WORDS.get(s.state, s.state), expiry,
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
        from syndicator.channels import ChannelError
        from syndicator.feeds import confirm_upload

        engine = open_database()
        try:
            confirmed = confirm_upload(engine, account_id)
        except ChannelError as exc:
            Console(stderr=True).print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        typer.echo(f"Đã xác nhận / confirmed: {confirmed} tin đăng đang bán / listings now live (#{account_id})")


def _print_feed(console: Console, summary: ChannelSummary) -> None:
    """Where a feed-only shop's latest workbooks are, and what still waits for the clerk's upload."""
    where = f"#{summary.id} {summary.coop_code} · {summary.marketplace}"
    if summary.feed_full_path is None:
        console.print(f"{where}: chưa có bảng tính / no feed written yet (run `syndicator sync`)")
        return
    console.print(f"{where}: bảng đầy đủ / full workbook {summary.feed_full_path}")
    console.print(f"{where}: bảng thay đổi / changes workbook {summary.feed_changes_path}")
    if summary.awaiting_upload:
        console.print(f"[yellow]{where}: {summary.awaiting_upload} tin chờ đăng tải / listings awaiting upload; "
                      f"sau khi tải lên / once uploaded: syndicator channels confirm-upload {summary.id}[/yellow]")
