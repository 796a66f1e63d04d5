"""Stock in seconds, over real HTTP: ``syndicator serve`` runs as the program runs, registers its push address with
the sandboxes, and they push each order event to it; no sync is started by hand. A sale on one marketplace
lowers the stock on the four others within seconds, and its cancellation puts it back; a burst of sales of
one SKU is one stock push per other shop; a push that never arrives is caught by the lost-message fetch
(Shopee) or by the scheduled pass."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass

import httpx
import sqlalchemy as sa
from sqlmodel import Session, select

from adapters import registry
from catalog.models import ChannelAccount, ListingVariant, PushMessage, Sku, StockMovement, SyncRun
from syndicator.engine import run_sync
from syndicator.schedule import sync_shops
from syndicator.secrets import decrypt_credentials
from tests.support.sandboxes import CATALOGUE, FAST, connect_all, sandboxes, seed_catalogue  # noqa: F401 (fixture)
from tests.support.web import WEB, free_port

STOCK = {sku: stock for *_, sku, _price, _weight, stock in CATALOGUE}
PUSHING = ("shopee", "lazada")
WITHIN_S = 10.0


@dataclass
class Serve:
    url: str
    printed: str = ""  # what it printed on stdout, once stopped
    logged: str = ""  # its log (stderr), once stopped


@contextmanager
def serving(database_url: str, port: int | None = None, **settings: str) -> Iterator[Serve]:
    """``syndicator serve`` on a port of its own, its public address that port, until the block ends. On
    PostgreSQL the pushes are worked on the job queue: a ``syndicator worker`` runs beside it (deferring no
    periodic task, so no scheduled pass moves the stock the pushes must move)."""
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    env = os.environ | {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_PUBLIC_URL": url,
                        "SYNDICATOR_HTTP_SETTINGS": FAST.model_dump_json(), "SYNDICATOR_LANG": "en",
                        **{f"SYNDICATOR_{name.upper()}": value for name, value in settings.items()}}
    with ExitStack() as stack:
        if database_url.startswith("postgresql"):
            stack.enter_context(_worker(env))
        yield stack.enter_context(_serve(url, port, env))


@contextmanager
def _worker(env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen([sys.executable, "-m", "syndicator", "worker", "--no-schedule"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        yield
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=30)
        assert "Traceback" not in errors.decode(), errors.decode()


@contextmanager
def _serve(url: str, port: int, env: dict[str, str]) -> Iterator[Serve]:
    process = subprocess.Popen([sys.executable, "-m", "syndicator", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    serve = Serve(url)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield serve
    finally:
        process.send_signal(signal.SIGTERM)
        out, errors = process.communicate(timeout=30)
        serve.printed, serve.logged = out.decode(), errors.decode()


def fast_pushes(sandboxes) -> None:
    """The sandboxes retry a failed push after a twentieth of a second, not Shopee's and Lazada's real waits."""
    for name in PUSHING:
        WEB.post(f"{sandboxes[name].url}/_sandbox/push", json={"base_delay_s": 0.05}).raise_for_status()


def listed(engine, sandboxes) -> dict[str, str]:
    """The catalogue listed on every marketplace by one first sync; the shops by marketplace."""
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    fast_pushes(sandboxes)
    assert run_sync(engine).succeeded
    return shops


def stock_everywhere(sandboxes, names, sku: str) -> dict[str, int]:
    return {name: sandboxes[name].item(sku)["stock"] for name in names}


def wait_for_stock(sandboxes, names, sku: str, stock: int, within_s: float = WITHIN_S) -> float:
    """Seconds until ``sku`` shows ``stock`` on every one of ``names``; fails the test after ``within_s``."""
    started = time.monotonic()
    while (seen := stock_everywhere(sandboxes, names, sku)) != dict.fromkeys(names, stock):
        assert time.monotonic() - started < within_s, f"after {within_s} s: {seen}"
        time.sleep(0.1)
    return time.monotonic() - started


def others(sandboxes, seller: str) -> list[str]:
    return [name for name in sandboxes if name != seller]


def stock_writes(sandboxes, names) -> dict[str, int]:
    return {name: sandboxes[name].writes() for name in names}


def test_serve_registers_its_push_address_with_each_pushing_sandbox(engine, database_url, sandboxes):
    listed(engine, sandboxes)

    with serving(database_url) as serve:
        addresses = {name: WEB.get(f"{sandboxes[name].url}/_sandbox/push").json()["url"] for name in PUSHING}

    assert addresses == {name: f"{serve.url}/push/{name}" for name in PUSHING}
    assert f"{serve.url}/push/shopee" in serve.printed and f"{serve.url}/push/lazada" in serve.printed


def test_a_shopee_sale_lowers_the_stock_on_the_four_other_marketplaces_and_its_cancellation_puts_it_back(
        engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "shopee")

    with serving(database_url) as serve:
        order = sandboxes["shopee"].order(shops["shopee"], "TC-CHE-200G", 3)
        lowered_in = wait_for_stock(sandboxes, names, "TC-CHE-200G", STOCK["TC-CHE-200G"] - 3)
        sandboxes["shopee"].cancel(order["order_id"])
        restored_in = wait_for_stock(sandboxes, names, "TC-CHE-200G", STOCK["TC-CHE-200G"])

    assert lowered_in < WITHIN_S and restored_in < WITHIN_S
    assert "Traceback" not in serve.logged and "WARNING" not in serve.logged, serve.logged
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(SyncRun).where(SyncRun.trigger != "push")) == 1


def test_a_lazada_sale_lowers_the_stock_on_the_four_other_marketplaces_and_its_cancellation_puts_it_back(
        engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "lazada")

    with serving(database_url):
        order = sandboxes["lazada"].order(shops["lazada"], "TC-MATONG-500", 2)
        lowered_in = wait_for_stock(sandboxes, names, "TC-MATONG-500", STOCK["TC-MATONG-500"] - 2)
        sandboxes["lazada"].cancel(order["order_id"])
        restored_in = wait_for_stock(sandboxes, names, "TC-MATONG-500", STOCK["TC-MATONG-500"])

    assert lowered_in < WITHIN_S and restored_in < WITHIN_S


def test_a_burst_of_five_sales_of_one_sku_is_one_stock_push_per_other_shop(engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "shopee")
    before = stock_writes(sandboxes, names)

    with serving(database_url, push_debounce_ms="1000"):
        for _ in range(5):
            sandboxes["shopee"].order(shops["shopee"], "TC-CHE-500G", 1)
        wait_for_stock(sandboxes, names, "TC-CHE-500G", STOCK["TC-CHE-500G"] - 5)
        time.sleep(1.5)  # anything more the fan-out would send

    assert {name: writes - before[name] for name, writes in stock_writes(sandboxes, names).items()} == dict.fromkeys(
        names, 1)
    with Session(engine) as session:
        stored = session.scalar(sa.select(sa.func.count()).select_from(PushMessage))
    assert stored == 5


def test_a_shopee_push_never_delivered_is_fetched_back_as_a_lost_message_when_serve_starts(
        engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "shopee")
    port = free_port()
    with serving(database_url, port=port):
        pass  # registered; now the service is down
    sandboxes["shopee"].order(shops["shopee"], "TC-MIEN-500G", 4)
    shopee_push = sandboxes["shopee"].url + "/_sandbox/push"
    deadline = time.monotonic() + WITHIN_S
    while not any(entry["outcome"] == "kept" for entry in WEB.get(shopee_push).json()["log"]):
        assert time.monotonic() < deadline, "Shopee never gave the push up"
        time.sleep(0.1)

    with serving(database_url, port=port):
        wait_for_stock(sandboxes, names, "TC-MIEN-500G", STOCK["TC-MIEN-500G"] - 4)

    with Session(engine) as session:
        (row,) = session.execute(sa.select(PushMessage.marketplace, PushMessage.processed_at)).all()
    assert row.marketplace == "shopee" and row.processed_at is not None


def test_a_dropped_lazada_push_is_caught_by_the_scheduled_pass(engine, database_url, sandboxes, monkeypatch):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "lazada")
    WEB.post(f"{sandboxes['lazada'].url}/_sandbox/push/faults", json={"drop": 1.0}).raise_for_status()
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    with serving(database_url):
        sandboxes["lazada"].order(shops["lazada"], "TC-CHE-200G", 1)
        time.sleep(2)
        unchanged = stock_everywhere(sandboxes, names, "TC-CHE-200G")
        outcome = sync_shops()
        # the pass pulls the order; the stock goes out from the pass, or from the fan-out, which sees the sale in
        # the ledger and may hold a shop the pass then finds busy
        wait_for_stock(sandboxes, names, "TC-CHE-200G", STOCK["TC-CHE-200G"] - 1)

    assert unchanged == dict.fromkeys(names, STOCK["TC-CHE-200G"])
    assert outcome["HTX-TANCUONG:lazada"] == "ok" and set(outcome.values()) <= {"ok", "busy"}


def test_a_push_delivered_twice_counts_its_sale_once(engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "shopee")
    WEB.post(f"{sandboxes['shopee'].url}/_sandbox/push/faults", json={"duplicate": 1.0}).raise_for_status()

    with serving(database_url):
        sandboxes["shopee"].order(shops["shopee"], "TC-CHE-200G", 2)
        wait_for_stock(sandboxes, names, "TC-CHE-200G", STOCK["TC-CHE-200G"] - 2)
        time.sleep(1.5)  # the second delivery, and anything the fan-out would do with it
        delivered = [entry["outcome"] for entry in WEB.get(f"{sandboxes['shopee'].url}/_sandbox/push").json()["log"]]

    assert delivered == ["delivered", "duplicate"]
    assert stock_everywhere(sandboxes, names, "TC-CHE-200G") == dict.fromkeys(names, STOCK["TC-CHE-200G"] - 2)
    with Session(engine) as session:
        assert session.scalar(sa.select(sa.func.count()).select_from(PushMessage)) == 1
        assert session.scalar(sa.select(sa.func.sum(StockMovement.quantity)).where(StockMovement.kind == "sale")) == -2


def test_a_reserved_stock_push_reads_the_shop_back_and_sends_its_stock_again(engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    row = sandboxes["shopee"].item("TC-MATONG-500")
    sandboxes["shopee"].edit_sku(row, stock=3)  # changed in the seller centre, as a campaign would
    with Session(engine) as session:
        account = session.exec(select(ChannelAccount).where(ChannelAccount.marketplace == "shopee")).one()
    credentials = decrypt_credentials(account.credentials_encrypted)
    raw = json.dumps({"shop_id": int(shops["shopee"]), "code": 8, "timestamp": int(time.time()),
                      "data": {"item_id": int(row["item_id"]), "model_id": int(row["model_id"] or 0)}}).encode()

    with serving(database_url) as serve:
        url = f"{serve.url}/push/shopee"
        signature = registry.spec("shopee").push.sign(url, raw, credentials.app_key,
                                                       credentials.app_secret.get_secret_value())
        answer = httpx.post(url, content=raw, headers={"Authorization": signature}, timeout=5)
        wait_for_stock(sandboxes, ["shopee"], "TC-MATONG-500", STOCK["TC-MATONG-500"])

    assert answer.status_code == 200


def test_a_campaign_reservation_pushed_by_shopee_clamps_the_stock_sent_there(engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "shopee")

    with serving(database_url):
        WEB.post(f"{sandboxes['shopee'].url}/_sandbox/campaigns", json={
            "shop_id": shops["shopee"], "seller_sku": "TC-MATONG-500", "reserved": 10}).raise_for_status()
        deadline = time.monotonic() + WITHIN_S
        while (held := _reserved(engine, "shopee", "TC-MATONG-500")) != 10:
            assert time.monotonic() < deadline, f"the reservation was not read back: {held}"
            time.sleep(0.1)
        for _ in range(5):  # 12 on hand, 5 sold on Lazada: 7 left, but the campaign holds 10 on Shopee
            sandboxes["lazada"].order(shops["lazada"], "TC-MATONG-500", 1)
        wait_for_stock(sandboxes, [name for name in names if name != "lazada"], "TC-MATONG-500",
                       STOCK["TC-MATONG-500"] - 5)
        time.sleep(1.5)  # anything more the fan-out would send

    assert sandboxes["shopee"].item("TC-MATONG-500")["stock"] == 10


def test_an_order_completed_or_returned_later_is_pushed_and_a_return_puts_the_stock_back(
        engine, database_url, sandboxes):
    shops = listed(engine, sandboxes)
    names = others(sandboxes, "shopee")

    with serving(database_url):
        delivered = sandboxes["shopee"].order(shops["shopee"], "TC-CHE-500G", 1)
        returned = sandboxes["shopee"].order(shops["shopee"], "TC-CHE-500G", 2)
        wait_for_stock(sandboxes, names, "TC-CHE-500G", STOCK["TC-CHE-500G"] - 3)
        for order, status in ((delivered, "completed"), (returned, "returned")):
            WEB.post(f"{sandboxes['shopee'].url}/_sandbox/orders/{order['order_id']}/settle",
                     json={"status": status}).raise_for_status()
        wait_for_stock(sandboxes, names, "TC-CHE-500G", STOCK["TC-CHE-500G"] - 1)

    with Session(engine) as session:
        statuses = dict(session.execute(sa.text("SELECT marketplace_order_id, status FROM marketplace_order")).all())
    assert statuses == {delivered["order_id"]: "completed", returned["order_id"]: "returned"}


def _reserved(engine, marketplace: str, seller_sku: str) -> int | None:
    with Session(engine) as session:
        return session.scalar(
            sa.select(ListingVariant.reserved_stock).join(Sku, Sku.id == ListingVariant.sku_id)
            .join(ChannelAccount, ChannelAccount.id == ListingVariant.channel_account_id)
            .where(ChannelAccount.marketplace == marketplace, Sku.sku == seller_sku))
