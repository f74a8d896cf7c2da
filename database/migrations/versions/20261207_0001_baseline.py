"""Baseline: every table of the project as of 2026-12-07, and adoption of older databases.

Revision ID: 0001
Revises:
Create Date: 2026-12-07

Until this revision the knowledge base had its own numbered migrations (table schema_version,
up to version 5) and the gateway made its tables with create_all and added missing nullable
columns itself. This revision:
- on an empty database: creates every table (gateway, handoff, WhatsApp, knowledge) and the
  full-text search (SQLite FTS5 table module_fts; PostgreSQL tsvector column and GIN index);
- on a database of any earlier shape: creates what is missing (tables, nullable columns that
  came later, indexes, full-text search) and keeps every row; the knowledge base's
  schema_version table is dropped, since Alembic's alembic_version takes over;
- refuses (SchemaError) a database that has catalogue tables but never had schema_version:
  it is not ours.

The tables are written out here, not taken from the code's MetaData: a migration describes the
schema of its day, whatever the code looks like later.
"""

import sqlalchemy as sa
from alembic import op

from database.migrate import SchemaError

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

BASELINE = sa.MetaData()


def _define_tables() -> None:
    sa.Table(
        'feed_http_cache',
        BASELINE,
        sa.Column('feed', sa.String(length=80), nullable=False),
        sa.Column('url_hash', sa.String(length=64), nullable=False),
        sa.Column('url', sa.Text(), nullable=False),
        sa.Column('etag', sa.Text(), nullable=True),
        sa.Column('last_modified', sa.String(length=60), nullable=True),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('fetched_at', sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint('feed', 'url_hash'),
    )

    sa.Table(
        'feed_run',
        BASELINE,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('feed', sa.String(length=80), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('origin', sa.String(length=400), nullable=False),
        sa.Column('started_at', sa.String(length=40), nullable=False),
        sa.Column('finished_at', sa.String(length=40), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('n_new', sa.Integer(), nullable=False),
        sa.Column('n_updated', sa.Integer(), nullable=False),
        sa.Column('n_unchanged', sa.Integer(), nullable=False),
        sa.Column('n_withdrawn', sa.Integer(), nullable=False),
        sa.Column('n_refused', sa.Integer(), nullable=False),
        sa.Column('report', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_feed_run_feed', 'feed', 'id'),
    )

    sa.Table(
        'funding_scheme',
        BASELINE,
        sa.Column('id', sa.String(length=60), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('applicant', sa.String(length=20), nullable=False),
        sa.Column('source_url', sa.String(length=400), nullable=False),
        sa.Column('source_date', sa.String(length=20), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('rules_sha256', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )

    sa.Table(
        'gw_advisors',
        BASELINE,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('role', sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('email'),
    )

    sa.Table(
        'gw_conversations',
        BASELINE,
        sa.Column('id', sa.String(length=64), nullable=False),
        sa.Column('tenant', sa.String(length=32), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('mode', sa.String(length=16), nullable=False),
        sa.Column('external_id', sa.String(length=128), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_gw_conversations_external_id', 'external_id'),
    )

    sa.Table(
        'gw_wa_inbox',
        BASELINE,
        sa.Column('wamid_hash', sa.String(length=64), nullable=False),
        sa.Column('user_key', sa.String(length=64), nullable=True),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('processed_at', sa.DateTime(), nullable=True),
        sa.Column('event', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('wamid_hash'),
        sa.Index('ix_gw_wa_inbox_received_at', 'received_at'),
        sa.Index('ix_gw_wa_inbox_user_key', 'user_key'),
    )

    sa.Table(
        'gw_wa_sent',
        BASELINE,
        sa.Column('wamid_hash', sa.String(length=64), nullable=False),
        sa.Column('conversation_id', sa.String(length=64), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('wamid_hash'),
        sa.Index('ix_gw_wa_sent_conversation_id', 'conversation_id'),
        sa.Index('ix_gw_wa_sent_updated_at', 'updated_at'),
    )

    sa.Table(
        'meta',
        BASELINE,
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('key'),
    )

    sa.Table(
        'module_text',
        BASELINE,
        sa.Column('doc_id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('module_id', sa.String(length=120), nullable=False),
        sa.Column('title', sa.Text(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('doc_id'),
        sa.UniqueConstraint('module_id'),
    )

    sa.Table(
        'provider',
        BASELINE,
        sa.Column('id', sa.String(length=80), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=40), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('url', sa.String(length=300), nullable=False),
        sa.Column('sample', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )

    sa.Table(
        'region',
        BASELINE,
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint('code'),
    )

    sa.Table(
        'search_entry',
        BASELINE,
        sa.Column('offering_id', sa.String(length=160), nullable=False),
        sa.Column('module_id', sa.String(length=120), nullable=False),
        sa.Column('theme_mask', sa.Integer(), nullable=False),
        sa.Column('nlqf', sa.Integer(), nullable=True),
        sa.Column('fmt', sa.String(length=20), nullable=False),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('x_km', sa.Float(), nullable=True),
        sa.Column('y_km', sa.Float(), nullable=True),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('price', sa.Float(), nullable=True),
        sa.Column('hours_pw', sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint('offering_id'),
        sa.Index('ix_search_module', 'module_id'),
        sa.Index('ix_search_start', 'start_date'),
        sa.Index('ix_search_theme_start', 'theme_mask', 'start_date'),
    )

    sa.Table(
        'theme',
        BASELINE,
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('bit', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('code'),
    )

    sa.Table(
        'gw_advisor_sessions',
        BASELINE,
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('advisor_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('online_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['advisor_id'],
            ['gw_advisors.id'],
        ),
        sa.PrimaryKeyConstraint('token_hash'),
        sa.Index('ix_gw_advisor_sessions_advisor_id', 'advisor_id'),
        sa.Index('ix_gw_advisor_sessions_expires_at', 'expires_at'),
    )

    sa.Table(
        'gw_advisor_tenants',
        BASELINE,
        sa.Column('advisor_id', sa.Integer(), nullable=False),
        sa.Column('tenant', sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ['advisor_id'],
            ['gw_advisors.id'],
        ),
        sa.PrimaryKeyConstraint('advisor_id', 'tenant'),
    )

    sa.Table(
        'gw_handoffs',
        BASELINE,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conversation_id', sa.String(length=64), nullable=False),
        sa.Column('tenant', sa.String(length=32), nullable=False),
        sa.Column('channel', sa.String(length=16), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('outcome', sa.String(length=24), nullable=True),
        sa.Column('reason', sa.String(length=64), nullable=False),
        sa.Column('profile', sa.JSON(), nullable=False),
        sa.Column('shown_modules', sa.JSON(), nullable=False),
        sa.Column('handed_over_after', sa.Integer(), nullable=True),
        sa.Column('advisor_id', sa.Integer(), nullable=True),
        sa.Column('callback_name', sa.String(length=100), nullable=True),
        sa.Column('callback_contact', sa.String(length=254), nullable=True),
        sa.Column('callback_kind', sa.String(length=8), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.Column('long_wait_offered_at', sa.DateTime(), nullable=True),
        sa.Column('noticed_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ['advisor_id'],
            ['gw_advisors.id'],
        ),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['gw_conversations.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_gw_handoffs_conversation_id', 'conversation_id'),
        sa.Index('ix_gw_handoffs_queue', 'tenant', 'status', 'created_at'),
    )

    sa.Table(
        'gw_messages',
        BASELINE,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('conversation_id', sa.String(length=64), nullable=False),
        sa.Column('sender', sa.String(length=16), nullable=False),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('data', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['gw_conversations.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_gw_messages_conversation', 'conversation_id', 'id'),
    )

    sa.Table(
        'gw_wa_contacts',
        BASELINE,
        sa.Column('user_key', sa.String(length=64), nullable=False),
        sa.Column('conversation_id', sa.String(length=64), nullable=False),
        sa.Column('wa_id', sa.String(length=64), nullable=False),
        sa.Column('last_user_at', sa.DateTime(), nullable=True),
        sa.Column('held_from_id', sa.Integer(), nullable=True),
        sa.Column('numbered_message_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['conversation_id'],
            ['gw_conversations.id'],
        ),
        sa.PrimaryKeyConstraint('user_key'),
        sa.UniqueConstraint('conversation_id'),
    )

    sa.Table(
        'hub',
        BASELINE,
        sa.Column('id', sa.String(length=60), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('region', sa.String(length=20), nullable=False),
        sa.Column('address', sa.String(length=200), nullable=False),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.Column('what_you_can_do', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=300), nullable=False),
        sa.Column('opening_hours', sa.String(length=200), nullable=False),
        sa.Column('sample', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['region'],
            ['region.code'],
        ),
        sa.PrimaryKeyConstraint('id'),
    )

    sa.Table(
        'module',
        BASELINE,
        sa.Column('id', sa.String(length=120), nullable=False),
        sa.Column('source', sa.String(length=20), nullable=False),
        sa.Column('source_id', sa.String(length=200), nullable=False),
        sa.Column('provider_id', sa.String(length=80), nullable=False),
        sa.Column('title', sa.String(length=300), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('nlqf_level', sa.Integer(), nullable=True),
        sa.Column('education_type', sa.String(length=20), nullable=False),
        sa.Column('level_label', sa.String(length=60), nullable=False),
        sa.Column('credential', sa.String(length=40), nullable=False),
        sa.Column('study_load_text', sa.String(length=60), nullable=False),
        sa.Column('study_load_hours', sa.Integer(), nullable=True),
        sa.Column('duration_weeks', sa.Integer(), nullable=True),
        sa.Column('duration_text', sa.String(length=60), nullable=False),
        sa.Column('hours_per_week', sa.Integer(), nullable=True),
        sa.Column('mode', sa.String(length=20), nullable=False),
        sa.Column('bol_bbl', sa.String(length=3), nullable=True),
        sa.Column('recognised', sa.Boolean(), nullable=False),
        sa.Column('nlqf_registered', sa.Boolean(), nullable=False),
        sa.Column('ontwikkelpad', sa.String(length=40), nullable=True),
        sa.Column('url', sa.String(length=400), nullable=False),
        sa.Column('enroll_url', sa.String(length=400), nullable=False),
        sa.Column('enroll_prepare', sa.Text(), nullable=False),
        sa.Column('funding_tags', sa.Text(), nullable=False),
        sa.Column('tags', sa.Text(), nullable=False),
        sa.Column('keywords', sa.Text(), nullable=False),
        sa.Column('sample', sa.Boolean(), nullable=False),
        sa.Column('updated_at', sa.String(length=40), nullable=False),
        sa.Column('feed', sa.String(length=80), nullable=True),
        sa.Column('content_hash', sa.String(length=64), nullable=True),
        sa.Column('withdrawn_at', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ['provider_id'],
            ['provider.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('source', 'source_id', name='uq_module_source'),
        sa.Index('ix_module_feed', 'feed'),
    )

    sa.Table(
        'occupation',
        BASELINE,
        sa.Column('id', sa.String(length=80), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('theme', sa.String(length=40), nullable=False),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('why', sa.Text(), nullable=False),
        sa.Column('typical_level', sa.String(length=40), nullable=False),
        sa.Column('nlqf_level', sa.Integer(), nullable=True),
        sa.Column('keywords', sa.Text(), nullable=False),
        sa.Column('sample', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ['theme'],
            ['theme.code'],
        ),
        sa.PrimaryKeyConstraint('id'),
    )

    sa.Table(
        'place',
        BASELINE,
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('municipality', sa.String(length=100), nullable=True),
        sa.Column('province', sa.String(length=40), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('subregion', sa.String(length=40), nullable=True),
        sa.Column('lat', sa.Float(), nullable=False),
        sa.Column('lon', sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ['region'],
            ['region.code'],
        ),
        sa.PrimaryKeyConstraint('name'),
    )

    sa.Table(
        'gw_handoff_notes',
        BASELINE,
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('handoff_id', sa.Integer(), nullable=False),
        sa.Column('advisor_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['advisor_id'],
            ['gw_advisors.id'],
        ),
        sa.ForeignKeyConstraint(
            ['handoff_id'],
            ['gw_handoffs.id'],
        ),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_gw_handoff_notes_handoff_id', 'handoff_id'),
    )

    sa.Table(
        'module_theme',
        BASELINE,
        sa.Column('module_id', sa.String(length=120), nullable=False),
        sa.Column('theme', sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(
            ['theme'],
            ['theme.code'],
        ),
        sa.PrimaryKeyConstraint('module_id', 'theme'),
    )

    sa.Table(
        'occupation_module',
        BASELINE,
        sa.Column('occupation_id', sa.String(length=80), nullable=False),
        sa.Column('module_id', sa.String(length=120), nullable=False),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['occupation_id'], ['occupation.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('occupation_id', 'module_id'),
    )

    sa.Table(
        'offering',
        BASELINE,
        sa.Column('id', sa.String(length=160), nullable=False),
        sa.Column('module_id', sa.String(length=120), nullable=False),
        sa.Column('start_date', sa.Date(), nullable=True),
        sa.Column('end_date', sa.Date(), nullable=True),
        sa.Column('location', sa.String(length=100), nullable=False),
        sa.Column('hub_id', sa.String(length=60), nullable=True),
        sa.Column('region', sa.String(length=20), nullable=True),
        sa.Column('lat', sa.Float(), nullable=True),
        sa.Column('lon', sa.Float(), nullable=True),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('price_eur', sa.Float(), nullable=True),
        sa.Column('schedule', sa.String(length=200), nullable=False),
        sa.Column('sample', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['module_id'], ['module.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.Index('ix_offering_module', 'module_id'),
    )

    sa.Table(
        'place_alias',
        BASELINE,
        sa.Column('alias', sa.String(length=120), nullable=False),
        sa.Column('place_name', sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ['place_name'],
            ['place.name'],
        ),
        sa.PrimaryKeyConstraint('alias'),
    )


_define_tables()


def upgrade() -> None:
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    if "schema_version" not in present and present & {"module", "offering", "provider"}:
        raise SchemaError(
            "De database heeft al catalogustabellen maar geen schema_version; ik "
            "wijzig hem niet. Gebruik een lege database of zet de versie handmatig."
        )
    BASELINE.create_all(bind, checkfirst=True)  # missing tables, with their indexes
    for table in BASELINE.sorted_tables:
        if table.name in present:
            _add_missing_columns(bind, table)
    _full_text_search(bind)
    if "schema_version" in present:
        op.drop_table("schema_version")


def _add_missing_columns(bind, table: sa.Table) -> None:
    """Columns that came later (module.feed/content_hash/withdrawn_at, gw_wa_inbox.user_key,
    gw_advisors.role: all nullable), with their indexes."""
    existing = {column["name"] for column in sa.inspect(bind).get_columns(table.name)}
    for column in table.columns:
        if column.name not in existing:
            if not column.nullable:
                raise RuntimeError(
                    f"{table.name}.{column.name} is missing and cannot be added to existing rows (NOT NULL)"
                )
            op.add_column(table.name, column.copy())
    for index in table.indexes:
        index.create(bind, checkfirst=True)


def _full_text_search(bind) -> None:
    if bind.dialect.name == "sqlite":
        # Terms are prepared in Python (knowledge/textnl.index_terms: stems, compound parts),
        # so the tokenizer only splits on spaces. Column weights are set in the bm25() call.
        op.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS module_fts USING fts5("
            "title, body, tokenize='unicode61 remove_diacritics 2')"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE module_text ADD COLUMN IF NOT EXISTS tsv tsvector GENERATED ALWAYS AS ("
            "setweight(to_tsvector('dutch', title), 'A') || "
            "setweight(to_tsvector('dutch', body), 'B')) STORED"
        )
        op.execute("CREATE INDEX IF NOT EXISTS ix_module_text_tsv ON module_text USING GIN (tsv)")


def downgrade() -> None:
    raise NotImplementedError("The baseline is not undone: that would delete every table.")
