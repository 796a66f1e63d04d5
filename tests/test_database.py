"""The schema: migrations apply, and the uniqueness rules the sync relies on hold in the database."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from catalog.db import SCHEMA_HEAD, alembic_config, init_database, schema_revision, session_scope
from catalog.models import ChannelAccount, Coop, Listing, ListingVariant, Order, Product, Sku


def _tea_sku(session) -> Sku:
    coop = Coop(code="HTX-TANCUONG", name="HTX Chè Tân Cương")
    session.add(coop)
    session.flush()
    product = Product(coop_id=coop.id, code="CHE-TC-01", name="Chè búp Tân Cương đặc biệt")
    session.add(product)
    session.flush()
    sku = Sku(product_id=product.id, sku="CHE-TC-01-200G", variant="Gói 200g", price=120000, weight_g=200)
    session.add(sku)
    session.flush()
    return sku


def test_init_twice_is_an_upgrade_not_an_error(database_url):
    init_database(database_url).dispose()
    engine = init_database(database_url)
    assert "listing" in sa.inspect(engine).get_table_names()
    assert schema_revision(engine) == SCHEMA_HEAD
    engine.dispose()


def test_the_schema_head_named_in_the_code_is_the_newest_migration():
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head() == SCHEMA_HEAD


def test_a_sku_code_is_unique(engine):
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        sku = _tea_sku(session)
        session.add(Sku(product_id=sku.product_id, sku=sku.sku, price=1000, weight_g=10))
        session.flush()


def test_a_sku_is_on_a_shop_at_most_once(engine):
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        sku = _tea_sku(session)
        shop = ChannelAccount(coop_id=1, marketplace="shopee", shop_id="22001", base_url="http://x")
        session.add(shop)
        session.flush()
        listings = [Listing(product_id=sku.product_id, channel_account_id=shop.id) for _ in range(2)]
        session.add_all(listings)
        session.flush()
        for listing in listings:
            session.add(ListingVariant(listing_id=listing.id, sku_id=sku.id, channel_account_id=shop.id))
        session.flush()


def test_an_order_is_unique_per_channel_account_and_marketplace_order_id(engine):
    with session_scope(engine) as session:
        _tea_sku(session)
        shopee = ChannelAccount(coop_id=1, marketplace="shopee", shop_id="22001", base_url="http://x")
        lazada = ChannelAccount(coop_id=1, marketplace="lazada", shop_id="VN22001", base_url="http://x")
        session.add_all([shopee, lazada])
        session.flush()
        session.add_all([Order(channel_account_id=shopee.id, marketplace_order_id="241128ABCD", status="open"),
                         Order(channel_account_id=lazada.id, marketplace_order_id="241128ABCD", status="open")])
    with pytest.raises(IntegrityError), session_scope(engine) as session:
        session.add(Order(channel_account_id=shopee.id, marketplace_order_id="241128ABCD", status="completed"))
        session.flush()


def test_times_come_back_timezone_aware(engine):
    with session_scope(engine) as session:
        sku = _tea_sku(session)
        shop = ChannelAccount(
            coop_id=1,
            marketplace="lazada",
            shop_id="VN1",
            orders_watermark=datetime(2026, 11, 28, 2, 0, tzinfo=UTC),
        )
        session.add(shop)
        sku_id = sku.id
    with session_scope(engine) as session:
        stored = session.get(ChannelAccount, shop.id)
        assert stored.orders_watermark == datetime(2026, 11, 28, 2, 0, tzinfo=UTC)
        assert stored.orders_watermark.tzinfo is not None
        assert session.get(Sku, sku_id).price == 120000


def test_the_migrations_build_exactly_the_schema_the_models_describe(engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    from catalog.db import ours

    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": ours})
        differences = compare_metadata(context, SQLModel.metadata)

    assert differences == []
