"""The app's data layer enforces the roles itself, and aggregates in the database."""

from __future__ import annotations

import pytest

from catalog.db import session_scope
from catalog.models import ChannelAccount, Listing, ListingVariant, Role, Sku
from catalog.search import sql_sort_key
from catalog.text import sort_key
from syndicator.access.coops import add_coop, coops
from syndicator.access.listings import delist, listing_matrix, publish, set_price_override
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
    variant_id = _variant_id(seeded, "CHE-DB-200", "shopee")
    with pytest.raises(AccessDenied):
        delist(seeded, officer, [variant_id])
    with pytest.raises(AccessDenied):
        publish(seeded, officer, [_sku_id(seeded, "CHE-NT-100")], ["shopee"])
    with pytest.raises(AccessDenied):
        sync_scope(officer, None)
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant_id).enabled


def test_a_coop_user_cannot_delist_another_coops_sku(seeded):
    honey = _variant_id(seeded, "MO-VN-500", "shopee")
    with pytest.raises(AccessDenied):
        delist(seeded, login(seeded, "tancuong"), [honey])
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, honey).enabled


def test_a_coop_user_takes_its_own_sku_off_one_shop(seeded):
    on_shopee, on_voso = _variant_id(seeded, "CHE-DB-200", "shopee"), _variant_id(seeded, "CHE-DB-200", "voso")
    assert delist(seeded, login(seeded, "tancuong"), [on_shopee]) == 1
    with session_scope(seeded) as session:
        assert not session.get(ListingVariant, on_shopee).enabled
        assert session.get(ListingVariant, on_voso).enabled


def test_a_coop_sync_is_limited_to_its_own_coop(seeded):
    tea = login(seeded, "tancuong")
    assert sync_scope(tea, None) == TAN_CUONG
    with pytest.raises(AccessDenied):
        sync_scope(tea, VO_NHAI)


def test_sync_history_and_errors_of_a_coop_exclude_other_coops(seeded):
    tea, honey = login(seeded, "tancuong"), login(seeded, "vonhai")
    assert sync_errors(seeded, tea).rows == []
    errors = sync_errors(seeded, honey).rows
    assert [(e["product"], e["sku"], e["message"]) for e in errors] == [
        ("Mật ong rừng Võ Nhai", "MO-VN-500", "Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)")
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


def test_only_an_admin_changes_a_stock_policy(seeded):
    shop = _shop(seeded, "shopee", TAN_CUONG)
    for name in ("tancuong", "canbo"):
        with pytest.raises(AccessDenied):
            set_stock_policy(seeded, login(seeded, name), shop.id, {"safety_buffer": 5})
    set_stock_policy(seeded, login(seeded, "quantri"), shop.id, {"safety_buffer": 5})
    assert _shop(seeded, "shopee", TAN_CUONG).stock_policy["safety_buffer"] == 5


def test_a_bad_stock_policy_is_refused_and_changes_nothing(seeded):
    from pydantic import ValidationError

    shop = _shop(seeded, "shopee", TAN_CUONG)
    with pytest.raises(ValidationError, match="safety_buffer"):
        set_stock_policy(seeded, login(seeded, "quantri"), shop.id, {"safety_buffer": -3})
    assert _shop(seeded, "shopee", TAN_CUONG).stock_policy == shop.stock_policy


def _sku_id(engine, sku: str) -> int:
    from sqlmodel import select

    with session_scope(engine) as session:
        return session.exec(select(Sku.id).where(Sku.sku == sku)).one()


def _variant_id(engine, sku: str, marketplace: str) -> int:
    from sqlmodel import select

    with session_scope(engine) as session:
        return session.exec(
            select(ListingVariant.id).join(Sku, ListingVariant.sku_id == Sku.id)
            .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
            .where(Sku.sku == sku, ChannelAccount.marketplace == marketplace)
        ).one()


def test_a_coop_user_sets_its_own_skus_price_on_one_shop_typed_the_vietnamese_way(seeded):
    variant_id = _variant_id(seeded, "CHE-DB-200", "shopee")

    assert set_price_override(seeded, login(seeded, "tancuong"), variant_id, "99.000 ₫") == 99000
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant_id).price_override == 99000
        assert session.get(ListingVariant, _variant_id(seeded, "CHE-DB-200", "voso")).price_override is None


