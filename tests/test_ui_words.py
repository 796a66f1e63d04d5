"""Every page speaks the clerk's language: walked in Vietnamese as a co-op clerk, an officer and an admin, no
page shows an internal code (a marketplace's slug, a state, an action, a role, ``None``, a message id, a
command-line hint); walked in English, every text the pages use has its English words."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlmodel import select
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from adapters.common.errors import ErrorKind
from adapters.registry import names as marketplace_slugs
from catalog.db import session_scope
from catalog.i18n import MESSAGES
from catalog.models import (
    ChannelAccount,
    ChannelState,
    Coop,
    Listing,
    ListingState,
    ListingVariant,
    MovementKind,
    Order,
    OrderLine,
    Role,
    Sku,
    StockMovement,
    SyncEvent,
    SyncRun,
    TraceView,
    VariantState,
)
from catalog.stock import order_line_source
from syndicator.access.listings import Publication
from syndicator.actions import ActionKind
from syndicator.monitor.drift import Drift
from syndicator.orders import EVENTS
from syndicator.users import list_users
from tests.support.apptest import APP, logged_in, open_page
from tests.support.ui import TAN_CUONG, seed_two_coops

RUN_STATUSES = ("running", "ok", "failed", "partial", "busy", "interrupted")
RUN_TRIGGERS = ("cli", "schedule", "ui", "demo")
ORDER_STATUSES = ("open", "cancelled", "returned", "completed")
ENUMS = (ListingState, VariantState, ChannelState, MovementKind, ActionKind, Publication, Role, Drift, ErrorKind)
INTERNAL_CODES = frozenset({
    *marketplace_slugs(), *(kind.value for enum in ENUMS for kind in enum), *RUN_STATUSES, *RUN_TRIGGERS,
    *ORDER_STATUSES, "None", "nan", "NaN", "NaT", "True", "False",
})
# a code is a whole token: never part of a longer word, a SKU (CHE-DB-200), an identifier (update_stock) or a
# web address (the provincial floor's display name ends in its domain, thainguyentrade.vn)
CODE = re.compile(r"(?<![\w.-])(" + "|".join(sorted(map(re.escape, INTERNAL_CODES), key=len, reverse=True))
                  + r")(?![\w-]|\.\w)")
MESSAGE_ID = re.compile(r"(?<![\w.])ui\.\w+")
CLI_HINT = re.compile(r"(?<![\w-])--[a-z][\w-]*|(?<![\w-])syndicator [a-z]")
IDENTIFIER = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w-])")  # coop_code, update_stock, last_error
SAID_TWICE = re.compile(r"(?<!\w)(\w[\w ]*\w) \(\1\)")  # «đã gỡ (đã gỡ)»: a state and its own translation
# a table's or chart's heading that is the name of a field of the data: username, disabled, marketplace
FIELD_NAME = re.compile(r"[a-z][a-z0-9_]*")
HEADING = re.compile(r"table header|chart \w+ title")
# Places that legitimately show a code, as (page, where): none so far.
ALLOWED: frozenset[tuple[str, str]] = frozenset()

WIDGET_TEXT_FIELDS = ("label", "title", "body", "help", "placeholder", "text", "delta", "delta_description", "caption")
# buttons that only show something (a plan, a preview), pressed to read what they show
SHOWING_BUTTONS = ("show_plan", "labels_preview")


def navigation() -> dict[str, object]:
    """``PAGES`` and ``ADMIN_PAGE`` as ui/app.py writes them (read, not imported: importing runs the app)."""
    return {target.id: ast.literal_eval(node.value) for node in ast.parse(APP.read_text()).body
            if isinstance(node, ast.Assign) for target in node.targets
            if isinstance(target, ast.Name) and target.id in ("PAGES", "ADMIN_PAGE")}


def page_name(entry: tuple[str, str, str]) -> str:
    return entry[0].removeprefix("views/").removesuffix(".py")


def page_names() -> list[str]:
    """Every page of the navigation, the admin's included, as ``open_page`` names them."""
    found = navigation()
    return [page_name(entry) for entry in (*found["PAGES"], found["ADMIN_PAGE"])]


def pages_for(username: str) -> list[str]:
    admin_page = page_name(navigation()["ADMIN_PAGE"])
    return [page for page in page_names() if username == "quantri" or page != admin_page]


