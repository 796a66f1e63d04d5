"""one listing per product: a listing is the product's item on a shop, each of its SKUs a listing variant

Every listing of one SKU becomes a listing of the SKU's product with that SKU as its one variant. Both keep
the old listing's id, so events, observations and bindings (item ids, SKU ids, what was pushed) stay where
they were; packs bound today as separate items are regrouped by the plan, not here.

Revision ID: 7b3e2d9c4f61
Revises: 5c1e7a9d2b40
Create Date: 2026-12-03 12:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '7b3e2d9c4f61'
down_revision = '5c1e7a9d2b40'
branch_labels = None
depends_on = None

VARIANT_FROM_LISTING = """
INSERT INTO listingvariant (id, listing_id, sku_id, channel_account_id, state, enabled, price_override,
                            external_variant_id, pushed_price, pushed_stock, last_error, created_at)
SELECT id, id, sku_id, channel_account_id,
       CASE WHEN external_item_id IS NULL THEN 'pending' ELSE 'live' END,
       enabled, price_override, external_sku_id, pushed_price, pushed_stock, NULL, created_at
FROM listing
"""


def _restart_sequence(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                   f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)")


def upgrade() -> None:
    op.create_table('listingvariant',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('channel_account_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('price_override', sa.Integer(), nullable=True),
    sa.Column('external_variant_id', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('pushed_content_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('pushed_price', sa.Integer(), nullable=True),
    sa.Column('pushed_stock', sa.Integer(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_account_id'], ['channelaccount.id'], ),
    sa.ForeignKeyConstraint(['listing_id'], ['listing.id'], ),
    sa.ForeignKeyConstraint(['sku_id'], ['sku.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('sku_id', 'channel_account_id', name='uq_listing_variant_sku_account')
    )
    with op.batch_alter_table('listingvariant', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listingvariant_channel_account_id'), ['channel_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listingvariant_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listingvariant_sku_id'), ['sku_id'], unique=False)
    op.execute(VARIANT_FROM_LISTING)
    _restart_sequence('listingvariant')

    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('has_variants', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute("UPDATE listing SET product_id = (SELECT sku.product_id FROM sku WHERE sku.id = listing.sku_id)")
    with op.batch_alter_table('listing', schema=None) as batch_op:
        batch_op.alter_column('product_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint('uq_listing_sku_account', type_='unique')
        batch_op.drop_index(batch_op.f('ix_listing_sku_id'))
        batch_op.create_index(batch_op.f('ix_listing_product_id'), ['product_id'], unique=False)
        batch_op.create_foreign_key('fk_listing_product_id_product', 'product', ['product_id'], ['id'])
        for column in ('sku_id', 'enabled', 'external_sku_id', 'price_override', 'pushed_price', 'pushed_stock'):
            batch_op.drop_column(column)

    with op.batch_alter_table('listingobservation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('variant_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_listingobservation_variant_id'), ['variant_id'], unique=False)
        batch_op.create_foreign_key('fk_listingobservation_variant_id_listingvariant', 'listingvariant',
                                    ['variant_id'], ['id'])
    op.execute("UPDATE listingobservation SET variant_id = listing_id")


def downgrade() -> None:
    """One way only: a product listed as one item with its packs as variants has no form in the old
    schema (one item per SKU) that keeps its ids; restore the backup taken before upgrading."""
    raise NotImplementedError("one listing per product cannot be undone; restore the database backup")
