"""The app's data layer enforces the roles itself, and aggregates in the database."""

from __future__ import annotations

import pytest

from catalog.db import session_scope
from catalog.models import Listing, Role
from catalog.search import sql_sort_key
from catalog.text import sort_key
from syndicator.access.coops import add_coop, coops
from syndicator.access.listings import delist, set_price_override
from syndicator.access.logins import create_login, logins
from syndicator.access.monitor import observations
from syndicator.access.overview import overview
from syndicator.access.products import export_catalog, import_catalog, product_row, products, save_product_row
from syndicator.access.roles import AccessDenied, sync_scope
from syndicator.access.sales import sales
from syndicator.access.shops import channels, set_price_rule, set_stock_policy
from syndicator.access.sync import sync_errors, sync_runs
from tests.support.ui import TAN_CUONG, VO_NHAI, login, seed_two_coops


@pytest.fixture
def seeded(engine):
    seed_two_coops(engine)
    return engine


def test_a_coop_user_sees_only_its_own_coop(seeded):
    tea = login(seeded, "tancuong")
    assert [c["code"] for c in coops(seeded, tea)] == [TAN_CUONG]


def test_a_coop_user_cannot_ask_for_another_coop(seeded):
    tea = login(seeded, "tancuong")
    for call in (
        lambda: overview(seeded, tea, VO_NHAI),
        lambda: channels(seeded, tea, VO_NHAI),
        lambda: sales(seeded, tea, "product", coop_code=VO_NHAI),
    ):
        with pytest.raises(AccessDenied):
            call()


def test_a_coop_users_overview_counts_only_its_listings_and_orders(seeded):
    facts = overview(seeded, login(seeded, "tancuong"))
    assert {(r["marketplace"], r["state"], r["count"]) for r in facts.listings} == {
        ("shopee", "live", 1), ("voso", "live", 1),
    }
    assert (facts.orders_today, facts.sales_today) == (1, 240000)


def test_an_officer_overview_covers_every_coop(seeded):
    facts = overview(seeded, login(seeded, "canbo"))
    assert ("shopee", "error", 1) in {(r["marketplace"], r["state"], r["count"]) for r in facts.listings}
    assert (facts.orders_today, facts.sales_today, facts.coops) == (2, 990000, 2)


def test_sales_by_coop_are_summed_in_the_database_per_coop(seeded):
    rows = sales(seeded, login(seeded, "canbo"), "coop")
    assert rows == [
        {"coop": "HTX Mật ong Võ Nhai", "revenue": 750000, "units": 3, "orders": 1},
        {"coop": "HTX Chè Tân Cương", "revenue": 240000, "units": 2, "orders": 1},
    ]


def test_a_coop_user_sees_only_its_own_sales(seeded):
    rows = sales(seeded, login(seeded, "vonhai"), "product")
    assert rows == [{"product": "Mật ong rừng Võ Nhai", "revenue": 750000, "units": 3, "orders": 1}]


def test_sales_by_month_are_keyed_by_vietnam_month(seeded):
    rows = sales(seeded, login(seeded, "canbo"), "month")
    assert len(rows) == 1 and len(rows[0]["month"]) == 7 and rows[0]["revenue"] == 990000


def test_cancelled_orders_do_not_count_as_sales(seeded):
    from catalog.models import Order

    with session_scope(seeded) as session:
        for order in session.exec(Order.__table__.select()).all():
            session.get(Order, order.id).status = "cancelled"
    assert sales(seeded, login(seeded, "canbo"), "coop") == []


def test_shops_of_a_coop_user_are_its_own(seeded):
    shops = channels(seeded, login(seeded, "tancuong"))
    assert sorted(s["marketplace"] for s in shops) == ["shopee", "voso"]
    assert {s["coop_code"] for s in shops} == {TAN_CUONG}


def test_an_officer_cannot_publish_delist_or_sync(seeded):
    officer = login(seeded, "canbo")
    with session_scope(seeded) as session:
        listing_id = session.exec(Listing.__table__.select()).first().id
    with pytest.raises(AccessDenied):
        delist(seeded, officer, [listing_id])
    with pytest.raises(AccessDenied):
        sync_scope(officer, None)
    with session_scope(seeded) as session:
        assert session.get(Listing, listing_id).enabled


