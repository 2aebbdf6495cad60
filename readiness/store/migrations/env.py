"""Alembic's entry point: runs the migrations on the connection engine.open_store hands over.

engine.upgrade() puts an open connection, already inside the transaction that holds the
migration lock, in `config.attributes["connection"]`; everything runs on it and commits with it.
For Alembic's own commands (a new revision, say), build the config with
`readiness.store.engine.alembic_config(url)`:

    from alembic import command
    from readiness.store.engine import alembic_config
    command.revision(alembic_config("sqlite:///var/dev.sqlite3"), "what changes",
                     autogenerate=True, rev_id="0004")
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from readiness.store.schema import Base


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters by copying tables
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations() -> None:
    config = context.config
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.begin() as own:
            _run(own)
    finally:
        engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (--sql) migrations are not supported; run them on a database")
run_migrations()
