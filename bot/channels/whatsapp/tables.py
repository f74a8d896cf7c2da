"""The WhatsApp channel's tables, in the gateway's database (on the project's one MetaData, listed
in database/tables.py; prefix gw_wa_).

- gw_wa_contacts: one row per WhatsApp user: the pseudonym (user_key), their conversation, their
  phone number (the only copy; needed to send), when they last wrote (24-hour window), the first
  message held back because the window was closed, and the message whose numbered choices are
  open.
- gw_wa_inbox: every incoming message id (wamid) once; the primary key makes a retried or
  concurrent duplicate delivery fail to insert, so it is never answered twice. Rows carry the
  sender's pseudonym (forget me deletes them). Content is kept only until processed (crash
  recovery) and only what processing needs: no message id, the text masked, the phone number
  only while the user has no contact yet. Ids expire after WHATSAPP_DEDUP_DAYS.
- gw_wa_sent: the ids of messages we sent, to follow Meta's status updates (failed, read).
Message ids are stored as SHA-256 hashes: a wamid encodes the user's phone number.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Iterable, List, Optional, Set, Tuple

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    delete,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from bot.channels.whatsapp.inbound import Inbound
from bot.privacy import mask_for_storage
from bot.store import StoreFacade
from database.metadata import metadata
from database.types import UTCDateTime

SENT_KEEP = timedelta(days=30)

contacts = Table(
    "gw_wa_contacts",
    metadata,
    Column("user_key", String(64), primary_key=True),  # HMAC-SHA256(app secret, wa_id)
    Column("conversation_id", String(64), ForeignKey("gw_conversations.id"), nullable=False, unique=True),
    Column("wa_id", String(64), nullable=False),  # the phone number: used for sending only
    Column("last_user_at", UTCDateTime, nullable=True),
    Column("held_from_id", Integer, nullable=True),
    Column("numbered_message_id", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)

inbox = Table(
    "gw_wa_inbox",
    metadata,
    Column("wamid_hash", String(64), primary_key=True),
    Column("user_key", String(64), nullable=True, index=True),  # as in gw_wa_contacts
    Column("received_at", UTCDateTime, nullable=False, index=True),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("processed_at", UTCDateTime, nullable=True),
    Column("event", JSON, nullable=True),  # what processing needs, until it is processed
)

sent = Table(
    "gw_wa_sent",
    metadata,
    Column("wamid_hash", String(64), primary_key=True),
    Column("conversation_id", String(64), nullable=False, index=True),
    Column("message_id", Integer, nullable=True),  # None for a template
    Column("status", String(16), nullable=False),
    Column("updated_at", UTCDateTime, nullable=False, index=True),
)


def _inbox_event(message: Inbound, has_contact: bool) -> dict:
    """What the inbox keeps of a message until it is processed: no message id (the row's key
    is its hash), the text with identifiers masked, and the phone number only when the user
    has no contact yet (their contact, the one place for the number, is made from it)."""
    event = {k: v for k, v in message.to_json().items() if k not in ("wamid", "wa_id")}
    if event.get("text"):
        event["text"] = mask_for_storage(event["text"])
    if not has_contact:
        event["wa_id"] = message.wa_id
    return event


def _hash(wamid: str) -> str:
    return hashlib.sha256(wamid.encode("utf-8")).hexdigest()


inbox_id = _hash  # a message's key in the inbox


@dataclass(frozen=True)
class Contact:
    user_key: str
    conversation_id: str
    wa_id: str
    last_user_at: Optional[datetime]
    held_from_id: Optional[int]
    numbered_message_id: Optional[int]


def _contact(row) -> Contact:
    return Contact(
        row.user_key, row.conversation_id, row.wa_id, row.last_user_at, row.held_from_id, row.numbered_message_id
    )


@dataclass(frozen=True)
class SentMessage:
    conversation_id: str
    message_id: Optional[int]
    status: str


class WhatsAppStore(StoreFacade):
    """Async facade like bot.store.Store: each method is one transaction on the gateway's
    database thread(s)."""

    # -- inbox (deduplication and crash recovery) ------------------------------------------

    async def accept(self, messages: Iterable[Inbound], now: datetime) -> List[Inbound]:
        """Record message ids not seen before; return those messages (the ones to process).
        Each message must carry its sender's `user_key`."""

        def _accept():
            fresh = []
            for message in messages:
                assert message.user_key, "the channel sets user_key before accepting"
                try:
                    with self.engine.begin() as db:
                        has_contact = (
                            db.execute(
                                select(contacts.c.user_key).where(contacts.c.user_key == message.user_key)
                            ).first()
                            is not None
                        )
                        db.execute(
                            insert(inbox).values(
                                wamid_hash=_hash(message.wamid),
                                user_key=message.user_key,
                                received_at=now,
                                claimed_at=now,
                                event=_inbox_event(message, has_contact),
                            )
                        )
                    fresh.append(message)
                except IntegrityError:
                    pass  # seen before, or another delivery of it is being handled right now
            return fresh

        return await self._run(_accept)

    async def done(self, message_inbox_id: str, now: datetime) -> None:
        def _done():
            with self.engine.begin() as db:
                db.execute(
                    update(inbox).where(inbox.c.wamid_hash == message_inbox_id).values(processed_at=now, event=None)
                )

        await self._run(_done)

    async def claim_stale(self, claimed_before: datetime, now: datetime) -> List[Tuple[str, Inbound]]:
        """Messages accepted but never processed (the gateway stopped), with their inbox id;
        each is claimed by one gateway only."""

        def _claim():
            claimed = []
            with self.engine.begin() as db:
                rows = db.execute(
                    select(inbox.c.wamid_hash, inbox.c.claimed_at, inbox.c.event)
                    .where(inbox.c.processed_at.is_(None), inbox.c.claimed_at < claimed_before)
                    .order_by(inbox.c.received_at)
                ).all()
            for row in rows:
                with self.engine.begin() as db:
                    result = db.execute(
                        update(inbox)
                        .where(
                            inbox.c.wamid_hash == row.wamid_hash,
                            inbox.c.claimed_at == row.claimed_at,
                            inbox.c.processed_at.is_(None),
                        )
                        .values(claimed_at=now)
                    )
                if result.rowcount == 1 and row.event:
                    claimed.append((row.wamid_hash, Inbound.from_json(row.event)))
            return claimed

        return await self._run(_claim)

    async def purge(self, now: datetime, dedup_days: float) -> int:
        def _purge():
            with self.engine.begin() as db:
                gone = db.execute(delete(inbox).where(inbox.c.received_at < now - timedelta(days=dedup_days))).rowcount
                gone += db.execute(delete(sent).where(sent.c.updated_at < now - SENT_KEEP)).rowcount
            return gone

        return await self._run(_purge)

    # -- contacts -------------------------------------------------------------------------

    async def contact(self, user_key: str) -> Optional[Contact]:
        def _get():
            with self.engine.connect() as db:
                row = db.execute(select(contacts).where(contacts.c.user_key == user_key)).first()
            return _contact(row) if row else None

        return await self._run(_get)

    async def contact_for_conversation(self, conversation_id: str) -> Optional[Contact]:
        def _get():
            with self.engine.connect() as db:
                row = db.execute(select(contacts).where(contacts.c.conversation_id == conversation_id)).first()
            return _contact(row) if row else None

        return await self._run(_get)

    async def add_contact(self, user_key: str, wa_id: str, conversation_id: str, now: datetime) -> Optional[Contact]:
        """Link a user to a new conversation; None if another gateway linked them first."""

        def _add():
            try:
                with self.engine.begin() as db:
                    db.execute(
                        insert(contacts).values(
                            user_key=user_key, conversation_id=conversation_id, wa_id=wa_id, created_at=now
                        )
                    )
            except IntegrityError:
                return None
            return Contact(user_key, conversation_id, wa_id, None, None, None)

        return await self._run(_add)

    async def user_wrote(self, user_key: str, at: datetime) -> None:
        """Open (or extend) the 24-hour window; an older, late message never shortens it."""

        def _wrote():
            with self.engine.begin() as db:
                db.execute(
                    update(contacts)
                    .where(
                        contacts.c.user_key == user_key,
                        (contacts.c.last_user_at.is_(None)) | (contacts.c.last_user_at < at),
                    )
                    .values(last_user_at=at)
                )

        await self._run(_wrote)

    async def set_last_user_at(self, conversation_id: str, at: Optional[datetime]) -> None:
        def _set():
            with self.engine.begin() as db:
                db.execute(
                    update(contacts).where(contacts.c.conversation_id == conversation_id).values(last_user_at=at)
                )

        await self._run(_set)

    async def hold(self, conversation_id: str, message_id: int) -> bool:
        """Hold messages from `message_id` on; True if nothing was held before."""

        def _hold():
            with self.engine.begin() as db:
                first = db.execute(
                    update(contacts)
                    .where(contacts.c.conversation_id == conversation_id, contacts.c.held_from_id.is_(None))
                    .values(held_from_id=message_id)
                ).rowcount
                if not first:  # an earlier message failed later (status webhook): hold from it
                    db.execute(
                        update(contacts)
                        .where(contacts.c.conversation_id == conversation_id, contacts.c.held_from_id > message_id)
                        .values(held_from_id=message_id)
                    )
            return bool(first)

        return await self._run(_hold)

    async def release(self, conversation_id: str) -> None:
        def _release():
            with self.engine.begin() as db:
                db.execute(
                    update(contacts).where(contacts.c.conversation_id == conversation_id).values(held_from_id=None)
                )

        await self._run(_release)

    async def set_numbered(self, conversation_id: str, message_id: Optional[int]) -> None:
        def _set():
            with self.engine.begin() as db:
                db.execute(
                    update(contacts)
                    .where(contacts.c.conversation_id == conversation_id)
                    .values(numbered_message_id=message_id)
                )

        await self._run(_set)

    # -- sent messages --------------------------------------------------------------------

    async def record_sent(self, wamid: str, conversation_id: str, message_id: Optional[int], now: datetime) -> None:
        def _record():
            try:
                with self.engine.begin() as db:
                    db.execute(
                        insert(sent).values(
                            wamid_hash=_hash(wamid),
                            conversation_id=conversation_id,
                            message_id=message_id,
                            status="accepted",
                            updated_at=now,
                        )
                    )
            except IntegrityError:
                pass

        await self._run(_record)

    async def update_status(self, wamid: str, status: str, now: datetime) -> Optional[SentMessage]:
        """Store a status update of a message we sent; None for ids we do not know."""

        def _update():
            with self.engine.begin() as db:
                row = db.execute(select(sent).where(sent.c.wamid_hash == _hash(wamid))).first()
                if row is None:
                    return None
                # Meta does not promise order: a late "sent" never overwrites "read" or "failed".
                rank = {"accepted": 0, "sent": 1, "delivered": 2, "read": 3, "failed": 4}
                if rank.get(status, 1) >= rank.get(row.status, 0):
                    db.execute(
                        update(sent)
                        .where(sent.c.wamid_hash == row.wamid_hash)
                        .values(status=status[:16], updated_at=now)
                    )
            return SentMessage(row.conversation_id, row.message_id, status)

        return await self._run(_update)

    async def sent_message(self, wamid: str) -> Optional[SentMessage]:
        """The message we sent with this id (a user's reaction names it); None if unknown."""

        def _read():
            with self.engine.connect() as db:
                row = db.execute(select(sent).where(sent.c.wamid_hash == _hash(wamid))).first()
            return SentMessage(row.conversation_id, row.message_id, row.status) if row else None

        return await self._run(_read)

    async def sent_ok(self, conversation_id: str, message_ids: Iterable[int]) -> Set[int]:
        """Of these messages, the ones WhatsApp took without a failure (not to be sent again)."""
        ids = list(message_ids)

        def _ok():
            if not ids:
                return set()
            with self.engine.connect() as db:
                rows = db.execute(
                    select(sent.c.message_id, sent.c.status).where(
                        sent.c.conversation_id == conversation_id, sent.c.message_id.in_(ids)
                    )
                ).all()
            failed = {r.message_id for r in rows if r.status == "failed"}
            return {r.message_id for r in rows} - failed

        return await self._run(_ok)
