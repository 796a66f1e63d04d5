"""The registry is loud: every marketplace in it has a sandbox that runs, a broken one fails, and one is left
out only when its spec switches it off."""

from __future__ import annotations

import logging

import httpx
import pytest

import adapters.postmart
from adapters import registry
from adapters.common.sandbox import SandboxServer
from syndicator.channels import ChannelError, connect_sandbox


def test_every_registered_marketplace_has_a_running_sandbox():
    names = registry.names()
    assert names, "no marketplace is registered"
    for name in names:
        server = SandboxServer(registry.sandbox_class(name)()).start()
        try:
            assert httpx.get(f"{server.base_url}/_sandbox/items", timeout=10).status_code == 200, name
        finally:
            server.stop()


def test_a_marketplace_that_fails_to_import_fails_the_caller(monkeypatch):
    monkeypatch.setattr(registry, "MARKETPLACES", (*registry.MARKETPLACES, "no_such_marketplace"))
    with pytest.raises(ModuleNotFoundError, match="no_such_marketplace"):
        registry.names()


@pytest.fixture
def postmart_switched_off(monkeypatch):
    monkeypatch.setattr(adapters.postmart, "SPEC", adapters.postmart.SPEC.model_copy(update={"enabled": False}))
    registry._log_switched_off.cache_clear()
    yield
    registry._log_switched_off.cache_clear()


@pytest.mark.usefixtures("postmart_switched_off")
def test_a_marketplace_switched_off_in_its_spec_is_left_out_and_logged_once(caplog):
    with caplog.at_level(logging.WARNING, logger="adapters.registry"):
        names, again = registry.names(), registry.names()

    assert "postmart" not in names and names == again and "voso" in names
    assert [r.getMessage() for r in caplog.records].count(
        "marketplace postmart is switched off in its spec (enabled=False) and left out") == 1
    ports = registry.sandbox_ports(8701, registry.MARKETPLACES)
    assert "postmart" not in ports and ports["thainguyentrade"] == 8705


@pytest.mark.usefixtures("postmart_switched_off")
def test_a_shop_cannot_be_connected_on_a_marketplace_switched_off(engine):
    with pytest.raises(ChannelError, match="postmart"):
        connect_sandbox(engine, "HTX-TANCUONG", "postmart", "http://127.0.0.1:1", publish_all=True)
