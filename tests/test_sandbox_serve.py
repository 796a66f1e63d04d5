"""`syndicator sandbox serve`: the five marketplaces on consecutive ports in DESIGN order, each opening
shops through its control API, until stopped."""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys

import httpx
import pytest

BUILT_IN = ["shopee", "lazada", "voso", "postmart", "thainguyentrade"]


def free_ports(count: int) -> int:
    """The first of ``count`` consecutive loopback ports nobody listens on."""
    while True:
        first = random.randint(20000, 60000 - count)
        try:
            sockets = []
            for port in range(first, first + count):
                probe = socket.socket()
                sockets.append(probe)
                probe.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue
        finally:
            for probe in sockets:
                probe.close()


@pytest.mark.slow
def test_sandbox_serve_runs_the_five_marketplaces_on_consecutive_ports_until_sigterm(tmp_path):
    first = free_ports(len(BUILT_IN))
    env = {**os.environ, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    child = subprocess.Popen([sys.executable, "-m", "syndicator", "sandbox", "serve", "--port", str(first)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        served = dict(child.stdout.readline().split() for _ in BUILT_IN)

        assert list(served) == BUILT_IN
        assert list(served.values()) == [f"http://127.0.0.1:{first + n}" for n in range(len(BUILT_IN))]
        for name, url in served.items():
            opened = httpx.post(f"{url}/_sandbox/shops", json={}, timeout=10)
            assert opened.status_code == 200, (name, opened.text)
            assert httpx.get(f"{url}/_sandbox/items", timeout=10).json()["items"] == []
    finally:
        child.send_signal(signal.SIGTERM)
    assert child.wait(timeout=30) == 0, child.stderr.read()