def seed_every_state(engine) -> None:
    """On top of the two co-ops: sync runs of every status with planned actions and failed events, orders
    of every status with the stock they moved, a stock adjustment, trace-page views, and shops and listings
    in the states a clerk meets."""
    now = datetime.now(UTC)
    with session_scope(engine) as session:
        tea = session.exec(select(Coop).where(Coop.code == TAN_CUONG)).one()
        tea_shopee = session.exec(select(ChannelAccount).where(ChannelAccount.coop_id == tea.id,
                                                                ChannelAccount.marketplace == "shopee")).one()
        tea_voso = session.exec(select(ChannelAccount).where(ChannelAccount.marketplace == "voso")).one()
        tea_voso.auto_publish = True  # its unchosen SKUs read «sẽ tự đăng»
        non_tom = session.exec(select(Sku).where(Sku.sku == "CHE-NT-100")).one()
        bup = session.exec(select(Sku).where(Sku.sku == "CHE-DB-200")).one()
        shops = {
            "thainguyentrade": ChannelAccount(coop_id=tea.id, marketplace="thainguyentrade", shop_id="TN-5",
                                              name="Chè Tân Cương trên sàn tỉnh", state=ChannelState.feed.value,
                                              base_url="http://127.0.0.1:1"),
            "lazada": ChannelAccount(coop_id=tea.id, marketplace="lazada", shop_id="LZ-9", name="Chè Tân Cương Lazada",
                                     state=ChannelState.needs_reauthorisation.value, base_url="http://127.0.0.1:1"),
        }
        big_pack = Sku(product_id=bup.product_id, sku="CHE-DB-500", variant="Gói 500g", price=280000, weight_g=500)
        session.add_all([*shops.values(), big_pack])
        session.flush()
        tea_on_shopee = session.exec(select(Listing).where(Listing.channel_account_id == tea_shopee.id)).one()
        session.add(ListingVariant(listing_id=tea_on_shopee.id, sku_id=big_pack.id, channel_account_id=tea_shopee.id,
                                   state=VariantState.live, external_variant_id="90012"))
        delisted = Listing(product_id=non_tom.product_id, channel_account_id=shops["lazada"].id,
                           state=ListingState.delisted, external_item_id="LZ-1")
        feed = Listing(product_id=non_tom.product_id, channel_account_id=shops["thainguyentrade"].id,
                       state=ListingState.awaiting_upload)
        session.add_all([delisted, feed])
        session.flush()
        session.add_all([
            ListingVariant(listing_id=delisted.id, sku_id=non_tom.id, channel_account_id=shops["lazada"].id,
                           state=VariantState.removed, enabled=False),
            ListingVariant(listing_id=feed.id, sku_id=non_tom.id, channel_account_id=shops["thainguyentrade"].id,
                           state=VariantState.pending, last_error="Thiếu ảnh sản phẩm"),
        ])
        for number, status in enumerate(ORDER_STATUSES[1:], start=1):
            order = Order(channel_account_id=tea_shopee.id, marketplace_order_id=f"SP-25000{number}", status=status,
                          total=185000, placed_at=now - timedelta(days=number))
            session.add(order)
            session.flush()
            session.add(OrderLine(order_id=order.id, line_ref="1", seller_sku="CHE-NT-100", sku_id=non_tom.id,
                                  quantity=1, unit_price=185000))
            moves = [(MovementKind.sale, "sale", -1)]
            if status in EVENTS:  # a cancelled or returned order put its pack back
                moves.append((*EVENTS[status], 1))
            session.add_all(StockMovement(sku_id=non_tom.id, kind=kind, quantity=quantity,
                                          source=order_line_source(tea_shopee.id, order.marketplace_order_id, "1", event))
                            for kind, event, quantity in moves)
        session.add(TraceView(day=now.date() - timedelta(days=2), product_id=bup.product_id, views=7))
        session.add(StockMovement(sku_id=bup.id, kind=MovementKind.adjustment, quantity=-1, actor="tancuong",
                                  source="adjustment:CHE-DB-200", note="Kiểm kho cuối tháng: 1 gói rách"))
        planned = {kind.value: 1 for kind in ActionKind}
        triggers = RUN_TRIGGERS * 2
        for hours, (status, trigger) in enumerate(zip(RUN_STATUSES, triggers[:len(RUN_STATUSES)], strict=True),
                                                  start=1):
            run = SyncRun(trigger=trigger, status=status, started_at=now - timedelta(hours=hours),
                          finished_at=None if status == "running" else now - timedelta(hours=hours, minutes=-5),
                          summary={"planned": planned, "planned_by_shop": {str(tea_shopee.id): planned}})
            session.add(run)
            session.flush()
            session.add(SyncEvent(run_id=run.id, channel_account_id=tea_shopee.id, listing_id=tea_on_shopee.id,
                                  action=ActionKind.update_content, outcome="error", error_kind="transient",
                                  message="Máy chủ sàn không trả lời"))  # about the item: names none of its packs


