from alembic import context
from sqlmodel import SQLModel

import catalog.models  # noqa: F401  (registers the tables)
from catalog.db import ours

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from catalog.db import make_engine

        with make_engine(context.config.get_main_option("sqlalchemy.url")).begin() as connection:
            _migrate(connection)
    else:
        _migrate(connection)


def _migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_object=ours,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