def test_a_coop_user_cannot_delist_another_coops_listing(seeded):
    with session_scope(seeded) as session:
        honey = session.exec(Listing.__table__.select().where(Listing.state == "error")).first()
    with pytest.raises(AccessDenied):
        delist(seeded, login(seeded, "tancuong"), [honey.id])
    with session_scope(seeded) as session:
        assert session.get(Listing, honey.id).enabled


def test_a_coop_user_delists_its_own_listing(seeded):
    with session_scope(seeded) as session:
        tea = session.exec(Listing.__table__.select().where(Listing.external_item_id == "9001")).first()
    assert delist(seeded, login(seeded, "tancuong"), [tea.id]) == 1
    with session_scope(seeded) as session:
        assert not session.get(Listing, tea.id).enabled


def test_a_coop_sync_is_limited_to_its_own_coop(seeded):
    tea = login(seeded, "tancuong")
    assert sync_scope(tea, None) == TAN_CUONG
    with pytest.raises(AccessDenied):
        sync_scope(tea, VO_NHAI)


def test_sync_history_and_errors_of_a_coop_exclude_other_coops(seeded):
    tea, honey = login(seeded, "tancuong"), login(seeded, "vonhai")
    assert sync_errors(seeded, tea).rows == []
    errors = sync_errors(seeded, honey).rows
    assert [(e["sku"], e["message"]) for e in errors] == [
        ("MO-VN-500", "Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)")
    ]
    assert sync_runs(seeded, tea).total == 1


def test_monitor_results_of_a_coop_exclude_other_coops(seeded):
    assert observations(seeded, login(seeded, "vonhai")).rows == []
    seen = observations(seeded, login(seeded, "tancuong"), drift_only=True).rows
    assert [(o["sku"], o["price"], o["pushed_price"], o["drift"]) for o in seen] == [
        ("CHE-DB-200", 115000, 120000, ["price"])
    ]


def test_only_an_admin_manages_coops_and_logins(seeded):
    for name in ("tancuong", "canbo"):
        with pytest.raises(AccessDenied):
            add_coop(seeded, login(seeded, name), "HTX-NARI", "HTX Miến dong Na Rì")
        with pytest.raises(AccessDenied):
            logins(seeded, login(seeded, name))
    admin = login(seeded, "quantri")
    add_coop(seeded, admin, "HTX-NARI", "HTX Miến dong Na Rì")
    create_login(seeded, admin, "nari", "mien-dong-na-ri", Role.coop, "HTX-NARI")
    assert {"username": "nari", "role": "coop", "coop_code": "HTX-NARI", "disabled": False} in logins(
        seeded, admin)


@pytest.mark.parametrize("query", ["mật ong rừng", "mat ong rung", "MẬT ONG", "Mat Ong", "mo-vn"])
def test_search_finds_a_product_with_or_without_diacritics(seeded, query):
    rows = products(seeded, login(seeded, "canbo"), query=query).rows
    assert [r["sku"] for r in rows] == ["MO-VN-500"]


def test_searching_for_d_finds_words_with_đ(seeded):
    rows = products(seeded, login(seeded, "canbo"), query="dac biet").rows
    assert [r["name"] for r in rows] == ["Chè búp Tân Cương đặc biệt"]


def test_products_come_in_vietnamese_alphabetical_order_with_stock_on_hand(seeded):
    rows = products(seeded, login(seeded, "canbo")).rows
    assert [(r["name"], r["on_hand"]) for r in rows] == [
        ("Chè búp Tân Cương đặc biệt", 40), ("Chè nõn tôm Tân Cương", 12), ("Mật ong rừng Võ Nhai", 30),
    ]


def test_the_sql_sort_key_keeps_the_catalogs_vietnamese_order():
    names = ["Đậu xanh", "Dưa hấu", "Ăn vặt", "An", "Bánh", "Dâu", "Mạ", "Ma", "mắm", "Mật", "Mật ong", "Chè 2"]
    assert sorted(names, key=sql_sort_key) == sorted(names, key=sort_key)


