"""order lines fit what marketplaces send: seller SKU up to 200 characters, line ref up to 100

Revision ID: 5c1e7a9d2b40
Revises: 0f0d1bfdd38b
Create Date: 2026-12-03 10:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '5c1e7a9d2b40'
down_revision = '0f0d1bfdd38b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A Lazada seller SKU may be 200 characters; at 40 one such line made every pull of the shop's orders fail.
    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.alter_column('seller_sku', existing_type=sqlmodel.sql.sqltypes.AutoString(length=40),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=200), existing_nullable=False)
        batch_op.alter_column('line_ref', existing_type=sqlmodel.sql.sqltypes.AutoString(length=80),
                              type_=sqlmodel.sql.sqltypes.AutoString(length=100), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table('orderline', schema=None) as batch_op:
        batch_op.alter_column('line_ref', existing_type=sqlmodel.sql.sqltypes.AutoString(length=100),
                              type_=sa.String(length=80), existing_nullable=False)
        batch_op.alter_column('seller_sku', existing_type=sqlmodel.sql.sqltypes.AutoString(length=200),
                              type_=sa.String(length=40), existing_nullable=False)
