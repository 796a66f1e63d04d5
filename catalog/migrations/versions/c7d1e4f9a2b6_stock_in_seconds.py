"""stock in seconds: the push inbox, what each pack's marketplace holds back, when its stock was last sent

Revision ID: c7d1e4f9a2b6
Revises: b5e8f1a3c7d2
Create Date: 2026-12-03 15:20:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'c7d1e4f9a2b6'
down_revision = 'b5e8f1a3c7d2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('listingvariant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stock_pushed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('reserved_stock', sa.Integer(), nullable=True))

    op.create_table('push_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('message_key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('shop_ref', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('channel_account_id', sa.Integer(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('order_ref', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['channel_account_id'], ['channelaccount.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('marketplace', 'message_key', name='uq_push_message_key')
    )
    with op.batch_alter_table('push_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_message_channel_account_id'), ['channel_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_message_marketplace'), ['marketplace'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('push_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_message_marketplace'))
        batch_op.drop_index(batch_op.f('ix_push_message_channel_account_id'))
    op.drop_table('push_message')
    with op.batch_alter_table('listingvariant', schema=None) as batch_op:
        batch_op.drop_column('reserved_stock')
        batch_op.drop_column('stock_pushed_at')
