"""Seeding on first use, and the engine the knowledge functions use.

The database, its engine and its schema are the data layer's (database/): DATABASE_URL or the
SQLite file var/leerwijzer.db, migrated by Alembic.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta
from pathlib import Path
from typing import Optional, Set

import yaml
from sqlalchemy import delete, exists, func, insert, select, update
from sqlalchemy.engine import Engine

from database import engines, migrate

from . import connection
from . import schema as S
from .catalogue import upsert_modules
from .funding.rules import load_rules, rules_fingerprint
from .indexing import reindex_all
from .meta import get_meta, set_meta
from .occupations import seed_occupations
from .places import DATA as PLACES_FILE
from .places import seed_places
from .sample_data import sample_modules
from .vocabulary import REGION_DESCRIPTIONS, REGION_LABELS, REGIONS, THEME_NAMES, THEMES, VOCABULARY_FILE

REFERENCE = Path(__file__).parent / "data" / "reference.yaml"
# Sample start dates are generated relative to the seed date; older seeds are refreshed so a
# demo never shows only past starts.
SAMPLE_REFRESH_DAYS = 30
# PostgreSQL: two processes seeding at once take turns.
SEED_LOCK = 4242002

_ready: Set[str] = set()  # URLs migrated and seeded by this process


def init_db(url: Optional[str] = None, *, seed_sample: bool = True, today: Optional[date] = None) -> Engine:
    """See knowledge.init_db. seed_sample=False leaves the catalogue empty (for imports/benchmarks)."""
    url = engines.database_url(url)
    engine = engines.engine(url)
    migrate.upgrade(engine)
    with engines.engine(url, writes=True).begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({SEED_LOCK})")
        index_modules_without_entries(conn)
        seed_reference(conn)
        if seed_sample:
            seed_sample_catalogue(conn, today or date.today())
    _ready.add(url)
    connection.use(engine)
    return engine


def index_modules_without_entries(conn) -> None:
    """A catalogue from before the search index (an adopted database) gets its index."""
    has_modules = conn.execute(select(exists().where(S.module.c.id.isnot(None)))).scalar()
    has_index = conn.execute(select(exists().where(S.module_text.c.doc_id.isnot(None)))).scalar()
    if has_modules and not has_index:
        reindex_all(conn)


def engine_for(url: Optional[str] = None) -> Engine:
    """The engine for a database URL, migrated and seeded with reference data on first use (no
    sample modules: for readers such as the gateway's catalogue-sources view)."""
    url = engines.database_url(url)
    if url in _ready:
        return engines.engine(url)
    return init_db(url, seed_sample=False)


def get_engine(engine: Optional[Engine] = None) -> Engine:
    """The engine to use: the given one, the last init_db() one, or a fresh init_db()."""
    if engine is not None:
        return engine
    return connection.default() or init_db()


def seed_reference(conn) -> None:
    """Regions, themes, places, hubs and funding-scheme metadata. Reference data is owned by
    the files in knowledge/, so it is refreshed whenever the files changed."""

    ref_text = REFERENCE.read_text(encoding="utf-8")
    fingerprint = hashlib.sha256(
        "\n".join(
            [
                ref_text,
                VOCABULARY_FILE.read_text(encoding="utf-8"),
                PLACES_FILE.read_text(encoding="utf-8"),
                rules_fingerprint(),
            ]
        ).encode()
    ).hexdigest()
    if get_meta(conn, "reference_fingerprint") == fingerprint:
        return
    ref = yaml.safe_load(ref_text)
    regions = [
        {"code": code, "name": REGION_LABELS[code], "description": REGION_DESCRIPTIONS[code]} for code in REGIONS
    ]
    for r in regions:
        if conn.execute(select(S.region.c.code).where(S.region.c.code == r["code"])).first():
            conn.execute(update(S.region).where(S.region.c.code == r["code"]).values(**r))
        else:
            conn.execute(insert(S.region).values(**r))
    for bit, code in enumerate(THEMES):
        row = {"code": code, "name": THEME_NAMES[code], "bit": 1 << bit}
        if conn.execute(select(S.theme.c.code).where(S.theme.c.code == code)).first():
            conn.execute(update(S.theme).where(S.theme.c.code == code).values(**row))
        else:
            conn.execute(insert(S.theme).values(**row))
    seed_places(conn)
    conn.execute(delete(S.hub))
    conn.execute(insert(S.hub), ref["hubs"])
    conn.execute(delete(S.funding_scheme))
    conn.execute(
        insert(S.funding_scheme),
        [
            {
                "id": r.id,
                "name": r.name,
                "applicant": r.applicant,
                "source_url": r.source_url,
                "source_date": r.source_date,
                "valid_from": r.valid_from,
                "valid_until": r.valid_until,
                "rules_sha256": r.sha256,
            }
            for r in load_rules()
        ],
    )
    set_meta(conn, "reference_fingerprint", fingerprint)


def seed_sample_catalogue(conn, today: date) -> None:
    """Load the sample catalogue when the catalogue is empty, and refresh sample start dates
    when the seed is older than SAMPLE_REFRESH_DAYS (only sample modules are touched)."""

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
