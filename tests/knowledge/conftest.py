"""Fixtures: a seeded SQLite catalogue per test session, fresh databases for tests that write,
and PostgreSQL databases (created on 127.0.0.1 as user postgres; skipped only if unreachable)."""

from __future__ import annotations

from datetime import date

import pytest

from knowledge.db import init_db
from tests.support.databases import PG, create_pg_db, drop_pg_db


@pytest.fixture(scope="session")
def today() -> date:
    """A fixed 'today' for seeding and searching, so start-date answers never depend on the
    calendar day the tests run (school starts, 'binnen 6 weken')."""
    return date(2026, 11, 23)


@pytest.fixture(scope="session")
def engine(tmp_path_factory, today):
    """The sample catalogue on SQLite (read-only use)."""
    path = tmp_path_factory.mktemp("kdb") / "catalogue.db"
    return init_db(f"sqlite:///{path}", today=today)


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request, tmp_path_factory, today):
    """The sample catalogue on SQLite and, when reachable, on PostgreSQL."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("kdb_any") / "catalogue.db"
        yield init_db(f"sqlite:///{path}", today=today)
        return
    if not PG:
        pytest.skip("PostgreSQL on 127.0.0.1:5432 not reachable")
    name = create_pg_db()
    eng = init_db(f"postgresql://postgres@127.0.0.1:5432/{name}", today=today)
    yield eng
    drop_pg_db(name, eng)