def test_products_are_paged_in_the_database(seeded):
    page = products(seeded, login(seeded, "canbo"), offset=1, limit=1)
    assert (page.total, [r["sku"] for r in page.rows]) == (3, ["CHE-NT-100"])


def test_a_coop_users_export_holds_only_its_own_skus(seeded, tmp_path):
    from openpyxl import load_workbook

    path = export_catalog(seeded, login(seeded, "tancuong"), tmp_path / "catalog.xlsx")
    cells = {str(c.value) for row in load_workbook(path).active.iter_rows() for c in row}
    assert {"CHE-DB-200", "CHE-NT-100"} <= cells and "MO-VN-500" not in cells


def _price_of(engine, sku: str) -> int:
    from sqlmodel import select

    from catalog.models import Sku

    with session_scope(engine) as session:
        return session.exec(select(Sku.price).where(Sku.sku == sku)).one()


def test_a_coop_user_edits_its_own_sku_with_a_price_typed_the_vietnamese_way(seeded):
    tea = login(seeded, "tancuong")
    row = product_row(seeded, tea, "CHE-DB-200") | {"price": "135.000 ₫"}
    assert save_product_row(seeded, tea, row) == []
    assert _price_of(seeded, "CHE-DB-200") == 135000


def test_a_bad_edit_names_the_field_and_changes_nothing(seeded):
    tea = login(seeded, "tancuong")
    row = product_row(seeded, tea, "CHE-DB-200") | {"price": "120k", "name": "Chè"}
    errors = save_product_row(seeded, tea, row)
    assert {e.column for e in errors} == {"price", "name"}
    assert _price_of(seeded, "CHE-DB-200") == 120000


def test_a_coop_user_cannot_open_or_overwrite_another_coops_sku(seeded):
    tea, honey = login(seeded, "tancuong"), login(seeded, "vonhai")
    with pytest.raises(AccessDenied):
        product_row(seeded, tea, "MO-VN-500")
    row = product_row(seeded, honey, "MO-VN-500") | {"price": "1000"}
    errors = save_product_row(seeded, tea, row)  # lands in the clerk's own co-op, where the SKU is not
    assert [e.column for e in errors] == ["sku"]
    assert _price_of(seeded, "MO-VN-500") == 250000


def test_an_officer_cannot_save_an_edit(seeded):
    officer = login(seeded, "canbo")
    row = product_row(seeded, officer, "CHE-DB-200") | {"price": "99000"}
    with pytest.raises(AccessDenied):
        save_product_row(seeded, officer, row)
    assert _price_of(seeded, "CHE-DB-200") == 120000


CSV_HEADER = "product_code,name,category,sku,variant,price,stock,weight_g\n"


