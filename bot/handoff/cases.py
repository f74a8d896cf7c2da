"""Handoff cases and their notes in the database.

A case's status and its conversation's mode change in one transaction, so after a crash or
restart they still agree. Status changes are compare-and-set (`UPDATE ... WHERE status IN
(...)`): of two advisors claiming the same case, or a claim racing the user's "laat maar",
exactly one wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from sqlalchemy import and_, delete, func, insert, select, update

from bot.handoff.tables import OPEN, advisors, handoffs, notes
from bot.store import StoreFacade, conversations, messages
from database.types import as_utc


@dataclass(frozen=True)
class Case:
    id: int
    conversation_id: str
    tenant: str
    channel: str
    status: str
    outcome: Optional[str]
    reason: str
    profile: dict
    shown_modules: List[str]
    handed_over_after: Optional[int]
    advisor_id: Optional[int]
    advisor_name: Optional[str]
    callback_name: Optional[str]
    callback_contact: Optional[str]
    callback_kind: Optional[str]
    created_at: datetime
    claimed_at: Optional[datetime]
    closed_at: Optional[datetime]
    long_wait_offered_at: Optional[datetime]
    noticed_at: Optional[datetime]
    language: str = "nl"  # the conversation's (bot/language.py): advisors answer in it


@dataclass(frozen=True)
class Note:
    id: int
    handoff_id: int
    advisor_name: Optional[str]
    text: str
    created_at: datetime


_CASE_COLUMNS = [handoffs, advisors.c.name.label("advisor_name"), conversations.c.language.label("language")]
_CASE_FROM = handoffs.outerjoin(advisors, handoffs.c.advisor_id == advisors.c.id).outerjoin(
    conversations, handoffs.c.conversation_id == conversations.c.id
)


def _case(row) -> Case:
    return Case(
        id=row.id,
        conversation_id=row.conversation_id,
        tenant=row.tenant,
        channel=row.channel,
        status=row.status,
        outcome=row.outcome,
        reason=row.reason,
        profile=row.profile or {},
        shown_modules=list(row.shown_modules or []),
        handed_over_after=row.handed_over_after,
        advisor_id=row.advisor_id,
        advisor_name=row.advisor_name,
        callback_name=row.callback_name,
        callback_contact=row.callback_contact,
        callback_kind=row.callback_kind,
        created_at=row.created_at,
        claimed_at=row.claimed_at,
        closed_at=row.closed_at,
        long_wait_offered_at=row.long_wait_offered_at,
        noticed_at=row.noticed_at,
        language=row.language or "nl",
    )


class CaseStore(StoreFacade):
    """Async facade like bot.store.Store: each method is one transaction on the gateway's
    database thread(s)."""

    def _select(self):
        return select(*_CASE_COLUMNS).select_from(_CASE_FROM)

    def _get(self, db, handoff_id: int) -> Optional[Case]:
        row = db.execute(self._select().where(handoffs.c.id == handoff_id)).first()
        return _case(row) if row else None

    # -- reading ---------------------------------------------------------------------------

    async def get(self, handoff_id: int) -> Optional[Case]:
        def _read():
            with self.engine.connect() as db:
                return self._get(db, handoff_id)

        return await self._run(_read)

    async def open_for(self, conversation_id: str) -> Optional[Case]:
        """The conversation's open case (at most one), if any."""

        def _read():
            with self.engine.connect() as db:
                row = db.execute(
                    self._select()
                    .where(handoffs.c.conversation_id == conversation_id, handoffs.c.status.in_(OPEN))
                    .order_by(handoffs.c.id.desc())
                ).first()
            return _case(row) if row else None

        return await self._run(_read)

    async def listing(self, tenants: Iterable[str], status: str, limit: int = 100) -> List[Case]:
        """Cases of these tenants with this status: the queue oldest first (its order),
        active ones by claim time, callback requests oldest first, closed ones newest first."""
        order = {
            "waiting": [handoffs.c.created_at, handoffs.c.id],
            "active": [handoffs.c.claimed_at, handoffs.c.id],
            "callback": [handoffs.c.created_at, handoffs.c.id],
            "closed": [handoffs.c.closed_at.desc(), handoffs.c.id.desc()],
        }[status]
        tenants = list(tenants)

        def _read():
            with self.engine.connect() as db:
                rows = db.execute(
                    self._select()
                    .where(handoffs.c.tenant.in_(tenants), handoffs.c.status == status)
                    .order_by(*order)
                    .limit(limit)
                ).all()
            return [_case(row) for row in rows]

        return await self._run(_read)

    async def position(self, case: Case) -> int:
        """1 for the first in the tenant's queue."""

        def _read():
            with self.engine.connect() as db:
                ahead = db.execute(
                    select(func.count())
                    .select_from(handoffs)
                    .where(
                        handoffs.c.tenant == case.tenant,
                        handoffs.c.status == "waiting",
                        (handoffs.c.created_at < case.created_at)
                        | and_(handoffs.c.created_at == case.created_at, handoffs.c.id < case.id),
                    )
                ).scalar()
            return int(ahead) + 1

        return await self._run(_read)

    async def waiting_per_tenant(self) -> Dict[str, int]:
        """How many cases wait for an advisor, per tenant (the queue lengths)."""

        def _read():
            with self.engine.connect() as db:
                rows = db.execute(
                    select(handoffs.c.tenant, func.count())
                    .where(handoffs.c.status == "waiting")
                    .group_by(handoffs.c.tenant)
                ).all()
            return {tenant: int(count) for tenant, count in rows}

        return await self._run(_read)

    async def average_wait_seconds(self, tenant: str, last: int = 20) -> Optional[float]:
        """How long the tenant's last claimed cases waited; None without history."""

        def _read():
            with self.engine.connect() as db:
                rows = db.execute(
                    select(handoffs.c.created_at, handoffs.c.claimed_at)
                    .where(handoffs.c.tenant == tenant, handoffs.c.claimed_at.is_not(None))
                    .order_by(handoffs.c.claimed_at.desc())
                    .limit(last)
                ).all()
            waits = [(row.claimed_at - row.created_at).total_seconds() for row in rows]
            return sum(waits) / len(waits) if waits else None

        return await self._run(_read)

    async def waiting_since_before(self, before: datetime) -> List[Case]:
        """Cases in the queue since before `before` that were not yet offered another way."""

        def _read():
            with self.engine.connect() as db:
                rows = db.execute(
                    self._select()
                    .where(
                        handoffs.c.status == "waiting",
                        handoffs.c.long_wait_offered_at.is_(None),
                        handoffs.c.created_at < before,
                    )
                    .order_by(handoffs.c.created_at)
                ).all()
            return [_case(row) for row in rows]

        return await self._run(_read)

    # -- changing ----------------------------------------------------------------------------

    async def create(
        self,
        conversation_id: str,
        tenant: str,
        channel: str,
        status: str,
        reason: str,
        profile: dict,
        shown_modules: Sequence[str],
        handed_over_after: Optional[int],
        now: datetime,
    ) -> Tuple[Case, bool]:
        """A new case, and the conversation's mode to "waiting" (the bot goes quiet).
        Returns (case, True), or (the open case, False) when there already is one."""

        def _create():
            with self.engine.begin() as db:
                existing = db.execute(
                    select(handoffs.c.id).where(
                        handoffs.c.conversation_id == conversation_id, handoffs.c.status.in_(OPEN)
                    )
                ).first()
                if existing:
                    return self._get(db, existing.id), False
                result = db.execute(
                    insert(handoffs).values(
                        conversation_id=conversation_id,
                        tenant=tenant,
                        channel=channel,
                        status=status,
                        reason=reason,
                        profile=profile,
                        shown_modules=list(shown_modules),
                        handed_over_after=handed_over_after,
                        created_at=now,
                    )
                )
                db.execute(
                    update(conversations)
                    .where(conversations.c.id == conversation_id)
                    .values(mode="waiting", updated_at=now)
                )
                return self._get(db, result.inserted_primary_key[0]), True

        return await self._run(_create)

    async def transition(
        self,
        handoff_id: int,
        from_statuses: Sequence[str],
        status: str,
        now: datetime,
        mode: Optional[str] = None,
        only_if_unset: Optional[str] = None,
        **values,
    ) -> Optional[Case]:
        """Move a case from one of `from_statuses` to `status` (and its conversation to `mode`)
        in one transaction; None when the case was not in such a status (someone else was
        first). `only_if_unset` names a column that must still be NULL."""

        def _move():
            where = [handoffs.c.id == handoff_id, handoffs.c.status.in_(list(from_statuses))]
            if only_if_unset:
                where.append(handoffs.c[only_if_unset].is_(None))
            with self.engine.begin() as db:
                changed = db.execute(update(handoffs).where(*where).values(status=status, **values)).rowcount
                if changed != 1:
                    return None
                case = self._get(db, handoff_id)
                if mode is not None:
                    db.execute(
                        update(conversations)
                        .where(conversations.c.id == case.conversation_id)
                        .values(mode=mode, updated_at=now)
                    )
                return case

        return await self._run(_move)

    async def add_note(self, handoff_id: int, advisor_id: Optional[int], text: str, now: datetime) -> Note:
        def _add():
            with self.engine.begin() as db:
                result = db.execute(
                    insert(notes).values(handoff_id=handoff_id, advisor_id=advisor_id, text=text, created_at=now)
                )
                name = (
                    db.execute(select(advisors.c.name).where(advisors.c.id == advisor_id)).scalar()
                    if advisor_id
                    else None
                )
            return Note(result.inserted_primary_key[0], handoff_id, name, text, as_utc(now))

        return await self._run(_add)

    async def notes(self, handoff_id: int) -> List[Note]:
        def _read():
            with self.engine.connect() as db:
                rows = db.execute(
                    select(notes, advisors.c.name.label("advisor_name"))
                    .select_from(notes.outerjoin(advisors, notes.c.advisor_id == advisors.c.id))
                    .where(notes.c.handoff_id == handoff_id)
                    .order_by(notes.c.id)
                ).all()
            return [Note(r.id, r.handoff_id, r.advisor_name, r.text, r.created_at) for r in rows]

        return await self._run(_read)

    async def redact_message(self, message_id: int, text: str) -> None:
        """Replace what a user typed (callback details live in the case only)."""

        def _redact():
            with self.engine.begin() as db:
                db.execute(update(messages).where(messages.c.id == message_id).values(text=text))

        await self._run(_redact)

    async def delete_for_conversation(self, conversation_id: str) -> int:
        """Remove the conversation's cases with their notes and callback details (forget me,
        retention). Call it before the conversation itself is deleted. Returns cases removed."""

        def _delete():
            with self.engine.begin() as db:
                ids = select(handoffs.c.id).where(handoffs.c.conversation_id == conversation_id)
                db.execute(delete(notes).where(notes.c.handoff_id.in_(ids)))
                return db.execute(delete(handoffs).where(handoffs.c.conversation_id == conversation_id)).rowcount

        return await self._run(_delete)
