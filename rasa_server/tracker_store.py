"""Rasa's SQL tracker store, reading only the events it has not read before.

Each turn Rasa reads the whole conversation (all events since the session started) from the
tracker store and rebuilds it. Rasa's SQLTrackerStore does that from the database every time:
it fetches every row, parses its JSON and makes an Event object of it, so a turn costs more the
longer the conversation is (benchmarks/README.md, "Per-turn cost": with py-spy, reading the
tracker was a quarter of the Rasa server's CPU in long conversations).

CachingSQLTrackerStore keeps, per conversation, the events it read last time (with their row
ids) and asks the database only which rows the current session has; it fetches and parses only
the rows it does not know. The database stays the one truth:
- rows written by another Rasa instance (scale-out) are new ids, fetched as usual;
- rows deleted ("vergeet mij", bot/privacy/tracker.py), a new session, or anything else that makes
  the ids differ from what is kept: the conversation is read whole again, as Rasa does;
- writing (save) is Rasa's own.
At most `cached_conversations` conversations are kept (least recently used leave first).

Named in endpoints.yml (type: rasa_server.tracker_store.CachingSQLTrackerStore, with the
same url as Rasa's SQL store); it logs ACTIVE_MESSAGE when Rasa creates it.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from typing import Any, List, Optional, Text, Tuple

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger(__name__)
ACTIVE_MESSAGE = "tracker store: SQL, reading only new events"


class CachingSQLTrackerStore(SQLTrackerStore):
    def __init__(self, *args: Any, cached_conversations: int = 1000, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.cached_conversations = int(cached_conversations)
        # sender_id -> (row ids, the events made from those rows), oldest use first
        self._known: "OrderedDict[Text, Tuple[List[int], List[Event]]]" = OrderedDict()
        log.info(ACTIVE_MESSAGE)

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        """The tracker of the conversation's latest session, as SQLTrackerStore.retrieve."""
        with self.session_scope() as session:
            query = self._event_query(session, sender_id, fetch_events_from_all_sessions=False)
            ids = [row_id for (row_id,) in query.with_entities(self.SQLEvent.id)]
            kept_ids, kept_events = self._known.pop(sender_id, ([], []))
            if not kept_ids or ids[: len(kept_ids)] != kept_ids:
                kept_ids, kept_events = [], []  # changed under us, or new here: read it whole
            new_rows = []
            if len(ids) > len(kept_ids):
                rows = query.with_entities(self.SQLEvent.id, self.SQLEvent.data)
                if kept_ids:
                    rows = rows.filter(self.SQLEvent.id > kept_ids[-1])
                new_rows = rows.all()
        if not ids or not self.domain:
            return None
        events = list(kept_events)
        row_ids = list(kept_ids)
        for row_id, data in new_rows:
            event = Event.from_parameters(json.loads(data))
            if event is None:  # Rasa's own store skips what it cannot read, too
                log.warning("tracker store: event %s of a conversation could not be read", row_id)
                continue
            events.append(event)
            row_ids.append(row_id)
        if len(row_ids) == len(ids):  # every row is an event: keep them for the next turn
            self._known[sender_id] = (row_ids, events)
            while len(self._known) > self.cached_conversations:
                self._known.popitem(last=False)
        return DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
