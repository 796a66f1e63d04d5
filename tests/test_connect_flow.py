"""Connecting a shop from the app through the marketplace's own authorisation page, over real HTTP to the
Shopee and Lazada sandboxes: the link, the consent page, the redirect back with a code, the exchange and the
shop stored; a state forged, expired, spent or another login's refused; each clerk in their own co-op."""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import asdict
from html import unescape
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlmodel import Session, select

from catalog.models import ChannelAccount, ChannelState, Listing
from syndicator.access.connect import (
    connect_floor_feed,
    connect_floor_with_key,
    finish_connect,
    redirect_marketplaces,
    start_connect,
    start_reconnect,
)
from syndicator.access.roles import AccessDenied
from syndicator.channels import adapter_for
from syndicator.connect import APPS_ENV, ConnectRefused, RoundTrip, sandbox_apps
from syndicator.secrets import decrypt_credentials, secret_key
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import TAN_CUONG, VO_NHAI, login, seed_two_coops

APP_PAGE = "http://127.0.0.1:8501/channels"  # where the marketplace sends the owner back: the Gian hàng page
WEB = httpx.Client(timeout=10, follow_redirects=False)


@pytest.fixture
def app(engine, sandboxes, monkeypatch):
    """Two co-ops and their logins; the app registered on the sandboxes whose marketplace authorises by redirect
    (Lazada with the Gian hàng page as its callback), as ``SYNDICATOR_MARKETPLACE_APPS`` tells the app."""
    seed_two_coops(engine)
    urls = {name: sandboxes[name].url for name in ("shopee", "lazada", "voso")}  # Voso is connected by key
    monkeypatch.setenv(APPS_ENV, sandbox_apps(urls, "Syndicator Thái Nguyên", APP_PAGE))
    return engine


def consent_page(url: str) -> tuple[str, str, dict[str, str]]:
    """The marketplace's authorisation page: its text, where its form posts, and the form's hidden fields."""
    page = WEB.get(url)
    assert page.status_code == 200, page.text
    action = re.search(r'<form method="post" action="([^"]+)"', page.text).group(1)
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return page.text, urljoin(url, unescape(action)), {name: unescape(value) for name, value in hidden.items()}


