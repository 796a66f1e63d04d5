"""A marketplace gone bad, served for real on loopback: an answer trickling a byte at a time, an endless
answer, all-null answers, a five-million-digit item id, garbage. Each is an error for that call, nothing
from it is stored, and the other marketplaces' shops in the same run still get their updates. A listing
left with an invalid stored id by an older version is healed by seller SKU, its bad id never sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlmodel import Session

from adapters.common.contract import ShopCredentials
from adapters.common.errors import ErrorKind, MarketplaceError
from adapters.common.http import HttpSettings
from adapters.partner.client import PartnerAdapter
from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingVariant, Product, Sku
from catalog.pricing import channel_price
from syndicator.channels import HTTP_SETTINGS_ENV, default_price_rule
from syndicator.engine import run_sync
from tests.support.partner import floor_profile
from tests.support.sandboxes import Sandbox, connect_all, seed_catalogue

MiB = 1024 * 1024
HOSTILE = HttpSettings(connect_timeout_s=2, read_timeout_s=5, call_deadline_s=1, max_body_bytes=8 * MiB,
                       max_attempts=1, backoff_initial_s=0.01, backoff_max_s=0.05, backoff_jitter_s=0.01)
# A whole run also talks to healthy sandboxes, which a loaded machine may keep past one second.
WHOLE_RUN = HOSTILE.model_copy(update={"call_deadline_s": 4})
FIVE_MILLION_DIGITS = "9" * 5_000_000


class HostileMarketplace:
    """One hostile answer, given to every request on a loopback port; counts the body bytes it sent."""

    def __init__(self) -> None:
        self.answer: Callable[[HostileMarketplace, BaseHTTPRequestHandler], None] = json_answer({})
        self.sent = 0
        self.stopping = threading.Event()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.block_on_close = True  # closing waits for every answer still being sent
        self.server.hostile = self  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, name="hostile-marketplace")

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> HostileMarketplace:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.close_connection = True
        try:
            self.server.hostile.answer(self.server.hostile, self)  # type: ignore[attr-defined]
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up on us, as it should

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


def _headers(request: BaseHTTPRequestHandler, **headers: str) -> None:
    request.send_response(200)
    for name, value in {"Content-Type": "application/json", "Connection": "close", **headers}.items():
        request.send_header(name, value)
    request.end_headers()


def raw_answer(body: bytes, content_type: str = "application/json"):
    def answer(hostile: HostileMarketplace, request: BaseHTTPRequestHandler) -> None:
        _headers(request, **{"Content-Type": content_type, "Content-Length": str(len(body))})
        request.wfile.write(body)
        hostile.sent += len(body)

    return answer


def json_answer(data: object):
    return raw_answer(json.dumps(data).encode())


def trickle(every_s: float, length: int):
    """``length`` spaces announced, then one every ``every_s`` seconds: never slow enough for a read timeout."""

    def answer(hostile: HostileMarketplace, request: BaseHTTPRequestHandler) -> None:
        _headers(request, **{"Content-Length": str(length)})
        for _ in range(length):
            if hostile.stopping.wait(every_s):
                return
            request.wfile.write(b" ")
            request.wfile.flush()
            hostile.sent += 1

    return answer


def endless(total: int, chunk: bytes = b"7" * (64 * 1024)):
    """A chunked answer of ``total`` bytes, made as it is sent, with no length announced."""

    def answer(hostile: HostileMarketplace, request: BaseHTTPRequestHandler) -> None:
        _headers(request, **{"Transfer-Encoding": "chunked"})
        frame = b"%x\r\n%s\r\n" % (len(chunk), chunk)
        while hostile.sent < total and not hostile.stopping.is_set():
            request.wfile.write(frame)
            hostile.sent += len(chunk)
        request.wfile.write(b"0\r\n\r\n")

    return answer


@pytest.fixture
def hostile() -> Iterator[HostileMarketplace]:
    server = HostileMarketplace().start()
    yield server
    server.stop()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def voso_shop(hostile: HostileMarketplace) -> PartnerAdapter:
    """A Voso shop's client, pointed at the hostile server (which checks no signature)."""
    credentials = ShopCredentials(shop_id="4417", app_key="voso-htx-tancuong", app_secret=SecretStr("bi-mat-9f2c"))
    return PartnerAdapter(hostile.url, credentials, profile=floor_profile("voso"), http=HOSTILE)


async def failure_of(hostile: HostileMarketplace, call: Callable[[PartnerAdapter], object]) -> MarketplaceError:
    async with voso_shop(hostile) as shop:
        with pytest.raises(MarketplaceError) as failed:
            await call(shop)
    return failed.value


def recent_orders(shop: PartnerAdapter):
    from datetime import UTC, datetime

    return shop.orders_since(datetime(2026, 11, 28, tzinfo=UTC))


