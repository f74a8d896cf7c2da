"""What the assistant did per turn, for the insights (bot/usage.py): gw_insight_events, gw_misses.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    if {"gw_insight_events", "gw_misses"} <= existing:
        return  # a database adopted by the baseline from a copy that had them already
    op.create_table(
        "gw_insight_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["gw_conversations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_gw_insight_events_tenant_kind_created",
        "gw_insight_events",
        ["tenant", "kind", "created_at", "key", "label"],
    )
    op.create_index("ix_gw_insight_events_conversation", "gw_insight_events", ["conversation_id"])
    op.create_table(
        "gw_misses",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("nlu_intent", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("group_key", sa.String(length=500), nullable=False),
        sa.Column("intent", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["gw_conversations.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_gw_misses_tenant_created", "gw_misses", ["tenant", "created_at"])
    op.create_index("ix_gw_misses_conversation", "gw_misses", ["conversation_id"])


def downgrade() -> None:
    op.drop_index("ix_gw_misses_conversation", table_name="gw_misses")
    op.drop_index("ix_gw_misses_tenant_created", table_name="gw_misses")
    op.drop_table("gw_misses")
    op.drop_index("ix_gw_insight_events_conversation", table_name="gw_insight_events")
    op.drop_index("ix_gw_insight_events_tenant_kind_created", table_name="gw_insight_events")
    op.drop_table("gw_insight_events")
