"""``syndicator channels connect|list``: a co-op's shops on the marketplaces. Secrets are never shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from catalog.db import database_url, init_database
from catalog.money import format_vnd
from syndicator.channels import ChannelError, connect, connect_feed, connect_sandbox, list_channels
from syndicator.secrets import SecretKeyMissing


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
        engine = init_database(database_url())
        try:
            if sandbox:
                account = connect_sandbox(engine, coop, marketplace, sandbox)
            elif feed:
                account = connect_feed(engine, coop, marketplace)
            else:
                account = connect(engine, coop, marketplace, base_url, credentials)
        except (ChannelError, SecretKeyMissing) as exc:
            Console(stderr=True).print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from None
        typer.echo(f"Đã kết nối / connected: {coop} · {marketplace} · gian hàng / shop {account.shop_id} "
                   f"(#{account.id})")

    @channels.command("list")
    def list_command(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
        """Danh sách gian hàng. Shops, state, token expiry, price rule, stock policy."""
        summaries = list_channels(init_database(database_url()))
        if as_json:
            typer.echo(json.dumps([s.model_dump(mode="json") for s in summaries], ensure_ascii=False, indent=2))
            return
        table = Table("#", "HTX", "sàn", "gian hàng", "trạng thái", "token hết hạn", "phí %", "phí/đơn", "tồn kho")
        for s in summaries:
            expiry = f"{s.access_expires_at:%Y-%m-%d %H:%M}" if s.access_expires_at else "—"
            policy = s.stock_policy
            stock = f"giữ {policy.safety_buffer}, {policy.allocation}"
            table.add_row(str(s.id), s.coop_code, s.marketplace, s.shop_id, s.state, expiry,
                          f"{s.price_rule.total_percent}%", format_vnd(s.price_rule.fixed_fee_per_order), stock)
        Console().print(table)
