"""Fixtures: a seeded SQLite catalogue per test session, fresh databases for tests that write,
and PostgreSQL databases (created on 127.0.0.1 as user postgres; skipped only if unreachable)."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from knowledge.db import init_db

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: runs against PostgreSQL on 127.0.0.1 (skipped when unreachable)")


def _pg_available() -> bool:
    try:
        import psycopg2
        psycopg2.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except Exception:
        return False


PG = _pg_available()


def _create_pg_db() -> str:
    import psycopg2
    name = f"lw_test_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE DATABASE {name}")
    conn.close()
    return name


def _drop_pg_db(name: str, engine=None) -> None:
    import psycopg2
    if engine is not None:
        engine.dispose()
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    conn.close()


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
    name = _create_pg_db()
    eng = init_db(f"postgresql://postgres@127.0.0.1:5432/{name}", today=today)
    yield eng
    _drop_pg_db(name, eng)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """URL of a new, empty database (SQLite file, or a temporary PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not PG:
        pytest.skip("PostgreSQL on 127.0.0.1:5432 not reachable")
    name = _create_pg_db()
    yield f"postgresql://postgres@127.0.0.1:5432/{name}"
    from knowledge import db as kdb
    eng = kdb._engines.pop(f"postgresql://postgres@127.0.0.1:5432/{name}", None)
    _drop_pg_db(name, eng)