def test_a_blank_own_price_goes_back_to_the_price_rule(seeded):
    variant_id = _variant_id(seeded, "CHE-DB-200", "shopee")
    tea = login(seeded, "tancuong")
    set_price_override(seeded, tea, variant_id, "99000")

    assert set_price_override(seeded, tea, variant_id, " ") is None
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant_id).price_override is None


def test_an_unreadable_own_price_is_named_and_changes_nothing(seeded):
    variant_id = _variant_id(seeded, "CHE-DB-200", "shopee")

    with pytest.raises(ValueError, match="«99k» không phải số tiền"):
        set_price_override(seeded, login(seeded, "tancuong"), variant_id, "99k")
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant_id).price_override is None


@pytest.mark.parametrize("name", ["vonhai", "canbo"])
def test_another_coop_or_an_officer_cannot_set_a_skus_own_price(seeded, name):
    variant_id = _variant_id(seeded, "CHE-DB-200", "shopee")

    with pytest.raises(AccessDenied):
        set_price_override(seeded, login(seeded, name), variant_id, "99000")
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, variant_id).price_override is None


def _add_tea_box(engine, shopee_has_api: bool = True) -> None:
    """A second pack of the special tea (a 500 g box), not on any shop yet; Tân Cương's Shopee shop reached
    through its API (a shop with variants) unless said otherwise."""
    from sqlmodel import select

    with session_scope(engine) as session:
        product_id = session.exec(select(Sku.product_id).where(Sku.sku == "CHE-DB-200")).one()
        session.add(Sku(product_id=product_id, sku="CHE-DB-500", variant="Hộp 500g", price=280000, weight_g=500))
        if shopee_has_api:
            session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == "100001")).one() \
                .credentials_encrypted = "sealed-tokens"


def _listings_of(engine, marketplace: str) -> dict[str, int]:
    """Seller SKU → its listing's id on Tân Cương's shop on the marketplace."""
    from sqlmodel import select

    with session_scope(engine) as session:
        return dict(session.exec(
            select(Sku.sku, ListingVariant.listing_id).join(Sku, ListingVariant.sku_id == Sku.id)
            .join(ChannelAccount, ListingVariant.channel_account_id == ChannelAccount.id)
            .where(ChannelAccount.marketplace == marketplace, ChannelAccount.shop_id.in_(["100001", "V-77"]))
        ).all())


def test_a_new_pack_published_on_shopee_joins_its_products_listing_there(seeded):
    _add_tea_box(seeded)

    assert publish(seeded, login(seeded, "tancuong"), [_sku_id(seeded, "CHE-DB-500")], ["shopee"]) == 1
    on_shopee = _listings_of(seeded, "shopee")
    assert on_shopee["CHE-DB-500"] == on_shopee["CHE-DB-200"]


def test_a_pack_published_on_a_trade_floor_gets_its_own_listing(seeded):
    _add_tea_box(seeded)

    assert publish(seeded, login(seeded, "tancuong"), [_sku_id(seeded, "CHE-DB-500")], ["voso"]) == 1
    on_voso = _listings_of(seeded, "voso")
    assert on_voso["CHE-DB-500"] != on_voso["CHE-DB-200"]


def test_publishing_adds_only_the_asked_skus_to_the_shop(seeded):
    _add_tea_box(seeded)

    assert publish(seeded, login(seeded, "tancuong"), [_sku_id(seeded, "CHE-DB-500")], ["shopee"]) == 1
    assert set(_listings_of(seeded, "shopee")) == {"CHE-DB-200", "CHE-DB-500"}


def test_publishing_a_sku_taken_off_a_shop_puts_it_back_and_leaves_the_shops_others_alone(seeded):
    tea = login(seeded, "tancuong")
    delist(seeded, tea, [_variant_id(seeded, "CHE-DB-200", "shopee")])

    assert publish(seeded, tea, [_sku_id(seeded, "CHE-DB-200")], ["shopee", "voso"]) == 1
    with session_scope(seeded) as session:
        assert session.get(ListingVariant, _variant_id(seeded, "CHE-DB-200", "shopee")).enabled
    assert set(_listings_of(seeded, "shopee")) == {"CHE-DB-200"}


def _matrix_cell(engine, sku: str, marketplace: str) -> dict:
    rows = listing_matrix(engine, login(engine, "canbo")).rows
    return next(r for r in rows if r["sku"] == sku)["listings"][marketplace]


