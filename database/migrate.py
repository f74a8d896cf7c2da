"""Migrations (Alembic, database/migrations/): upgrade a database to the code's schema.

The embedded default upgrades at start-up: the gateway (`Store.open()`) and the action
server (`knowledge.init_db()`). A deployment runs `alembic upgrade head` once, before the
new version starts (deploy/k8s/migrate-job.yaml).

A database made before Alembic (up to 2026-12-07: the knowledge base's own `schema_version`
and the gateway's create_all) is adopted by the first revision without losing a row.
"""

from __future__ import annotations

import functools
import logging
import threading
from typing import Optional

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy.engine import Engine

from database import engines

log = logging.getLogger(__name__)
_upgrading = threading.Lock()

INI = engines.ROOT / "alembic.ini"


# Full-text search is made by raw SQL (SQLite's FTS5 table module_fts and its shadow tables,
# PostgreSQL's tsvector column and index): not in the MetaData, and not to be dropped.
NOT_IN_METADATA = ("module_fts", "tsv", "ix_module_text_tsv")


def include_object(obj, name, type_, reflected, compare_to) -> bool:
    return not (reflected and compare_to is None and name.startswith(NOT_IN_METADATA))


# How autogenerate compares a database with the code (env.py, tables.differences()).
COMPARE = {"compare_type": True, "include_object": include_object}


class SchemaError(RuntimeError):
    """The database cannot be upgraded safely (newer than this code, or not ours)."""


def config(engine: Optional[Engine] = None) -> Config:
    cfg = Config(str(INI))
    cfg.attributes["engine"] = engine
    return cfg


@functools.lru_cache(maxsize=None)
def head() -> str:
    """The newest revision in database/migrations."""
    return ScriptDirectory.from_config(config()).get_current_head()


def current(engine: Optional[Engine] = None) -> Optional[str]:
    """The revision a database is at (None: not under Alembic yet)."""
    with (engine or engines.engine()).connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Optional[Engine] = None) -> None:
    """Bring the database to the newest revision; nothing happens when it is there."""
    engine = engine or engines.engine()
    if current(engine) == head():
        return
    # Other processes wait for the database's lock (env.py); threads of this process wait
    # here, since Alembic's context is one per process.
    with _upgrading:
        try:
            command.upgrade(config(engine), "head")
        except CommandError as error:  # e.g. a revision this code does not know
            raise SchemaError(
                f"De database heeft een schema dat deze code niet kent ({error}). Werk de code "
                "bij; de database wordt niet aangepast."
            ) from error
    log.info("database schema at revision %s", head())