# --- one call against a hostile answer --------------------------------------------------------------
@pytest.mark.anyio
async def test_an_answer_trickling_a_byte_at_a_time_ends_at_the_deadline_as_a_transient_error(hostile):
    hostile.answer = trickle(every_s=0.2, length=100)  # all of it would take 20 s; each byte is in time

    failed = await failure_of(hostile, recent_orders)

    assert (failed.kind, failed.info.code) == (ErrorKind.transient, "deadline")
    assert hostile.sent < 100


@pytest.mark.anyio
async def test_an_endless_answer_is_refused_at_the_size_cap_and_not_read_to_its_end(hostile):
    hostile.answer = endless(total=512 * MiB)

    failed = await failure_of(hostile, recent_orders)

    assert (failed.kind, failed.info.code) == (ErrorKind.transient, "answer_too_large")
    # what was sent is the cap and what the loopback socket buffers held when the client hung up
    assert hostile.sent < HOSTILE.max_body_bytes + 32 * MiB


ALL_NULL_ANSWERS = {
    "null data": {"data": None},
    "null list and total": {"data": {"orders": None, "totalRecords": None}},
    "an order of nulls": {"data": {"orders": [{"orderId": None, "orderStatus": None, "createTime": None,
                                               "updateTime": None, "orderProducts": None}], "totalRecords": 1}},
}


@pytest.mark.anyio
@pytest.mark.parametrize("answer", ALL_NULL_ANSWERS.values(), ids=ALL_NULL_ANSWERS.keys())
async def test_an_all_null_answer_to_an_orders_pull_is_an_error_not_no_orders(hostile, answer):
    hostile.answer = json_answer(answer)

    failed = await failure_of(hostile, recent_orders)

    assert (failed.kind, failed.info.code) == (ErrorKind.transient, "malformed_answer")


@pytest.mark.anyio
async def test_an_all_null_answer_does_not_prove_a_shops_key(hostile):
    hostile.answer = json_answer({"data": {"shopId": None, "name": None}})

    failed = await failure_of(hostile, lambda shop: shop.refresh_credentials())

    assert failed.info.code == "malformed_answer" and "shop_id" in failed.info.message


def voso_item(**changes: object) -> dict:
    item = {"id": "88123", "merchantProductId": "TC-CHE-200G", "name": "Chè búp Tân Cương đặc biệt - Gói 200g",
            "price": 126000, "available": 40, "status": "ACTIVE"}
    return item | changes


@pytest.mark.anyio
async def test_a_five_million_digit_item_id_is_refused(hostile):
    hostile.answer = json_answer({"data": voso_item(id=FIVE_MILLION_DIGITS)})

    failed = await failure_of(hostile, lambda shop: shop.find_by_seller_sku("TC-CHE-200G"))

    assert failed.info.code == "malformed_answer" and failed.info.message.startswith("item: item_id")


@pytest.mark.anyio
async def test_a_five_million_digit_item_id_sent_as_a_number_is_refused(hostile):
    body = b'{"data": {"id": ' + FIVE_MILLION_DIGITS.encode() + b', "merchantProductId": "TC-CHE-200G"}}'
    hostile.answer = raw_answer(body)

    failed = await failure_of(hostile, lambda shop: shop.find_by_seller_sku("TC-CHE-200G"))

    assert failed.kind is ErrorKind.transient and "not JSON" in failed.info.message


@pytest.mark.anyio
async def test_a_negative_stock_in_a_shops_items_is_refused(hostile):
    hostile.answer = json_answer({"data": {"products": [voso_item(available=-5)], "totalRecords": 1}})

    failed = await failure_of(hostile, lambda shop: shop.list_items())

    assert failed.info.code == "malformed_answer" and failed.info.message.startswith("item: stock")


@pytest.mark.anyio
async def test_an_item_missing_its_seller_sku_is_refused(hostile):
    item = voso_item()
    del item["merchantProductId"]
    hostile.answer = json_answer({"data": item})

    failed = await failure_of(hostile, lambda shop: shop.find_by_seller_sku("TC-CHE-200G"))

    assert failed.info.code == "malformed_answer" and failed.info.message.startswith("item: seller_sku")


@pytest.mark.anyio
async def test_a_garbage_answer_is_an_error(hostile):
    hostile.answer = raw_answer(b"<html><body>502 B\xe1\xba\xa1n \xc4\x91\xc3\xa3 b\xe1\xbb\x8b ch\xe1\xba\xb7n", "text/html")

    failed = await failure_of(hostile, recent_orders)

    assert failed.kind is ErrorKind.transient and "not JSON" in failed.info.message


# --- a whole run with one floor gone bad ----------------------------------------------------------------
@pytest.fixture
def floors(sandboxes, monkeypatch) -> dict[str, Sandbox]:
    """Two floors' sandboxes (Voso and Postmart), emptied, with a short deadline and the hostile test's small
    cap. Their runs go over sockets, as the hostile marketplace's must."""
    monkeypatch.setenv(HTTP_SETTINGS_ENV, WHOLE_RUN.model_dump_json())
    return {name: sandboxes[name] for name in ("voso", "postmart")}


