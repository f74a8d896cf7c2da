"""Conversations and their messages, stored with SQLAlchemy 1.4 (SQLite or PostgreSQL).

The gateway's own tables carry the `gw_` prefix, so they can live in the same database
as knowledge/. SQLAlchemy is synchronous here; every call runs in a small thread pool so
the event loop stays free.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Callable, List, Optional, Sequence, Tuple

from sqlalchemy import (
    JSON,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from bot.privacy import mask_for_storage
from database import engines, migrate
from database.metadata import metadata
from database.types import UTCDateTime, utcnow
from bot.timing import spent

log = logging.getLogger(__name__)

MODES = ("bot", "waiting", "advisor")
# When the database is briefly away (restart, failover, lost connection, SQLite lock):
# wait this long and try again; after the last pause the error goes up (HTTP 503).
RETRY_PAUSES = (0.2, 0.5, 1.0)
SENDERS = ("user", "bot", "advisor", "system")


conversations = Table(
    "gw_conversations",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant", String(32), nullable=False),
    Column("channel", String(16), nullable=False),  # web | whatsapp
    Column("mode", String(16), nullable=False, default="bot"),  # see MODES
    # The conversation's language (locales.languages(); bot/language.py chooses it).
    Column("language", String(8), nullable=False, server_default="nl"),
    # The user's address on an external channel (e.g. WhatsApp number); None on web.
    Column("external_id", String(128), nullable=True, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
)

messages = Table(
    "gw_messages",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("conversation_id", String(64), ForeignKey("gw_conversations.id"), nullable=False),
    Column("sender", String(16), nullable=False),  # see SENDERS
    Column("text", Text, nullable=True),
    # {"buttons": [...], "cards": [...], "payload": "/intent{...}"} as far as present
    Column("data", JSON, nullable=False, default=dict),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_gw_messages_conversation", "conversation_id", "id"),
)


# The statements of every turn, built once: SQLAlchemy then reuses their cache keys and
# compiled SQL instead of building and hashing a new statement per call (load bench: a
# quarter of the gateway's CPU time per turn went into building statements).
INSERT_MESSAGE = insert(messages)
TOUCH_CONVERSATION = (
    update(conversations).where(conversations.c.id == bindparam("conversation_id")).values(updated_at=bindparam("now"))
)
GET_CONVERSATION = select(conversations).where(conversations.c.id == bindparam("conversation_id"))
LIST_MESSAGES = (
    select(messages)
    .where(messages.c.conversation_id == bindparam("conversation_id"), messages.c.id > bindparam("after_id"))
    .order_by(messages.c.id)
)
# Has the user said anything yet? (The first message may set the language: bot/language.py.)
USER_SPOKE = (
    select(messages.c.id)
    .where(messages.c.conversation_id == bindparam("conversation_id"), messages.c.sender == "user")
    .limit(1)
)
SET_LANGUAGE = (
    update(conversations)
    .where(conversations.c.id == bindparam("conversation_id"))
    .values(language=bindparam("language"))
)
# The newest message that is not the user's: what the user answers (bot/choices.py).
LAST_REPLY = (
    select(messages)
    .where(messages.c.conversation_id == bindparam("conversation_id"), messages.c.sender != "user")
    .order_by(messages.c.id.desc())
    .limit(1)
)


def new_conversation_id() -> str:
    """192 random bits, URL-safe: the id is the user's only key to the conversation."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Conversation:
    id: str
    tenant: str
    channel: str
    mode: str
    external_id: Optional[str]
    created_at: datetime
    updated_at: datetime
    language: str = "nl"


@dataclass(frozen=True)
class Message:
    id: int
    conversation_id: str
    sender: str
    text: Optional[str]
    created_at: datetime
    buttons: List[dict] = field(default_factory=list)
    cards: List[dict] = field(default_factory=list)
    payload: Optional[str] = None  # what a user's button click sent to the bot
    # A bot answer with substance (modules, funding, an FAQ answer) the user may rate: its
    # topic ("modules", "funding", "faq/<key>"; bot/feedback.py). None: no thumbs.
    feedback_topic: Optional[str] = None
    # What the user typed, before masking: in memory only (never stored or sent), for the
    # gateway's own questions such as a callback request's phone number (bot/handoff).
    typed: Optional[str] = field(default=None, repr=False, compare=False)

    def to_api(self) -> dict:
        return {
            "id": self.id,
            "sender": self.sender,
            "text": self.text,
            "buttons": list(self.buttons),
            "cards": list(self.cards),
            "created_at": self.created_at.isoformat().replace("+00:00", "Z"),
            "rateable": self.feedback_topic is not None,
        }


