"""Orders stay inside their co-op: a seller who gives an item another co-op's SKU in their seller centre
sells nothing of that co-op's stock, on the ledger or on any marketplace, nor counts as its revenue."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session

from catalog.categories import ensure_categories
from catalog.db import init_database, session_scope
from catalog.models import ChannelAccount, Coop, Order, OrderLine, Product, Sku
from catalog.stock import record_movement
from syndicator.access.sales import sales, unknown_order_lines
from syndicator.channels import Reach
from syndicator.engine import SyncReport, run_sync
from syndicator.users import Viewer, add_user, use_password_hasher
from tests.conftest import CHEAP_HASHER
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.catalog import on_hand
from tests.support.in_process import SandboxRouter
from tests.support.sandboxes import (  # noqa: F401 (fixture)
    COOP,
    FAST,
    Sandbox,
    connect_all,
    every_sandbox,
    sandboxes,
    seed_catalogue,
    stored_picture,
    use_test_settings,
)
from tests.support.ui import PASSWORD
from tests.test_sync_e2e import after_the_second

TEA_SKU, TEA_STOCK, TEA_NAME = "TC-CHE-200G", 40, "Chè búp Tân Cương đặc biệt"  # HTX-TANCUONG's, public
NARI, NARI_SKU, NARI_STOCK = "HTX-NARI", "NR-MIEN-500G", 80
SOLD = 50


def seed_nari(engine) -> None:
    """A second co-op: Na Rì's dried miến, its own SKU, 80 packs in stock."""
    with session_scope(engine) as session:
        categories = ensure_categories(session)
        coop = Coop(code=NARI, name="HTX Miến dong Na Rì", commune_name="Xã Na Rì")
        session.add(coop)
        session.flush()
        product = Product(coop_id=coop.id, code="MIEN-DONG-NA-RI", name="Miến dong Na Rì loại đặc biệt",
                          category_id=categories["THUC-PHAM-KHO"], origin_commune_name="Xã Na Rì",
                          description="Miến dong làm thủ công từ củ dong riềng Na Rì.",
                          images=[stored_picture(session)], shelf_life_days=365)
        session.add(product)
        session.flush()
        sku = Sku(product_id=product.id, sku=NARI_SKU, variant="Gói 500g", price=65000, weight_g=500,
                  length_cm=25, width_cm=15, height_cm=5)
        session.add(sku)
        session.flush()
        record_movement(session, sku.id, "receipt", NARI_STOCK, f"opening:{NARI_SKU}", "tồn đầu kỳ")


def shop_item(sandbox, shop_id: str, seller_sku: str) -> dict:
    (found,) = [i for i in sandbox.items() if i["shop_id"] == shop_id and i["seller_sku"] == seller_sku]
    return found


@dataclass
class CrossCoopSale:
    """The sale as its tests read it: the database, the second sync's report, Tân Cương's shops by
    marketplace, the sandboxes it happened on, and the two co-ops' clerks and an officer to look."""

    engine: Engine
    database_url: str
    report: SyncReport
    tea_shops: dict[str, str]
    sandboxes: dict[str, Sandbox]
    clerks: dict[str, Viewer]
    officer: Viewer


@pytest.fixture(scope="module")
def sale_sandboxes() -> Iterator[dict[str, Sandbox]]:
    """The sale's own sandboxes: the module's other tests empty ``sandboxes`` for themselves."""
    with every_sandbox() as running:
        yield running


