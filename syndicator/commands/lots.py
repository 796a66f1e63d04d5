"""``syndicator lots add|list``: a product's lots (lô), for its trace page and its labels."""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from syndicator.commands.database import exit_when_busy, open_database

Coop = Annotated[str | None, typer.Option("--coop", help="mã HTX / co-op code")]
ProductCode = Annotated[str | None, typer.Option("--product", help="mã sản phẩm / product code")]


def _day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def register(app: typer.Typer) -> None:
    lots = typer.Typer(help="Lô hàng của sản phẩm. A product's lots.", no_args_is_help=True)
    app.add_typer(lots, name="lots")

    @lots.command("add")
    @exit_when_busy()
    def lots_add(
        coop: Annotated[str, typer.Option("--coop", help="mã HTX / co-op code")],
        product: Annotated[str, typer.Option("--product", help="mã sản phẩm / product code")],
        code: Annotated[str, typer.Option("--code", help="mã lô, ví dụ TC-2611-01 / lot code")],
        produced: Annotated[str, typer.Option("--produced", help="ngày sản xuất/thu hoạch, 20/11/2026 hoặc 2026-11-20")],
        expires: Annotated[str | None, typer.Option("--expires", help="hạn sử dụng (mặc định: theo sản phẩm)")] = None,
        quantity: Annotated[str | None, typer.Option("--quantity", help="số lượng / quantity")] = None,
        notes: Annotated[str | None, typer.Option("--notes", help="ghi chú, ví dụ hộ sản xuất / notes")] = None,
    ) -> None:
        """Thêm một lô cho sản phẩm. Add a lot to a product."""
        from catalog.db import session_scope
        from catalog.i18n import t
        from catalog.lots import LotError, add_lot

        raw = {"coop_code": coop, "product_code": product, "code": code, "produced_on": produced,
               "expires_on": expires, "quantity": quantity, "notes": notes}
        try:
            with session_scope(open_database()) as session:
                lot = add_lot(session, raw)
                shown = t("lots_added", code=lot.code, product=product.strip().upper(),
                          produced=_day(lot.produced_on), expires=_day(lot.expires_on) or t("lots_no_expiry"))
        except LotError as error:
            Console(stderr=True).print(f"[red]{escape(str(error))}[/red]")
            raise typer.Exit(1) from None
        Console().print(escape(shown))

    @lots.command("list")
    def lots_list(
        coop: Coop = None,
        product: ProductCode = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    ) -> None:
        """Danh sách lô. List lots."""
        from catalog.db import session_scope
        from catalog.i18n import t
        from catalog.lots import list_lots

        with session_scope(open_database()) as session:
            found = list_lots(session, coop_code=coop, product_code=product)
        if as_json:
            typer.echo(json.dumps(found, ensure_ascii=False, indent=2, default=date.isoformat))
            return
        if not found:
            Console().print(t("lots_none"))
            return
        table = Table()
        for heading in ("coop", "product", "code", "produced", "expires"):
            table.add_column(t(f"lots_col_{heading}"))
        table.add_column(t("lots_col_quantity"), justify="right")
        table.add_column(t("lots_col_notes"))
        for lot in found:
            table.add_row(lot["coop_code"], escape(lot["product_code"]), lot["code"], _day(lot["produced_on"]),
                          _day(lot["expires_on"]), "" if lot["quantity"] is None else str(lot["quantity"]),
                          escape(lot["notes"]))
        Console().print(table)
