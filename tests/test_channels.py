"""Channel accounts: connected through each marketplace's own flow, secrets encrypted and never shown."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import asyncio
import json
import os
import stat

import httpx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session
from typer.testing import CliRunner

from adapters.common.contract import ItemRef
from catalog.db import session_scope
from catalog.models import ChannelAccount, Sku
from syndicator.channels import ChannelError, adapter_for, connect_feed, connect_sandbox, list_channels
from syndicator.cli import app
from syndicator.engine import FeedReport, run_sync
from syndicator.feeds import confirm_upload
from syndicator.secrets import decrypt_credentials
from tests.support.sandboxes import COOP, connect_all, connect_shop, sandboxes, seed_catalogue  # noqa: F401 (fixture)


def _secrets(account: ChannelAccount) -> list[str]:
    credentials = decrypt_credentials(account.credentials_encrypted)
    values = [credentials.app_secret, credentials.access_token, credentials.refresh_token]
    return [value.get_secret_value() for value in values if value is not None]


def test_connecting_to_every_sandbox_stores_encrypted_credentials(engine, sandboxes):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)

    with Session(engine) as session:
        accounts = session.execute(sa.select(ChannelAccount)).scalars().all()
        raw = session.execute(sa.text("SELECT credentials_encrypted FROM channelaccount")).scalars().all()
    assert sorted(a.marketplace for a in accounts) == sorted(sandboxes)
    for account in accounts:
        secrets = _secrets(account)
        assert secrets
        assert not any(secret in text for secret in secrets for text in raw)


def test_channels_list_never_shows_a_secret(engine, database_url, sandboxes, monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    with Session(engine) as session:
        secrets = [s for a in session.execute(sa.select(ChannelAccount)).scalars() for s in _secrets(a)]

    shown = CliRunner().invoke(app, ["channels", "list", "--json"])
    table = CliRunner().invoke(app, ["channels", "list"])

    assert shown.exit_code == 0 and table.exit_code == 0
    assert {row["marketplace"] for row in json.loads(shown.stdout)} == set(sandboxes)
    assert not any(secret in shown.stdout or secret in table.stdout for secret in secrets)


def test_a_refreshed_token_is_stored_again_encrypted(engine, sandboxes):
    seed_catalogue(engine)
    account = connect_shop(engine, COOP, "lazada", sandboxes["lazada"].url, publish_all=True)
    before = decrypt_credentials(account.credentials_encrypted).access_token.get_secret_value()
    sandboxes["lazada"].faults(expire_tokens=True)

    report = run_sync(engine, marketplace="lazada")

    assert report.succeeded, report.summary()
    with Session(engine) as session:
        stored = session.get(ChannelAccount, account.id)
    assert decrypt_credentials(stored.credentials_encrypted).access_token.get_secret_value() != before


@pytest.mark.parametrize("marketplace", ["shopee", "lazada", "postmart"])
def test_an_adapter_given_a_transport_reaches_the_sandbox_app_in_process(engine, sandboxes, marketplace):
    """What lets a test reach a sandbox without a socket: the adapter sends every call to ``transport``."""
    seed_catalogue(engine)
    account = connect_shop(engine, COOP, marketplace, sandboxes[marketplace].url, publish_all=True)
    assert run_sync(engine).succeeded
    account.base_url = "http://sandbox.invalid"  # no such host: only the transport can answer
    in_process = httpx.ASGITransport(app=sandboxes[marketplace].server.sandbox.app)

    async def find() -> ItemRef | None:
        async with adapter_for(engine, account, transport=in_process) as adapter:
            return await adapter.find_by_seller_sku("TC-CHE-200G")

    assert asyncio.run(find()).item_id == sandboxes[marketplace].item("TC-CHE-200G")["item_id"]


def test_a_floor_without_api_is_connected_as_a_spreadsheet_feed(engine, sandboxes):
    seed_catalogue(engine)

    account = connect_feed(engine, COOP, "thainguyentrade", publish_all=True)

    assert account.credentials_encrypted is None
    assert [c.state for c in list_channels(engine)] == ["feed"]


def test_a_feed_shop_gets_full_and_changes_workbooks_and_waits_for_upload(engine, sandboxes, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    seed_catalogue(engine)
    connect_feed(engine, COOP, "voso", publish_all=True)

    first = run_sync(engine)
    second = run_sync(engine)

    (feed,) = first.feeds
    assert feed.rows == 4 and feed.changed == 4 and os.path.exists(feed.full_path)
    assert second.feeds == []
    with Session(engine) as session:
        states = session.execute(sa.text("SELECT DISTINCT state FROM listing")).scalars().all()
    assert states == ["awaiting_upload"]


def _skus_in(path: str) -> list[str]:
    sheet = load_workbook(path, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("Mã SKU")
    return sorted(row[column] for row in rows[1:])


def test_after_a_price_change_the_changes_workbook_holds_only_that_sku(engine, sandboxes, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    ids = seed_catalogue(engine)
    connect_feed(engine, COOP, "postmart", publish_all=True)
    run_sync(engine)
    with session_scope(engine) as session:
        session.get(Sku, ids["TC-CHE-500G"]).price = 295000

    (feed,) = run_sync(engine).feeds

    assert (feed.rows, feed.changed) == (4, 1)
    assert _skus_in(feed.changes_path) == ["TC-CHE-500G"]
    assert _skus_in(feed.full_path) == sorted(ids)


@pytest.fixture
def feed_shop(engine, database_url, sandboxes, tmp_path, monkeypatch) -> tuple[ChannelAccount, FeedReport]:
    """The tea co-op as a Voso shop without API access, synced once: its workbooks written, 4 listings waiting."""
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    account = connect_feed(engine, COOP, "voso", publish_all=True)
    (feed,) = run_sync(engine).feeds
    return account, feed


def test_channels_list_names_a_feed_shops_latest_workbooks_and_what_awaits_upload(feed_shop):
    account, feed = feed_shop

    shown = CliRunner().invoke(app, ["channels", "list", "--json"])
    table = CliRunner().invoke(app, ["channels", "list"], env={"COLUMNS": "200"})

    (summary,) = json.loads(shown.stdout)
    assert (summary["feed_full_path"], summary["feed_changes_path"]) == (feed.full_path, feed.changes_path)
    assert summary["awaiting_upload"] == 4
    assert f"syndicator channels confirm-upload {account.id}" in table.stdout
    assert os.path.basename(feed.full_path) in table.stdout


def test_the_sync_command_names_a_feed_shops_new_workbooks_below_its_shop_row(
        engine, database_url, sandboxes, tmp_path, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    account = connect_feed(engine, COOP, "voso", publish_all=True)

    synced = CliRunner().invoke(app, ["sync"], env={"COLUMNS": "200"})

    (shop,) = list_channels(engine)
    assert synced.exit_code == 0, synced.output
    assert f"#{account.id} {COOP} · voso: bảng tính mới: đầy đủ {shop.feed_full_path}" in synced.stdout
    assert f"chỉ phần thay đổi {shop.feed_changes_path}" in synced.stdout
    table_rows = [row for row in synced.stdout.splitlines() if row.startswith("│")]
    assert len(table_rows) == 1 and "create 4" in table_rows[0]  # the shop's own row, no second row for its feed


def test_a_clerk_confirming_the_upload_puts_the_awaiting_listings_live(engine, feed_shop):
    account, _ = feed_shop

    confirmed = CliRunner().invoke(app, ["channels", "confirm-upload", str(account.id)])

    assert confirmed.exit_code == 0 and "Đã xác nhận: 4 tin đăng đang bán" in confirmed.stdout
    with Session(engine) as session:
        states = session.execute(sa.text("SELECT DISTINCT state FROM listing")).scalars().all()
    assert states == ["live"] and list_channels(engine)[0].awaiting_upload == 0
    assert run_sync(engine).feeds == []


def test_confirming_an_upload_for_a_shop_with_an_api_is_refused(engine, sandboxes):
    seed_catalogue(engine)
    account = connect_sandbox(engine, COOP, "voso", sandboxes["voso"].url, publish_all=True)

    with pytest.raises(ChannelError, match="API"):
        confirm_upload(engine, account.id)


def test_only_a_trade_floor_takes_a_spreadsheet_feed(engine):
    seed_catalogue(engine)

    with pytest.raises(ChannelError, match="Shopee không nhận bảng tính"):
        connect_feed(engine, COOP, "shopee", publish_all=True)
    assert list_channels(engine) == []


def test_connecting_an_unknown_co_op_is_refused_by_name(engine, sandboxes):
    with pytest.raises(ChannelError, match="HTX-KHONG-CO"):
        connect_feed(engine, "HTX-KHONG-CO", "voso", publish_all=True)


def test_init_creates_the_key_file_readable_by_its_owner_only(tmp_path, monkeypatch):
    monkeypatch.delenv("SYNDICATOR_SECRET_KEY", raising=False)
    monkeypatch.setenv("SYNDICATOR_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", f"sqlite:///{tmp_path / 'syndicator.db'}")

    result = CliRunner().invoke(app, ["init"])

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
