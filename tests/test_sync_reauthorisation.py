"""A shop whose single-use refresh token was spent without us keeping the new one (a sync killed, or the
refresh's answer lost) is marked as needing re-authorisation by the next sync; once it is connected again,
the orders placed in between are pulled and none is lost."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import asyncio
import json

import pytest
from sqlmodel import Session, select
from typer.testing import CliRunner

from adapters import registry
from catalog.db import session_scope
from catalog.models import ChannelAccount, ChannelState, Order
from syndicator.channels import ChannelError, Reach, connect_feed, list_channels, reconnect_sandbox
from syndicator.cli import app
from syndicator.engine import run_sync
from syndicator.secrets import decrypt_credentials
from tests.support.sandboxes import (  # noqa: F401 (fixture)
    COOP,
    connect_all,
    sandboxes,
    seed_catalogue,
    spend_refresh_token,
)

SINGLE_USE_REFRESH = ("shopee", "lazada")


def account_of(engine, marketplace: str) -> ChannelAccount:
    (account,) = [a for a in list_channels(engine) if a.marketplace == marketplace]
    with Session(engine) as session:
        return session.get(ChannelAccount, account.id)


def lose_authorisation(engine, sandboxes, in_process: Reach, marketplace: str) -> ChannelAccount:
    """Everything listed, then the shop's refresh token spent and its access token expired."""
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    assert run_sync(engine, reach=in_process).succeeded
    account = account_of(engine, marketplace)
    spend_refresh_token(account, in_process)
    sandboxes[marketplace].faults(expire_tokens=True)
    return account


def state_of(engine, account_id: int) -> str:
    return next(a.state for a in list_channels(engine) if a.id == account_id)


@pytest.mark.parametrize("marketplace", SINGLE_USE_REFRESH)
def test_a_shop_whose_refresh_token_was_spent_is_marked_and_after_reconnecting_loses_no_order(
    engine, sandboxes, in_process, marketplace
):
    account = lose_authorisation(engine, sandboxes, in_process, marketplace)
    while_lost = sandboxes[marketplace].order(account.shop_id, "TC-CHE-200G", 2)
    elsewhere = {name: sandbox.order(account_of(engine, name).shop_id, "TC-MIEN-500G", 1)
                 for name, sandbox in sandboxes.items() if name != marketplace}

    marked = run_sync(engine, reach=in_process)

    pulled = {shop.marketplace: shop for shop in marked.orders.shops}
    assert marked.summary()["needs_reauthorisation"] == [account.id]
    assert f"syndicator channels reconnect {account.id}" in pulled[marketplace].error
    assert pulled[marketplace].orders_new == 0
    assert all(pulled[name].orders_new == 1 and pulled[name].error is None for name in elsewhere)
    assert state_of(engine, account.id) == ChannelState.needs_reauthorisation

    reconnected = reconnect_sandbox(engine, account.id)
    caught_up = run_sync(engine, reach=in_process)

    assert reconnected.id == account.id and state_of(engine, account.id) == ChannelState.connected
    assert caught_up.succeeded, caught_up.summary()
    (shop,) = [shop for shop in caught_up.orders.shops if shop.account_id == account.id]
    assert shop.orders_new == 1 and caught_up.summary()["needs_reauthorisation"] == []
    with Session(engine) as session:
        assert session.exec(select(Order.marketplace_order_id).where(
            Order.channel_account_id == account.id)).all() == [str(while_lost["order_id"])]


def test_a_shop_still_needing_reauthorisation_is_tried_again_and_named_again(engine, sandboxes, in_process):
    account = lose_authorisation(engine, sandboxes, in_process, "lazada")
    run_sync(engine, reach=in_process)

    again = run_sync(engine, reach=in_process)

    assert again.summary()["needs_reauthorisation"] == [account.id]
    assert state_of(engine, account.id) == ChannelState.needs_reauthorisation


def test_sync_and_channels_list_tell_the_clerk_to_reconnect_and_reconnect_does_it(
    engine, database_url, sandboxes, in_process, monkeypatch
):
    account = lose_authorisation(engine, sandboxes, in_process, "shopee")
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    cli = CliRunner()

    synced = cli.invoke(app, ["sync"])
    listed = cli.invoke(app, ["channels", "list"])
    reconnected = cli.invoke(app, ["channels", "reconnect", str(account.id)])
    relisted = cli.invoke(app, ["channels", "list", "--json"])

    assert synced.exit_code == 1
    assert f"syndicator channels reconnect {account.id}" in " ".join(synced.output.split())
    assert "cần kết nối lại" in listed.stdout and "sàn không nhận token nữa" in " ".join(listed.stdout.split())
    assert reconnected.exit_code == 0, reconnected.output
    assert "Đã kết nối lại: shopee" in reconnected.stdout
    assert {row["id"]: row["state"] for row in json.loads(relisted.stdout)}[account.id] == "connected"
    assert cli.invoke(app, ["sync"]).exit_code == 0


def test_connecting_again_with_a_new_code_in_a_credentials_file_updates_the_same_shop(
    engine, database_url, sandboxes, in_process, monkeypatch, tmp_path
):
    """What a clerk does for a real marketplace host: the seller's new consent gives a new code."""
    account = lose_authorisation(engine, sandboxes, in_process, "shopee")
    run_sync(engine, reach=in_process)
    assert state_of(engine, account.id) == ChannelState.needs_reauthorisation
    credentials = decrypt_credentials(account.credentials_encrypted)
    code = asyncio.run(registry.spec("shopee").sandbox_code(account.base_url, account.shop_id))
    given = tmp_path / "shopee-tan-cuong.json"
    given.write_text(json.dumps({"shop_id": credentials.shop_id, "app_key": credentials.app_key,
                                 "app_secret": credentials.app_secret.get_secret_value(), "code": code}))
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    connected = CliRunner().invoke(app, ["channels", "connect", "--coop", COOP, "--marketplace", "shopee",
                                         "--base-url", account.base_url, "--credentials", str(given)])

    assert connected.exit_code == 0, connected.output
    assert f"(#{account.id})" in connected.stdout
    assert state_of(engine, account.id) == ChannelState.connected
    assert run_sync(engine, reach=in_process).succeeded


def test_reconnect_on_a_host_that_issues_no_code_says_how_to_connect_again(engine, database_url, sandboxes,
                                                                         monkeypatch):
    seed_catalogue(engine)
    connect_all(engine, {"shopee": sandboxes["shopee"]})
    account = account_of(engine, "shopee")
    with session_scope(engine) as session:  # as if connected to a real host: it has no sandbox control API
        session.get(ChannelAccount, account.id).base_url = f"{sandboxes['shopee'].url}/api-that-is-no-sandbox"
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    refused = CliRunner().invoke(app, ["channels", "reconnect", str(account.id)])

    said = " ".join(refused.output.split())
    assert refused.exit_code == 1
    assert "syndicator channels connect --coop HTX-TANCUONG --marketplace shopee" in said
    assert "--credentials FILE" in said and "`code`" in said


def test_a_spreadsheet_feed_shop_has_nothing_to_reconnect(engine, sandboxes):
    seed_catalogue(engine)
    feed = connect_feed(engine, COOP, "voso", publish_all=True)

    with pytest.raises(ChannelError, match="bảng tính"):
        reconnect_sandbox(engine, feed.id)
