"""The Lô hàng section of the Sản phẩm page: a product's lots listed, and added by its co-op's clerks only."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from catalog.db import session_scope
from catalog.lots import add_lot, list_lots
from catalog.models import Product
from syndicator.access.lots import add_product_lot, lot_products
from syndicator.access.roles import AccessDenied
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.ui import login, seed_two_coops

MAI = "Hộ bà Lê Thị Mai"


@pytest.fixture
def seeded(engine, database_url, monkeypatch):
    """The two co-ops of the app's tests; the Tân Cương tea keeps 365 days."""
    seed_two_coops(engine)
    with session_scope(engine) as session:
        session.execute(sa.update(Product).where(Product.code == "CHE-DB").values(shelf_life_days=365))
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    return engine


def lots_of(engine, product_code):
    with session_scope(engine) as session:
        return list_lots(session, product_code=product_code)


def add_through_the_form(app, **typed):
    for name, value in typed.items():
        if name == "notes":
            app.text_area(key="lot_notes").input(value)
        else:
            app.text_input(key=f"lot_{name}").input(value)
    next(b for b in app.button if b.label == "Thêm lô").click()
    app.run()
    return app


def test_a_clerk_adds_a_lot_and_sees_it_with_its_expiry_from_the_shelf_life(seeded):
    app = open_page(logged_in("tancuong"), "products")
    assert app.selectbox(key="lots_product").value == "HTX-TANCUONG|CHE-DB"
    add_through_the_form(app, code="tc-2611-01", produced_on="20/11/2026", quantity="300", notes=MAI)

    assert "Đã thêm lô TC-2611-01." in shown_text(app), [e.value for e in app.error]
    text = shown_text(app)
    assert "TC-2611-01" in text and "20/11/2026" in text and "20/11/2027" in text and MAI in text
    assert [(lot["code"], lot["quantity"], lot["notes"]) for lot in lots_of(seeded, "CHE-DB")] == [
        ("TC-2611-01", 300, MAI)]


def test_a_bad_lot_shows_each_fields_problem_and_adds_nothing(seeded):
    app = open_page(logged_in("tancuong"), "products")
    add_through_the_form(app, code="TC-2611-01", produced_on="20/11/26", quantity="ba trăm")

    errors = [e.value for e in app.error]
    assert errors[0] == "Chưa thêm lô — hãy sửa các lỗi sau:"
    assert any(e.startswith("ngày sản xuất: «20/11/26» không phải ngày") for e in errors), errors
    assert any(e.startswith("số lượng:") and "ba trăm" in e for e in errors), errors
    assert lots_of(seeded, "CHE-DB") == []


def test_a_coop_user_picks_only_among_its_own_products(seeded):
    app = open_page(logged_in("tancuong"), "products")
    assert app.selectbox(key="lots_product").options == [
        "Chè búp Tân Cương đặc biệt (HTX-TANCUONG · CHE-DB)", "Chè nõn tôm Tân Cương (HTX-TANCUONG · CHE-NT)"]


def test_an_officer_sees_a_products_lots_but_cannot_add_one(seeded):
    with session_scope(seeded) as session:
        add_lot(session, {"coop_code": "HTX-VONHAI", "product_code": "MO-VN", "code": "MO-2610",
                          "produced_on": "15/10/2026", "notes": "Đàn ong xóm Khuôn Mánh"})
    app = open_page(logged_in("canbo"), "products")
    app.selectbox(key="lots_product").set_value("HTX-VONHAI|MO-VN")
    app.run()
    text = shown_text(app)
    assert "MO-2610" in text and "Đàn ong xóm Khuôn Mánh" in text
    assert not [b for b in app.button if b.label == "Thêm lô"]


def test_a_coop_user_cannot_add_a_lot_to_another_coops_product(seeded):
    errors = add_product_lot(seeded, login(seeded, "tancuong"),
                             {"coop_code": "HTX-VONHAI", "product_code": "MO-VN", "code": "MO-2610",
                              "produced_on": "15/10/2026"})
    assert [e.message for e in errors] == ["HTX «HTX-TANCUONG» không có sản phẩm «MO-VN»"]
    assert lots_of(seeded, "MO-VN") == []


def test_an_officer_is_refused_adding_a_lot(seeded):
    with pytest.raises(AccessDenied):
        add_product_lot(seeded, login(seeded, "canbo"), {"coop_code": "HTX-VONHAI", "product_code": "MO-VN",
                                                         "code": "MO-2610", "produced_on": "15/10/2026"})


def test_a_coop_user_cannot_list_another_coops_products(seeded):
    with pytest.raises(AccessDenied):
        lot_products(seeded, login(seeded, "tancuong"), coop_code="HTX-VONHAI")
