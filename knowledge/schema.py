"""The knowledge base's tables (SQLAlchemy Core), on the project's one MetaData.

Their migrations are Alembic's, with every other table of the database (database/migrations).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, Float, ForeignKey, Index, Integer, String, Table, Text, UniqueConstraint

from database.metadata import metadata

meta = Table(  # small key/value facts about this database (seed date, catalogue version)
    "meta",
    metadata,
    Column("key", String(60), primary_key=True),
    Column("value", String(200), nullable=False),
)

region = Table(  # a regional tenant
    "region",
    metadata,
    Column("code", String(20), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("description", Text, nullable=False, default=""),
)

place = Table(  # municipality, town or region name with an approximate centre
    "place",
    metadata,
    Column("name", String(100), primary_key=True),
    Column("kind", String(20), nullable=False),  # gemeente | plaats | regio
    Column("municipality", String(100)),
    Column("province", String(40)),
    Column("region", String(20), ForeignKey("region.code")),
    Column("subregion", String(40)),
    Column("lat", Float, nullable=False),
    Column("lon", Float, nullable=False),
)

place_alias = Table(
    "place_alias",
    metadata,
    Column("alias", String(120), primary_key=True),  # normalised spelling
    Column("place_name", String(100), ForeignKey("place.name"), nullable=False),
)

theme = Table(
    "theme",
    metadata,
    Column("code", String(40), primary_key=True),
    Column("name", String(100), nullable=False),  # Dutch
    Column("bit", Integer, nullable=False),  # bit in search_entry.theme_mask
)

provider = Table(
    "provider",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False, default=""),  # roc | hogeschool | universiteit | opleider
    Column("city", String(100)),
    Column("region", String(20)),
    Column("url", String(300), nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
)

module = Table(
    "module",
    metadata,
    Column("id", String(120), primary_key=True),
    Column("source", String(20), nullable=False),  # sample | ooapi | edudex
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
    Column("mode", String(20), nullable=False, default=""),  # voltijd|deeltijd|duaal|zelfstudie
    Column("bol_bbl", String(3)),
    Column("recognised", Boolean, nullable=False, default=False),
    Column("nlqf_registered", Boolean, nullable=False, default=False),
    Column("ontwikkelpad", String(40)),  # sector Ontwikkelpad it belongs to, if any
    Column("url", String(400), nullable=False, default=""),
    Column("enroll_url", String(400), nullable=False, default=""),
    Column("enroll_prepare", Text, nullable=False, default="[]"),  # JSON list of Dutch lines
    Column("funding_tags", Text, nullable=False, default="[]"),  # JSON list
    Column("tags", Text, nullable=False, default="[]"),  # JSON list (vca, bhv, ...)
    Column("keywords", Text, nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
    Column("updated_at", String(40), nullable=False, default=""),
    UniqueConstraint("source", "source_id", name="uq_module_source"),
    # catalogue feeds: the sync source that owns it, a hash to tell "unchanged", and when its
    # feed withdrew it (kept for history, left out of search)
    Column("feed", String(80)),
    Column("content_hash", String(64)),
    Column("withdrawn_at", String(40)),
    Index("ix_module_feed", "feed"),
)

module_theme = Table(
    "module_theme",
    metadata,
    Column("module_id", String(120), ForeignKey("module.id", ondelete="CASCADE"), primary_key=True),
    Column("theme", String(40), ForeignKey("theme.code"), primary_key=True),
)

offering = Table(
    "offering",
    metadata,
    Column("id", String(160), primary_key=True),
    Column("module_id", String(120), ForeignKey("module.id", ondelete="CASCADE"), nullable=False),
    Column("start_date", Date),  # NULL = start whenever you like
    Column("end_date", Date),
    Column("location", String(100), nullable=False),  # city or "online"
    Column("hub_id", String(60)),
    Column("region", String(20)),
    Column("lat", Float),
    Column("lon", Float),
    Column("format", String(20), nullable=False),  # online | klassikaal | hybride
    Column("price_eur", Float),  # incl. btw
    Column("schedule", String(200), nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
    Index("ix_offering_module", "module_id"),
)

hub = Table(
    "hub",
    metadata,
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
    "funding_scheme",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applicant", String(20), nullable=False),
    Column("source_url", String(400), nullable=False),
    Column("source_date", String(20), nullable=False),
    Column("valid_from", Date),
    Column("valid_until", Date),
    Column("rules_sha256", String(64), nullable=False),
)

# --- shortage occupations ---------------------------------------------------------------------
occupation = Table(
    "occupation",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("theme", String(40), ForeignKey("theme.code"), nullable=False),
    Column("region", String(20)),  # NULL = national
    Column("why", Text, nullable=False),
    Column("typical_level", String(40), nullable=False),
    Column("nlqf_level", Integer),
    Column("keywords", Text, nullable=False, default=""),
    Column("sample", Boolean, nullable=False, default=True),
)

occupation_module = Table(
    "occupation_module",
    metadata,
    Column("occupation_id", String(80), ForeignKey("occupation.id", ondelete="CASCADE"), primary_key=True),
    Column("module_id", String(120), ForeignKey("module.id", ondelete="CASCADE"), primary_key=True),
)

# --- search index (derived from module/offering; rebuilt by indexing.py) -----------------------
search_entry = Table(  # one row per offering with everything ranking needs, no joins
    "search_entry",
    metadata,
    Column("offering_id", String(160), primary_key=True),
    Column("module_id", String(120), nullable=False),
    Column("theme_mask", Integer, nullable=False),
    Column("nlqf", Integer),
    Column("fmt", String(20), nullable=False),
    Column("region", String(20)),
    Column("x_km", Float),  # flat-earth km, see places.to_xy
    Column("y_km", Float),
    Column("start_date", Date),
    Column("price", Float),
    Column("hours_pw", Integer),
    Index("ix_search_module", "module_id"),
    Index("ix_search_theme_start", "theme_mask", "start_date"),
    Index("ix_search_start", "start_date"),
)

module_text = Table(  # text fed to full-text search; on PostgreSQL it also holds the tsvector
    "module_text",
    metadata,
    Column("doc_id", Integer, primary_key=True, autoincrement=True),  # = module_fts rowid
    Column("module_id", String(120), nullable=False, unique=True),
    Column("title", Text, nullable=False),
    Column("body", Text, nullable=False),
)

feed_run = Table(  # one row per sync or import run, with its report
    "feed_run",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("feed", String(80), nullable=False),  # --provider name of a sync, or "bestand NAME"
    Column("kind", String(20), nullable=False),  # ooapi | edudex
    Column("origin", String(400), nullable=False, default=""),  # base URL or file path
    Column("started_at", String(40), nullable=False),
    Column("finished_at", String(40)),
    Column("status", String(20), nullable=False),  # ok | fouten (refused records) | onvolledig
    Column("n_new", Integer, nullable=False, default=0),
    Column("n_updated", Integer, nullable=False, default=0),
    Column("n_unchanged", Integer, nullable=False, default=0),
    Column("n_withdrawn", Integer, nullable=False, default=0),
    Column("n_refused", Integer, nullable=False, default=0),
    Column("report", Text, nullable=False, default="{}"),  # JSON: refused, notes, errors
    Index("ix_feed_run_feed", "feed", "id"),
)

feed_http_cache = Table(  # per feed and URL: ETag / Last-Modified and the body they belong to
    "feed_http_cache",
    metadata,
    Column("feed", String(80), primary_key=True),
    Column("url_hash", String(64), primary_key=True),  # SHA-256 of the URL (URLs can be long)
    Column("url", Text, nullable=False),
    Column("etag", Text),
    Column("last_modified", String(60)),
    Column("body", Text, nullable=False),  # given back when the server says 304
    Column("fetched_at", String(40), nullable=False),
)
