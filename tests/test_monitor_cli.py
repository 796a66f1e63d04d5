"""``syndicator monitor``: prints the drift it finds, exits non-zero only when the crawl fails."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from syndicator.cli import app
from syndicator.engine import run_sync
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401


@pytest.fixture
def voso(engine, sandboxes, database_url, monkeypatch):  # noqa: F811
    """The tea co-op synced to Voso's sandbox, the CLI pointed at the same database."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "220")  # the drift table on one line per listing
    seed_catalogue(engine)
    connect_all(engine, {"voso": sandboxes["voso"]})
    assert run_sync(engine).succeeded
    return sandboxes["voso"]


def test_monitor_prints_drift_and_exits_zero_when_the_crawl_worked(voso, monkeypatch):
    item = voso.item("TC-MATONG-500")
    voso.edit(item["item_id"], price=199000)

    result = CliRunner().invoke(app, ["monitor", "--marketplace", "voso"])

    assert result.exit_code == 0, result.output
    assert "TC-MATONG-500" in result.output
    assert "199.000 ₫" in result.output
    assert "giá khác: 1" in result.output
    monkeypatch.setenv("SYNDICATOR_LANG", "en")
    assert "price differs: 1" in CliRunner().invoke(app, ["monitor", "--marketplace", "voso"]).output


def test_monitor_exits_one_when_the_marketplace_cannot_be_reached(voso):
    voso.server.stop()

    result = CliRunner().invoke(app, ["monitor"])

    assert result.exit_code == 1
    assert "Connection was refused" in result.output


def test_monitor_refuses_an_unknown_marketplace_by_name(engine, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)

    result = CliRunner().invoke(app, ["monitor", "--marketplace", "tiki"])

    assert result.exit_code == 2
    assert "tiki" in result.output
