"""A product without a photo, published everywhere: the listing matrix shows its packs on Shopee and Lazada as
not ready, with the reason a clerk can act on, and as waiting for the next sync on the floors; the Products
page's readiness says the same, per shop. Over real sandboxes."""

from __future__ import annotations

import pytest
from sqlmodel import select
from streamlit.testing.v1 import AppTest

from catalog.db import session_scope
from catalog.models import Coop, Product
from syndicator.access.listings import Publication, listing_matrix
from syndicator.access.readiness import product_readiness
from syndicator.users import add_user
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.sandboxes import (  # noqa: F401  (fixture)
    COOP,
    connect_all,
    publish_new,
    sandboxes,
    seed_catalogue,
)
from tests.support.ui import PASSWORD, login

NO_PHOTO = "Thiếu ảnh chính — thêm ít nhất một ảnh ở trang Sản phẩm"
HONEY = "MAT-ONG-VO-NHAI"


@pytest.fixture
def honey_without_photo(engine, database_url, monkeypatch, sandboxes):  # noqa: F811
    """Chè Tân Cương's catalogue published on every sandbox, its honey's photos removed before the first sync."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    publish_new(engine)
    with session_scope(engine) as session:
        honey = session.exec(select(Product).where(Product.code == HONEY)).one()
        honey.images = []
        session.add(Coop(code="HTX-VONHAI", name="HTX Mật ong Võ Nhai", commune_name="Xã Võ Nhai"))
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=COOP)
    add_user(engine, "vonhai", PASSWORD, "coop", coop_code="HTX-VONHAI")
    add_user(engine, "canbo", PASSWORD, "officer")
    return engine


def cells(engine, username: str, sku: str) -> dict[str, dict]:
    (row,) = [row for row in listing_matrix(engine, login(engine, username)).rows if row["sku"] == sku]
    return row["listings"]


def test_the_matrix_shows_the_honey_without_photo_blocked_on_shopee_and_lazada(honey_without_photo):
    honey = cells(honey_without_photo, "tancuong", "TC-MATONG-500")
    for marketplace in ("shopee", "lazada"):
        assert honey[marketplace]["state"] is Publication.blocked, marketplace
        assert NO_PHOTO in honey[marketplace]["reasons"], marketplace
    for floor in ("voso", "postmart", "thainguyentrade"):
        assert honey[floor]["state"] is Publication.pending and honey[floor]["reasons"] == [], floor
    tea = cells(honey_without_photo, "canbo", "TC-CHE-200G")  # an officer reads the same matrix
    assert NO_PHOTO not in tea["lazada"]["reasons"] and tea["voso"]["state"] is Publication.pending


def test_the_listings_page_shows_the_blocked_state_and_its_reason(honey_without_photo):
    app = open_page(logged_in("tancuong"), "listings")
    text = shown_text(app)
    assert "chưa sẵn sàng" in text and "Chưa sẵn sàng — cần sửa trước khi gửi" in text
    assert NO_PHOTO in text


def test_the_products_page_readiness_names_each_shop_and_its_reasons(honey_without_photo):
    with session_scope(honey_without_photo) as session:
        ids = dict(session.exec(select(Product.code, Product.id)).all())
    found = product_readiness(honey_without_photo, login(honey_without_photo, "tancuong"), ids.values())
    assert not [shop for code in ("CHE-TAN-CUONG", "MIEN-NA-RI") for shop, reasons in found[ids[code]]
                if NO_PHOTO in reasons]
    shops = dict(found[ids[HONEY]])
    assert sorted(shop.split(" · ")[0] for shop in shops) == ["Lazada", "Shopee"]
    assert all(NO_PHOTO in reasons for reasons in shops.values())
    # another co-op's clerk reads nothing of Tân Cương's products
    assert product_readiness(honey_without_photo, login(honey_without_photo, "vonhai"), ids.values()) == {}


def readiness_beside(product_id: int, username: str) -> None:
    """What the Products page shows beside a product (ui/readiness.py), on a page of its own."""
    from tests.support.ui import login
    from ui.common import engine
    from ui.readiness import show_product_readiness

    show_product_readiness(login(engine(), username), product_id)


def test_beside_the_honey_the_products_page_says_where_it_is_not_ready_and_why(honey_without_photo):
    with session_scope(honey_without_photo) as session:
        honey = session.exec(select(Product.id).where(Product.code == HONEY)).one()
    app = AppTest.from_function(readiness_beside, args=(honey, "tancuong"), default_timeout=30).run()
    assert not app.exception, [e.value for e in app.exception]
    warnings = [warning.value for warning in app.warning]
    assert sorted(text.split(" · ")[0] for text in warnings) == ["**Lazada", "**Shopee"]
    assert all("chưa sẵn sàng" in text and NO_PHOTO in text for text in warnings)