@pytest.fixture
def every_state(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    seed_every_state(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def strings(value: object) -> Iterator[str]:
    """The text in a field: a string, a list of them, or a button group's options (each with its content)."""
    if isinstance(value, str):
        yield value
    elif hasattr(value, "content"):
        yield value.content
    elif isinstance(value, list | tuple) or type(value).__name__.startswith("Repeated"):
        for item in value:
            yield from strings(item)


def cell_text(cell: object) -> str | None:
    """What the table shows in a cell: Streamlit writes a missing value as ``None``; a bool is a tick box."""
    if isinstance(cell, bool):
        return None
    if cell is None or (not isinstance(cell, list | tuple | dict) and pd.isna(cell)):
        return "None"
    return str(cell)


def table_texts(node) -> Iterator[tuple[str, str]]:
    """A table's column headers (as its column configuration names them, hidden ones left out) and cells."""
    config = json.loads(node.proto.columns) if node.proto.columns else {}
    frame = node.value
    if not config.get("_index", {}).get("hidden"):
        frame = frame.reset_index()
    for column in frame.columns:
        shown = config.get(str(column), config.get(f"col:{column}", {}))
        if shown.get("hidden"):
            continue
        header = str(shown.get("label") or column)
        yield "table header", header
        yield from ((f"table column «{header}»", text) for text in map(cell_text, frame[column]) if text is not None)


def encodings(spec: object) -> Iterator[tuple[str, dict]]:
    """(name, channel) for every channel of a Vega-Lite spec that shows a field (x, y, color, tooltip…),
    layers included."""
    if isinstance(spec, list):
        for part in spec:
            yield from encodings(part)
    elif isinstance(spec, dict):
        for key, value in spec.items():
            if key == "encoding":
                yield from ((name, c) for name, channel in value.items()
                            for c in (channel if isinstance(channel, list) else [channel]) if "field" in c)
            else:
                yield from encodings(value)


def chart_texts(node) -> Iterator[tuple[str, str]]:
    """A chart's axis, legend and tooltip titles (a field's own name when it has none) and its words: the
    values of its nominal and ordinal fields, read on the axes and in the legend."""
    frames = [convert_arrow_bytes_to_pandas_df(d.data.data) for d in node.proto.datasets]
    if node.proto.data.data:
        frames.append(convert_arrow_bytes_to_pandas_df(node.proto.data.data))
    for name, channel in encodings(json.loads(node.proto.spec)):
        if channel.get("title", channel["field"]) is not None:
            yield f"chart {name} title", str(channel.get("title", channel["field"]))
        if channel.get("type") in ("nominal", "ordinal"):
            yield from ((f"chart values «{channel['field']}»", text) for frame in frames if channel["field"] in frame
                        for text in map(cell_text, frame[channel["field"]]) if text is not None)


def shown_texts(app: AppTest) -> Iterator[tuple[str, str]]:
    """(where, text) for every text on the page: markdown, captions, alerts, headings, metrics, widget
    labels and displayed options, tab and expander labels, image captions, table headers and cells, charts."""
    for node in app._tree:
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        if node.type == "dataframe":
            yield from table_texts(node)
            continue
        if node.type == "vega_lite_chart":
            yield from chart_texts(node)
            continue
        if "type" in proto.DESCRIPTOR.oneofs_by_name and proto.WhichOneof("type"):  # a container: its label inside
            proto = getattr(proto, proto.WhichOneof("type"))
        fields = {field.name for field in proto.DESCRIPTOR.fields}
        for name in (*WIDGET_TEXT_FIELDS, "options"):
            if name in fields:
                yield from ((f"{node.type} {name}", text) for text in strings(getattr(proto, name)))
        if node.type == "image":
            yield from (("image caption", image.caption) for image in proto.imgs)


def offences(where: str, text: str) -> list[str]:
    found = [m.group(0) for pattern in (CODE, MESSAGE_ID, CLI_HINT, IDENTIFIER, SAID_TWICE)
             for m in pattern.finditer(text)]
    return found + [text] if HEADING.fullmatch(where) and FIELD_NAME.fullmatch(text) else found


def walk(username: str, lang: str) -> Iterator[tuple[str, str, str]]:
    """(page, where, text) for every text on every page the user's navigation holds."""
    app = logged_in(username, lang=lang)
    assert "viewer" in app.session_state, f"{username} could not log in"
    for page in pages_for(username):
        yield from ((page, where, text) for where, text in shown_texts(open_page(app, page)))
        for button in [b for b in app.button if b.key in SHOWING_BUTTONS]:
            button.click().run()
            assert not app.exception, (page, button.key, [e.value for e in app.exception])
            yield from ((page, f"after «{button.label}»: {where}", text) for where, text in shown_texts(app))


def test_the_walk_takes_every_page_file_from_the_navigation():
    assert sorted(page_names()) == sorted(path.stem for path in (APP.parent / "views").glob("*.py"))


@pytest.mark.parametrize(("text", "found"), [
    ("xong một phần · partial", ["partial"]),
    ("ok", ["ok"]),
    ("Đặt sách (book) ở kệ", []),
    ("CHE-DB-200 · Gói 200g", []),
    ("đổi tồn kho: update_stock", ["update_stock", "update_stock"]),
    ("Sàn giao dịch thương mại điện tử tỉnh Thái Nguyên (thainguyentrade.vn)", []),
    ("Đăng lên thainguyentrade", ["thainguyentrade"]),
    ("chạy `syndicator channels reconnect 5`", ["syndicator c"]),
    ("thêm --coop HTX-TANCUONG", ["--coop"]),
    ("ui.page_sync", ["ui.page_sync"]),
    ("đã gỡ (đã gỡ)", ["đã gỡ (đã gỡ)"]),
    ("HTX Chè Tân Cương (HTX-TANCUONG)", []),
])
def test_a_code_is_found_only_as_a_whole_token(text, found):
    assert offences("markdown body", text) == found


def test_a_table_header_named_like_a_data_field_is_a_leak():
    assert offences("table header", "username") == ["username"]
    assert offences("table header", "SKU") == [] and offences("table header", "Tên đăng nhập") == []


@pytest.mark.parametrize("username", ["tancuong", "canbo", "quantri"])
def test_no_page_shows_an_internal_code_in_vietnamese(every_state, username):
    seen = list(walk(username, "vi"))
    assert pages_for(username), "no page to walk"
    assert {page for page, _, _ in seen} == set(pages_for(username)), "a page showed no text at all"
    leaks = sorted({(page, where, found, text) for page, where, text in seen if (page, where) not in ALLOWED
                    for found in offences(where, text)})
    assert leaks == [], "\n".join(f"{username} · {page} · {where}: «{found}» in {text!r}"
                                   for page, where, found, text in leaks)


def test_the_pages_in_english_show_no_vietnamese_only_message(every_state):
    """A message with no English would show its Vietnamese words (or its id) to an English reader."""
    vietnamese_only = {texts["vi"] for key, texts in MESSAGES.items()
                       if key.startswith("ui.") and "{" not in texts["vi"] and texts["vi"] != texts["en"]}
    english = {texts["en"] for texts in MESSAGES.values()}
    for username in ("tancuong", "canbo", "quantri"):
        untranslated = sorted({(page, text) for page, _, text in walk(username, "en")
                               if MESSAGE_ID.search(text) or (text in vietnamese_only and text not in english)})
        assert untranslated == [], untranslated


def test_a_clerks_login_without_its_coop_is_refused_in_words_not_with_a_command_line_flag(every_state):
    app = open_page(logged_in("quantri"), "admin")
    app.text_input(key="new_username").input("hoa.tancuong")
    app.text_input(key="new_password").input("mat-khau-dai-2026")
    app.selectbox(key="new_role").set_value("coop")
    app.selectbox(key="new_user_coop").set_value(None)
    next(button for button in app.button if button.label == "Thêm tài khoản").click().run()
    assert [e.value for e in app.error] == ["Tài khoản cán bộ HTX phải gắn với một HTX: hãy chọn HTX."]
    assert "hoa.tancuong" not in {r["username"] for r in list_users(every_state)}
