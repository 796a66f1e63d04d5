"""Long-running commands end cleanly: SIGTERM to ``syndicator ui`` or ``sandbox serve`` leaves no server
listening and no child running; the app listens on 127.0.0.1 unless told otherwise."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.test_sandbox_serve import BUILT_IN, free_ports

LISTEN = "0A"  # the state column of /proc/net/tcp for a listening socket

pytestmark = pytest.mark.slow


def _address(hexadecimal: str) -> str:
    """An address as /proc/net/tcp{,6} writes it (32-bit words in host order) in its usual notation."""
    raw = bytes.fromhex(hexadecimal)
    words = b"".join(raw[at:at + 4][::-1] for at in range(0, len(raw), 4))
    return socket.inet_ntop(socket.AF_INET if len(raw) == 4 else socket.AF_INET6, words)


def listening_addresses(port: int) -> set[str]:
    """Every local address a socket listens on at ``port``, on IPv4 and IPv6."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.rsplit(":", 1)
            if int(port_hex, 16) == port and state == LISTEN:
                found.add(_address(address))
    return found


def children_of(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def runs(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


def start_ui(tmp_path: Path, *options: str, env: dict[str, str] | None = None
             ) -> tuple[subprocess.Popen, int]:
    """``syndicator ui`` on a free port, once its app answers (the address is read from where it listens)."""
    port = free_ports(1)
    environment = os.environ | {"SYNDICATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'syndicator.db'}",
                                "SYNDICATOR_DATA_DIR": str(tmp_path)} | (env or {})
    log = tmp_path / "ui.log"
    subprocess.run([sys.executable, "-m", "syndicator", "init"], env=environment, check=True, capture_output=True)
    with log.open("wb") as output:
        process = subprocess.Popen([sys.executable, "-m", "syndicator", "ui", "--port", str(port), *options],
                                   env=environment, stdout=output, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while not answers(port):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            pytest.fail(f"the app did not start: {log.read_text()}")
        time.sleep(0.2)
    return process, port


def answers(port: int) -> bool:
    """Whether the app answers its health check at the address it listens on."""
    addresses = listening_addresses(port)
    if not addresses:
        return False
    try:
        health = httpx.get(f"http://{next(iter(addresses))}:{port}/_stcore/health", timeout=5)
    except httpx.TransportError:
        return False
    return health.status_code == 200


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def ui(tmp_path) -> Iterator[tuple[subprocess.Popen, int]]:
    process, port = start_ui(tmp_path)
    try:
        yield process, port
    finally:
        stop(process)


def test_the_app_listens_on_loopback_only_by_default(ui):
    _, port = ui

    assert listening_addresses(port) == {"127.0.0.1"}


@pytest.mark.parametrize("chosen", ["flag", "setting"])
def test_the_app_listens_where_the_host_flag_or_setting_says(tmp_path, chosen):
    flag, setting = (["--host", "127.0.0.2"], {}), ([], {"SYNDICATOR_UI_HOST": "127.0.0.2"})
    options, env = flag if chosen == "flag" else setting
    process, port = start_ui(tmp_path, *options, env=env)
    try:
        assert listening_addresses(port) == {"127.0.0.2"}
    finally:
        stop(process)


def test_sigterm_to_the_ui_ends_its_streamlit_server_and_frees_the_port(ui):
    process, port = ui
    (streamlit,) = children_of(process.pid)

    exit_code = stop(process)

    assert exit_code == 0
    assert listening_addresses(port) == set()
    assert not runs(streamlit)


def test_sigterm_to_sandbox_serve_frees_every_port(tmp_path):
    first = free_ports(len(BUILT_IN))
    env = os.environ | {"SYNDICATOR_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "syndicator", "sandbox", "serve", "--port", str(first)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        served = [process.stdout.readline() for _ in BUILT_IN]
        assert all("http://127.0.0.1:" in line for line in served), served
    finally:
        exit_code = stop(process)

    assert exit_code == 0
    assert set().union(*(listening_addresses(port) for port in range(first, first + len(BUILT_IN)))) == set()
