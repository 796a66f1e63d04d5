"""The Ghép danh mục page against real sandboxes: a clerk saves their co-op's own mapping, an admin the default
for every co-op, an officer only reads. Leaf ids come from the marketplace's cached tree, never written here."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from catalog.db import session_scope
from catalog.models import Category, CategoryMapping, Coop
from syndicator.access.mapping import (
    category_mappings,
    editable_scopes,
    leaf_details,
    remove_scope_mapping,
    save_mapping,
    search_leaves,
    suggestions,
)
from syndicator.access.roles import AccessDenied
from syndicator.category_mapping import MappingChange, MappingError, remove_mapping
from syndicator.setup import marketplace_setup
from syndicator.users import add_user
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.sandboxes import COOP, connect_all, sandboxes, seed_catalogue  # noqa: F401  (fixture)
from tests.support.ui import PASSWORD, login

MARKET = "lazada"


@pytest.fixture
def mapped(engine, database_url, monkeypatch, sandboxes):  # noqa: F811
    """Chè Tân Cương's catalogue on every sandbox, each category mapped by the marketplace's suggestion; a
    clerk of the co-op, an officer and an admin."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    with session_scope(engine) as session:
        session.add(Coop(code="HTX-VONHAI", name="HTX Mật ong Võ Nhai", commune_name="Xã Võ Nhai"))
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=COOP)
    add_user(engine, "canbo", PASSWORD, "officer")
    add_user(engine, "quantri", PASSWORD, "admin")
    return engine


def stored(engine, category: str, coop_code: str | None, market: str = MARKET) -> CategoryMapping | None:
    with Session(engine) as session:
        coop_id = session.exec(select(Coop.id).where(Coop.code == coop_code)).first() if coop_code else None
        return session.exec(select(CategoryMapping).join(Category, Category.id == CategoryMapping.category_id).where(
            CategoryMapping.marketplace == market, Category.code == category,
            CategoryMapping.coop_id.is_(None) if coop_id is None else CategoryMapping.coop_id == coop_id)).first()


