"""the clerk in control: a shop's "publish new products automatically", who recorded a stock movement, login
sessions that survive a browser refresh

Shops connected before this revision published every product by themselves: they keep doing so
(``auto_publish`` true), so an upgrade changes nothing a running co-op relies on; shops connected after it
publish only what a clerk chooses, unless connected with ``--publish-all``.

Revision ID: b5e8f1a3c7d2
Revises: 9d4a6c2e1f83
Create Date: 2026-12-03 15:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'b5e8f1a3c7d2'
down_revision = '9d4a6c2e1f83'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('channelaccount', schema=None) as batch_op:
        batch_op.add_column(sa.Column('auto_publish', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.execute(sa.text("UPDATE channelaccount SET auto_publish = :yes").bindparams(yes=True))

    with op.batch_alter_table('stockmovement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))

    op.create_table('login_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_session_token_hash'), ['token_hash'], unique=True)
        batch_op.create_index(batch_op.f('ix_login_session_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_session_user_id'))
        batch_op.drop_index(batch_op.f('ix_login_session_token_hash'))
    op.drop_table('login_session')
    with op.batch_alter_table('stockmovement', schema=None) as batch_op:
        batch_op.drop_column('actor')
    with op.batch_alter_table('channelaccount', schema=None) as batch_op:
        batch_op.drop_column('auto_publish')
