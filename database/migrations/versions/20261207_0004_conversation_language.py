"""The language of each conversation (issue 17): gw_conversations.language, 'nl' for those
that were there before.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    columns = {c["name"] for c in sa.inspect(op.get_bind()).get_columns("gw_conversations")}
    if "language" in columns:
        return  # a database adopted by the baseline from a copy that had it already
    with op.batch_alter_table("gw_conversations") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="nl"))


def downgrade() -> None:
    with op.batch_alter_table("gw_conversations") as batch:
        batch.drop_column("language")