def mapping_page(username: str):
    app = open_page(logged_in(username), "mapping")
    app.selectbox(key="mapping_marketplace").set_value(MARKET).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def choose_category(app, code: str):
    app.selectbox(key="mapping_category").set_value(code).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_clerk_saves_the_coops_own_mapping_found_by_searching_the_tree(mapped):
    default = stored(mapped, "MAT-ONG", None)
    app = choose_category(mapping_page("tancuong"), "MAT-ONG")
    assert "Ghép riêng cho HTX-TANCUONG" in shown_text(app)
    leaf_key = f"mapping_{MARKET}_MAT-ONG_{COOP}_leaf"
    assert app.selectbox(key=leaf_key).value == default.leaf_id  # pre-filled from the default
    app.text_input(key=f"{leaf_key}_search").input("dac san").run()
    picker = app.selectbox(key=leaf_key)
    (special,) = search_leaves(mapped, login(mapped, "tancuong"), MARKET, "đặc sản vùng miền")
    assert "Bách Hóa Online > Đặc sản vùng miền" in picker.options
    picker.select(special.leaf_id).run()
    assert not app.exception, [e.value for e in app.exception]
    app.button(key=f"mapping_{MARKET}_MAT-ONG_{COOP}_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Đã lưu: «Mật ong" in shown_text(app)

    own = stored(mapped, "MAT-ONG", COOP)
    assert own is not None and own.updated_by == "tancuong" and "Đặc sản" in own.leaf_name
    assert own.leaf_id != default.leaf_id
    assert stored(mapped, "MAT-ONG", None).leaf_id == default.leaf_id  # the default is untouched
    assert own.attributes  # the leaf's attributes, filled by the rules their names suggest
    leaf = leaf_details(mapped, login(mapped, "tancuong"), MARKET, own.leaf_id)
    no_brand = [brand.brand_id for brand in leaf.brands if brand.name == "No Brand"]  # Lazada lists its own
    assert (own.brand_id, own.brand_name) == (no_brand[0], "No Brand")


@pytest.mark.parametrize("market", ["shopee", "lazada"])
def test_an_admin_saves_the_default_from_the_marketplaces_suggestion(mapped, market):
    remove_mapping(mapped, market, "CHE", None)
    admin = login(mapped, "quantri")
    best = suggestions(mapped, admin, market, "CHE")[0]
    app = open_page(logged_in("quantri"), "mapping")
    app.selectbox(key="mapping_marketplace").set_value(market).run()
    choose_category(app, "CHE")
    assert app.selectbox(key="mapping_scope").value is None  # «Mặc định cho mọi HTX»
    assert f"Sàn gợi ý: {best.path}" in shown_text(app).replace("\\", "")
    key = f"mapping_{market}_CHE_"
    app.button(key=f"{key}_leaf_use").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.selectbox(key=f"{key}_leaf").value == best.leaf_id
    app.button(key=f"{key}_save").click().run()
    assert "Đã lưu: «Chè»" in shown_text(app) and "Mặc định cho mọi HTX" in shown_text(app)

    saved = stored(mapped, "CHE", None, market)
    assert (saved.leaf_id, saved.leaf_name, saved.updated_by) == (best.leaf_id, best.path, "quantri")
    leaf = leaf_details(mapped, admin, market, best.leaf_id)
    (shelf_life,) = [attribute.attribute_id for attribute in leaf.attributes if attribute.name == "Hạn sử dụng"]
    assert saved.attributes[shelf_life] == {"source": "field", "field": "shelf_life_days"}


def test_an_officer_reads_the_mappings_and_cannot_save(mapped):
    app = mapping_page("canbo")
    text = shown_text(app)
    assert "Mật ong" in text and "Bạn chỉ có quyền xem." in text
    assert not [button for button in app.button if "save" in (button.key or "")]
    assert not [box for box in app.selectbox if box.key == "mapping_category"]


def test_the_tree_is_searched_without_marks_and_case(mapped):
    clerk = login(mapped, "tancuong")
    found = [leaf.path for leaf in search_leaves(mapped, clerk, MARKET, "do uong tra")]
    assert found == ["Bách Hóa Online > Đồ uống > Trà"]  # every word, in any place of the path
    assert [leaf.path for leaf in search_leaves(mapped, clerk, MARKET, "MAT ONG")] == [
        leaf.path for leaf in search_leaves(mapped, clerk, MARKET, "mật ong")]
    assert search_leaves(mapped, clerk, MARKET, "không có ngành này") == []
    every = search_leaves(mapped, clerk, MARKET, "")
    assert len(every) == len([node for node in marketplace_setup_of(mapped).categories if node.leaf])


def change_of(engine, viewer, category: str, coop_code: str | None) -> MappingChange:
    (leaf,) = search_leaves(engine, viewer, MARKET, "đặc sản vùng miền")
    return MappingChange(MARKET, category, leaf.leaf_id, leaf.path, coop_code)


def test_who_may_change_which_mapping(mapped):
    clerk, officer, admin = (login(mapped, name) for name in ("tancuong", "canbo", "quantri"))
    assert editable_scopes(mapped, clerk) == [COOP] and editable_scopes(mapped, officer) == []
    assert editable_scopes(mapped, admin) == [None, COOP, "HTX-VONHAI"]

    save_mapping(mapped, clerk, change_of(mapped, clerk, "GAO", COOP))
    assert stored(mapped, "GAO", COOP).updated_by == "tancuong"
    with pytest.raises(AccessDenied):
        save_mapping(mapped, clerk, change_of(mapped, clerk, "GAO", None))  # the default is the admin's
    with pytest.raises(AccessDenied):
        save_mapping(mapped, clerk, change_of(mapped, clerk, "GAO", "HTX-VONHAI"))
    with pytest.raises(AccessDenied):
        save_mapping(mapped, officer, change_of(mapped, officer, "GAO", COOP))
    with pytest.raises(AccessDenied):
        remove_scope_mapping(mapped, officer, MARKET, "GAO", COOP)
    with pytest.raises(AccessDenied):
        suggestions(mapped, officer, MARKET, "GAO")

    save_mapping(mapped, admin, change_of(mapped, admin, "GAO", "HTX-VONHAI"))
    save_mapping(mapped, admin, change_of(mapped, admin, "GAO", None))
    assert stored(mapped, "GAO", None).updated_by == "quantri"
    (rice,) = [row for row in category_mappings(mapped, clerk, MARKET) if row.code == "GAO"]
    assert rice.override.coop_code == COOP and rice.default.coop_code is None  # never Võ Nhai's
    with pytest.raises(AccessDenied):
        category_mappings(mapped, clerk, MARKET, "HTX-VONHAI")

    assert remove_scope_mapping(mapped, clerk, MARKET, "GAO", COOP)
    assert stored(mapped, "GAO", COOP) is None and stored(mapped, "GAO", None) is not None


def test_a_leaf_that_is_not_in_the_tree_is_refused_in_words(mapped):
    admin = login(mapped, "quantri")
    with pytest.raises(MappingError, match="không phải ngành hàng cuối"):
        save_mapping(mapped, admin, MappingChange(MARKET, "GAO", "999999999", "", None))
    parent = marketplace_leaves_parents(mapped)[0]
    with pytest.raises(MappingError, match="không phải ngành hàng cuối"):
        save_mapping(mapped, admin, MappingChange(MARKET, "GAO", parent, "", None))


def marketplace_setup_of(engine):
    with Session(engine) as session:
        return marketplace_setup(session, MARKET)[1]


def marketplace_leaves_parents(engine) -> list[str]:
    return [node.category_id for node in marketplace_setup_of(engine).categories if not node.leaf]


def test_a_fixed_value_left_empty_is_refused_in_words_and_nothing_is_saved(mapped):
    app = choose_category(mapping_page("tancuong"), "CHE")
    key = f"mapping_{MARKET}_CHE_{COOP}"
    leaf_id = app.selectbox(key=f"{key}_leaf").value
    leaf = leaf_details(mapped, login(mapped, "tancuong"), MARKET, leaf_id)
    typed = next(attribute for attribute in leaf.attributes if not attribute.options)
    app.selectbox(key=f"{key}_{leaf_id}_{typed.attribute_id}_source").set_value("constant").run()
    app.button(key=f"{key}_save").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert f"Chưa lưu được: «{typed.name}»: nhập giá trị cố định" in shown_text(app)
    assert stored(mapped, "CHE", COOP) is None
