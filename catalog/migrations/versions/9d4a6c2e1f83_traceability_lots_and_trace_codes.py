"""traceability: a trace code on every product, lots, daily trace-page counts, a co-op's contact and bank account

Revision ID: 9d4a6c2e1f83
Revises: 7b3e2d9c4f61
Create Date: 2026-12-03 13:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

from catalog.models import new_trace_code

revision = '9d4a6c2e1f83'
down_revision = '7b3e2d9c4f61'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('coop', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=True))
        batch_op.add_column(sa.Column('address', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=True))
        batch_op.add_column(sa.Column('bank_bin', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=True))
        batch_op.add_column(sa.Column('bank_account', sqlmodel.sql.sqltypes.AutoString(length=19), nullable=True))
        batch_op.add_column(sa.Column('bank_account_name', sqlmodel.sql.sqltypes.AutoString(length=70), nullable=True))

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trace_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True))
    bind = op.get_bind()
    product = sa.table('product', sa.column('id', sa.Integer), sa.column('trace_code', sa.String))
    ids = bind.execute(sa.select(product.c.id)).scalars().all()
    if ids:
        bind.execute(sa.update(product).where(product.c.id == sa.bindparam('product_id'))
                     .values(trace_code=sa.bindparam('code')),
                     [{'product_id': product_id, 'code': new_trace_code()} for product_id in ids])
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.alter_column('trace_code', existing_type=sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False)
        batch_op.create_index(batch_op.f('ix_product_trace_code'), ['trace_code'], unique=True)

    op.create_table('lot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('produced_on', sa.Date(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('trace_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('product_id', 'code', name='uq_lot_product_code')
    )
    with op.batch_alter_table('lot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_trace_code'), ['trace_code'], unique=True)

    op.create_table('traceview',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=True),
    sa.Column('views', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lot.id'], ),
    sa.ForeignKeyConstraint(['product_id'], ['product.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'product_id', 'lot_id', name='uq_trace_view_day')
    )
    with op.batch_alter_table('traceview', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_traceview_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_traceview_product_id'), ['product_id'], unique=False)

    with op.batch_alter_table('stockmovement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lot_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_stockmovement_lot_id'), ['lot_id'], unique=False)
        batch_op.create_foreign_key('fk_stockmovement_lot_id_lot', 'lot', ['lot_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('stockmovement', schema=None) as batch_op:
        batch_op.drop_constraint('fk_stockmovement_lot_id_lot', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_stockmovement_lot_id'))
        batch_op.drop_column('lot_id')
    op.drop_table('traceview')
    op.drop_table('lot')
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_product_trace_code'))
        batch_op.drop_column('trace_code')
    with op.batch_alter_table('coop', schema=None) as batch_op:
        for column in ('bank_account_name', 'bank_account', 'bank_bin', 'address', 'phone'):
            batch_op.drop_column(column)