def test_a_pack_not_yet_on_its_live_shopee_item_and_not_ready_reads_as_blocked_beside_the_live_one(seeded):
    _add_tea_box(seeded)  # no photo, and the shop's categories were never read
    publish(seeded, login(seeded, "tancuong"), [_sku_id(seeded, "CHE-DB-500")], ["shopee", "voso"])

    box, bag = _matrix_cell(seeded, "CHE-DB-500", "shopee"), _matrix_cell(seeded, "CHE-DB-200", "shopee")
    assert (box["state"], box["external_item_id"]) == ("blocked", "9001")
    assert _matrix_cell(seeded, "CHE-DB-500", "voso")["state"] == "pending"
    assert (bag["state"], bag["external_item_id"]) == ("live", "9001")


def test_a_pack_unpublished_and_removed_from_its_item_reads_as_unpublished(seeded):
    with session_scope(seeded) as session:
        variant = session.get(ListingVariant, _variant_id(seeded, "CHE-DB-200", "shopee"))
        variant.state, variant.enabled = "removed", False

    assert _matrix_cell(seeded, "CHE-DB-200", "shopee")["state"] == "unpublished"
    assert _matrix_cell(seeded, "CHE-DB-200", "voso")["state"] == "live"


def test_a_pack_unpublished_but_still_on_sale_reads_as_to_be_taken_off(seeded):
    delist(seeded, login(seeded, "tancuong"), [_variant_id(seeded, "CHE-DB-200", "shopee")])

    assert _matrix_cell(seeded, "CHE-DB-200", "shopee")["state"] == "unpublishing"


def test_a_sku_never_published_on_a_shop_of_its_coop_reads_as_not_published(seeded):
    _add_tea_box(seeded)

    assert _matrix_cell(seeded, "CHE-DB-500", "shopee")["state"] == "not_published"


def test_a_packs_own_error_is_shown_before_its_listings(seeded):
    honey = _variant_id(seeded, "MO-VN-500", "shopee")
    assert _matrix_cell(seeded, "MO-VN-500", "shopee")["last_error"] == "Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)"
    with session_scope(seeded) as session:
        session.get(ListingVariant, honey).last_error = "Giá MO-VN-500 thấp hơn mức sàn cho phép"

    assert _matrix_cell(seeded, "MO-VN-500", "shopee")["last_error"] == "Giá MO-VN-500 thấp hơn mức sàn cho phép"


def test_the_overview_counts_a_shopee_listing_once_however_many_packs_it_carries(seeded):
    _add_tea_box(seeded)
    tea = login(seeded, "tancuong")
    publish(seeded, tea, [_sku_id(seeded, "CHE-DB-500")], ["shopee"])
    with session_scope(seeded) as session:
        session.get(ListingVariant, _variant_id(seeded, "CHE-DB-500", "shopee")).state = "live"

    counts = {(r["marketplace"], r["state"]): r["count"] for r in overview(seeded, tea).listings}
    assert counts[("shopee", "live")] == 1
    assert {s["marketplace"]: s["live_listings"] for s in channels(seeded, tea)}["shopee"] == 1


def test_a_sync_error_naming_one_pack_of_a_shopee_listing_shows_that_pack(seeded):
    from sqlmodel import select

    from catalog.models import SyncEvent, SyncRun

    _add_tea_box(seeded)
    tea = login(seeded, "tancuong")
    publish(seeded, tea, [_sku_id(seeded, "CHE-DB-500")], ["shopee"])
    with session_scope(seeded) as session:
        shop = session.exec(select(ChannelAccount).where(ChannelAccount.shop_id == "100001")).one()
        listing_id = session.exec(select(Listing.id).where(Listing.external_item_id == "9001")).one()
        run = SyncRun(trigger="cli", status="partial")
        session.add(run)
        session.flush()
        session.add_all([
            SyncEvent(run_id=run.id, channel_account_id=shop.id, listing_id=listing_id, action="add_variant",
                      outcome="error", error_kind="rejected", message="Phân loại CHE-DB-500: giá chênh quá 5 lần"),
            SyncEvent(run_id=run.id, channel_account_id=shop.id, listing_id=listing_id, action="update_content",
                      outcome="error", error_kind="rejected", message="Ảnh bìa phải vuông"),
        ])

    errors = sync_errors(seeded, tea, run_id=run.id).rows
    assert [(e["product"], e["sku"]) for e in errors] == [
        ("Chè búp Tân Cương đặc biệt", None), ("Chè búp Tân Cương đặc biệt", "CHE-DB-500"),
    ]
