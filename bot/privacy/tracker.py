"""Rasa's SQL tracker store, seen from the gateway: delete a conversation's events.

Rasa keeps every event of a conversation in the table `events` (rasa/core/tracker_store.py,
SQLTrackerStore), keyed by `sender_id`, which is the gateway's conversation id. Rasa's HTTP
API cannot delete a tracker (replacing its events appends to the SQL store), so the gateway
deletes the rows itself, after Rasa has answered (Rasa saves the tracker before it answers).
The next message of that conversation starts a fresh tracker.
"""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Optional

from sqlalchemy import bindparam, inspect, text
from sqlalchemy.engine import Engine, make_url

from bot.privacy.settings import ROOT
from database import engines

log = logging.getLogger(__name__)

DELETE_SENDERS = text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True))
IDLE_SENDERS = "SELECT sender_id FROM events GROUP BY sender_id HAVING MAX(timestamp) < :before"


class TrackerStoreMissing(Exception):
    """TRACKER_STORE_URL points at no database with Rasa's `events` table."""


class RasaTrackerStore:
    def __init__(self, url: str):
        self.url = url
        self._engine: Optional[Engine] = None

    def _connect(self) -> Optional[Engine]:
        """The engine, or None while there is no tracker database (Rasa never ran)."""
        if self._engine is not None:
            return self._engine
        url = make_url(self.url)
        if url.get_backend_name() == "sqlite":
            if not url.database:
                return None
            path = Path(url.database)
            if not path.is_absolute():  # Rasa runs in the repository root (scripts/stack.py)
                path = ROOT / path
            if not path.exists():
                return None  # do not create an empty database next to Rasa's
            url = url.set(database=str(path))
        # Rasa writes to it at the same time: our transactions read before they delete
        engine = engines.engine(url.render_as_string(hide_password=False), writes=True)
        if not inspect(engine).has_table("events"):
            engine.dispose()
            return None
        self._engine = engine
        return engine

    def delete(self, sender_ids: Iterable[str]) -> int:
        """Delete every event of these conversations; the number of events deleted. Raises
        TrackerStoreMissing when there is no tracker store to delete from: then the events
        may well be elsewhere (another TRACKER_STORE_URL than Rasa's), so nobody may be told
        they are gone."""
        ids = list(sender_ids)
        if not ids:
            return 0
        engine = self._connect()
        if engine is None:
            raise TrackerStoreMissing(
                f"no Rasa tracker store (table events) at {make_url(self.url).render_as_string(hide_password=True)}"
            )
        with engine.begin() as db:
            return db.execute(DELETE_SENDERS, {"ids": ids}).rowcount

    def delete_idle(self, before: datetime) -> int:
        """Delete conversations whose last event is older than `before`; how many."""
        engine = self._connect()
        if engine is None:
            log.warning(
                "no Rasa tracker store at %s: no idle trackers deleted (is "
                "TRACKER_STORE_URL the same as in Rasa's endpoints.yml?)",
                make_url(self.url).render_as_string(hide_password=True),
            )
            return 0
        cutoff = before.replace(tzinfo=before.tzinfo or timezone.utc).timestamp()
        with engine.begin() as db:
            ids = [row[0] for row in db.execute(text(IDLE_SENDERS), {"before": cutoff})]
            for start in range(0, len(ids), 500):
                db.execute(DELETE_SENDERS, {"ids": ids[start : start + 500]})
        return len(ids)

    def events(self, sender_id: str) -> int:
        """How many events Rasa keeps for a conversation (for checks and tests)."""
        engine = self._connect()
        if engine is None:
            return 0
        with engine.connect() as db:
            return db.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :id"), {"id": sender_id}).scalar()

    def close(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None
