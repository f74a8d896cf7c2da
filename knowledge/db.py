"""Engine, schema upgrade and first-use seeding.

DATABASE_URL picks the database (e.g. postgresql://postgres@127.0.0.1:5432/leerwijzer);
the default is the SQLite file var/leerwijzer.db in the repository.
"""
from __future__ import annotations

import hashlib
import json
import os
from datetime import date, timedelta
from pathlib import Path
from typing import Dict, Optional

import yaml
from sqlalchemy import create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

from . import schema as S

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = REPO_ROOT / "var" / "leerwijzer.db"
REFERENCE = Path(__file__).parent / "data" / "reference.yaml"
# Sample start dates are generated relative to the seed date; older seeds are refreshed so a
# demo never shows only past starts.
SAMPLE_REFRESH_DAYS = 30

_engines: Dict[str, Engine] = {}
_default: Optional[Engine] = None


def database_url(url: Optional[str] = None) -> str:
    return url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}"


def make_engine(url: str) -> Engine:
    """An Engine with 2.0-style behaviour. SQLite gets real transactions (also around DDL),
    foreign keys and a busy timeout, so a whole import file is all-or-nothing."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # a pool keeps connections (and SQLite's page cache) between calls; 1.4 defaults to none
        engine = create_engine(url, future=True, poolclass=QueuePool, pool_size=5,
                               hide_parameters=True, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record):
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            if path and path != ":memory:":
                cur.execute("PRAGMA journal_mode=WAL")  # readers keep reading while an import writes
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn):
            # IMMEDIATE takes the write lock at once, so two processes seeding a new file
            # wait for each other instead of failing half-way.
            mode = conn.get_execution_options().get("sqlite_begin", "")
            conn.exec_driver_sql(f"BEGIN {mode}".strip())

        return engine
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


def init_db(url: Optional[str] = None, *, seed_sample: bool = True, today: Optional[date] = None) -> Engine:
    """See knowledge.init_db. seed_sample=False leaves the catalogue empty (for imports/benchmarks)."""
    global _default
    url = database_url(url)
    engine = _engines.get(url) or make_engine(url)
    with engine.connect().execution_options(sqlite_begin="IMMEDIATE") as conn:
        with conn.begin():
            if conn.dialect.name == "postgresql":  # two processes starting at once take turns
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(4242001)")
            S.upgrade(conn)
            seed_reference(conn)
            if seed_sample:
                seed_sample_catalogue(conn, today or date.today())
    _engines[url] = engine
    _default = engine
    return engine


def engine_for(url: Optional[str] = None) -> Engine:
    """The engine for a database URL, schema made or upgraded on first use (no sample data is
    added: for readers such as the gateway's catalogue-sources view)."""
    url = database_url(url)
    if url in _engines:
        return _engines[url]
    engine = init_db(url, seed_sample=False)
    return engine


def get_engine(engine: Optional[Engine] = None) -> Engine:
    """The engine to use: the given one, the last init_db() one, or a fresh init_db()."""
    if engine is not None:
        return engine
    return _default or init_db()


def get_meta(conn, key: str) -> Optional[str]:
    return conn.execute(select(S.meta.c.value).where(S.meta.c.key == key)).scalar()


def set_meta(conn, key: str, value: str) -> None:
    if get_meta(conn, key) is None:
        conn.execute(insert(S.meta).values(key=key, value=value))
    else:
        conn.execute(update(S.meta).where(S.meta.c.key == key).values(value=value))


def seed_reference(conn) -> None:
    """Regions, themes, places, hubs and funding-scheme metadata. Reference data is owned by
    the files in knowledge/, so it is refreshed whenever the files changed."""
    from .funding.rules import load_rules, rules_fingerprint
    from .places import seed_places

    ref_text = REFERENCE.read_text(encoding="utf-8")
    from .places import DATA as PLACES
    fingerprint = hashlib.sha256("\n".join(
        [ref_text, PLACES.read_text(encoding="utf-8"), rules_fingerprint()]).encode()).hexdigest()
    if get_meta(conn, "reference_fingerprint") == fingerprint:
        return
    ref = yaml.safe_load(ref_text)
    for r in ref["regions"]:
        if conn.execute(select(S.region.c.code).where(S.region.c.code == r["code"])).first():
            conn.execute(update(S.region).where(S.region.c.code == r["code"]).values(**r))
        else:
            conn.execute(insert(S.region).values(**r))
    from . import THEMES
    for t in ref["themes"]:
        row = dict(t, bit=1 << THEMES.index(t["code"]))
        if conn.execute(select(S.theme.c.code).where(S.theme.c.code == t["code"])).first():
            conn.execute(update(S.theme).where(S.theme.c.code == t["code"]).values(**row))
        else:
            conn.execute(insert(S.theme).values(**row))
    seed_places(conn)
    conn.execute(delete(S.hub))
    conn.execute(insert(S.hub), ref["hubs"])
    conn.execute(delete(S.funding_scheme))
    conn.execute(insert(S.funding_scheme), [
        {"id": r.id, "name": r.name, "applicant": r.applicant, "source_url": r.source_url,
         "source_date": r.source_date, "valid_from": r.valid_from, "valid_until": r.valid_until,
         "rules_sha256": r.sha256} for r in load_rules()])
    set_meta(conn, "reference_fingerprint", fingerprint)


def seed_sample_catalogue(conn, today: date) -> None:
    """Load the sample catalogue when the catalogue is empty, and refresh sample start dates
    when the seed is older than SAMPLE_REFRESH_DAYS (only sample modules are touched)."""
    from .catalogue import upsert_modules
    from .occupations import seed_occupations
    from .sample_data import sample_modules

    n_modules = conn.execute(select(func.count()).select_from(S.module)).scalar()
    seed = get_meta(conn, "sample_seed_date")
    stale = seed is not None and date.fromisoformat(seed) < today - timedelta(days=SAMPLE_REFRESH_DAYS)
    if n_modules and not stale:
        return
    if n_modules and seed is None:
        return  # a catalogue that is not ours (imported only): leave it alone
    upsert_modules(conn, sample_modules(today), source_name="voorbeeldcatalogus")
    seed_occupations(conn)
    set_meta(conn, "sample_seed_date", today.isoformat())


def json_list(value) -> list:
    try:
        out = json.loads(value or "[]")
    except (TypeError, ValueError):
        return []
    return out if isinstance(out, list) else []