def point_at(engine, marketplace: str, url: str) -> None:
    """The shop's marketplace now answers from ``url``."""
    with session_scope(engine) as session:
        session.execute(sa.update(ChannelAccount).where(ChannelAccount.marketplace == marketplace)
                        .values(base_url=url))


def external_ids(engine, marketplace: str) -> dict[str, str | None]:
    with Session(engine) as session:
        return dict(session.execute(
            sa.select(Sku.sku, Listing.external_item_id).join(ListingVariant, ListingVariant.listing_id == Listing.id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
            .where(ChannelAccount.marketplace == marketplace)
        ).all())


def test_a_floor_trickling_its_answers_does_not_hold_back_another_marketplaces_price_update(
        engine, floors, hostile):
    ids = seed_catalogue(engine)
    connect_all(engine, floors)
    assert run_sync(engine).succeeded
    with session_scope(engine) as session:
        session.get(Sku, ids["TC-CHE-200G"]).price = 135000
    hostile.answer = trickle(every_s=0.2, length=100)  # 20 s in all, each byte in time for a read
    point_at(engine, "voso", hostile.url)

    report = run_sync(engine)

    assert report.shop_statuses() == {"HTX-TANCUONG:voso": "failed", "HTX-TANCUONG:postmart": "ok"}
    (voso,) = [shop for shop in report.shops if shop.account.marketplace == "voso"]
    assert "no complete answer within 4 s" in voso.errors[0]
    assert floors["postmart"].item("TC-CHE-200G")["price"] == channel_price(135000, default_price_rule("postmart"))


def test_a_floor_answering_five_million_digit_item_ids_gets_none_stored_and_another_floor_is_listed(
        engine, floors, hostile):
    seed_catalogue(engine)
    connect_all(engine, floors)
    hostile.answer = json_answer({"data": voso_item(id=FIVE_MILLION_DIGITS)})
    point_at(engine, "voso", hostile.url)

    report = run_sync(engine)

    assert report.shop_statuses() == {"HTX-TANCUONG:voso": "failed", "HTX-TANCUONG:postmart": "ok"}
    assert set(external_ids(engine, "voso").values()) == {None}
    assert None not in external_ids(engine, "postmart").values()


# --- a stored id an older version took from a broken answer ------------------------------------------
INVALID_STORED_IDS = {"junk characters": "88123 OR 1=1; --", "seventy digits": "9" * 70}


def spoil_stored_id(engine, seller_sku: str, bad_id: str) -> None:
    with session_scope(engine) as session:
        listing_id = session.scalar(
            sa.select(Listing.id).join(ListingVariant, ListingVariant.listing_id == Listing.id)
            .join(Sku, Sku.id == ListingVariant.sku_id)
            .join(ChannelAccount, ChannelAccount.id == Listing.channel_account_id)
            .where(Sku.sku == seller_sku, ChannelAccount.marketplace == "voso"))
        session.execute(sa.update(Listing).where(Listing.id == listing_id).values(external_item_id=bad_id))


def paths_asked(sandbox: Sandbox) -> str:
    return " ".join(sandbox._call("GET", "/_sandbox/stats")["requests"])


@pytest.mark.parametrize("bad_id", INVALID_STORED_IDS.values(), ids=INVALID_STORED_IDS.keys())
def test_reconcile_heals_a_listing_whose_stored_item_id_is_invalid(engine, floors, bad_id):
    seed_catalogue(engine)
    connect_all(engine, floors)
    run_sync(engine)
    voso = floors["voso"]
    spoil_stored_id(engine, "TC-CHE-200G", bad_id)

    report = run_sync(engine, trigger="schedule", reconcile=True)

    assert report.succeeded, report.summary()
    assert external_ids(engine, "voso")["TC-CHE-200G"] == voso.item("TC-CHE-200G")["item_id"]
    assert [item["seller_sku"] for item in voso.items()].count("TC-CHE-200G") == 1
    assert bad_id[:5] not in paths_asked(voso).replace("/_sandbox/", "")


@pytest.mark.parametrize("bad_id", INVALID_STORED_IDS.values(), ids=INVALID_STORED_IDS.keys())
def test_a_content_update_of_a_listing_with_an_invalid_stored_id_goes_to_the_item_found_by_seller_sku(
        engine, floors, bad_id):
    seed_catalogue(engine)
    connect_all(engine, floors)
    run_sync(engine)
    voso = floors["voso"]
    spoil_stored_id(engine, "TC-CHE-200G", bad_id)
    with session_scope(engine) as session:
        session.execute(sa.update(Product).where(Product.code == "CHE-TAN-CUONG")
                        .values(name="Chè búp Tân Cương đặc biệt vụ xuân"))

    report = run_sync(engine)  # the update goes to PUT …/products/{item_id}: the id is in the path

    assert report.succeeded, report.summary()
    assert "vụ xuân" in voso.item("TC-CHE-200G")["name"]
    assert external_ids(engine, "voso")["TC-CHE-200G"] == voso.item("TC-CHE-200G")["item_id"]
    assert bad_id[:5] not in paths_asked(voso).replace("/_sandbox/", "")
