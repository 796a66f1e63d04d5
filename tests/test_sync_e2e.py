"""End to end with every marketplace sandbox: connect, sync, sell, cancel. Syncs reach the sandbox apps
in-process; the command-line run goes over their sockets, as the program does."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import asyncio
import shutil
import time

import sqlalchemy as sa
from sqlmodel import Session
from typer.testing import CliRunner

from catalog.models import ChannelAccount, Listing, Order, StockMovement, SyncEvent
from catalog.pricing import channel_price
from syndicator.channels import Reach, default_price_rule
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.orders import OrdersReport, pull_orders_async
from syndicator.plan import account_scopes
from tests.support.sandboxes import CATALOGUE, connect_all, product_picture, sandboxes, seed_catalogue  # noqa: F401 (fixture)


def after_the_second() -> None:
    """Marketplaces list orders by whole-second update times (Shopee's ``time_to``): let the second pass."""
    time.sleep(1.05)


def pull_orders(engine, reach: Reach) -> OrdersReport:
    """Only the orders step of a sync, for every shop."""
    return asyncio.run(pull_orders_async(engine, account_scopes(engine), reach))


STOCK = {sku: stock for *_, sku, _price, _weight, stock in CATALOGUE}
PRICE = {sku: price for *_, sku, price, _weight, _stock in CATALOGUE}


def test_first_sync_lists_every_sku_once_on_every_marketplace_at_its_rule_price(engine, sandboxes,
                                                                                in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    report = run_sync(engine, reach=in_process)

    assert report.succeeded, report.summary()
    for name, sandbox in sandboxes.items():
        items = sandbox.items()
        assert sorted(item["seller_sku"] for item in items) == sorted(STOCK), name
        for item in items:
            sku = item["seller_sku"]
            assert item["price"] == channel_price(PRICE[sku], default_price_rule(name)), (name, sku)
            assert item["stock"] == STOCK[sku], (name, sku)


def test_second_sync_with_nothing_changed_sends_no_writes(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    writes = {name: sandbox.writes() for name, sandbox in sandboxes.items()}

    report = run_sync(engine, reach=in_process)

    assert report.succeeded
    assert report.plan.actions == []
    assert {name: sandbox.writes() for name, sandbox in sandboxes.items()} == writes


def test_a_sale_on_one_marketplace_lowers_stock_on_all_others_and_a_cancellation_restores_it(
    engine, sandboxes, in_process
):
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    seller, *others = sandboxes
    order = sandboxes[seller].order(shops[seller], "TC-CHE-200G", 3)
    after_the_second()

    run_sync(engine, reach=in_process)

    for name in others:
        assert sandboxes[name].item("TC-CHE-200G")["stock"] == STOCK["TC-CHE-200G"] - 3, name
    sandboxes[seller].cancel(order["order_id"])
    after_the_second()

    run_sync(engine, reach=in_process)

    for name in sandboxes:
        assert sandboxes[name].item("TC-CHE-200G")["stock"] == STOCK["TC-CHE-200G"], name


def test_a_returned_order_puts_its_units_back_everywhere_once(engine, sandboxes, in_process):
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    order = sandboxes["lazada"].order(shops["lazada"], "TC-MATONG-500", 2)
    after_the_second()
    run_sync(engine, reach=in_process)
    sandboxes["lazada"].mark_returned(order["order_id"])
    after_the_second()

    run_sync(engine, reach=in_process)
    run_sync(engine, reach=in_process)

    for name in sandboxes:
        assert sandboxes[name].item("TC-MATONG-500")["stock"] == STOCK["TC-MATONG-500"], name
    with Session(engine) as session:
        returned = session.execute(sa.select(StockMovement.quantity).where(StockMovement.kind == "return")).all()
        status = session.execute(sa.select(Order.status)).scalar_one()
    assert (returned, status) == ([(2,)], "returned")


def test_pulling_the_same_orders_twice_changes_nothing(engine, sandboxes, in_process):
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)
    for name, sandbox in sandboxes.items():
        sandbox.order(shops[name], "TC-MATONG-500", 1)
    after_the_second()

    first = pull_orders(engine, in_process)
    with Session(engine) as session:
        account_ids = session.execute(sa.select(ChannelAccount.id)).scalars().all()
        session.execute(sa.update(ChannelAccount).values(orders_watermark=None))
        session.commit()
    second = pull_orders(engine, in_process)

    assert first.succeeded and second.succeeded
    assert first.movements == len(sandboxes)
    assert second.movements == 0
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(Order)) == len(account_ids)
        sales = session.scalar(sa.select(sa.func.sum(StockMovement.quantity)).where(StockMovement.kind == "sale"))
    assert sales == -len(sandboxes)


def test_one_marketplace_failing_does_not_stop_the_others_and_the_next_sync_catches_up(engine, sandboxes, in_process):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    broken, *healthy = sandboxes
    sandboxes[broken].faults(error_rate=1.0)

    report = run_sync(engine, reach=in_process)

    assert not report.succeeded
    for name in healthy:
        assert len(sandboxes[name].items()) == len(STOCK), name
    with Session(engine) as session:
        errors = session.execute(
            sa.select(Listing.last_error).join(ChannelAccount).where(ChannelAccount.marketplace == broken)
        ).scalars().all()
    assert errors and all(errors)
    with Session(engine) as session:
        events = session.execute(
            sa.select(SyncEvent.outcome, SyncEvent.error_kind, SyncEvent.message)
            .join(ChannelAccount, SyncEvent.channel_account_id == ChannelAccount.id)
            .where(SyncEvent.run_id == report.run_id, ChannelAccount.marketplace == broken)
        ).all()
    assert events and all(outcome == "error" and kind and message for outcome, kind, message in events)
    sandboxes[broken].faults(error_rate=0.0)

    again = run_sync(engine, reach=in_process)

    assert again.succeeded, again.summary()
    assert sorted(i["seller_sku"] for i in sandboxes[broken].items()) == sorted(STOCK)


def test_import_connect_and_sync_from_the_command_line(engine, database_url, sandboxes, tmp_path, monkeypatch):
    """A clerk's spreadsheet with its photo folder, every shop connected, the categories mapped by the
    marketplaces' suggestions: the first sync lists everything ready and names what the rest lack; once the
    admin fills the attributes the co-op's products share, the next sync lists the rest."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    sheet = tmp_path / "danh-muc.csv"
    (tmp_path / "anh").mkdir()
    shutil.copy(product_picture(), tmp_path / "anh" / "che-bup.jpg")
    sheet.write_text(
        "mã sản phẩm,tên sản phẩm,mô tả,danh mục,SKU,quy cách,giá bán,tồn kho,khối lượng (g),dài (cm),rộng (cm),"
        "cao (cm),hạn sử dụng (ngày),ảnh\n"
        "CHE-TAN-CUONG,Chè búp Tân Cương đặc biệt,Chè búp một tôm hai lá sao tay,Chè,TC-CHE-200G,Gói 200g,"
        "120.000 ₫,40,200,18,10,6,365,anh/che-bup.jpg\n"
        "MIEN-NA-RI,Miến dong Na Rì loại 1,Miến dong riềng Na Rì phơi nắng tự nhiên,Thực phẩm khô,NR-MIEN-500G,"
        "Gói 500g,65000,30,500,25,15,5,180,anh/che-bup.jpg\n",
        encoding="utf-8",
    )
    cli = CliRunner()

    steps = [
        cli.invoke(app, ["coops", "add", "HTX-TANCUONG", "--name", "HTX Chè Tân Cương"]),
        cli.invoke(app, ["import", str(sheet), "--coop", "HTX-TANCUONG"]),
        *(cli.invoke(app, ["channels", "connect", "--coop", "HTX-TANCUONG", "--marketplace", name,
                           "--sandbox", sandbox.url]) for name, sandbox in sandboxes.items()),
        *(cli.invoke(app, ["mapping", "suggest", "--marketplace", name, "--all", "--save"])
          for name in ("shopee", "lazada")),
        cli.invoke(app, ["publish", "--coop", "HTX-TANCUONG", "--all"]),
    ]
    first = cli.invoke(app, ["sync"])
    fixes = [cli.invoke(app, ["mapping", "set", "--marketplace", name, "--category", category, "--leaf", leaf,
                              "--attribute", rule])
             for name, category, leaf, rule in (("shopee", "CHE", "101561", "101010=const:Trà xanh"),
                                                ("lazada", "CHE", "10011", "tea_type=const:Trà xanh"),
                                                ("lazada", "THUC-PHAM-KHO", "10022", "ingredients=const:Củ dong riềng"))]
    second = cli.invoke(app, ["sync"])

    assert [step.exit_code for step in steps + fixes] == [0] * len(steps + fixes), (steps + fixes)[-1].output
    assert first.exit_code == 3, first.output
    assert "Loại trà" in first.output
    assert second.exit_code == 0, second.output
    for name, sandbox in sandboxes.items():
        prices = {item["seller_sku"]: item["price"] for item in sandbox.items()}
        rule = default_price_rule(name)
        assert prices == {"TC-CHE-200G": channel_price(120000, rule), "NR-MIEN-500G": channel_price(65000, rule)}
