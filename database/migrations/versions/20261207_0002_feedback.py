"""Users' ratings of the bot's answers (bot/feedback.py): gw_feedback.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "gw_feedback" in sa.inspect(op.get_bind()).get_table_names():
        return  # a database adopted by the baseline from a copy that had it already
    op.create_table(
        "gw_feedback",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("tenant", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("topic", sa.String(length=80), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["conversation_id"], ["gw_conversations.id"]),
        sa.ForeignKeyConstraint(["message_id"], ["gw_messages.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("message_id", name="uq_gw_feedback_message"),
    )
    op.create_index("ix_gw_feedback_tenant_created", "gw_feedback", ["tenant", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_gw_feedback_tenant_created", table_name="gw_feedback")
    op.drop_table("gw_feedback")
