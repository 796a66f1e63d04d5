"""beyond one machine: procrastinate's job tables on PostgreSQL, and the call budgets shared by workers

procrastinate's schema is applied here, from the pinned procrastinate (``pyproject.toml``), so ``syndicator
init`` is all an operator runs before ``syndicator worker``. Moving to a newer procrastinate means a new
revision that applies its files under ``procrastinate/sql/migrations`` since 3.10.0. SQLite has no job
tables: there everything runs in one process.

Revision ID: e8b2c6d4a1f9
Revises: d3a9f7c1e5b8
Create Date: 2026-12-03 22:30:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = 'e8b2c6d4a1f9'
down_revision = 'd3a9f7c1e5b8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_budget',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('window_start', sa.BigInteger(), nullable=False),
    sa.Column('used', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('job_error',
    sa.Column('job_id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('task_name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('job_id')
    )
    if op.get_bind().dialect.name == 'postgresql':
        from procrastinate.schema import SchemaManager

        # the driver's own connection: the schema's text holds % and : that SQLAlchemy would take as parameters
        op.get_bind().connection.dbapi_connection.execute(SchemaManager.get_schema())


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(sa.text("""
            DO $$
            DECLARE item record;
            BEGIN
                FOR item IN SELECT tablename FROM pg_tables
                            WHERE schemaname = current_schema() AND tablename LIKE 'procrastinate%' LOOP
                    EXECUTE format('DROP TABLE IF EXISTS %I CASCADE', item.tablename);
                END LOOP;
                FOR item IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                            JOIN pg_namespace n ON n.oid = p.pronamespace
                            WHERE n.nspname = current_schema() AND p.proname LIKE 'procrastinate%' LOOP
                    EXECUTE format('DROP FUNCTION IF EXISTS %s CASCADE', item.signature);
                END LOOP;
                FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                            WHERE n.nspname = current_schema() AND t.typname LIKE 'procrastinate%'
                            AND t.typtype IN ('e', 'c') LOOP
                    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
                END LOOP;
            END $$
        """))
    op.drop_table('job_error')
    op.drop_table('api_budget')