def test_an_import_preview_writes_nothing_and_a_bad_file_reports_every_bad_row(seeded, tmp_path):
    tea = login(seeded, "tancuong")
    path = tmp_path / "che.csv"
    path.write_text(CSV_HEADER + "CHE-XANH,Chè xanh Tân Cương loại 1,Chè,CHE-XANH-500,Gói 500g,\"260.000 ₫\",20,500\n"
                    "CHE-VUN,Chè,Chè,CHE-VUN-200,Gói 200g,80k,5,200g\n", encoding="utf-8")
    report = import_catalog(seeded, tea, path, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [(3, "name"), (3, "price")]
    assert products(seeded, tea, query="che xanh").total == 0


def test_a_coop_users_import_goes_into_its_own_coop(seeded, tmp_path):
    tea = login(seeded, "tancuong")
    path = tmp_path / "che.csv"
    path.write_text(CSV_HEADER + "CHE-XANH,Chè xanh Tân Cương loại 1,Chè,CHE-XANH-500,Gói 500g,260000,20,500\n",
                    encoding="utf-8")
    assert import_catalog(seeded, tea, path, dry_run=False).ok
    rows = products(seeded, tea, query="che xanh").rows
    assert [(r["coop_code"], r["sku"], r["price"], r["on_hand"]) for r in rows] == [
        (TAN_CUONG, "CHE-XANH-500", 260000, 20)
    ]


def test_an_officer_cannot_import(seeded, tmp_path):
    path = tmp_path / "che.csv"
    path.write_text(CSV_HEADER, encoding="utf-8")
    with pytest.raises(AccessDenied):
        import_catalog(seeded, login(seeded, "canbo"), path, coop_code=TAN_CUONG)


def _shop(engine, marketplace: str, coop_code: str):
    from sqlmodel import select

    from catalog.models import ChannelAccount, Coop

    with session_scope(engine) as session:
        return session.exec(
            select(ChannelAccount).join(Coop, ChannelAccount.coop_id == Coop.id)
            .where(ChannelAccount.marketplace == marketplace, Coop.code == coop_code)
        ).one()


def test_only_an_admin_changes_a_price_rule(seeded):
    shop = _shop(seeded, "shopee", TAN_CUONG)
    rule = {"percentage_fees": {"phi_thanh_toan": 5}, "fixed_fee_per_order": 3000}
    for name in ("tancuong", "canbo"):
        with pytest.raises(AccessDenied):
            set_price_rule(seeded, login(seeded, name), shop.id, rule)
    set_price_rule(seeded, login(seeded, "quantri"), shop.id, rule)
    assert _shop(seeded, "shopee", TAN_CUONG).price_rule["fixed_fee_per_order"] == 3000


def test_a_coop_user_sets_its_own_shops_stock_policy_but_not_another_coops(seeded):
    tea = login(seeded, "tancuong")
    set_stock_policy(seeded, tea, _shop(seeded, "shopee", TAN_CUONG).id, {"safety_buffer": 5})
    assert _shop(seeded, "shopee", TAN_CUONG).stock_policy["safety_buffer"] == 5
    with pytest.raises(AccessDenied):
        set_stock_policy(seeded, tea, _shop(seeded, "shopee", VO_NHAI).id, {"safety_buffer": 5})


def test_a_bad_stock_policy_is_refused_and_changes_nothing(seeded):
    from pydantic import ValidationError

    shop = _shop(seeded, "shopee", TAN_CUONG)
    with pytest.raises(ValidationError, match="safety_buffer"):
        set_stock_policy(seeded, login(seeded, "tancuong"), shop.id, {"safety_buffer": -3})
    assert _shop(seeded, "shopee", TAN_CUONG).stock_policy == shop.stock_policy


def _listing_id(engine, item_id: str) -> int:
    with session_scope(engine) as session:
        return session.exec(Listing.__table__.select().where(Listing.external_item_id == item_id)).first().id


def test_a_coop_user_sets_its_own_listing_price_typed_the_vietnamese_way(seeded):
    listing_id = _listing_id(seeded, "9001")

    assert set_price_override(seeded, login(seeded, "tancuong"), listing_id, "99.000 ₫") == 99000
    with session_scope(seeded) as session:
        assert session.get(Listing, listing_id).price_override == 99000


def test_a_blank_listing_price_goes_back_to_the_price_rule(seeded):
    listing_id = _listing_id(seeded, "9001")
    tea = login(seeded, "tancuong")
    set_price_override(seeded, tea, listing_id, "99000")

    assert set_price_override(seeded, tea, listing_id, " ") is None
    with session_scope(seeded) as session:
        assert session.get(Listing, listing_id).price_override is None


def test_an_unreadable_listing_price_is_named_and_changes_nothing(seeded):
    listing_id = _listing_id(seeded, "9001")

    with pytest.raises(ValueError, match="«99k» không phải số tiền"):
        set_price_override(seeded, login(seeded, "tancuong"), listing_id, "99k")
    with session_scope(seeded) as session:
        assert session.get(Listing, listing_id).price_override is None


@pytest.mark.parametrize("name", ["vonhai", "canbo"])
def test_another_coop_or_an_officer_cannot_set_a_listing_price(seeded, name):
    listing_id = _listing_id(seeded, "9001")

    with pytest.raises(AccessDenied):
        set_price_override(seeded, login(seeded, name), listing_id, "99000")
    with session_scope(seeded) as session:
        assert session.get(Listing, listing_id).price_override is None