@pytest.fixture(scope="module")
def cross_coop_sale(module_database_url, sale_sandboxes) -> Iterator[CrossCoopSale]:
    """Na Rì's seller relabels their miến with Tân Cương's tea SKU in every seller centre, and a shopper
    buys 50 of that SKU there; then the next sync runs. Built once per database backend (ten shops to
    connect, two syncs, a wait for the next second), as its tests only read it."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        use_test_settings(monkeypatch)
        use_password_hasher(CHEAP_HASHER)  # this runs before the per-test fixture that sets it
        assert sale_sandboxes, "no marketplace sandbox is running"
        for sandbox in sale_sandboxes.values():
            sandbox.reset()  # the other backend's sale
        engine = init_database(module_database_url)
        in_process = Reach(http=FAST, transport=SandboxRouter(sale_sandboxes))
        seed_catalogue(engine)
        seed_nari(engine)
        tea_shops = connect_all(engine, sale_sandboxes)
        nari_shops = connect_all(engine, sale_sandboxes, NARI)
        assert run_sync(engine, reach=in_process).succeeded
        for name, sandbox in sale_sandboxes.items():
            row = shop_item(sandbox, nari_shops[name], NARI_SKU)
            assert sandbox.edit_sku(row, seller_sku=TEA_SKU)["seller_sku"] == TEA_SKU
            sandbox.order(nari_shops[name], TEA_SKU, SOLD)
        after_the_second()
        report = run_sync(engine, reach=in_process)
        assert report.orders.succeeded, report.summary()
        clerks = {coop: add_user(engine, f"thu-kho-{coop.lower()}", PASSWORD, "coop", coop_code=coop)
                  for coop in (COOP, NARI)}
        officer = add_user(engine, "canbo", PASSWORD, "officer")
        yield CrossCoopSale(engine, module_database_url, report, tea_shops, sale_sandboxes, clerks, officer)
        engine.dispose()


def test_another_coops_sku_sold_in_a_coops_shop_moves_none_of_its_stock_anywhere(cross_coop_sale):
    sale = cross_coop_sale

    assert on_hand(sale.engine, TEA_SKU) == TEA_STOCK
    for name, sandbox in sale.sandboxes.items():
        assert shop_item(sandbox, sale.tea_shops[name], TEA_SKU)["stock"] == TEA_STOCK, name


def test_another_coops_sku_is_kept_as_an_unknown_line_on_the_selling_shops_order(cross_coop_sale):
    sale = cross_coop_sale

    with Session(sale.engine) as session:
        lines = session.execute(
            sa.select(Coop.code, OrderLine.seller_sku, OrderLine.sku_id, OrderLine.quantity)
            .join(Order, OrderLine.order_id == Order.id)
            .join(ChannelAccount, Order.channel_account_id == ChannelAccount.id)
            .join(Coop, ChannelAccount.coop_id == Coop.id)
        ).all()
    assert sorted(lines) == [(NARI, TEA_SKU, None, SOLD)] * len(sale.sandboxes)
    unknown = {(shop.coop_code, shop.marketplace): shop.unknown_skus for shop in sale.report.orders.shops}
    assert unknown == {(coop, name): [TEA_SKU] if coop == NARI else []
                       for coop in (COOP, NARI) for name in sale.sandboxes}


def test_an_unknown_line_is_shown_to_the_selling_coops_clerk_and_the_officer_only(cross_coop_sale):
    sale = cross_coop_sale
    viewers = {"nari": sale.clerks[NARI], "tancuong": sale.clerks[COOP], "canbo": sale.officer}

    seen = {who: {(r["coop_code"], r["seller_sku"], r["quantity"])
                  for r in unknown_order_lines(sale.engine, viewer).rows}
            for who, viewer in viewers.items()}

    assert seen == {"nari": {(NARI, TEA_SKU, SOLD)}, "tancuong": set(), "canbo": {(NARI, TEA_SKU, SOLD)}}


def test_the_sales_page_tells_the_clerk_the_unknown_sku_moved_no_stock(cross_coop_sale, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", cross_coop_sale.database_url)

    text = shown_text(open_page(logged_in(cross_coop_sale.clerks[NARI].username), "sales"))

    assert "SKU không thuộc HTX này — không trừ kho" in text and TEA_SKU in text


def test_another_coops_sku_never_counts_as_its_revenue(cross_coop_sale):
    engine, officer = cross_coop_sale.engine, cross_coop_sale.officer

    by_product = {row["product"] for row in sales(engine, officer, "product")}
    by_coop = {row["coop"] for row in sales(engine, officer, "coop")}

    assert TEA_NAME not in by_product and "HTX Chè Tân Cương" not in by_coop
    assert sales(engine, officer, "product", coop_code=COOP) == []


def test_a_seller_can_change_an_items_seller_sku_on_every_marketplace(engine, sandboxes, in_process):
    assert sandboxes, "no marketplace sandbox is running"
    seed_catalogue(engine)
    shops = connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)

    for name, sandbox in sandboxes.items():
        item_id = sandbox.item(TEA_SKU)["item_id"]
        sandbox.edit_sku(sandbox.item(TEA_SKU), seller_sku="TC-CHE-200G-KM")
        order = sandbox.order(shops[name], "TC-CHE-200G-KM", 2)

        assert sandbox.item("TC-CHE-200G-KM")["item_id"] == item_id, name
        assert [line["seller_sku"] for line in order["lines"]] == ["TC-CHE-200G-KM"], name


def test_a_seller_sku_already_in_the_shop_is_refused_on_every_marketplace(engine, sandboxes, in_process):
    assert sandboxes, "no marketplace sandbox is running"
    seed_catalogue(engine)
    connect_all(engine, sandboxes)
    run_sync(engine, reach=in_process)

    for name, sandbox in sandboxes.items():
        with pytest.raises(httpx.HTTPStatusError) as refused:
            sandbox.edit_sku(sandbox.item(TEA_SKU), seller_sku="TC-CHE-500G")

        assert refused.value.response.status_code == 409, name
        assert sandbox.item(TEA_SKU)["seller_sku"] == TEA_SKU, name
