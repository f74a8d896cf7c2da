"""Delete conversations everywhere the gateway and Rasa keep them.

One conversation lives in: Rasa's tracker store (events), the handoff record (cases, notes,
callback details: bot/handoff), the WhatsApp contact (the phone number), inbox rows and
sent-message ids, and the gateway's history (gw_messages, gw_conversations). `Forgetter`
deletes all of them; the order is chosen so that a failure half-way can simply be retried:
Rasa's tracker first, then the handoff record, then the gateway's rows in one transaction,
the conversation row last.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from sqlalchemy import delete, select

from bot.channels.whatsapp.tables import inbox as whatsapp_inbox
from bot.privacy.tracker import RasaTrackerStore, TrackerStoreMissing
from bot.store import Store, conversations, messages
from database.tables import metadata

log = logging.getLogger(__name__)

try:  # the handoff store deletes its own rows (cases with notes and callback details)
    from bot.handoff.cases import CaseStore
except ImportError:  # pragma: no cover - only while the handoff work is not there
    CaseStore = None


@dataclass
class Forgotten:
    """What was deleted."""

    conversations: int = 0
    messages: int = 0
    handoffs: int = 0
    other_rows: int = 0  # WhatsApp contact, inbox and sent-message ids, ...
    tracker_events: int = 0

    def add(self, other: "Forgotten") -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _rows_of_a_conversation():
    """Tables (other than messages) with a conversation_id, dependents first."""
    return [
        table for table in reversed(metadata.sorted_tables) if "conversation_id" in table.c and table is not messages
    ]


class Forgetter:
    def __init__(self, store: Store, tracker: RasaTrackerStore):
        self.store = store
        self.tracker = tracker

    async def conversation(
        self, conversation_id: str, keep_conversation: bool = False, tracker_required: bool = True
    ) -> Forgotten:
        """Delete one conversation; raises if a store cannot be reached (TrackerStoreMissing
        when there is no Rasa tracker store at TRACKER_STORE_URL, unless not
        `tracker_required`: retention deletes idle trackers on its own). With
        `keep_conversation`, the conversation goes on: its row stays, without messages."""
        gone = Forgotten()
        try:
            gone.tracker_events = await asyncio.to_thread(self.tracker.delete, [conversation_id])
        except TrackerStoreMissing:
            if tracker_required:
                raise
        if CaseStore is not None:
            gone.handoffs = await CaseStore(self.store).delete_for_conversation(conversation_id)
        gone.add(await asyncio.to_thread(self._delete_rows, conversation_id, keep_conversation))
        log.info("conversation %s forgotten: %s", conversation_id, gone)
        return gone

    def _delete_rows(self, conversation_id: str, keep_conversation: bool) -> Forgotten:
        gone = Forgotten()
        with self.store.engine.begin() as db:
            external_id = db.execute(
                select(conversations.c.external_id).where(conversations.c.id == conversation_id)
            ).scalar()
            if external_id is not None:  # WhatsApp: the inbox knows the user by the pseudonym
                gone.other_rows += db.execute(
                    delete(whatsapp_inbox).where(whatsapp_inbox.c.user_key == external_id)
                ).rowcount
            for table in _rows_of_a_conversation():
                gone.other_rows += db.execute(delete(table).where(table.c.conversation_id == conversation_id)).rowcount
            gone.messages = db.execute(delete(messages).where(messages.c.conversation_id == conversation_id)).rowcount
            if not keep_conversation:
                gone.conversations = db.execute(
                    delete(conversations).where(conversations.c.id == conversation_id)
                ).rowcount
        return gone