def authorise(url: str, shop_id: str = "new") -> dict[str, str]:
    """The owner presses "Đồng ý" on the page at ``url``; the query the browser is sent back to the app with."""
    _, action, hidden = consent_page(url)
    answer = WEB.post(action, data={**hidden, "shop_id": shop_id, "shop_name": "Chè Tân Cương Official"})
    assert answer.status_code == 303, answer.text
    back = urlsplit(answer.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == APP_PAGE
    return dict(parse_qsl(back.query))


def connect_through_page(engine, marketplace: str, who: str = "tancuong") -> dict:
    viewer = login(engine, who)
    return finish_connect(engine, viewer, authorise(start_connect(engine, viewer, TAN_CUONG, marketplace, APP_PAGE)))


def stored(engine, account_id: int) -> ChannelAccount:
    with Session(engine) as session:
        return session.get(ChannelAccount, account_id)


def reads_its_items(engine, account: ChannelAccount) -> list:
    async def read() -> list:
        async with adapter_for(engine, account) as adapter:
            return (await adapter.list_items()).items

    return asyncio.run(read())


def test_shopee_and_lazada_are_offered_once_the_app_is_registered_on_them(app):
    assert redirect_marketplaces() == ["shopee", "lazada"]


def test_the_shopee_link_is_its_signed_auth_partner_page_sending_the_owner_back_to_the_app(app, sandboxes):
    viewer = login(app, "tancuong")
    url = start_connect(app, viewer, TAN_CUONG, "shopee", APP_PAGE)
    query = dict(parse_qsl(urlsplit(url).query))
    assert url.startswith(f"{sandboxes['shopee'].url}/api/v2/shop/auth_partner?")
    assert set(query) == {"partner_id", "timestamp", "sign", "redirect"}
    assert query["redirect"].startswith(f"{APP_PAGE}?state=")
    text, _, _ = consent_page(url)
    assert "Syndicator Thái Nguyên" in text and "Đồng ý" in text


def test_a_clerk_connects_a_shopee_shop_that_publishes_nothing(app, sandboxes):
    shop = connect_through_page(app, "shopee")
    account = stored(app, shop["id"])
    assert (shop["coop_code"], account.state, account.auto_publish) == (TAN_CUONG, ChannelState.connected, False)
    assert account.name == "HTX Chè Tân Cương"
    assert decrypt_credentials(account.credentials_encrypted).access_token is not None
    assert reads_its_items(app, account) == []  # its tokens work: Shopee answers for the new, empty shop
    with Session(app) as session:
        assert session.exec(select(Listing).where(Listing.channel_account_id == account.id)).all() == []


def test_a_clerk_connects_a_lazada_shop_known_by_the_seller_id_lazada_returns(app):
    viewer = login(app, "tancuong")
    url = start_connect(app, viewer, TAN_CUONG, "lazada", APP_PAGE)
    assert urlsplit(url).path == "/oauth/authorize"
    assert dict(parse_qsl(urlsplit(url).query))["redirect_uri"] == APP_PAGE
    returned = authorise(url)
    assert set(returned) == {"code", "state"} and returned["code"].startswith("0_")
    shop = finish_connect(app, viewer, returned)
    account = stored(app, shop["id"])
    assert account.state == ChannelState.connected and account.shop_id.isdigit() and not account.auto_publish


def test_the_same_code_sent_back_twice_is_refused(app):
    viewer = login(app, "tancuong")
    returned = authorise(start_connect(app, viewer, TAN_CUONG, "shopee", APP_PAGE))
    finish_connect(app, viewer, returned)
    with pytest.raises(ConnectRefused, match="đã được dùng rồi"):
        finish_connect(app, viewer, returned)


def test_a_used_code_under_a_new_state_is_refused_by_the_marketplace(app):
    viewer = login(app, "tancuong")
    first = authorise(start_connect(app, viewer, TAN_CUONG, "lazada", APP_PAGE))
    finish_connect(app, viewer, first)
    second = authorise(start_connect(app, viewer, TAN_CUONG, "lazada", APP_PAGE))
    with pytest.raises(ConnectRefused, match="Lazada không nhận mã cấp quyền"):
        finish_connect(app, viewer, {**second, "code": first["code"]})


def test_a_forged_state_is_refused_and_nothing_is_stored(app):
    viewer = login(app, "tancuong")
    returned = authorise(start_connect(app, viewer, TAN_CUONG, "shopee", APP_PAGE))
    shops_before = shop_count(app)
    forged = Fernet(Fernet.generate_key()).encrypt(json.dumps(
        asdict(RoundTrip(VO_NHAI, "shopee", None, "tancuong", "n"))).encode()).decode()
    for state in (forged, returned["state"][:-4] + "AAAA", "HTX-TANCUONG"):
        with pytest.raises(ConnectRefused, match="không hợp lệ"):
            finish_connect(app, viewer, {**returned, "state": state})
    assert shop_count(app) == shops_before


def shop_count(engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(ChannelAccount)).all())


def test_a_state_older_than_ten_minutes_is_refused(app):
    viewer = login(app, "tancuong")
    returned = authorise(start_connect(app, viewer, TAN_CUONG, "shopee", APP_PAGE))
    trip = asdict(RoundTrip(TAN_CUONG, "shopee", None, "tancuong", "cu"))
    stale = Fernet(secret_key()).encrypt_at_time(json.dumps(trip).encode(), int(time.time()) - 11 * 60).decode()
    with pytest.raises(ConnectRefused, match="hết hạn"):
        finish_connect(app, viewer, {**returned, "state": stale})


def test_a_round_trip_started_by_one_clerk_is_refused_to_another(app):
    started = authorise(start_connect(app, login(app, "tancuong"), TAN_CUONG, "shopee", APP_PAGE))
    with pytest.raises(ConnectRefused, match="tài khoản khác"):
        finish_connect(app, login(app, "vonhai"), started)


def test_a_clerk_connects_only_their_own_coop_and_an_officer_none(app):
    with pytest.raises(AccessDenied):
        start_connect(app, login(app, "tancuong"), VO_NHAI, "shopee", APP_PAGE)
    with pytest.raises(AccessDenied):
        start_connect(app, login(app, "canbo"), TAN_CUONG, "lazada", APP_PAGE)
    admin = login(app, "quantri")
    assert finish_connect(app, admin, authorise(start_connect(app, admin, VO_NHAI, "shopee", APP_PAGE)))[
        "coop_code"] == VO_NHAI


