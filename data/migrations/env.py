"""Alembic environment: runs on the connection handed in by data.db.upgrade_schema, or on DATABASE_URL."""
from alembic import context

from data.db import database_url, make_engine
from data.models import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        with make_engine(database_url()).begin() as own_connection:
            _run(own_connection)
    else:
        _run(connection)


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
