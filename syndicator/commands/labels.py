"""``syndicator labels FILE.pdf``: trace labels on A4 label paper or, with ``--stall``, A5 stall signs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from syndicator.commands.database import exit_when_busy, open_database

ProductCodes = Annotated[list[str] | None, typer.Option("--product", help="mã sản phẩm (lặp lại được)")]
Skus = Annotated[list[str] | None, typer.Option("--sku", help="SKU (lặp lại được) / repeatable")]


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[red]{escape(message)}[/red]")
    raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    @app.command("labels")
    @exit_when_busy()
    def labels(
        file: Annotated[Path, typer.Argument(help="tệp PDF sẽ ghi / the PDF to write", dir_okay=False)],
        coop: Annotated[str | None, typer.Option("--coop", help="mã HTX / co-op code")] = None,
        product: ProductCodes = None,
        sku: Skus = None,
        lot: Annotated[str | None, typer.Option("--lot", help="mã lô: nhãn theo lô / lot code")] = None,
        layout: Annotated[str, typer.Option("--layout", help="khổ giấy nhãn A4: 3x8 (70×37 mm) hoặc 2x5 "
                                                              "(105×57 mm)")] = "3x8",
        price: Annotated[bool, typer.Option("--price", help="in giá bán / print the price")] = False,
        pay: Annotated[bool, typer.Option("--pay", help="mã VietQR trả đúng giá từng gói (khổ 2x5) / a payment "
                                                        "code for each pack's price (2x5)")] = False,
        stall: Annotated[bool, typer.Option("--stall", help="bảng giá A5 có mã VietQR / A5 stall sign")
                         ] = False,
    ) -> None:
        """In tem truy xuất (mã QR, mã vạch) hoặc bảng giá quầy chợ. Print trace labels or a stall sign."""
        from catalog.db import session_scope
        from catalog.i18n import t
        from syndicator.labels import (
            LAYOUTS,
            LabelsRefused,
            Selection,
            load_labels,
            load_stall_signs,
            render_labels,
            render_stall_signs,
        )

        if layout not in LAYOUTS:
            _fail(t("labels_unknown_layout", value=layout, choices=", ".join(LAYOUTS)))
        if stall and lot:
            _fail(t("labels_stall_lot"))
        if pay and not stall and layout != "2x5":
            _fail(t("labels_pay_layout"))
        selection = Selection(coop=coop, products=tuple(product or ()), skus=tuple(sku or ()), lot=lot,
                              price=price, pay=pay and not stall)
        try:
            with session_scope(open_database()) as session:
                content = load_stall_signs(session, selection) if stall else load_labels(session, selection)
        except LabelsRefused as refused:
            _fail(str(refused))
        if not content:
            _fail(t("labels_nothing"))
        if stall:
            for sign in content:
                if sign.payment_problem:
                    Console(stderr=True).print(f"[yellow]{escape(sign.payment_problem)}[/yellow]")
            file.write_bytes(render_stall_signs(content))
            Console().print(escape(t("labels_stall_written", count=len(content), file=file)), soft_wrap=True)
            return
        sheet = LAYOUTS[layout]
        file.write_bytes(render_labels(content, sheet))
        pages = -(-len(content) // sheet.per_page)
        said = t("labels_written", count=len(content), pages=pages, layout=layout, file=file)
        Console().print(escape(said), soft_wrap=True)
