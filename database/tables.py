"""The whole schema: every module that defines tables, imported here by name.

Alembic (migrations/env.py), `Store.open()` and "vergeet mij" (bot/privacy/forget.py) read the
schema from here, so no table is missing because some module was not imported yet.
"""

from __future__ import annotations

from typing import Optional

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine

from bot import feedback, usage
from bot import store as gateway
from bot.channels.whatsapp import tables as whatsapp
from bot.handoff import tables as handoff
from database import engines
from database.metadata import metadata
from database.migrate import COMPARE
from knowledge import schema as knowledge

MODULES = (gateway, feedback, usage, handoff, whatsapp, knowledge)

__all__ = ["metadata", "MODULES", "differences"]


def differences(engine: Optional[Engine] = None) -> list:
    """What autogenerate would still change in the database: [] when it matches the code.
    (Here, not in migrate.py: the gateway's store imports migrate.py, and this module imports
    the store.)"""
    with (engine or engines.engine()).connect() as connection:
        return compare_metadata(MigrationContext.configure(connection, opts=COMPARE), metadata)
