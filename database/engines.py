"""Database URLs and engines: one Engine per URL per process, made in one place.

DATABASE_URL picks the database (e.g. postgresql://postgres@127.0.0.1:5432/leerwijzer);
without it, the embedded default is the SQLite file var/leerwijzer.db in the repository.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Dict, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import QueuePool

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE = ROOT / "var" / "leerwijzer.db"
DEFAULT_URL = f"sqlite:///{DEFAULT_SQLITE}"

_engines: Dict[str, Engine] = {}
_lock = threading.Lock()


def database_url(url: Optional[str] = None) -> str:
    """The given URL, else $DATABASE_URL, else the embedded SQLite file."""
    return url or os.environ.get("DATABASE_URL") or DEFAULT_URL


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def engine(url: Optional[str] = None, *, writes: bool = False) -> Engine:
    """This process's Engine for a database URL (made on first use, then shared).

    writes=True: for code whose transactions read and then write (the gateway's stores). On
    SQLite each transaction then takes the write lock at BEGIN and waits for it (busy timeout)
    instead of failing with "database is locked" when another connection wrote between its
    read and its write. Readers elsewhere are not held up (WAL)."""
    url = database_url(url)
    with _lock:
        if url not in _engines:
            _engines[url] = make_engine(url)
        shared = _engines[url]
    return shared.execution_options(sqlite_begin="IMMEDIATE") if writes else shared


def make_engine(url: str) -> Engine:
    """A new Engine with the project's settings (engine() shares one per URL; tests and tools
    that need their own call this).

    - Every engine: 2.0-style (future), a connection checked before use, and bound parameters
      left out of error messages (they can hold what users typed).
    - PostgreSQL: synchronous_commit=off. A commit returns before the WAL is flushed (load
      bench, scaled profile: the flush was most of the gateway's time per turn). A crash of a
      process loses nothing; a crash of the database server can lose the last ~0.6 s of
      commits, and never leaves it inconsistent.
    - SQLite: see _sqlite_engine.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return _sqlite_engine(url, parsed.database)
    connect_args = {"options": "-c synchronous_commit=off"} if backend == "postgresql" else {}
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True, connect_args=connect_args)


def _sqlite_engine(url: str, path: Optional[str]) -> Engine:
    """SQLite with real transactions (also around DDL: a migration or an import file is
    all-or-nothing), foreign keys, WAL and a busy timeout.

    - A pool keeps connections with their page cache and pragmas; SQLAlchemy 1.4 would open
      one per transaction (load bench: connect + pragmas was a tenth of the gateway's
      database time).
    - WAL: the action server reads the catalogue while the gateway writes messages.
    - synchronous=NORMAL: in WAL mode a commit needs no fsync (it is synced at the checkpoint);
      a crash of a process loses nothing, only a power cut can take the last commits. With
      FULL, the fsync per message was most of a turn's time.
    - BEGIN is ours (pysqlite's own transaction handling skips DDL).
      `conn.execution_options(sqlite_begin="IMMEDIATE")` takes the write lock at once, so
      two processes migrating or seeding a new file wait for each other instead of failing.
    """
    in_memory = not path or path == ":memory:" or path.startswith("file:")
    if not in_memory:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        future=True,
        poolclass=QueuePool,
        pool_size=5,
        hide_parameters=True,
        connect_args={"timeout": 30, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine
