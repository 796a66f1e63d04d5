"""``syndicator publish|unpublish``: a clerk chooses which products are sold on which shops. Connecting a
shop publishes nothing; the next sync sends what was chosen."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from syndicator.commands.database import open_database

Coop = Annotated[str | None, typer.Option("--coop", help="mã HTX / co-op code")]
MarketplaceName = Annotated[str | None, typer.Option("--marketplace", help="chỉ một sàn / one marketplace only")]
Products = Annotated[list[str] | None, typer.Option("--product", help="mã sản phẩm (nhắc lại được) / product code")]
Skus = Annotated[list[str] | None, typer.Option("--sku", help="mã SKU (nhắc lại được) / SKU")]
Everything = Annotated[bool, typer.Option("--all", help="mọi sản phẩm trong phạm vi / every product in scope")]


def _chosen_then(change: str, coop: str | None, marketplace: str | None, products: list[str] | None,
                 skus: list[str] | None, everything: bool) -> None:
    """Publish or unpublish (``change``) what the options name; a selection naming nothing, or a code that
    names nothing in scope, is refused (exit 2) and changes nothing."""
    from catalog.db import session_scope
    from catalog.i18n import t
    from syndicator import publishing
    from syndicator.channels import ChannelError, marketplace_spec

    selection = publishing.Selection(coop, marketplace, tuple(products or ()), tuple(skus or ()), everything)
    try:
        if marketplace:
            marketplace_spec(marketplace)  # a ChannelError for one unknown or switched off
        with session_scope(open_database()) as session:
            found = publishing.chosen(session, selection)
            if not found.account_ids:
                raise ChannelError(t("cli_next_connect"))
            count = getattr(publishing, change)(session, found.sku_ids, found.account_ids)
    except (publishing.NothingChosen, LookupError, ChannelError) as refused:
        Console(stderr=True).print(f"[red]{refused}[/red]")
        raise typer.Exit(2) from None
    typer.echo(t(f"publish_cli_{change}", n=count, skus=len(found.sku_ids), shops=len(found.account_ids)))


def register(app: typer.Typer) -> None:
    @app.command("publish")
    def publish_command(coop: Coop = None, marketplace: MarketplaceName = None, product: Products = None,
                        sku: Skus = None, everything: Everything = False) -> None:
        """Đăng bán sản phẩm lên gian hàng (lần đồng bộ tới sẽ gửi). Publish products or single packs on the
        co-op's shops; the next sync lists them."""
        _chosen_then("publish", coop, marketplace, product, sku, everything)

    @app.command("unpublish")
    def unpublish_command(coop: Coop = None, marketplace: MarketplaceName = None, product: Products = None,
                          sku: Skus = None, everything: Everything = False) -> None:
        """Ngừng bán trên gian hàng (giữ liên kết). Take products or packs off the shops at the next sync; the
        item is unlisted and its binding kept."""
        _chosen_then("unpublish", coop, marketplace, product, sku, everything)
