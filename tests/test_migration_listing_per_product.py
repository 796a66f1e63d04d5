"""The migration to one listing per product carries every binding over: ids, what was pushed, the clerk's
wishes, and the events and observations that named the old listings."""

import sqlalchemy as sa
from alembic import command

from catalog.db import alembic_config, init_database, make_engine

BEFORE = "5c1e7a9d2b40"
ROWS = """
INSERT INTO coop (id, code, name, province, created_at) VALUES (1, 'HTX-TANCUONG', 'HTX Chè Tân Cương', 'Thái Nguyên', '2026-11-01 00:00:00+00');
INSERT INTO product (id, coop_id, code, name, description, origin_province, certifications, images, created_at, updated_at)
VALUES (1, 1, 'CHE-TC-01', 'Chè búp Tân Cương đặc biệt', '', 'Thái Nguyên', '[]', '[]', '2026-11-01 00:00:00+00', '2026-11-01 00:00:00+00');
INSERT INTO sku (id, product_id, sku, variant, price, weight_g, enabled, updated_at) VALUES
 (1, 1, 'CHE-TC-01-100G', 'Gói 100g', 65000, 100, true, '2026-11-01 00:00:00+00'),
 (2, 1, 'CHE-TC-01-200G', 'Gói 200g', 120000, 200, true, '2026-11-01 00:00:00+00');
INSERT INTO channelaccount (id, coop_id, marketplace, shop_id, name, base_url, state, enabled, price_rule, stock_policy, category_mapping, created_at)
VALUES (1, 1, 'shopee', '22001', 'Chè Tân Cương', 'http://127.0.0.1:9', 'connected', true, '{}', '{}', '{}', '2026-11-01 00:00:00+00');
INSERT INTO listing (id, sku_id, channel_account_id, state, enabled, external_item_id, external_sku_id, price_override,
                     pushed_content_hash, pushed_price, pushed_stock, last_error, last_synced_at, created_at) VALUES
 (7, 1, 1, 'live', true, '800123', NULL, 59000, 'abc', 59000, 40, NULL, '2026-11-30 00:00:00+00', '2026-11-01 00:00:00+00'),
 (9, 2, 1, 'error', false, NULL, NULL, NULL, NULL, NULL, NULL, 'E4139: Main image is required', NULL, '2026-11-01 00:00:00+00');
INSERT INTO syncrun (id, trigger, scope, status, started_at, summary) VALUES (1, 'cli', '{}', 'ok', '2026-11-30 00:00:00+00', '{}');
INSERT INTO syncevent (id, run_id, channel_account_id, listing_id, action, outcome, message, created_at)
VALUES (1, 1, 1, 7, 'create', 'ok', '', '2026-11-30 00:00:00+00');
INSERT INTO listingobservation (id, listing_id, url, visible, price, drift, observed_at)
VALUES (1, 7, 'http://127.0.0.1:9/product/22001/800123', true, 59000, '[]', '2026-11-30 00:00:00+00');
"""


def _at_previous_revision(url: str) -> None:
    engine = make_engine(url)
    config = alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, BEFORE)
        for statement in filter(str.strip, ROWS.split(";")):
            connection.exec_driver_sql(statement)
    engine.dispose()


def test_each_old_listing_becomes_a_listing_of_its_product_with_its_sku_as_the_one_variant(database_url):
    _at_previous_revision(database_url)
    engine = init_database(database_url)
    with engine.connect() as connection:
        listings = connection.execute(sa.text(
            "SELECT id, product_id, state, external_item_id, pushed_content_hash, last_error FROM listing ORDER BY id"
        )).all()
        variants = connection.execute(sa.text(
            "SELECT id, listing_id, sku_id, state, enabled, price_override, external_variant_id, pushed_price, "
            "pushed_stock FROM listingvariant ORDER BY id")).all()
        observation = connection.execute(sa.text("SELECT listing_id, variant_id FROM listingobservation")).one()
        event = connection.execute(sa.text("SELECT listing_id FROM syncevent")).scalar_one()
        with_variants = connection.execute(sa.text("SELECT COUNT(*) FROM listing WHERE has_variants")).scalar_one()
    engine.dispose()
    assert [tuple(row) for row in listings] == [
        (7, 1, "live", "800123", "abc", None), (9, 1, "error", None, None, "E4139: Main image is required")]
    assert [tuple(row) for row in variants] == [
        (7, 7, 1, "live", True, 59000, None, 59000, 40), (9, 9, 2, "pending", False, None, None, None, None)]
    assert tuple(observation) == (7, 7)
    assert event == 7
    assert with_variants == 0  # items of one pack each, until the plan regroups them


def test_a_variant_added_after_the_migration_gets_a_new_id(database_url):
    _at_previous_revision(database_url)
    engine = init_database(database_url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO sku (id, product_id, sku, variant, price, weight_g, enabled, updated_at) "
            "VALUES (3, 1, 'CHE-TC-01-500G', 'Hộp 500g', 280000, 500, true, '2026-12-01 00:00:00+00')"))
        connection.execute(sa.text(
            "INSERT INTO listingvariant (listing_id, sku_id, channel_account_id, state, enabled, created_at) "
            "VALUES (7, 3, 1, 'pending', true, '2026-12-01 00:00:00+00')"))
        newest = connection.execute(sa.text("SELECT MAX(id) FROM listingvariant")).scalar_one()
    engine.dispose()
    assert newest == 10
