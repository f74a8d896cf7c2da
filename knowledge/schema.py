"""Tables (SQLAlchemy Core) and versioned migrations.

The schema grows by numbered migrations; `schema_version` records each one applied. An
existing database is upgraded in place; nothing is ever dropped. A database made by a newer
version of this code, or an unversioned database that already has tables, is refused with a
clear error instead of being touched.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (Boolean, Column, Date, Float, ForeignKey, Index, Integer, MetaData,
                        String, Table, Text, UniqueConstraint, inspect, select, text)

metadata = MetaData()

schema_version = Table(
    "schema_version", metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", String(40), nullable=False),
    Column("note", String(200), nullable=False, default=""),
)

meta = Table(  # small key/value facts about this database (seed date, catalogue version)
    "meta", metadata,
    Column("key", String(60), primary_key=True),
    Column("value", String(200), nullable=False),
)

region = Table(  # a regional tenant
    "region", metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
)

place = Table(  # municipality, town or region name with an approximate centre
    "place", metadata,
    Column("name", String(100), primary_key=True),
    Column("kind", String(20), nullable=False),          # gemeente | plaats | regio
    Column("municipality", String(100)),
    Column("province", String(40)),
    Column("region", String(20), ForeignKey("region.code")),
    Column("subregion", String(40)),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

place_alias = Table(
    "place_alias", metadata,
    Column("alias", String(120), primary_key=True),      # normalised spelling
    Column("place_name", String(100), ForeignKey("place.name"), nullable=False),
)

theme = Table(
    "theme", metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(100), nullable=False),         # Dutch
    Column("bit", Integer, nullable=False),              # bit in search_entry.theme_mask
)

provider = Table(
    "provider", metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False, default=""),  # roc | hogeschool | universiteit | opleider
    Column("city", String(100)),
    Column("region", String(20)),
    Column("url", String(300), nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
)

module = Table(
    "module", metadata,
    Column("id", String(120), primary_key=True),
    Column("source", String(20), nullable=False),        # sample | ooapi | edudex
    Column("source_id", String(200), nullable=False),
    Column("provider_id", String(80), ForeignKey("provider.id"), nullable=False),
    Column("title", String(300), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("nlqf_level", Integer),
    Column("education_type", String(20), nullable=False, default=""),  # mbo|hbo|wo|post-hbo|branche
    Column("level_label", String(60), nullable=False, default=""),
    Column("credential", String(40), nullable=False, default=""),
    Column("study_load_text", String(60), nullable=False, default=""),
    Column("study_load_hours", Integer),
    Column("duration_weeks", Integer),
    Column("duration_text", String(60), nullable=False, default=""),
    Column("hours_per_week", Integer),
    Column("mode", String(20), nullable=False, default=""),    # voltijd|deeltijd|duaal|zelfstudie
    Column("bol_bbl", String(3)),
    Column("recognised", Boolean, nullable=False, default=False),
    Column("nlqf_registered", Boolean, nullable=False, default=False),
    Column("ontwikkelpad", String(40)),                  # sector Ontwikkelpad it belongs to, if any
    Column("url", String(400), nullable=False, default=""),
    Column("enroll_url", String(400), nullable=False, default=""),
    Column("enroll_prepare", Text, nullable=False, default="[]"),  # JSON list of Dutch lines
    Column("funding_tags", Text, nullable=False, default="[]"),    # JSON list
    Column("tags", Text, nullable=False, default="[]"),            # JSON list (vca, bhv, ...)
    Column("keywords", Text, nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
    Column("updated_at", String(40), nullable=False, default=""),
    UniqueConstraint("source", "source_id", name="uq_module_source"),
)

module_theme = Table(
    "module_theme", metadata,
    Column("module_id", String(120), ForeignKey("module.id", ondelete="CASCADE"), primary_key=True),
    Column("theme", String(40), ForeignKey("theme.code"), primary_key=True),
)

offering = Table(
    "offering", metadata,
    Column("id", String(160), primary_key=True),
    Column("module_id", String(120), ForeignKey("module.id", ondelete="CASCADE"), nullable=False),
    Column("start_date", Date),                          # NULL = start whenever you like
    Column("end_date", Date),
    Column("location", String(100), nullable=False),     # city or "online"
    Column("hub_id", String(60)),
    Column("region", String(20)),
    Column("lat", Float),
    Column("lon", Float),
    Column("format", String(20), nullable=False),        # online | klassikaal | hybride
    Column("price_eur", Float),                          # incl. btw
    Column("schedule", String(200), nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
    Index("ix_offering_module", "module_id"),
)

hub = Table(
    "hub", metadata,
    Column("id", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("region", String(20), ForeignKey("region.code"), nullable=False),
    Column("address", String(200), nullable=False),
    Column("city", String(100), nullable=False),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
    Column("what_you_can_do", Text, nullable=False),
    Column("url", String(300), nullable=False),
    Column("opening_hours", String(200), nullable=False),
    Column("sample", Boolean, nullable=False, default=True),
)

funding_scheme = Table(  # metadata of each YAML rule file (the rules themselves stay in YAML)
    "funding_scheme", metadata,
    Column("id", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applicant", String(20), nullable=False),
    Column("source_url", String(400), nullable=False),
    Column("source_date", String(20), nullable=False),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("rules_sha256", String(64), nullable=False),
)

# --- version 2: shortage occupations ---------------------------------------------------------
occupation = Table(
    "occupation", metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("theme", String(40), ForeignKey("theme.code"), nullable=False),
    Column("region", String(20)),                        # NULL = national
    Column("why", Text, nullable=False),
    Column("typical_level", String(40), nullable=False),
    Column("nlqf_level", Integer),
    Column("keywords", Text, nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
)

occupation_module = Table(
    "occupation_module", metadata,
    Column("occupation_id", String(80), ForeignKey("occupation.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", String(120), ForeignKey("module.id", ondelete="CASCADE"), primary_key=True),
)

# --- version 3: search index (derived from module/offering; rebuilt by indexing.py) -----------
search_entry = Table(  # one row per offering with everything ranking needs, no joins
    "search_entry", metadata,
    Column("offering_id", String(160), primary_key=True),
    Column("module_id", String(120), nullable=False),
    Column("theme_mask", Integer, nullable=False),
    Column("nlqf", Integer),
    Column("fmt", String(20), nullable=False),
    Column("region", String(20)),
    Column("x_km", Float),                               # flat-earth km, see places.to_xy
    Column("y_km", Float),
    Column("start_date", Date),
    Column("price", Float),
    Column("hours_pw", Integer),
    Index("ix_search_module", "module_id"),
    Index("ix_search_theme_start", "theme_mask", "start_date"),
    Index("ix_search_start", "start_date"),
)

module_text = Table(  # text fed to full-text search; on PostgreSQL it also holds the tsvector
    "module_text", metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=True),  # = module_fts rowid
    Column("module_id", String(120), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
)

# --- version 4: real catalogue feeds (sync runs, withdrawn modules) ----------------------------
# module gets: feed (the sync source that owns it), content_hash (to tell "unchanged"),
# withdrawn_at (gone from its feed: kept for history, left out of search).
module.append_column(Column("feed", String(80)))
module.append_column(Column("content_hash", String(64)))
module.append_column(Column("withdrawn_at", String(40)))
MODULE_V4_COLUMNS = ("feed", "content_hash", "withdrawn_at")

feed_run = Table(  # one row per sync or import run, with its report
    "feed_run", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed", String(80), nullable=False),          # --provider name of a sync, or "bestand NAME"
    Column("kind", String(20), nullable=False),          # ooapi | edudex
    Column("origin", String(400), nullable=False, default=""),  # base URL or file path
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("status", String(20), nullable=False),        # ok | fouten (refused records) | onvolledig
    Column("n_new", Integer, nullable=False, default=0),
    Column("n_updated", Integer, nullable=False, default=0),
    Column("n_unchanged", Integer, nullable=False, default=0),
    Column("n_withdrawn", Integer, nullable=False, default=0),
    Column("n_refused", Integer, nullable=False, default=0),
    Column("report", Text, nullable=False, default="{}"),  # JSON: refused, notes, errors
    Index("ix_feed_run_feed", "feed", "id"),
)

# --- version 5: conditional requests (validators and bodies of a feed's last run) --------------
feed_http_cache = Table(  # per feed and URL: ETag / Last-Modified and the body they belong to
    "feed_http_cache", metadata,
    Column("feed", String(80), primary_key=True),
    Column("url_hash", String(64), primary_key=True),    # SHA-256 of the URL (URLs can be long)
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", String(60)),
    Column("body", Text, nullable=False),                # given back when the server says 304
    Column("fetched_at", String(40), nullable=False),
)

V1_TABLES = [schema_version, meta, region, place, place_alias, theme, provider, module,
             module_theme, offering, hub, funding_scheme]
V2_TABLES = [occupation, occupation_module]
V3_TABLES = [search_entry, module_text]


def _m1(conn):
    metadata.create_all(conn, tables=V1_TABLES)


def _m2(conn):
    metadata.create_all(conn, tables=V2_TABLES)


def _m3(conn):
    metadata.create_all(conn, tables=V3_TABLES)
    if conn.dialect.name == "sqlite":
        # Terms are prepared in Python (textnl.index_terms: stems, compound parts), so the
        # tokenizer only splits on spaces. Column weights are set in the bm25() call.
        conn.execute(text(
            "CREATE VIRTUAL TABLE IF NOT EXISTS module_fts USING fts5("
            "title, body, tokenize='unicode61 remove_diacritics 2')"))
    elif conn.dialect.name == "postgresql":
        conn.execute(text(
            "ALTER TABLE module_text ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('dutch', title), 'A') || "
            "setweight(to_tsvector('dutch', body), 'B')) STORED"))
        conn.execute(text("CREATE INDEX IF NOT EXISTS ix_module_text_tsv ON module_text USING GIN (tsv)"))
    # the derived index is filled for whatever modules exist (upgrade from v2 keeps data);
    # upgrade() does it after the last migration, when the module table has its final shape
    conn.info["needs_reindex"] = True


def _m4(conn):
    existing = {c["name"] for c in inspect(conn).get_columns("module")}
    for name in MODULE_V4_COLUMNS:
        if name not in existing:
            conn.execute(text(f"ALTER TABLE module ADD COLUMN {name} "
                              f"{module.c[name].type.compile(dialect=conn.dialect)}"))
    conn.execute(text("CREATE INDEX IF NOT EXISTS ix_module_feed ON module (feed)"))
    metadata.create_all(conn, tables=[feed_run])
    conn.info["needs_reindex"] = True     # the index now leaves withdrawn modules out


def _m5(conn):
    metadata.create_all(conn, tables=[feed_http_cache])


MIGRATIONS = {1: (_m1, "catalogue, places, hubs, funding schemes"),
              2: (_m2, "shortage occupations"),
              3: (_m3, "search index and full-text search"),
              4: (_m4, "feeds: sync runs, withdrawn modules"),
              5: (_m5, "feeds: validators for conditional requests")}
LATEST = max(MIGRATIONS)


class SchemaError(RuntimeError):
    """The database cannot be upgraded safely (newer than this code, or not ours)."""


def current_version(conn) -> int:
    names = set(inspect(conn).get_table_names())
    if "schema_version" not in names:
        if names & {"module", "offering", "provider"}:
            raise SchemaError(
                "De database heeft al catalogustabellen maar geen schema_version; "
                "ik wijzig hem niet. Gebruik een lege database of zet de versie handmatig.")
        return 0
    return conn.execute(select(schema_version.c.version).order_by(
        schema_version.c.version.desc()).limit(1)).scalar() or 0


def upgrade(conn, target: int = LATEST) -> int:
    """Apply migrations after the current version up to target, each recorded. Returns the version."""
    version = current_version(conn)
    if version > LATEST:
        raise SchemaError(f"De database heeft schemaversie {version}; deze code kent maar tot {LATEST}. "
                          "Werk de code bij; de database wordt niet aangepast.")
    for v in range(version + 1, target + 1):
        step, note = MIGRATIONS[v]
        step(conn)
        conn.execute(schema_version.insert().values(
            version=v, applied_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), note=note))
        version = v
    if conn.info.pop("needs_reindex", False):
        from .indexing import reindex_all
        reindex_all(conn)
    return version
