"""Fixtures data for the app's tests: two co-ops of Thái Nguyên with products, shops, listings and sales."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy.engine import Engine

from catalog.categories import ensure_categories
from catalog.db import session_scope
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingObservation,
    ListingState,
    ListingVariant,
    MovementKind,
    Order,
    OrderLine,
    Product,
    Sku,
    StockMovement,
    SyncEvent,
    SyncRun,
    VariantState,
)
from syndicator.trace import VIETNAM, today_in_vietnam
from syndicator.users import Viewer, add_user, authenticate

PASSWORD = "mat-khau-2026"

TAN_CUONG = "HTX-TANCUONG"
VO_NHAI = "HTX-VONHAI"


def seed_two_coops(engine: Engine) -> None:
    """Chè Tân Cương sells on Shopee and Voso; Mật ong Võ Nhai on Shopee only, with a listing in error."""
    now = datetime.now(UTC)
    since_midnight = now - datetime.combine(today_in_vietnam(now), time(), VIETNAM)
    with session_scope(engine) as session:
        tea = Coop(code=TAN_CUONG, name="HTX Chè Tân Cương", commune_name="Tân Cương")
        honey = Coop(code=VO_NHAI, name="HTX Mật ong Võ Nhai", commune_name="Võ Nhai")
        session.add_all([tea, honey])
        categories = ensure_categories(session)
        products = [
            (tea, "CHE", "CHE-DB", "Chè búp Tân Cương đặc biệt", "CHE-DB-200", "Gói 200g", 120000, 200, 40),
            (tea, "CHE", "CHE-NT", "Chè nõn tôm Tân Cương", "CHE-NT-100", "Hộp 100g", 185000, 100, 12),
            (honey, "MAT-ONG", "MO-VN", "Mật ong rừng Võ Nhai", "MO-VN-500", "Chai 500ml", 250000, 700, 30),
        ]
        skus = {}
        for coop, category, code, name, sku_code, variant, price, weight, stock in products:
            product = Product(coop_id=coop.id, code=code, name=name, category_id=categories[category])
            session.add(product)
            session.flush()
            sku = Sku(product_id=product.id, sku=sku_code, variant=variant, price=price, weight_g=weight)
            session.add(sku)
            session.flush()
            session.add(StockMovement(sku_id=sku.id, kind=MovementKind.receipt, quantity=stock,
                                      source=f"receipt:{sku_code}"))
            skus[sku_code] = sku
        tea_shopee = ChannelAccount(coop_id=tea.id, marketplace="shopee", shop_id="100001",
                                    name="Chè Tân Cương Official", base_url="http://127.0.0.1:1",
                                    access_expires_at=now + timedelta(hours=4))
        tea_voso = ChannelAccount(coop_id=tea.id, marketplace="voso", shop_id="V-77",
                                  name="Chè Tân Cương trên Voso", base_url="http://127.0.0.1:1")
        honey_shopee = ChannelAccount(coop_id=honey.id, marketplace="shopee", shop_id="100002",
                                      name="Mật ong Võ Nhai", base_url="http://127.0.0.1:1")
        session.add_all([tea_shopee, tea_voso, honey_shopee])
        session.flush()
        listings = {
            "tea-shopee": Listing(product_id=skus["CHE-DB-200"].product_id, channel_account_id=tea_shopee.id,
                                  state=ListingState.live, external_item_id="9001"),
            "tea-voso": Listing(product_id=skus["CHE-DB-200"].product_id, channel_account_id=tea_voso.id,
                                state=ListingState.live, external_item_id="V-1"),
            "honey-shopee": Listing(product_id=skus["MO-VN-500"].product_id, channel_account_id=honey_shopee.id,
                                    state=ListingState.error, last_error="Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)"),
        }
        session.add_all(listings.values())
        session.flush()
        tea_on_shopee = ListingVariant(listing_id=listings["tea-shopee"].id, sku_id=skus["CHE-DB-200"].id,
                                       channel_account_id=tea_shopee.id, state=VariantState.live,
                                       external_variant_id="90011", pushed_price=120000)
        session.add_all([
            tea_on_shopee,
            ListingVariant(listing_id=listings["tea-voso"].id, sku_id=skus["CHE-DB-200"].id,
                           channel_account_id=tea_voso.id, state=VariantState.live, external_variant_id="V-1"),
            ListingVariant(listing_id=listings["honey-shopee"].id, sku_id=skus["MO-VN-500"].id,
                           channel_account_id=honey_shopee.id, state=VariantState.pending),
        ])
        session.flush()
        tea_order = Order(channel_account_id=tea_shopee.id, marketplace_order_id="SP-240001", status="open",
                          total=240000, placed_at=now - since_midnight * 2 / 3)
        honey_order = Order(channel_account_id=honey_shopee.id, marketplace_order_id="SP-240002", status="open",
                            total=750000, placed_at=now - since_midnight / 3)
        session.add_all([tea_order, honey_order])
        session.flush()
        session.add_all([
            OrderLine(order_id=tea_order.id, line_ref="1", seller_sku="CHE-DB-200",
                      sku_id=skus["CHE-DB-200"].id, quantity=2, unit_price=120000),
            OrderLine(order_id=honey_order.id, line_ref="1", seller_sku="MO-VN-500",
                      sku_id=skus["MO-VN-500"].id, quantity=3, unit_price=250000),
        ])
        run = SyncRun(trigger="cli", status="partial", finished_at=now, summary={"ok": 2, "error": 1})
        session.add(run)
        session.flush()
        session.add_all([
            SyncEvent(run_id=run.id, channel_account_id=tea_shopee.id, listing_id=listings["tea-shopee"].id,
                      action="create", outcome="ok"),
            SyncEvent(run_id=run.id, channel_account_id=honey_shopee.id, listing_id=listings["honey-shopee"].id,
                      action="create", outcome="error", error_kind="rejected",
                      message="Tên sản phẩm quá ngắn (tối thiểu 20 ký tự)"),
        ])
        session.add(ListingObservation(listing_id=listings["tea-shopee"].id, variant_id=tea_on_shopee.id,
                                       url="http://127.0.0.1:1/shop/100001/9001", visible=True, price=115000,
                                       stock=40, drift=["price"]))
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=TAN_CUONG)
    add_user(engine, "vonhai", PASSWORD, "coop", coop_code=VO_NHAI)
    add_user(engine, "canbo", PASSWORD, "officer")
    add_user(engine, "quantri", PASSWORD, "admin")


def login(engine: Engine, name: str) -> Viewer:
    """The viewer one of the seeded users is, once logged in with the seeded password."""
    who = authenticate(engine, name, PASSWORD)
    assert who is not None, f"{name} could not log in"
    return who
