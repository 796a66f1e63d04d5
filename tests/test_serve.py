"""``syndicator serve``: the web service answers /healthz by whether its database answers, serves a trace page
on a real port, and stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import httpx
import sqlalchemy as sa

from catalog.db import session_scope
from catalog.models import Coop, Product
from syndicator.serve import make_app
from tests.support.sandboxes import stored_picture
from tests.support.web import free_port


def get(engine, path: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(engine)),
                                     base_url="http://trace.test") as client:
            return await client.get(path)

    return asyncio.run(fetch())


def test_healthz_is_200_when_the_database_answers(engine):
    answer = get(engine, "/healthz")
    assert (answer.status_code, answer.text) == (200, "ok")


def test_healthz_is_503_when_the_database_does_not_answer(tmp_path):
    gone = sa.create_engine(f"sqlite:///{tmp_path / 'no-such-folder' / 'syndicator.db'}")
    assert get(gone, "/healthz").status_code == 503


def test_the_serve_command_serves_a_trace_page_and_stops_on_sigterm(engine, database_url, tmp_path):
    with session_scope(engine) as session:
        coop = Coop(code="HTX-TANCUONG", name="HTX Chè Tân Cương", commune_name="Xã Tân Cương")
        session.add(coop)
        session.flush()
        product = Product(coop_id=coop.id, code="CHE-BUP-DB", name="Chè búp Tân Cương đặc biệt")
        session.add(product)
    port = free_port()
    env = os.environ | {"SYNDICATOR_DATABASE_URL": database_url, "SYNDICATOR_DATA_DIR": str(tmp_path)}
    process = subprocess.Popen([sys.executable, "-m", "syndicator", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        page = httpx.get(f"{base}/t/{product.trace_code}", timeout=5)
        assert page.status_code == 200 and "HTX Chè Tân Cương" in page.text
    finally:
        process.send_signal(signal.SIGTERM)
        _, errors = process.communicate(timeout=20)
    log = errors.decode()
    # uvicorn shuts down cleanly, then re-raises the signal so the caller sees how it ended
    assert process.returncode == -signal.SIGTERM and "Finished server process" in log
    assert f"GET /t/{product.trace_code} HTTP/1.1\" 200" in log  # uvicorn's access log, on stderr
    assert "127.0.0.1:" not in log.replace(base, "")  # with no visitor's address


def test_a_stored_product_photo_is_served_by_its_content_name(engine):
    with session_scope(engine) as session:
        digest = stored_picture(session)

    answer = get(engine, f"/photos/{digest}.jpg")

    assert answer.status_code == 200
    assert answer.headers["content-type"] == "image/jpeg"
    assert answer.content[:3] == b"\xff\xd8\xff"


def test_only_a_stored_photos_own_name_is_served(engine):
    with session_scope(engine) as session:
        digest = stored_picture(session)

    for path in (f"/photos/{digest}.png", f"/photos/{'0' * 64}.jpg", "/photos/..%2F..%2Fsecret.key",
                 "/photos/secret.key", f"/photos/{digest[:-1]}.jpg"):
        assert get(engine, path).status_code == 404, path
