"""Alembic's environment: migrate the project's database (database/engines.py) to the schema
of database/tables.py, in one transaction that other processes wait for."""

from alembic import context

from database import engines
from database.migrate import COMPARE
from database.tables import metadata

# PostgreSQL: two processes starting at once (gateway and action server) take turns.
MIGRATION_LOCK = 4242001


def run_migrations_online() -> None:
    engine = context.config.attributes.get("engine") or engines.engine()
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as connection:
        with connection.begin():
            if connection.dialect.name == "postgresql":
                connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
            context.configure(
                connection=connection,
                target_metadata=metadata,
                render_as_batch=connection.dialect.name == "sqlite",
                **COMPARE,
            )
            context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(url=engines.database_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
