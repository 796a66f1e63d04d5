"""``POST /push/{marketplace}`` on ``syndicator serve``: a push signed as its marketplace signs, over the raw body,
is written to the inbox once and answered 200; a bad or missing signature is refused with 401 and nothing is
stored; a push for a shop not connected here is answered 200 and stored nowhere."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
from pydantic import SecretStr
from sqlmodel import Session, select

from adapters import registry
from adapters.common.contract import ShopCredentials
from catalog.db import session_scope
from catalog.models import Coop, PushMessage
from syndicator.channels import store_shop
from syndicator.push import push_url
from syndicator.serve import make_app
from tests.support.sandboxes import use_test_settings

PUBLIC_URL = "https://dongbo.htx-tancuong.vn"
SHOP_ID = {"shopee": "220014", "lazada": "100480021"}
APP = {"shopee": ("2001887", "partner-key-che-tan-cuong"), "lazada": ("112233", "app-secret-che-tan-cuong")}


@pytest.fixture
def shops(engine, monkeypatch) -> dict[str, int]:
    """HTX Chè Tân Cương's shops on Shopee and Lazada, connected with their apps' keys."""
    use_test_settings(monkeypatch)
    monkeypatch.setenv("SYNDICATOR_PUBLIC_URL", PUBLIC_URL)
    with session_scope(engine) as session:
        session.add(Coop(code="HTX-TANCUONG", name="HTX Chè Tân Cương", commune_name="Phường Tân Cương"))
    ids = {}
    for marketplace, (app_key, secret) in APP.items():
        credentials = ShopCredentials(shop_id=SHOP_ID[marketplace], app_key=app_key, app_secret=SecretStr(secret),
                                      access_token=SecretStr("access"), refresh_token=SecretStr("refresh"))
        ids[marketplace] = store_shop(engine, "HTX-TANCUONG", marketplace, f"https://{marketplace}.example.vn",
                                      credentials, "HTX Chè Tân Cương").id
    return ids


def order_push(marketplace: str, shop_id: str, order_ref: str, status: str) -> bytes:
    """An order status push as the marketplace sends it, spacing and all."""
    if marketplace == "shopee":
        body = {"shop_id": int(shop_id), "code": 3, "timestamp": 1764745200,
                "data": {"ordersn": order_ref, "status": status, "update_time": 1764745199}}
    else:
        body = {"seller_id": shop_id, "message_type": 0, "timestamp": 1764745200, "site": "lazada_vn",
                "data": {"trade_order_id": order_ref, "trade_order_line_id": f"{order_ref}01",
                         "order_status": status, "status_update_time": 1764745199}}
    return json.dumps(body, ensure_ascii=False, indent=1).encode()


def signed(marketplace: str, raw: bytes, secret: str | None = None) -> dict[str, str]:
    app_key, app_secret = APP[marketplace]
    sign = registry.spec(marketplace).push.sign
    return {"Authorization": sign(push_url(PUBLIC_URL, marketplace), raw, app_key, secret or app_secret),
            "Content-Type": "application/json"}


def post(engine, path: str, raw: bytes, headers: dict[str, str]) -> httpx.Response:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=make_app(engine)),
                                     base_url="http://127.0.0.1:8600") as client:
            return await client.post(path, content=raw, headers=headers)

    return asyncio.run(send())


def inbox(engine) -> list[PushMessage]:
    with Session(engine) as session:
        return list(session.exec(select(PushMessage).order_by(PushMessage.id)).all())


MARKETPLACES = pytest.mark.parametrize("marketplace", ["shopee", "lazada"])


@MARKETPLACES
def test_a_signed_order_push_is_stored_in_the_inbox_and_answered_200(engine, shops, marketplace):
    raw = order_push(marketplace, SHOP_ID[marketplace], "251203TANCUONG1", "UNPAID")

    answer = post(engine, f"/push/{marketplace}", raw, signed(marketplace, raw))

    assert answer.status_code == 200
    (row,) = inbox(engine)
    assert (row.marketplace, row.channel_account_id, row.kind, row.order_ref, row.body, row.processed_at) == (
        marketplace, shops[marketplace], "order", "251203TANCUONG1", raw.decode(), None)


@MARKETPLACES
def test_a_push_delivered_twice_is_stored_once_and_both_deliveries_answered_200(engine, shops, marketplace):
    raw = order_push(marketplace, SHOP_ID[marketplace], "251203TANCUONG2", "CANCELLED")

    answers = [post(engine, f"/push/{marketplace}", raw, signed(marketplace, raw)) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert len(inbox(engine)) == 1


@MARKETPLACES
def test_a_push_signed_with_another_secret_is_refused_401_and_stored_nowhere(engine, shops, marketplace):
    raw = order_push(marketplace, SHOP_ID[marketplace], "251203TANCUONG3", "UNPAID")

    answer = post(engine, f"/push/{marketplace}", raw, signed(marketplace, raw, secret="not-the-app-secret"))

    assert answer.status_code == 401
    assert inbox(engine) == []


@MARKETPLACES
def test_a_push_without_a_signature_is_refused_401_and_stored_nowhere(engine, shops, marketplace):
    raw = order_push(marketplace, SHOP_ID[marketplace], "251203TANCUONG4", "UNPAID")

    answer = post(engine, f"/push/{marketplace}", raw, {"Content-Type": "application/json"})

    assert answer.status_code == 401
    assert inbox(engine) == []


@MARKETPLACES
def test_the_signature_is_checked_over_the_raw_body_not_its_json(engine, shops, marketplace):
    raw = order_push(marketplace, SHOP_ID[marketplace], "251203TANCUONG5", "UNPAID")
    same_json = json.dumps(json.loads(raw), separators=(",", ":")).encode()

    answer = post(engine, f"/push/{marketplace}", same_json, signed(marketplace, raw))

    assert answer.status_code == 401
    assert inbox(engine) == []


@MARKETPLACES
def test_a_push_for_a_shop_not_connected_here_is_answered_200_and_stored_nowhere(engine, shops, marketplace):
    raw = order_push(marketplace, "999999", "251203VONHAI1", "UNPAID")

    answer = post(engine, f"/push/{marketplace}", raw, signed(marketplace, raw))

    assert answer.status_code == 200
    assert inbox(engine) == []


@pytest.mark.parametrize("marketplace", ["tiki", "voso"])  # one we do not know; a floor that does not push
def test_a_push_to_a_marketplace_that_does_not_push_here_is_404(engine, shops, marketplace):
    raw = order_push("lazada", SHOP_ID["lazada"], "251203TANCUONG6", "UNPAID")

    answer = post(engine, f"/push/{marketplace}", raw, signed("lazada", raw))

    assert answer.status_code == 404
    assert inbox(engine) == []


def test_a_push_that_is_not_one_is_answered_400_and_stored_nowhere(engine, shops):
    raw = "Mật ong rừng Võ Nhai".encode()

    answer = post(engine, "/push/lazada", raw, signed("lazada", raw))

    assert answer.status_code == 400
    assert inbox(engine) == []


def test_a_body_too_large_to_be_a_push_is_refused_unread_and_stored_nowhere(engine, shops):
    raw = b'{"seller_id": "100480021", "data": {"note": "' + b"x" * 1_100_000 + b'"}}'

    answer = post(engine, "/push/lazada", raw, signed("lazada", raw))

    assert answer.status_code == 413
    assert inbox(engine) == []