def _conversation(row) -> Conversation:
    return Conversation(
        id=row.id,
        tenant=row.tenant,
        channel=row.channel,
        mode=row.mode,
        external_id=row.external_id,
        created_at=row.created_at,
        updated_at=row.updated_at,
        language=row.language or "nl",
    )


def _message(row) -> Message:
    data = row.data or {}
    return Message(
        id=row.id,
        conversation_id=row.conversation_id,
        sender=row.sender,
        text=row.text,
        created_at=row.created_at,
        buttons=data.get("buttons", []),
        cards=data.get("cards", []),
        payload=data.get("payload"),
        feedback_topic=data.get("feedback"),
    )


def _draft(
    sender: str,
    text: Optional[str] = None,
    buttons: Sequence[dict] = (),
    cards: Sequence[dict] = (),
    payload: Optional[str] = None,
    feedback_topic: Optional[str] = None,
):
    """A message's column values (user text masked) and what the user typed (memory only)."""
    if sender not in SENDERS:
        raise ValueError(f"unknown sender {sender!r}")
    typed = text if sender == "user" else None
    if sender == "user" and text is not None:
        text = mask_for_storage(text)
    if sender == "user" and payload:
        payload = mask_for_storage(payload)
    data = {}
    if buttons:
        data["buttons"] = list(buttons)
    if cards:
        data["cards"] = list(cards)
    if payload:
        data["payload"] = payload
    if feedback_topic and sender == "bot":
        data["feedback"] = feedback_topic
    return dict(sender=sender, text=text, data=data), typed


def _insert_messages(db, conversation_id: str, drafts) -> List[Message]:
    now = utcnow()
    stored = []
    for values, typed in drafts:
        result = db.execute(INSERT_MESSAGE, dict(conversation_id=conversation_id, created_at=now, **values))
        data = values["data"]
        stored.append(
            Message(
                id=result.inserted_primary_key[0],
                conversation_id=conversation_id,
                sender=values["sender"],
                text=values["text"],
                created_at=now,
                buttons=data.get("buttons", []),
                cards=data.get("cards", []),
                payload=data.get("payload"),
                feedback_topic=data.get("feedback"),
                typed=typed,
            )
        )
    db.execute(TOUCH_CONVERSATION, {"conversation_id": conversation_id, "now": now})
    return stored


