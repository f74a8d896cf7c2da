"""Retention: what nobody used for PRIVACY_RETENTION_DAYS (default 30) is deleted.

- gateway conversations whose last message is older (with history, WhatsApp contact and any
  closed handoff), unless a handoff is still open for them (an advisor or a callback
  request is waiting: those are kept until the case is closed);
- closed handoff cases closed longer ago, also in conversations that went on afterwards
  (profile, notes and callback details go with them);
- Rasa trackers whose last event is older (including conversations the gateway never knew,
  e.g. tests against Rasa's REST channel).

Run by `python -m bot.privacy retention` (cron) and by the gateway at start-up and then every
PRIVACY_RETENTION_EVERY_HOURS.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import List, Optional

from sqlalchemy import and_, delete, exists, select

from bot.handoff.tables import handoffs, notes
from bot.privacy.forget import Forgetter, Forgotten
from bot.store import conversations

log = logging.getLogger(__name__)


@dataclass
class RetentionReport:
    cutoff: datetime
    conversations: List[str] = field(default_factory=list)  # ids deleted (or due, dry run)
    kept_open_handoff: int = 0  # old, but a handoff is still open
    closed_handoffs: int = 0  # closed cases deleted from conversations that went on
    idle_trackers: int = 0  # Rasa trackers deleted for being idle
    deleted: Forgotten = field(default_factory=Forgotten)

    def summary(self) -> str:
        d = self.deleted
        return (
            f"retention (before {self.cutoff:%Y-%m-%d %H:%M} UTC): "
            f"{len(self.conversations)} conversation(s) deleted with {d.messages} "
            f"message(s), {d.handoffs} handoff(s), {d.other_rows} other row(s); "
            f"{self.closed_handoffs} closed handoff(s) of ongoing conversations; "
            f"{self.idle_trackers} idle Rasa tracker(s); {self.kept_open_handoff} old "
            f"conversation(s) kept because a handoff is open"
        )


async def apply(
    forgetter: Forgetter, days: float, now: Optional[datetime] = None, dry_run: bool = False
) -> RetentionReport:
    now = now or datetime.now(timezone.utc)
    report = RetentionReport(cutoff=now - timedelta(days=days))
    due, kept = await asyncio.to_thread(_due, forgetter, report.cutoff)
    report.conversations, report.kept_open_handoff = due, kept
    if dry_run:
        return report
    for conversation_id in due:
        # Their Rasa trackers go with the idle ones below (when there is a tracker store).
        report.deleted.add(await forgetter.conversation(conversation_id, tracker_required=False))
    report.closed_handoffs = await asyncio.to_thread(_closed_handoffs, forgetter, report.cutoff)
    report.idle_trackers = await asyncio.to_thread(forgetter.tracker.delete_idle, report.cutoff)
    log.info(report.summary())
    return report


def _due(forgetter: Forgetter, cutoff: datetime):
    old = conversations.c.updated_at < cutoff
    with forgetter.store.engine.connect() as db:
        open_case = exists().where(
            and_(handoffs.c.conversation_id == conversations.c.id, handoffs.c.status != "closed")
        )
        due = [r.id for r in db.execute(select(conversations.c.id).where(old, ~open_case))]
        kept = len(db.execute(select(conversations.c.id).where(old, open_case)).all())
    return due, kept


def _closed_handoffs(forgetter: Forgetter, cutoff: datetime) -> int:
    with forgetter.store.engine.begin() as db:
        old = select(handoffs.c.id).where(handoffs.c.status == "closed", handoffs.c.closed_at < cutoff)
        db.execute(delete(notes).where(notes.c.handoff_id.in_(old)))
        return db.execute(delete(handoffs).where(handoffs.c.status == "closed", handoffs.c.closed_at < cutoff)).rowcount
