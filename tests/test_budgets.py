"""API budgets shared by every worker (issue 20 §4): a fixed window per key in PostgreSQL, one atomic grant per
call. A budget grants calls until its window's are spent, refuses more, and refills when the next window
starts; workers granting at once never pass it; a call waits for a refill within SYNDICATOR_BUDGET_WAIT_S, and
beyond it the job is deferred to the refill time. On SQLite, one process, there is no shared budget. End to
end: two co-ops' syncs in two processes, their Lazada shops on one app, keep to that app's calls a second."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from sqlmodel import Session, select

from adapters.common.http import BudgetedTransport, MarketplaceHttp
from adapters.common.sandbox_consent import register_app
from catalog.coops import add_coop
from catalog.db import session_scope
from catalog.importer import import_file
from catalog.models import ApiBudget, ChannelAccount, SyncRun
from catalog.sample_attributes import SAMPLE_ATTRIBUTES
from syndicator.budgets import DAY_S, EDGE_S, Budget, BudgetSpent, SharedBudget, shared_budget
from syndicator.category_mapping import map_from_shop
from syndicator.channels import connect
from tests.support.catalog import HONEY_COOP, honey_row, write_file
from tests.support.sandboxes import Sandbox, product_picture, seed_catalogue, start_sandbox, use_test_settings
from tests.support.workers import jobs_left, wait_until, workers

LAZADA_APP = "lazada:app:100123"


@pytest.fixture
def postgres(engine):
    """The engine, on PostgreSQL only: the budgets are shared through it."""
    if engine.dialect.name != "postgresql":
        pytest.skip("budgets are shared between workers through PostgreSQL; SQLite runs one process")
    return engine


def used(engine, key: str) -> int:
    with Session(engine) as session:
        return session.get(ApiBudget, key).used


def next_utc_midnight() -> datetime:
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=1)


def clear_of_the_window_edge() -> None:
    """Wait, if need be, for the start of the next second: no call is granted in a window's last EDGE_S."""
    if time.time() % 1 > 1 - EDGE_S - 0.1:
        time.sleep(1 - time.time() % 1 + 0.01)


def test_calls_within_the_window_are_granted_and_counted(postgres):
    day = SharedBudget(postgres, [Budget(f"{LAZADA_APP}:day", 3, DAY_S)], wait_s=1)

    granted = [day.grant() for _ in range(3)]

    assert granted == [None, None, None]
    assert used(postgres, f"{LAZADA_APP}:day") == 3


def test_a_spent_budget_refuses_and_takes_nothing_from_the_others(postgres):
    shop = Budget("shop:7:second", 100, 1)
    budget = SharedBudget(postgres, [Budget(f"{LAZADA_APP}:day", 1, DAY_S), shop], wait_s=1)
    clear_of_the_window_edge()
    assert budget.grant() is None

    refused = budget.grant()

    assert refused is not None and refused.budget.key == f"{LAZADA_APP}:day"
    assert refused.refill_at == next_utc_midnight()
    assert used(postgres, "shop:7:second") == 1


def test_the_next_window_refills_the_budget(postgres):
    shop = SharedBudget(postgres, [Budget("shop:7:second", 2, 1)], wait_s=1)
    clear_of_the_window_edge()
    assert (shop.grant(), shop.grant()) == (None, None)
    refused = shop.grant()
    assert refused is not None

    time.sleep(refused.wait_s + 0.01)

    assert shop.grant() is None
    assert used(postgres, "shop:7:second") == 1


def test_workers_granting_at_once_never_pass_the_budget(postgres):
    day = SharedBudget(postgres, [Budget(f"{LAZADA_APP}:day", 50, DAY_S)], wait_s=1)
    start = threading.Barrier(4)
    granted: list[int] = []

    def worker() -> None:
        start.wait()
        granted.append(sum(day.grant() is None for _ in range(40)))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(granted) == 50
    assert used(postgres, f"{LAZADA_APP}:day") == 50


def test_a_call_waits_for_its_second_to_refill(postgres):
    app_second = SharedBudget(postgres, [Budget(f"{LAZADA_APP}:second", 1, 1)], wait_s=2)
    asyncio.run(app_second.take())
    started = time.monotonic()

    asyncio.run(app_second.take())

    assert 0 < time.monotonic() - started < 1.1


def test_a_budget_refilling_after_the_longest_wait_defers_the_job_to_its_refill(postgres):
    day = SharedBudget(postgres, [Budget(f"{LAZADA_APP}:day", 1, DAY_S)], wait_s=20)
    asyncio.run(day.take())

    with pytest.raises(BudgetSpent) as spent:
        asyncio.run(day.take())

    assert spent.value.key == f"{LAZADA_APP}:day"
    assert spent.value.refill_at == next_utc_midnight() and spent.value.refill_at.tzinfo is not None