class Store:
    """Async facade over synchronous SQLAlchemy; each public method is one transaction."""

    def __init__(self, url: str, threads: int = 4):
        self.url = url
        self.engine: Optional[Engine] = None
        if engines.is_sqlite(url):
            # SQLite has one writer at a time: more threads only wait for its lock, and its
            # busy handler sleeps up to 100 ms per try (load bench, 20 users: 180 ms of
            # database time per turn with 4 threads). One thread queues them without sleeps.
            threads = 1
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="gw-db")

    async def in_db_thread(self, fn, *args, **kwargs):
        """Run `fn` (one transaction) on this store's database thread(s), without retries."""
        started = time.perf_counter()
        try:
            return await asyncio.get_running_loop().run_in_executor(self._executor, partial(fn, *args, **kwargs))
        finally:  # a request's time spent on the database (bot/timing.py)
            spent("db", time.perf_counter() - started)

    async def _run(self, fn, *args, **kwargs):
        for pause in (*RETRY_PAUSES, None):
            try:
                return await self.in_db_thread(fn, *args, **kwargs)
            except (OperationalError, InterfaceError) as error:  # each call is one transaction
                if pause is None:
                    raise
                log.warning("database unavailable (%s); retrying in %.1f s", type(error.orig or error).__name__, pause)
                await asyncio.sleep(pause)

    async def open(self) -> None:
        def _open():
            self.engine = engines.engine(self.url, writes=True)
            migrate.upgrade(self.engine)  # every table of database/tables.py, up to date

        await self._run(_open)

    async def close(self) -> None:
        if self.engine is not None:
            await self._run(self.engine.dispose)
        self._executor.shutdown(wait=True)

    async def ping(self) -> bool:
        def _ping():
            with self.engine.connect() as db:
                return db.execute(select(1)).scalar() == 1

        return await self._run(_ping)

    # -- conversations ----------------------------------------------------------------

    async def create_conversation(
        self, tenant: str, channel: str, external_id: Optional[str] = None, language: str = "nl"
    ) -> Conversation:
        def _create():
            now = utcnow()
            values = dict(
                id=new_conversation_id(),
                tenant=tenant,
                channel=channel,
                mode="bot",
                language=language,
                external_id=external_id,
                created_at=now,
                updated_at=now,
            )
            with self.engine.begin() as db:
                db.execute(insert(conversations).values(**values))
            return Conversation(**{**values, "created_at": now, "updated_at": now})

        return await self._run(_create)

    async def get_conversation(self, conversation_id: str) -> Optional[Conversation]:
        def _get():
            with self.engine.connect() as db:
                row = db.execute(GET_CONVERSATION, {"conversation_id": conversation_id}).first()
            return _conversation(row) if row else None

        return await self._run(_get)

    async def set_mode(self, conversation_id: str, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")

        def _set():
            with self.engine.begin() as db:
                db.execute(
                    update(conversations)
                    .where(conversations.c.id == conversation_id)
                    .values(mode=mode, updated_at=utcnow())
                )

        await self._run(_set)

    async def set_language(self, conversation_id: str, language: str) -> None:
        def _set():
            with self.engine.begin() as db:
                db.execute(SET_LANGUAGE, {"conversation_id": conversation_id, "language": language})

        await self._run(_set)

    # -- messages ---------------------------------------------------------------------

    async def add_message(
        self,
        conversation_id: str,
        sender: str,
        text: Optional[str] = None,
        buttons: Sequence[dict] = (),
        cards: Sequence[dict] = (),
        payload: Optional[str] = None,
    ) -> Message:
        """Store one message. The only writer of message text (user text is masked here)."""
        return (
            await self.add_messages(
                conversation_id, [dict(sender=sender, text=text, buttons=buttons, cards=cards, payload=payload)]
            )
        )[0]

    async def add_messages(self, conversation_id: str, new: Sequence[dict]) -> List[Message]:
        """Store messages of one conversation in one transaction, in this order (a bot turn's
        answers: one database round trip instead of one each). Each dict holds add_message's
        keyword arguments sender, text, buttons, cards, payload (and a bot answer's
        feedback_topic)."""
        drafts = [_draft(**item) for item in new]

        def _add():
            with self.engine.begin() as db:
                return _insert_messages(db, conversation_id, drafts)

        return await self._run(_add) if drafts else []

    async def add_user_message(
        self,
        conversation_id: str,
        text: str,
        payload: Optional[str] = None,
        choose: Optional[Callable[[Optional[Message]], Optional[str]]] = None,
        speak: Optional[Callable[[str, bool], str]] = None,
    ) -> Tuple[Message, Optional[Conversation]]:
        """Store what the user said and read the conversation as it is now (its mode decides
        who answers), in one round trip. `choose` (bot/choices.py), for a message without a
        payload, gets the conversation's last reply and may return the payload of the button
        the user typed: it is stored with the text as if the user had clicked it. `speak`
        (bot/language.py) gets the conversation's language and whether this is the user's
        first message, and returns the language from now on (stored when it changed)."""
        as_sent = _draft("user", text, payload=payload)

        def _add():
            with self.engine.begin() as db:
                chosen = None
                if choose is not None and payload is None:
                    row = db.execute(LAST_REPLY, {"conversation_id": conversation_id}).first()
                    chosen = choose(_message(row) if row else None)
                if speak is not None:
                    row = db.execute(GET_CONVERSATION, {"conversation_id": conversation_id}).first()
                    if row is not None:
                        first = db.execute(USER_SPOKE, {"conversation_id": conversation_id}).first() is None
                        language = speak(row.language or "nl", first)
                        if language != row.language:
                            db.execute(SET_LANGUAGE, {"conversation_id": conversation_id, "language": language})
                # a typed button title is stored as its click: the typed text and the payload
                draft = _draft("user", text, payload=chosen) if chosen else as_sent
                said = _insert_messages(db, conversation_id, [draft])[0]
                row = db.execute(GET_CONVERSATION, {"conversation_id": conversation_id}).first()
            return said, _conversation(row) if row else None

        return await self._run(_add)

    async def messages(self, conversation_id: str, after_id: int = 0) -> List[Message]:
        """The conversation's messages in the order they were stored."""

        def _list():
            with self.engine.connect() as db:
                rows = db.execute(LIST_MESSAGES, {"conversation_id": conversation_id, "after_id": after_id}).all()
            return [_message(row) for row in rows]

        return await self._run(_list)


class StoreFacade:
    """Base of the other parts' tables (handoff, WhatsApp) on the gateway's Store: the same
    engine and the same database thread(s), so SQLite's single writer is never contended."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def engine(self):
        return self.store.engine

    async def _run(self, fn, *args):
        return await self.store.in_db_thread(fn, *args)