def test_a_shop_that_needs_it_is_connected_again_through_the_same_page(app):
    shop = connect_through_page(app, "shopee")
    with Session(app) as session:
        account = session.get(ChannelAccount, shop["id"])
        account.state = ChannelState.needs_reauthorisation
        session.add(account)
        session.commit()
    viewer = login(app, "tancuong")
    url = start_reconnect(app, viewer, shop["id"], APP_PAGE)
    assert f'value="{shop["shop_id"]}"' in consent_page(url)[0]
    again = finish_connect(app, viewer, authorise(url, shop_id=shop["shop_id"]))
    assert again["id"] == shop["id"] and stored(app, shop["id"]).state == ChannelState.connected


def test_another_coops_shop_cannot_be_connected_again_by_a_clerk(app):
    shop = connect_through_page(app, "shopee")
    with pytest.raises(AccessDenied):
        start_reconnect(app, login(app, "vonhai"), shop["id"], APP_PAGE)


@pytest.mark.parametrize(("change", "refusal"), [
    ({"sign": "0" * 64}, "error_sign"),
    ({"partner_id": "1999999"}, "Invalid partner_id"),
    ({"redirect": ""}, "There is no redirect"),
    ({"timestamp": str(int(time.time()) - 600)}, "Timestamp is expired"),
])
def test_the_shopee_sandbox_refuses_a_link_shopee_refuses(app, change, refusal):
    url = start_connect(app, login(app, "tancuong"), TAN_CUONG, "shopee", APP_PAGE)
    parts = urlsplit(url)
    page = WEB.get(f"{parts.scheme}://{parts.netloc}{parts.path}", params={**dict(parse_qsl(parts.query)), **change})
    assert page.status_code == 403 and refusal in page.text and "Đồng ý" not in page.text


@pytest.mark.parametrize(("change", "refusal"), [
    ({"client_id": "999"}, "invalid_client"),
    ({"redirect_uri": ""}, "redirect_uri is missing"),
    ({"redirect_uri": "https://ke-gian.example/channels"}, "does not match the callback URL"),
    ({"response_type": "token"}, "unsupported_response_type"),
])
def test_the_lazada_sandbox_refuses_a_link_lazada_refuses(app, change, refusal):
    url = start_connect(app, login(app, "tancuong"), TAN_CUONG, "lazada", APP_PAGE)
    parts = urlsplit(url)
    page = WEB.get(f"{parts.scheme}://{parts.netloc}{parts.path}", params={**dict(parse_qsl(parts.query)), **change})
    assert page.status_code in (400, 401) and refusal in page.text and "Đồng ý" not in page.text


def test_a_floor_shop_is_connected_with_the_key_the_floor_issued(app, sandboxes):
    issued = WEB.post(f"{sandboxes['voso'].url}/_sandbox/shops", json={"name": "HTX Chè Tân Cương"}).json()
    typed = {"base_url": sandboxes["voso"].url, "shop_id": str(issued["shop_id"]), "api_key": issued["api_key"],
             "api_secret": issued["api_secret"]}
    shop = connect_floor_with_key(app, login(app, "tancuong"), TAN_CUONG, "voso", typed)
    assert stored(app, shop["id"]).state == ChannelState.connected


def test_a_floor_form_without_its_key_names_the_field_and_stores_nothing(app, sandboxes):
    typed = {"base_url": sandboxes["postmart"].url, "shop_id": "42", "api_key": "", "api_secret": "bí mật"}
    with pytest.raises(ValueError, match="Khóa API: cần nhập"):
        connect_floor_with_key(app, login(app, "tancuong"), TAN_CUONG, "postmart", typed)


def test_a_feed_only_floor_is_connected_by_the_form(app):
    shop = connect_floor_feed(app, login(app, "tancuong"), TAN_CUONG, "thainguyentrade")
    assert stored(app, shop["id"]).state == ChannelState.feed


def test_the_page_completes_the_returned_authorisation_and_clears_the_code(app, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    returned = authorise(start_connect(app, login(app, "tancuong"), TAN_CUONG, "shopee", APP_PAGE))
    page = logged_in("tancuong")
    page.query_params.update(returned)
    open_page(page, "channels")
    text = shown_text(page)
    assert "Đã kết nối Shopee · HTX Chè Tân Cương" in text and "Kết nối Lazada" in text
    assert not {"code", "state", "shop_id"} & set(page.query_params)


def test_an_officer_is_offered_no_way_to_connect_a_shop(app, database_url, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    text = shown_text(open_page(logged_in("canbo"), "channels"))
    assert "Cán bộ chỉ xem" in text and "Kết nối Shopee" not in text
