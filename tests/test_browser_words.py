"""Every page in a real headless Chromium, in Vietnamese, as a co-op clerk and as an officer: no internal code
(a slug, a state, an action, a status, None, a message id, a command-line hint) reaches the screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from catalog.db import init_database
from tests.support.browser import BROWSER, chromium_page, log_in, serve_app
from tests.support.ui import seed_two_coops
from tests.test_ui_words import offences, pages_for, seed_every_state

pytestmark = BROWSER

TITLES = {"overview": "Tổng quan", "products": "Sản phẩm", "stock": "Tồn kho", "labels": "Tem nhãn",
          "channels": "Gian hàng", "mapping": "Ghép danh mục", "listings": "Đăng bán", "sync": "Đồng bộ",
          "orders": "Đơn hàng", "sales": "Doanh số", "monitor": "Giám sát", "admin": "Quản trị"}


@pytest.fixture
def app_with_every_state(tmp_path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'syndicator.db'}"
    engine = init_database(url)
    seed_two_coops(engine)
    seed_every_state(engine)
    engine.dispose()
    yield from serve_app(tmp_path, url)


WORDS_SHOWN = """() => {
    const main = document.querySelector("[data-testid='stMain']").cloneNode(true);
    main.querySelectorAll("[data-testid='stIconMaterial']").forEach(icon => icon.remove());  // icon ligatures
    document.body.appendChild(main);  // innerText needs a laid-out node
    const text = main.innerText;
    main.remove();
    return text;
}"""


def shown_lines(page) -> list[str]:
    """The main area's text as drawn (icons' ligature names left out), and the grids' cells (kept for screen
    readers, not drawn as text)."""
    cells = page.locator("[data-testid='stMain'] [role='gridcell'], [data-testid='stMain'] [role='columnheader']")
    return [line for line in page.evaluate(WORDS_SHOWN).splitlines() + cells.all_inner_texts() if line.strip()]


@pytest.mark.parametrize("username", ["tancuong", "canbo"])
def test_no_page_shows_an_internal_code_in_vietnamese_in_a_browser(app_with_every_state, username):
    from playwright.sync_api import expect

    found: list[str] = []
    cells: set[str] = set()
    with chromium_page() as page:
        log_in(page, app_with_every_state, username)
        for name in pages_for(username):
            title = TITLES[name]
            page.get_by_role("link", name=title).click()
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30000)
            page.wait_for_timeout(2500)  # let tables and charts draw
            assert page.locator("[data-testid='stException']").count() == 0, name
            lines = shown_lines(page)
            cells |= set(lines)
            found += [f"{name}: {line!r} → {hits}" for line in lines if (hits := offences("browser", line))]
    assert {"CHE-DB-200", "Chè búp Tân Cương đặc biệt"} <= cells  # the grids' cells were read
    assert not found, "\n".join(found)
