"""The public trace pages (``/t/{code}``) over HTTP, without a login: what a shopper holding the package sees,
what is never shown, the view count, the officers' weekly scans, and the trace link sent to marketplaces."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
import pyarrow
import pytest
import sqlalchemy as sa
from sqlmodel import select

from catalog.db import session_scope
from catalog.models import (
    ChannelAccount,
    Coop,
    Listing,
    ListingState,
    ListingVariant,
    Lot,
    MovementKind,
    Product,
    Role,
    Sku,
    StockMovement,
    TraceView,
    VariantState,
)
from syndicator.access.overview import trace_views_by_week
from syndicator.desired import listing_drafts
from syndicator.serve import make_app
from syndicator.trace import count_view, find_trace_page, today_in_vietnam
from syndicator.users import Viewer
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.sandboxes import stored_picture
from tests.support.ui import seed_two_coops

TODAY = today_in_vietnam()


def get(engine, path: str) -> httpx.Response:
    async def fetch() -> httpx.Response:
        transport = httpx.ASGITransport(app=make_app(engine))
        async with httpx.AsyncClient(transport=transport, base_url="http://trace.test") as client:
            return await client.get(path)

    return asyncio.run(fetch())


def add_tea(engine, **changes) -> dict[str, str]:
    """HTX Chè Tân Cương's special green tea: two packs on sale and one withdrawn, 47 tins in stock, a lot
    picked this autumn, live on Shopee; and a honey co-op next door. Returns the trace codes."""
    with session_scope(engine) as session:
        tea = Coop(code="HTX-TANCUONG", name="HTX Chè Tân Cương", commune_name="Xã Tân Cương",
                   phone="0208 3855 123", address="Xóm Hồng Thái 2, xã Tân Cương, Thái Nguyên")
        honey = Coop(code="HTX-VONHAI", name="HTX Mật ong Võ Nhai", commune_name="Xã Võ Nhai")
        session.add_all([tea, honey])
        session.flush()
        product = Product(
            coop_id=tea.id, code="CHE-BUP-DB", name="Chè búp Tân Cương đặc biệt",
            description="Búp chè một tôm hai lá, sao tay trên chảo gang.",
            origin_commune_code="05503", origin_commune_name="Tân Cương", ocop_stars=4,
            ocop_valid_to=TODAY + timedelta(days=400), certifications=["VietGAP", "Chỉ dẫn địa lý"],
            shelf_life_days=540, images=[stored_picture(session), "https://cdn.tancuong.vn/che-bup-db.jpg",
                                         "images/che-bup-db.png"],
            **changes,
        )
        honey_product = Product(coop_id=honey.id, code="MAT-ONG-RUNG", name="Mật ong rừng Võ Nhai")
        session.add_all([product, honey_product])
        session.flush()
        packs = [Sku(product_id=product.id, sku="CHE-TC-200", variant="Gói 200g", price=120000, weight_g=200,
                     gtin="8938505974194"),
                 Sku(product_id=product.id, sku="CHE-TC-500", variant="Hộp 500g", price=280000, weight_g=500),
                 Sku(product_id=product.id, sku="CHE-TC-1KG", variant="Bao 1kg ngừng bán", price=510000,
                     weight_g=1000, enabled=False),
                 Sku(product_id=honey_product.id, sku="MO-VN-500", variant="Chai 500ml", price=250000, weight_g=700)]
        session.add_all(packs)
        session.flush()
        session.add(StockMovement(sku_id=packs[0].id, kind=MovementKind.receipt, quantity=47, source="receipt:1"))
        lot = Lot(product_id=product.id, code="L2026-09-A", produced_on=date(2026, 9, 14),
                  notes="Đồi chè nhà ông Nguyễn Văn Hùng")
        shopee = ChannelAccount(coop_id=tea.id, marketplace="shopee", shop_id="100001",
                                name="Chè Tân Cương Official", base_url="https://shopee.vn")
        lazada = ChannelAccount(coop_id=tea.id, marketplace="lazada", shop_id="LZ-88",
                                name="Chè Tân Cương Lazada", base_url="https://www.lazada.vn")
        session.add_all([lot, shopee, lazada])
        session.flush()
        live = Listing(product_id=product.id, channel_account_id=shopee.id, state=ListingState.live,
                       external_item_id="9001")
        failing = Listing(product_id=product.id, channel_account_id=lazada.id, state=ListingState.error)
        session.add_all([live, failing])
        session.flush()
        session.add(ListingVariant(listing_id=live.id, sku_id=packs[0].id, channel_account_id=shopee.id,
                                   state=VariantState.live, external_variant_id="90011", pushed_price=120000,
                                   pushed_stock=47))
        return {"product": product.trace_code, "lot": lot.trace_code, "honey": honey_product.trace_code}


def test_a_lot_page_names_the_coop_commune_ocop_and_lot_without_a_login(engine):
    codes = add_tea(engine)
    page = get(engine, f"/t/{codes['lot']}")
    assert page.status_code == 200
    html = page.text
    for shown in ("Chè búp Tân Cương đặc biệt", "HTX Chè Tân Cương", "Xã Tân Cương, Thái Nguyên", "0208 3855 123",
                  "Xóm Hồng Thái 2", "OCOP 4 sao", f"hiệu lực đến {TODAY + timedelta(days=400):%d/%m/%Y}",
                  "VietGAP", "Chỉ dẫn địa lý", "L2026-09-A", "14/09/2026", "Gói 200g", "Hộp 500g",
                  "8938505974194", "src=\"/photos/"):
        assert shown in html, shown
    assert "<html lang=\"vi\"" in html and 'name="viewport"' in html


def test_a_trace_page_shows_no_stock_price_other_coop_or_typed_photo_address(engine):
    codes = add_tea(engine)
    html = get(engine, f"/t/{codes['lot']}").text
    assert not re.search(r"\b47\b", html)  # the tins in stock
    for hidden in ("120.000", "120000", "280000", "Mật ong", "HTX-VONHAI", "images/che-bup-db.png",
                   "cdn.tancuong.vn", "Bao 1kg ngừng bán", "90011", "CHE-TC-200", "<script", "http://",
                   "src=\"images"):
        assert hidden not in html, hidden


def test_the_origin_commune_is_named_as_on_the_official_2025_list(engine):
    codes = add_tea(engine)
    assert "<strong>Xã Tân Cương, Thái Nguyên</strong>" in get(engine, f"/t/{codes['product']}").text


def test_a_lot_without_an_expiry_date_expires_after_the_products_shelf_life(engine):
    codes = add_tea(engine)
    expiry = date(2026, 9, 14) + timedelta(days=540)
    assert f"Hạn sử dụng</dt><dd>{expiry:%d/%m/%Y}" in get(engine, f"/t/{codes['lot']}").text


def test_the_page_links_to_the_product_live_on_a_marketplace_and_not_to_a_failed_listing(engine):
    codes = add_tea(engine)
    html = get(engine, f"/t/{codes['product']}").text
    assert 'href="https://shopee.vn/shop/100001/9001"' in html and ">Shopee</a>" in html
    assert "lazada" not in html.lower()


def test_an_expired_ocop_is_marked_in_both_languages(engine):
    codes = add_tea(engine)
    with session_scope(engine) as session:
        product = session.exec(select(Product).where(Product.trace_code == codes["product"])).one()
        product.ocop_valid_to = TODAY - timedelta(days=1)
    yesterday = f"{TODAY - timedelta(days=1):%d/%m/%Y}"
    assert f"hết hiệu lực từ {yesterday}" in get(engine, f"/t/{codes['product']}").text
    assert f"expired on {yesterday}" in get(engine, f"/t/{codes['product']}?lang=en").text


def test_the_english_page_is_english_with_a_switch_back(engine):
    codes = add_tea(engine)
    html = get(engine, f"/t/{codes['lot']}?lang=en").text
    for shown in ('<html lang="en"', "Producer", "OCOP 4 stars", "Production lot", "Best before", "Order again online",
                  'href="?lang=vi"', "Tiếng Việt"):
        assert shown in html, shown
    assert "Nơi sản xuất" not in html


def test_an_unknown_code_is_a_404_page_in_vietnamese_and_english(engine):
    add_tea(engine)
    page = get(engine, "/t/zzzzzzzz")
    assert page.status_code == 404
    assert "Không tìm thấy sản phẩm" in page.text and "Product not found" in page.text


def test_a_product_name_with_markup_is_shown_as_text(engine):
    codes = add_tea(engine)
    with session_scope(engine) as session:
        product = session.exec(select(Product).where(Product.trace_code == codes["product"])).one()
        product.name = 'Chè <script>alert("x")</script> & "Hồng"'
    html = get(engine, f"/t/{codes['product']}").text
    assert "<script>" not in html
    assert "Chè &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;Hồng&quot;" in html


def test_each_view_is_counted_for_the_day_with_nothing_about_the_visitor(engine):
    codes = add_tea(engine)
    first = get(engine, f"/t/{codes['lot']}")
    get(engine, f"/t/{codes['lot']}")
    get(engine, f"/t/{codes['product']}")
    assert "set-cookie" not in first.headers
    with session_scope(engine) as session:
        rows = session.exec(select(TraceView.day, TraceView.lot_id, TraceView.views).order_by(TraceView.id)).all()
        lot_id = session.exec(select(Lot.id).where(Lot.trace_code == codes["lot"])).one()
    today = today_in_vietnam()  # the views' day, not the day the tests were collected (a suite may run past midnight)
    assert [tuple(row) for row in rows] == [(today, lot_id, 2), (today, None, 1)]
    assert {column["name"] for column in sa.inspect(engine).get_columns("traceview")} == {
        "id", "day", "product_id", "lot_id", "views"}


def test_an_unknown_code_counts_no_view(engine):
    add_tea(engine)
    get(engine, "/t/zzzzzzzz")
    with session_scope(engine) as session:
        assert session.exec(select(TraceView)).all() == []


@pytest.fixture
def views(engine):
    """Scans of the tea (Xã Tân Cương) over two ISO weeks and of the honey (no origin commune) in the second."""
    codes = add_tea(engine)
    with session_scope(engine) as session:
        ids = {name: session.exec(select(Product.id).where(Product.trace_code == code)).one()
               for name, code in codes.items() if name != "lot"}
        session.add_all([
            TraceView(day=date(2026, 11, 23), product_id=ids["product"], views=3),  # Monday of 2026-W48
            TraceView(day=date(2026, 11, 29), product_id=ids["product"], views=2),  # Sunday of 2026-W48
            TraceView(day=date(2026, 11, 30), product_id=ids["product"], views=5),  # Monday of 2026-W49
            TraceView(day=date(2026, 12, 1), product_id=ids["honey"], views=4),
            TraceView(day=date(2026, 10, 1), product_id=ids["product"], views=99),  # before the range
        ])
    return engine


def test_an_officer_sees_views_per_iso_week_and_origin_commune(views):
    officer = Viewer(username="canbo", role=Role.officer, coop_id=None, coop_code=None)
    assert trace_views_by_week(views, officer, date(2026, 11, 1), date(2026, 12, 3)) == [
        {"week": "2026-W48", "commune": "Tân Cương", "views": 5},
        {"week": "2026-W49", "commune": None, "views": 4},
        {"week": "2026-W49", "commune": "Tân Cương", "views": 5},
    ]


def draft_of_the_tea_on_shopee(engine):
    with session_scope(engine) as session:
        account_id, variant_id = session.exec(select(ListingVariant.channel_account_id, ListingVariant.id)).one()
        return listing_drafts(session, account_id, {variant_id: (120000, 47)})[variant_id]


def test_a_listing_carries_the_products_trace_page_when_it_has_no_trace_link_of_its_own(engine, monkeypatch):
    monkeypatch.setenv("SYNDICATOR_PUBLIC_URL", "https://truyxuat.htx-tancuong.vn")
    codes = add_tea(engine)
    assert draft_of_the_tea_on_shopee(engine).trace_url == f"https://truyxuat.htx-tancuong.vn/t/{codes['product']}"


def test_a_listing_carries_no_link_to_this_machine_while_the_service_has_no_public_address(engine, monkeypatch):
    monkeypatch.delenv("SYNDICATOR_PUBLIC_URL", raising=False)
    add_tea(engine)
    assert draft_of_the_tea_on_shopee(engine).trace_url is None


def test_a_listing_keeps_the_products_own_trace_link(engine):
    add_tea(engine, trace_url="https://truyxuat.thainguyen.gov.vn/sp/che-bup-db")
    assert draft_of_the_tea_on_shopee(engine).trace_url == "https://truyxuat.thainguyen.gov.vn/sp/che-bup-db"


def test_the_overview_shows_officers_this_weeks_scans_and_coop_users_none(engine, database_url, monkeypatch):
    seed_two_coops(engine)
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    with session_scope(engine) as session:
        tea = session.exec(select(Product).where(Product.code == "CHE-DB")).one()
        tea.origin_commune_name = "Xã Tân Cương"
        session.add(TraceView(day=TODAY, product_id=tea.id, views=12))
    officer = open_page(logged_in("canbo"), "overview")
    assert "Lượt quét mã truy xuất theo tuần" in shown_text(officer)
    year, week, _ = TODAY.isocalendar()
    assert drawn_rows(officer.get("vega_lite_chart")[-1]) == [
        {"week": f"{year}-W{week:02d}", "commune": "Xã Tân Cương", "views": 12}]
    assert "Lượt quét mã truy xuất" not in shown_text(open_page(logged_in("tancuong"), "overview"))


def drawn_rows(chart) -> list[dict]:
    """The rows an altair chart drew, read back from the Arrow table Streamlit sent."""
    return pyarrow.ipc.open_stream(chart.proto.datasets[0].data.data).read_all().to_pylist()


def test_views_opened_at_the_same_moment_all_land_on_the_days_one_row(engine):
    codes = add_tea(engine)
    page = find_trace_page(engine, codes["product"])
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda _: count_view(engine, page), range(24)))
    with session_scope(engine) as session:
        assert session.exec(select(TraceView.views)).all() == [24]
