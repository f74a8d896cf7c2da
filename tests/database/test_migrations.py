"""Migrations (database/migrations): every table, on SQLite and PostgreSQL.

A database as the code of 2026-12-07 left it (tests/fixtures/db/before-alembic.*.sql: made by
that code, then dumped) is adopted without losing a row; a new one gets every table; both end
up exactly as the code's MetaData describes (Alembic's own comparison finds nothing to do).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml
from sqlalchemy import insert, inspect, text

import knowledge
from bot import store as gateway
from bot.handoff import tables as handoff
from bot.store import Store
from database import engines, migrate, tables
from knowledge import schema as S
from tests.support.databases import PG, create_pg_db, drop_pg_db

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "db"
WHEN = datetime(2026, 12, 1, 9, 30)


def load_fixture(url: str) -> None:
    """The database of 2026-12-07, made by that day's code (schema and schema_version)."""
    engine = engines.make_engine(url)
    dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
    script = (FIXTURES / f"before-alembic.{dialect}.sql").read_text(encoding="utf-8")
    with engine.connect() as connection:
        if dialect == "sqlite":
            connection.connection.executescript(script)
        else:
            with connection.begin():
                connection.exec_driver_sql(script)
    engine.dispose()


def fill(url: str) -> None:
    """One row in the tables a user, an advisor and a feed fill (the tables' own defaults)."""
    engine = engines.make_engine(url)
    with engine.begin() as db:
        db.execute(
            insert(gateway.conversations).values(
                id="c1", tenant="brabant", channel="web", mode="bot", created_at=WHEN, updated_at=WHEN
            )
        )
        db.execute(
            insert(gateway.messages).values(
                conversation_id="c1", sender="user", text="ik zoek een cursus warmtepomp", data={}, created_at=WHEN
            )
        )
        db.execute(
            insert(handoff.advisors).values(
                email="a@example.nl", name="Anna", password_hash="x", active=True, created_at=WHEN
            )
        )
        db.execute(
            insert(handoff.handoffs).values(
                conversation_id="c1",
                tenant="brabant",
                channel="web",
                status="waiting",
                reason="user_asked",
                created_at=WHEN,
            )
        )
        db.execute(insert(S.provider).values(id="oud", name="Oude Opleider", kind="opleider", sample=False))
        db.execute(
            insert(S.module).values(
                id="oud-1",
                source="ooapi",
                source_id="oud-1",
                provider_id="oud",
                title="Warmtepomp basis (oud record)",
                nlqf_level=3,
                sample=False,
            )
        )
        db.execute(insert(S.offering).values(id="oud-1@1", module_id="oud-1", location="online", format="online"))
    engine.dispose()


def test_a_database_of_the_day_before_alembic_keeps_every_row(empty_url):
    load_fixture(empty_url)
    fill(empty_url)

    async def start_gateway():
        store = Store(empty_url)
        await store.open()
        conversation = await store.get_conversation("c1")
        messages = await store.messages("c1")
        await store.close()
        return conversation, messages

    conversation, messages = asyncio.run(start_gateway())
    engine = knowledge.init_db(empty_url)  # the action server starts too

    assert conversation.tenant == "brabant"
    assert conversation.created_at == WHEN.replace(tzinfo=timezone.utc)  # read back aware, UTC
    assert [m.text for m in messages] == ["ik zoek een cursus warmtepomp"]
    with engine.connect() as db:
        assert db.execute(text("SELECT status FROM gw_handoffs")).scalar() == "waiting"
        assert db.execute(text("SELECT name FROM gw_advisors")).scalar() == "Anna"
    assert migrate.current(engine) == migrate.head()
    assert "schema_version" not in inspect(engine).get_table_names()  # Alembic took over
    assert tables.differences(engine) == []
    # the old module is still there and found (the sample catalogue is not mixed in)
    hit = knowledge.search_modules({}, "warmtepomp", engine=engine).hits[0]
    assert hit.module_id == "oud-1"


def test_a_catalogue_from_before_the_search_index_gets_one(tmp_path):
    """Older still (knowledge schema version 2): the tables and columns that came later are
    added, and the modules it has are indexed for search."""
    url = f"sqlite:///{tmp_path / 'v2.db'}"
    load_fixture(url)
    engine = engines.make_engine(url)
    with engine.begin() as db:
        for table in ("search_entry", "module_text", "module_fts", "feed_run", "feed_http_cache"):
            db.execute(text(f"DROP TABLE {table}"))
        db.execute(text("DROP INDEX ix_module_feed"))
        for column in ("feed", "content_hash", "withdrawn_at"):
            db.execute(text(f"ALTER TABLE module DROP COLUMN {column}"))
        db.execute(text("DELETE FROM schema_version WHERE version > 2"))
    engine.dispose()
    fill(url)
    upgraded = knowledge.init_db(url)
    assert tables.differences(upgraded) == []
    assert knowledge.search_modules({}, "warmtepomp", engine=upgraded).hits[0].module_id == "oud-1"


def test_a_new_database_gets_every_table_once_even_when_two_processes_start(empty_url):
    """The gateway and the action server start together on an empty database: one migrates,
    the other waits for its lock and finds nothing left to do."""
    code = "from database import migrate; migrate.upgrade()"
    env = dict(os.environ, DATABASE_URL=empty_url)
    starting = [
        subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    for process in starting:
        assert process.wait(timeout=120) == 0, process.stderr.read()[-2000:]
    engine = engines.engine(empty_url)
    assert migrate.current(engine) == migrate.head()
    assert tables.differences(engine) == []
    names = set(inspect(engine).get_table_names())
    assert {"gw_conversations", "gw_handoffs", "gw_wa_inbox", "module", "search_entry"} <= names


def test_a_newer_or_foreign_database_is_refused_and_left_alone(tmp_path):
    newer = f"sqlite:///{tmp_path / 'newer.db'}"
    migrate.upgrade(engines.engine(newer))
    with engines.engine(newer).begin() as db:
        db.execute(text("UPDATE alembic_version SET version_num = 'van-later'"))
    with pytest.raises(migrate.SchemaError, match="niet kent"):
        knowledge.init_db(newer)
    assert migrate.current(engines.engine(newer)) == "van-later"

    foreign = f"sqlite:///{tmp_path / 'foreign.db'}"
    with engines.engine(foreign).begin() as db:
        db.execute(text("CREATE TABLE module (id TEXT)"))
    with pytest.raises(migrate.SchemaError, match="geen schema_version"):
        knowledge.init_db(foreign)
    assert inspect(engines.engine(foreign)).get_table_names() == ["module"]


@pytest.mark.postgres
def test_the_kubernetes_migration_job_prepares_a_new_postgresql_database():
    """The Job's own command (deploy/k8s/migrate-job.yaml), run as the image runs it."""
    if not PG:
        pytest.skip("PostgreSQL on 127.0.0.1:5432 not reachable")
    job = yaml.safe_load((ROOT / "deploy" / "k8s" / "migrate-job.yaml").read_text())
    container = job["spec"]["template"]["spec"]["containers"][0]
    name = create_pg_db()
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    try:
        env = dict(os.environ, DATABASE_URL=url, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        run = subprocess.run(container["command"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        engine = engines.make_engine(url)
        assert migrate.current(engine) == migrate.head()
        assert tables.differences(engine) == []
        with engine.connect() as db:
            assert db.execute(text("SELECT COUNT(*) FROM module")).scalar() == 189
        engine.dispose()
    finally:
        drop_pg_db(name)
