"""Temporary PostgreSQL databases on 127.0.0.1 (user postgres, no password) for tests that
run on SQLite and PostgreSQL; PG is False when the server is not reachable (tests skip)."""

from __future__ import annotations

import uuid

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


def pg_available() -> bool:
    try:
        import psycopg2

        psycopg2.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except Exception:
        return False


PG = pg_available()


def create_pg_db() -> str:
    import psycopg2

    name = f"lw_test_{uuid.uuid4().hex[:10]}"
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    conn.cursor().execute(f"CREATE DATABASE {name}")
    conn.close()
    return name


def drop_pg_db(name: str, engine=None) -> None:
    import psycopg2

    if engine is not None:
        engine.dispose()
    conn = psycopg2.connect(PG_ADMIN)
    conn.autocommit = True
    conn.cursor().execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    conn.close()
