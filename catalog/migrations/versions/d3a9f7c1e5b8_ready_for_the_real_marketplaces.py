"""ready for the real marketplaces: the photo store, photos per shop, category mappings, cached setup

The free-form ``channelaccount.category_mapping`` goes: mappings are rows now, per marketplace and category,
edited on the Mapping page. Product photos keep their column; entries that are not the store's digests stay,
unread, and block the listing until a clerk uploads the photo again.

Revision ID: d3a9f7c1e5b8
Revises: c7d1e4f9a2b6
Create Date: 2026-12-03 18:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'd3a9f7c1e5b8'
down_revision = 'c7d1e4f9a2b6'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('photo',
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('format', sqlmodel.sql.sqltypes.AutoString(length=4), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size_bytes', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('digest')
    )
    op.create_table('photo_upload',
    sa.Column('channel_account_id', sa.Integer(), nullable=False),
    sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('remote', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_account_id'], ['channelaccount.id'], ),
    sa.ForeignKeyConstraint(['digest'], ['photo.digest'], ),
    sa.PrimaryKeyConstraint('channel_account_id', 'digest')
    )
    op.create_table('category_mapping',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace', sa.String(length=30), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('coop_id', sa.Integer(), nullable=True),
    sa.Column('leaf_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('leaf_name', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('brand_id', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
    sa.Column('brand_name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('attributes', sa.JSON(), nullable=False),
    sa.Column('updated_by', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], ),
    sa.ForeignKeyConstraint(['coop_id'], ['coop.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('marketplace', 'category_id', 'coop_id', name='uq_category_mapping_scope')
    )
    with op.batch_alter_table('category_mapping', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_mapping_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_category_mapping_coop_id'), ['coop_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_category_mapping_marketplace'), ['marketplace'], unique=False)
    op.create_table('marketplace_setup',
    sa.Column('channel_account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_account_id'], ['channelaccount.id'], ),
    sa.PrimaryKeyConstraint('channel_account_id', 'kind')
    )
    with op.batch_alter_table('channelaccount', schema=None) as batch_op:
        batch_op.drop_column('category_mapping')


def downgrade() -> None:
    with op.batch_alter_table('channelaccount', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_mapping', sa.JSON(), nullable=False, server_default='{}'))
    op.drop_table('marketplace_setup')
    with op.batch_alter_table('category_mapping', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_mapping_marketplace'))
        batch_op.drop_index(batch_op.f('ix_category_mapping_coop_id'))
        batch_op.drop_index(batch_op.f('ix_category_mapping_category_id'))
    op.drop_table('category_mapping')
    op.drop_table('photo_upload')
    op.drop_table('photo')
