"""``syndicator coops add|list``, ``import``, ``export`` and ``stock show|adjust``.

Like every module of ``syndicator/commands/``, it imports at its top only what registering its commands
needs; each command imports the rest, so ``syndicator --help`` starts fast (``bench/startup.py``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from syndicator.commands.database import exit_when_busy, open_database

if TYPE_CHECKING:
    from catalog.importer import ImportReport

SHOWN_CHANGES = 50


def console() -> Console:
    return Console()


def errors() -> Console:
    return Console(stderr=True)


def _fail(message: str, code: int = 1) -> None:
    errors().print(f"[red]{message}[/red]")
    raise typer.Exit(code)


def _cli_actor() -> str:
    """Who records a stock movement from the command line: ``cli:`` and the operating-system user."""
    import getpass
    import os

    try:
        return f"cli:{getpass.getuser()}"[:80]
    except (OSError, KeyError):  # no login name in the environment and none in the password database
        return f"cli:{os.getuid()}"


def _progress() -> Progress:
    return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=console(), transient=False)


def _print_errors(report: ImportReport) -> None:
    from catalog.i18n import t

    table = Table(title=t("cli_bad_file"), title_justify="left")
    for heading in ("col_row", "col_column", "col_problem"):
        table.add_column(t(heading))
    for error in report.errors:
        table.add_row(str(error.row), error.column, error.message)
    errors().print(table)
    errors().print(report.summary())


def _print_changes(report: ImportReport) -> None:
    from catalog.i18n import t
    from catalog.spreadsheet import header_label

    if not report.changes:
        return
    table = Table()
    for heading in ("col_row", "SKU", "col_change"):
        table.add_column(heading if heading == "SKU" else t(heading))
    for change in report.changes[:SHOWN_CHANGES]:
        created = {"product": t("col_product"), "sku": "SKU"}
        fields = ", ".join(created.get(name) or header_label(name) for name in change.fields)
        table.add_row(str(change.row), change.sku, f"{t('change_' + change.action)}: {fields}")
    console().print(table)
    if len(report.changes) > SHOWN_CHANGES:
        console().print(f"… +{len(report.changes) - SHOWN_CHANGES}")


def register(app: typer.Typer) -> None:
    coops = typer.Typer(help="Hợp tác xã. Co-operatives.", no_args_is_help=True)
    stock = typer.Typer(help="Tồn kho (sổ kho). Stock from the ledger.", no_args_is_help=True)
    app.add_typer(coops, name="coops")
    app.add_typer(stock, name="stock")

    @coops.command("add")
    def coops_add(
        code: Annotated[str, typer.Argument(help="mã HTX, ví dụ HTX-TANCUONG / co-op code")],
        name: Annotated[str, typer.Option("--name", help="tên HTX / co-op name")],
        commune: Annotated[str | None, typer.Option("--commune", help="xã/phường (danh mục 2025)")] = None,
    ) -> None:
        """Thêm hợp tác xã. Register a co-op."""
        from catalog.coops import CoopError, add_coop
        from catalog.db import session_scope
        from catalog.i18n import t

        try:
            with session_scope(open_database()) as session:
                coop = add_coop(session, code, name, commune)
        except CoopError as error:
            _fail(str(error))
        console().print(t("cli_coop_added", code=coop.code, name=coop.name)
                      + (f" ({coop.commune_name} · {coop.commune_code})" if coop.commune_name else ""))

    @coops.command("set")
    def coops_set(
        code: Annotated[str, typer.Argument(help="mã HTX / co-op code")],
        phone: Annotated[str | None, typer.Option("--phone", help="điện thoại (trang truy xuất) / phone")] = None,
        address: Annotated[str | None, typer.Option("--address", help="địa chỉ / address")] = None,
        bank_bin: Annotated[str | None, typer.Option("--bank-bin", help="mã BIN ngân hàng NAPAS, ví dụ 970436")] = None,
        bank_account: Annotated[str | None, typer.Option("--bank-account", help="số tài khoản / account")] = None,
        bank_name: Annotated[str | None, typer.Option("--bank-name", help="tên chủ tài khoản / holder")] = None,
    ) -> None:
        """Liên hệ và tài khoản ngân hàng (mã VietQR) của HTX; để trống ("") là xoá. A co-op's contact and bank."""
        from catalog.coops import CoopError, update_contact
        from catalog.db import session_scope
        from catalog.i18n import t

        given = {"phone": phone, "address": address, "bank_bin": bank_bin, "bank_account": bank_account,
                 "bank_account_name": bank_name}
        try:
            with session_scope(open_database()) as session:
                coop = update_contact(session, code, **{k: v for k, v in given.items() if v is not None})
        except CoopError as error:
            _fail(str(error))
        console().print(t("cli_coop_contact", code=coop.code, phone=coop.phone or "—", address=coop.address or "—",
                          bank=f"{coop.bank_bin} · {coop.bank_account} · {coop.bank_account_name}"
                          if coop.bank_account else "—"))

    @coops.command("list")
    def coops_list() -> None:
        """Danh sách hợp tác xã. List co-ops."""
        from catalog.coops import list_coops
        from catalog.i18n import t

        with open_database().connect() as connection:
            found = list_coops(connection)
        if not found:
            console().print(t("cli_no_coops"))
            return
        table = Table()
        for heading in ("col_code", "col_name", "col_commune", "col_products"):
            table.add_column(t(heading))
        table.add_column("SKU", justify="right")
        for coop in found:
            table.add_row(coop.code, coop.name, coop.commune or "", str(coop.products), str(coop.skus))
        console().print(table)

    @app.command("import")
    @exit_when_busy()
    def import_(
        file: Annotated[Path, typer.Argument(help=".xlsx, .csv, hoặc .zip chứa bảng tính và thư mục ảnh",
                                             exists=True, dir_okay=False)],
        coop: Annotated[str | None, typer.Option("--coop", help="mã HTX cho các dòng không ghi")] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="chỉ báo sẽ đổi gì, không ghi")] = False,
    ) -> None:
        """Nhập danh mục từ bảng tính (mọi dòng hoặc không dòng nào); ảnh ghi trong cột «ảnh» là tệp cạnh bảng
        tính (hoặc trong tệp .zip) hay địa chỉ https://. Import a catalogue spreadsheet, or a .zip of it and its
        photos."""
        from catalog.i18n import t
        from catalog.importer import import_file

        engine = open_database()
        with _progress() as bar:
            task = bar.add_task(t("cli_reading", file=file.name), total=None)
            report = import_file(engine, file, coop_code=coop, dry_run=dry_run,
                                 progress=lambda done, total: bar.update(task, completed=done, total=total))
        for warning in report.warnings:
            errors().print(f"[yellow]{warning}[/yellow]")
        if report.errors:
            _print_errors(report)
            raise typer.Exit(1)
        if dry_run:
            _print_changes(report)
        console().print(report.summary())

    @app.command("export")
    def export(
        file: Annotated[Path, typer.Argument(help=".xlsx hoặc .csv", dir_okay=False)],
        coop: Annotated[str | None, typer.Option("--coop", help="chỉ một HTX / one co-op only")] = None,
    ) -> None:
        """Xuất danh mục ra bảng tính (an toàn với công thức). Export the catalogue (formula-safe)."""
        from catalog.i18n import t
        from catalog.spreadsheet import export_file

        engine = open_database()
        with _progress() as bar:
            task = bar.add_task(file.name, total=None)
            rows = export_file(engine, file, coop_code=coop,
                               progress=lambda done, total: bar.update(task, completed=done, total=total))
        console().print(t("cli_exported", rows=rows, file=file))

    @stock.command("show")
    def stock_show(
        coop: Annotated[str | None, typer.Option("--coop", help="mã HTX")] = None,
        sku: Annotated[str | None, typer.Option("--sku", help="một SKU")] = None,
    ) -> None:
        """Tồn kho theo sổ kho. Stock derived from the ledger."""
        import sqlalchemy as sa

        from catalog.db import session_scope
        from catalog.i18n import t
        from catalog.models import Coop, Product, Sku
        from catalog.stock import stock_levels

        query = (sa.select(Sku.id, Sku.sku, Product.name, Sku.variant).join(Product, Product.id == Sku.product_id)
                 .join(Coop, Coop.id == Product.coop_id).order_by(Coop.code, Sku.sku))
        if coop:
            query = query.where(Coop.code == coop.strip().upper())
        if sku:
            query = query.where(Sku.sku == sku.strip().upper())
        with session_scope(open_database()) as session:
            rows = session.execute(query).all()
            levels = stock_levels(session, [row[0] for row in rows])
        if sku and not rows:
            _fail(t("sku_unknown", value=sku))
        table = Table()
        table.add_column("SKU")
        for heading in ("col_product", "col_variant"):
            table.add_column(t(heading))
        for heading in ("col_on_hand", "col_reserved", "col_available"):
            table.add_column(t(heading), justify="right")
        for sku_id, code, name, variant in rows:
            level = levels[sku_id]
            table.add_row(code, name, variant, str(level.on_hand), str(level.reserved), str(level.available))
        console().print(table)

    @stock.command("adjust", context_settings={"ignore_unknown_options": True})
    @exit_when_busy()
    def stock_adjust(
        sku: Annotated[str, typer.Argument(help="SKU")],
        quantity: Annotated[int, typer.Argument(help="số lượng (+ nhập, − xuất) / signed quantity")],
        reason: Annotated[str, typer.Option("--reason", help="lý do / why")],
        receipt: Annotated[bool, typer.Option("--receipt", help="nhập kho (hàng về) / goods received")] = False,
        lot: Annotated[str | None, typer.Option("--lot", help="mã lô của lần nhập / the receipt's lot")] = None,
    ) -> None:
        """Ghi một lần nhập kho hoặc điều chỉnh. Record a receipt or an adjustment.

        The movement's actor is ``cli:`` and the operating-system user (its uid when it has no name). One that
        would take on-hand stock below zero is refused with exit code 2; any other refusal exits 1; either way
        nothing is recorded."""
        import sqlalchemy as sa

        from catalog.db import session_scope
        from catalog.i18n import t
        from catalog.lots import LotError, receipt_lot_id
        from catalog.models import Sku
        from catalog.stock import StockBelowZero, StockRefused, adjust_stock

        code = sku.strip().upper()
        with session_scope(open_database()) as session:
            sku_id = session.execute(sa.select(Sku.id).where(Sku.sku == code)).scalar()
            if sku_id is None:
                _fail(t("sku_unknown", value=code))
            try:
                lot_id = receipt_lot_id(session, sku_id, lot) if lot else None
                level = adjust_stock(session, sku_id, quantity, reason, receipt=receipt, lot_id=lot_id,
                                     actor=_cli_actor())
            except StockBelowZero as refused:
                _fail(str(refused), code=2)
            except (StockRefused, LotError) as refused:
                _fail(str(refused))
        console().print(t("cli_adjusted", sku=code, on_hand=level.on_hand, reserved=level.reserved,
                        available=level.available))
