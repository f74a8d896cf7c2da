"""The handoff's tables, in the gateway's database (on the project's one MetaData, database/tables.py;
prefix gw_handoff / gw_advisor).

- gw_handoffs: one row per handoff case: the conversation, why (reason), the profile and the
  modules the bot had shown, the status (see STATUSES), the advisor who took it, and for a
  callback request the name and phone number or e-mail (the only place they are kept).
- gw_handoff_notes: advisors' internal notes on a case (never shown to the user).
- gw_advisors, gw_advisor_tenants: advisor accounts (password as a scrypt hash; role advisor,
  or operator: also sees the catalogue feeds) and the tenants whose cases each one sees.
- gw_advisor_sessions: logins (only a SHA-256 of the token is stored) with expiry and the
  last heartbeat of a live console ("online").
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
)

from database.metadata import metadata
from database.types import UTCDateTime

# offered: nobody can take it now; the user chooses a callback request or the bot.
# waiting: in the queue.  active: an advisor has it.  collecting: asking callback details.
# callback: a callback request for an advisor to handle.  closed: done (see OUTCOMES).
STATUSES = ("offered", "waiting", "active", "collecting", "callback", "closed")
OPEN = ("offered", "waiting", "active", "collecting")  # the bot is quiet while a case is open
OUTCOMES = ("handed_back", "cancelled", "continued_with_bot", "called_back")

handoffs = Table(
    "gw_handoffs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("gw_conversations.id"), nullable=False, index=True),
    Column("tenant", String(32), nullable=False),
    Column("channel", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("outcome", String(24), nullable=True),
    Column("reason", String(64), nullable=False),
    Column("profile", JSON, nullable=False, default=dict),
    Column("shown_modules", JSON, nullable=False, default=list),
    # The last message before the handoff: the console marks where the advisor came in.
    Column("handed_over_after", Integer, nullable=True),
    Column("advisor_id", Integer, ForeignKey("gw_advisors.id"), nullable=True),
    Column("callback_name", String(100), nullable=True),
    Column("callback_contact", String(254), nullable=True),
    Column("callback_kind", String(8), nullable=True),  # phone | email
    Column("created_at", UTCDateTime, nullable=False),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("long_wait_offered_at", UTCDateTime, nullable=True),
    Column("noticed_at", UTCDateTime, nullable=True),  # last "your message is kept" notice
    Index("ix_gw_handoffs_queue", "tenant", "status", "created_at"),
)

notes = Table(
    "gw_handoff_notes",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handoff_id", Integer, ForeignKey("gw_handoffs.id"), nullable=False, index=True),
    Column("advisor_id", Integer, ForeignKey("gw_advisors.id"), nullable=True),
    Column("text", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)

advisors = Table(
    "gw_advisors",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("email", String(254), nullable=False, unique=True),  # stored lower-case
    Column("name", String(100), nullable=False),
    Column("password_hash", String(255), nullable=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    # accounts.ROLES: "advisor" or "operator" (also sees the catalogue feeds). Nullable, so
    # The baseline migration adds it to a database made before it existed (NULL: advisor).
    Column("role", String(16), nullable=True),
)

advisor_tenants = Table(
    "gw_advisor_tenants",
    metadata,
    Column("advisor_id", Integer, ForeignKey("gw_advisors.id"), primary_key=True),
    Column("tenant", String(32), primary_key=True),
)

sessions = Table(
    "gw_advisor_sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("advisor_id", Integer, ForeignKey("gw_advisors.id"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False, index=True),
    Column("online_at", UTCDateTime, nullable=True),  # last heartbeat of a live console
)