def test_a_spent_budget_stops_a_marketplace_call_before_it_is_sent_and_is_no_marketplace_error(postgres):
    day = SharedBudget(postgres, [Budget(f"{LAZADA_APP}:day", 1, DAY_S)], wait_s=1)
    sent: list[httpx.Request] = []
    network = httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200, json={"code": "0"}))

    async def two_calls() -> None:
        http = MarketplaceHttp("lazada", "https://api.lazada.vn/rest", requests_per_second=5,
                               transport=BudgetedTransport(day.take, network))
        try:
            for _ in range(2):
                await http.call(lambda: http.client.build_request("GET", "/seller/get"), lambda answer: answer.json())
        finally:
            await http.aclose()

    with pytest.raises(BudgetSpent):
        asyncio.run(two_calls())
    assert len(sent) == 1


def test_a_lazada_shop_takes_from_its_apps_day_and_second_and_its_own_second(postgres, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_APP_CALLS_PER_SECOND", "4")

    budget = shared_budget(postgres, 7, "lazada", "100123")

    assert {(b.key, b.calls, b.window_s) for b in budget.budgets} == {
        (f"{LAZADA_APP}:day", 10_000_000, DAY_S), (f"{LAZADA_APP}:second", 4, 1), ("shop:7:second", 5, 1)}


def test_sqlite_has_no_shared_budget(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("on PostgreSQL every shop has a shared budget")
    assert shared_budget(engine, 7, "lazada", "100123") is None


# --- end to end: two processes, one app ----------------------------------------------------------------


@pytest.fixture
def lazada(monkeypatch) -> Iterator[Sandbox]:
    """The Lazada sandbox alone, on an ephemeral loopback port."""
    use_test_settings(monkeypatch)
    sandbox = start_sandbox("lazada")
    yield sandbox
    sandbox.server.stop()


def connect_on_app(engine, coop_code: str, sandbox: Sandbox, app: tuple[str, str], folder: Path) -> ChannelAccount:
    """The co-op's owner consents on Lazada's page for a new shop of our app; the code it sends back is
    exchanged as ``channels connect --credentials`` does."""
    key, secret = app
    redirect = "https://syndicator.htx-thainguyen.vn/ket-noi"
    consent = httpx.post(f"{sandbox.url}/oauth/authorize", data={
        "response_type": "code", "client_id": key, "redirect_uri": redirect, "shop_id": "new",
        "shop_name": f"Gian hàng {coop_code}"})
    code = dict(parse_qsl(urlsplit(consent.headers["location"]).query))["code"]
    credentials = folder / f"lazada-{coop_code}.json"
    credentials.write_text(json.dumps({"shop_id": "", "app_key": key, "app_secret": secret, "code": code}))
    return connect(engine, coop_code, "lazada", sandbox.url, credentials, publish_all=True)


def honey_catalogue(engine, folder: Path) -> None:
    """The Võ Nhai honey co-op and its catalogue, imported from its spreadsheet with its photo."""
    with session_scope(engine) as session:
        add_coop(session, HONEY_COOP, "Hợp tác xã Mật ong rừng Võ Nhai", "Võ Nhai")
    (folder / "mat-ong.jpg").write_bytes(Path(product_picture()).read_bytes())
    sheet = write_file(folder / "mat-ong.xlsx", [
        honey_row(images="mat-ong.jpg"),
        honey_row(sku="MO-VN-250", variant="Chai 250ml", price="150.000 ₫", weight_g="350", images="mat-ong.jpg"),
    ])
    report = import_file(engine, sheet, HONEY_COOP)
    assert not report.errors, report.errors


def test_two_workers_syncing_shops_of_one_app_keep_to_its_calls_a_second(postgres, database_url, lazada, tmp_path,
                                                                         monkeypatch):
    monkeypatch.setenv("SYNDICATOR_APP_CALLS_PER_SECOND", "4")
    seed_catalogue(postgres)
    honey_catalogue(postgres, tmp_path)
    app = register_app(lazada.url, "Syndicator Thái Nguyên", None)
    shops = [connect_on_app(postgres, coop, lazada, app, tmp_path) for coop in ("HTX-TANCUONG", HONEY_COOP)]
    time.sleep(1 - time.time() % 1)  # connecting (a token call a shop) takes from no budget: its own second
    map_from_shop(postgres, shops[0].id, SAMPLE_ATTRIBUTES)
    env = {**os.environ, "SYNDICATOR_DATABASE_URL": database_url}

    queued = subprocess.run([sys.executable, "-m", "syndicator", "sync", "--queue"], env=env, capture_output=True,
                            text=True, check=False)
    assert queued.returncode == 0, queued.stderr
    with workers(database_url, tmp_path) as running:  # one job each at a time: each takes one shop
        running.start(concurrency=1, schedule=False)
        running.start(concurrency=1, schedule=False)
        wait_until(lambda: jobs_left(postgres) == 0, 60, "the two shops' syncs", running.logs)

    with Session(postgres) as session:
        runs = session.exec(select(SyncRun).where(SyncRun.trigger == "cli")).all()  # sync --queue
    assert sorted(run.scope["shops"][0] for run in runs) == sorted(shop.id for shop in shops)
    assert {run.status for run in runs} == {"ok"} and len({run.pid for run in runs}) == 2, runs
    busiest = httpx.get(f"{lazada.url}/_sandbox/stats").json()["busiest_second"]
    assert 0 < busiest[app[0]] <= 4, busiest
    listed = {item["seller_sku"] for item in lazada.items()}
    assert {"TC-CHE-200G", "MO-VN-500", "MO-VN-250"} <= listed
