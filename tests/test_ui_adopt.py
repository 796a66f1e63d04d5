"""Adopting a shop's existing listings from the Gian hàng page: a preview first, then the binding, over HTTP
to the Shopee sandbox where the tea co-op already sells."""

# ruff: noqa: F811  (the sandboxes fixture comes from tests/support/sandboxes.py)

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from catalog.db import session_scope
from catalog.models import ChannelAccount, Coop, Listing, ListingVariant, SyncEvent
from syndicator.engine import run_sync
from syndicator.users import add_user
from tests.support.apptest import logged_in, open_page, shown_text
from tests.support.sandboxes import COOP, connect_shop, sandboxes, seed_catalogue  # noqa: F401 (fixture)
from tests.support.ui import PASSWORD

SKUS = ["TC-CHE-200G", "TC-CHE-500G", "TC-MATONG-500", "TC-MIEN-500G"]


def _bound(engine) -> dict[int, str | None]:
    """SKU id → the item id of the listing its pack is on."""
    with Session(engine) as session:
        return dict(session.execute(
            sa.select(ListingVariant.sku_id, Listing.external_item_id)
            .join(Listing, ListingVariant.listing_id == Listing.id)
        ).all())


@pytest.fixture
def shopee_shop(engine, database_url, monkeypatch, sandboxes) -> ChannelAccount:
    """The tea co-op's four SKUs on sale in its Shopee shop, unknown to our database; a clerk and an officer."""
    monkeypatch.setenv("SYNDICATOR_DATABASE_URL", database_url)
    seed_catalogue(engine)
    account = connect_shop(engine, COOP, "shopee", sandboxes["shopee"].url, publish_all=True)
    run_sync(engine)
    with session_scope(engine) as session:
        session.execute(sa.delete(SyncEvent))
        session.execute(sa.delete(ListingVariant))
        session.execute(sa.delete(Listing))
    add_user(engine, "tancuong", PASSWORD, "coop", coop_code=COOP)
    add_user(engine, "canbo", PASSWORD, "officer")
    return account


def _item_and_model(row: dict) -> str:
    """How the page names a pack on Shopee: its item, then its model (the tea's two packs share one item)."""
    return f"{row['item_id']}/{row['model_id']}"


def _preview(shop: ChannelAccount):
    app = open_page(logged_in("tancuong"), "channels")
    app.button(key=f"adopt_preview_{shop.id}").click()
    app.run(timeout=60)
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_the_preview_lists_what_would_be_bound_and_binds_nothing(engine, sandboxes, shopee_shop):
    app = _preview(shopee_shop)

    text = shown_text(app)
    assert "Sẽ gắn 4 SKU" in text
    for sku in SKUS:
        assert f"{sku},{_item_and_model(sandboxes['shopee'].item(sku))},mã SKU" in text
    assert _bound(engine) == {}


def test_the_preview_lists_the_items_only_on_the_marketplace_and_the_skus_only_in_the_catalogue(
        sandboxes, shopee_shop):
    hand_listed = sandboxes["shopee"].item("TC-CHE-500G")
    sandboxes["shopee"].edit(hand_listed["item_id"], model_id=hand_listed["model_id"], seller_sku="CHE-HOP-500")

    text = shown_text(_preview(shopee_shop))

    assert "Sẽ gắn 3 SKU" in text
    assert f"{hand_listed['item_id']},CHE-HOP-500,{hand_listed['name']}" in text
    assert "Chỉ có trong danh mục, chưa đăng bán trên gian hàng này (chọn ở trang Đăng bán): TC-CHE-500G" in text


def test_binding_binds_every_matched_sku_to_its_item(engine, sandboxes, shopee_shop):
    app = _preview(shopee_shop)

    app.button(key=f"adopt_bind_{shopee_shop.id}").click()
    app.run(timeout=60)

    assert any(message.value == "Đã gắn 4 SKU với mặt hàng có sẵn trên sàn." for message in app.success)
    assert sorted(_bound(engine).values()) == sorted(sandboxes["shopee"].item(sku)["item_id"] for sku in SKUS)


def test_a_preview_with_nothing_left_to_bind_offers_no_bind_button(shopee_shop):
    bound = _preview(shopee_shop)
    bound.button(key=f"adopt_bind_{shopee_shop.id}").click()
    bound.run(timeout=60)

    again = _preview(shopee_shop)

    assert "Sẽ gắn 0 SKU · đã gắn từ trước 4" in shown_text(again)
    assert f"adopt_bind_{shopee_shop.id}" not in {button.key for button in again.button}


def test_a_marketplace_that_cannot_be_reached_is_a_message_not_a_traceback(engine, shopee_shop):
    with session_scope(engine) as session:
        session.get(ChannelAccount, shopee_shop.id).base_url = "http://127.0.0.1:1"

    app = _preview(shopee_shop)

    assert any(e.value.startswith("Không đọc được gian hàng trên sàn") for e in app.error)
    assert _bound(engine) == {}


def test_an_officer_sees_no_adopt_section(shopee_shop):
    app = open_page(logged_in("canbo"), "channels")

    assert not [b for b in app.button if b.key and b.key.startswith("adopt_")]
    assert "Nhận tin đăng có sẵn" not in shown_text(app)


def test_a_clerk_may_adopt_only_their_own_coops_shops(engine, sandboxes, shopee_shop):
    with session_scope(engine) as session:
        session.add(Coop(code="HTX-VONHAI", name="HTX Mật ong Võ Nhai", commune_name="Võ Nhai"))
    honey = connect_shop(engine, "HTX-VONHAI", "shopee", sandboxes["shopee"].url, publish_all=True)

    app = open_page(logged_in("tancuong"), "channels")

    previews = {b.key for b in app.button if b.key and b.key.startswith("adopt_preview_")}
    assert f"adopt_preview_{honey.id}" not in previews and previews == {f"adopt_preview_{shopee_shop.id}"}
