"""The Ghép danh mục page in a real headless Chromium over real sandboxes: a clerk finds a Lazada leaf by typing
part of its path without marks, picks it and saves their co-op's own mapping of the honey category."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from catalog.db import init_database, make_engine
from catalog.models import Category, CategoryMapping, Coop
from syndicator.access.mapping import search_leaves
from syndicator.users import add_user
from tests.support.browser import BROWSER, chromium_page, log_in, screenshot, serve_app
from tests.support.sandboxes import COOP, connect_all, sandboxes, seed_catalogue  # noqa: F401  (fixture)
from tests.support.ui import PASSWORD, login

pytestmark = BROWSER
WAIT = 30000


@pytest.fixture
def mapping_app(tmp_path, sandboxes) -> Iterator[str]:  # noqa: F811
    """The app over Chè Tân Cương's catalogue connected to every sandbox (each category mapped by the
    marketplace's suggestion), with the co-op's clerk."""
    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = init_database(url)
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=COOP)
    engine.dispose()
    yield from serve_app(tmp_path, url)


def choose(page, label: str, option: str) -> None:
    """Open the select box and click the option (again, if the page ran again and closed the list meanwhile)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(5):
        page.get_by_label(label, exact=True).click()
        try:
            wanted.click(timeout=3000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    else:
        raise AssertionError(f"«{option}» never offered in «{label}»")
    page.wait_for_timeout(1500)  # the page runs again with the choice


def honey_override(url: str) -> CategoryMapping | None:
    with Session(make_engine(url)) as session:
        return session.exec(select(CategoryMapping)
                            .join(Category, Category.id == CategoryMapping.category_id)
                            .join(Coop, Coop.id == CategoryMapping.coop_id)
                            .where(CategoryMapping.marketplace == "lazada", Category.code == "MAT-ONG",
                                   Coop.code == COOP)).first()


def test_a_clerk_picks_a_lazada_leaf_by_searching_and_saves(mapping_app, tmp_path):
    from playwright.sync_api import expect

    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = make_engine(url)
    (wanted,) = search_leaves(engine, login(engine, "tancuong"), "lazada", "đặc sản vùng miền")
    with chromium_page() as page:
        log_in(page, mapping_app, "tancuong")
        page.get_by_role("link", name="Ghép danh mục").click()
        expect(page.get_by_role("heading", name="Ghép danh mục", exact=True)).to_be_visible(timeout=WAIT)
        choose(page, "Sàn", "Lazada")
        choose(page, "Danh mục sản phẩm", "Mật ong")
        expect(page.get_by_text("Sàn gợi ý:")).to_be_visible(timeout=WAIT)
        search = page.get_by_label("Tìm ngành hàng của sàn")
        search.fill("dac san")
        search.press("Enter")
        page.wait_for_timeout(1500)  # the page runs again with the matching leaves
        choose(page, "Ngành hàng của sàn", wanted.path)
        expect(page.get_by_role("heading", name="Thuộc tính của ngành hàng")).to_be_visible(timeout=WAIT)
        page.get_by_role("button", name="Lưu ghép danh mục").click()
        expect(page.get_by_text("Đã lưu: «Mật ong»")).to_be_visible(timeout=WAIT)
        screenshot(page, "mapping")
        assert page.locator("[data-testid='stException']").count() == 0
    saved = honey_override(url)
    assert saved is not None and saved.leaf_id == wanted.leaf_id and saved.updated_by == "tancuong"
    assert saved.leaf_name == wanted.path
