"""The one data layer: engines, the shared MetaData, the UTC column type and migrations.

- engines.py     DATABASE_URL and its default, one Engine per database URL per process
                 (SQLite pragmas, PostgreSQL settings, hidden parameters in errors)
- metadata.py    the MetaData every table of the project is defined on
- tables.py      imports every module that defines tables: the whole schema, explicitly
- types.py       UTCDateTime: stored as naive UTC, always read back timezone-aware
- migrate.py     Alembic migrations (migrations/): upgrade at start-up and `alembic upgrade head`

The gateway (bot/), the knowledge base (knowledge/) and the privacy tools use the same
database; Rasa's tracker store is Rasa's own (bot/privacy/tracker.py opens it through
engines.py but never migrates it).
"""
