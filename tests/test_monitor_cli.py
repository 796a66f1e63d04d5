"""``syndicator monitor``: prints the drift it finds, exits non-zero only when the crawl fails."""

from __future__ import annotations

import pytest
from sqlalchemy import update
from typer.testing import CliRunner

from catalog.db import session_scope
from catalog.models import Sku
from syndicator.cli import app
from syndicator.engine import run_sync
from tests.support.sandboxes import connect_all, sandboxes, seed_catalogue  # noqa: F401

# The CLI crawls at the product's pace, about a second between requests to a marketplace (it has no option
# for a test's shorter one), so the co-op sells only its honey on Voso: one page to visit, not four. Which
# listings count as drift is the crawl's business (tests/test_monitor_crawl.py); here, what the CLI prints.
HONEY = "TC-MATONG-500"


@pytest.fixture
def voso(engine, sandboxes, database_url, monkeypatch):  # noqa: F811
    """The tea co-op's honey synced to Voso's sandbox, the CLI pointed at the same database."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    monkeypatch.setenv("COLUMNS", "220")  # the drift table on one line per listing
    seed_catalogue(engine)
    with session_scope(engine) as session:
        session.execute(update(Sku).where(Sku.sku != HONEY).values(enabled=False))
    connect_all(engine, {"voso": sandboxes["voso"]})
    assert run_sync(engine).succeeded
    return sandboxes["voso"]


def test_monitor_prints_drift_and_exits_zero_when_the_crawl_worked(voso, monkeypatch):
    item = voso.item(HONEY)
    voso.edit(item["item_id"], price=199000)

    result = CliRunner().invoke(app, ["monitor", "--marketplace", "voso"])

    assert result.exit_code == 0, result.output
    assert HONEY in result.output
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
