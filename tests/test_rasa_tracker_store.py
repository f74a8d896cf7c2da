"""The tracker store that reads only new events (rasa_server/tracker_store.py) gives Rasa the
same conversation as Rasa's own SQL store, also when another server wrote to it, when
"vergeet mij" deleted it, or when a new session started; and it really reads only new rows."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from rasa_server.tracker_store import CachingSQLTrackerStore

ROOT = Path(__file__).resolve().parent.parent
DOMAIN = Domain.load(str(ROOT / "domain"))


def run(coroutine):
    return asyncio.run(coroutine)


def turn(text: str, place: str):
    # made when the turn happens: Rasa finds the session by timestamps
    return lambda: [
        UserUttered(text, {"name": "inform", "confidence": 0.97}, [{"entity": "location", "value": place}]),
        SlotSet("location", place),
        ActionExecuted("action_respond_to_facts"),
        BotUttered(f"Je woont in {place}.", {"buttons": None}),
        ActionExecuted("action_listen"),
    ]


def save_turns(store, sender: str, *turns: list) -> None:
    """What Rasa does each turn: read the tracker, add the turn's events, save."""
    for events in turns:
        tracker = run(store.retrieve(sender))
        if tracker is None:
            tracker = DialogueStateTracker(sender, DOMAIN.slots)
            tracker.update(ActionExecuted("action_session_start"))
            tracker.update(SessionStarted())
            tracker.update(ActionExecuted("action_listen"))
        for event in events():
            tracker.update(event)
        run(store.save(tracker))


def state(tracker: DialogueStateTracker) -> dict:
    return tracker.current_state(EventVerbosity.ALL)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'tracker.db'}"


def test_same_conversation_as_rasas_own_store(url):
    ours = CachingSQLTrackerStore(domain=DOMAIN, host=url)
    save_turns(ours, "anna", turn("ik woon in Tilburg", "Tilburg"), turn("nee, Breda", "Breda"))
    rasa = SQLTrackerStore(domain=DOMAIN, host=url)
    assert state(run(ours.retrieve("anna"))) == state(run(rasa.retrieve("anna")))
    assert run(ours.retrieve("anna")).get_slot("location") == "Breda"
    assert run(ours.retrieve("nobody")) is None


def test_reads_only_the_rows_it_has_not_read(url, monkeypatch):
    store = CachingSQLTrackerStore(domain=DOMAIN, host=url)
    save_turns(store, "anna", turn("ik woon in Tilburg", "Tilburg"))
    read = []
    original = Event.from_parameters

    def counting(parameters, *args, **kwargs):
        read.append(parameters.get("event"))
        return original(parameters, *args, **kwargs)

    monkeypatch.setattr(Event, "from_parameters", staticmethod(counting))
    save_turns(store, "anna", turn("ik woon in Breda", "Breda"))  # read the first turn whole
    assert read[0] == "session_started" and len(read) > 5
    read.clear()
    tracker = run(store.retrieve("anna"))
    assert read == ["user", "slot", "action", "bot", "action"]  # the new turn only
    assert tracker.get_slot("location") == "Breda"
    assert len(tracker.events) == len(run(SQLTrackerStore(domain=DOMAIN, host=url).retrieve("anna")).events)


def test_rows_another_server_wrote_are_read(url):
    one, two = (CachingSQLTrackerStore(domain=DOMAIN, host=url) for _ in range(2))
    save_turns(one, "anna", turn("ik woon in Tilburg", "Tilburg"))
    save_turns(two, "anna", turn("nee, ik woon in Emmen", "Emmen"))  # the next turn, elsewhere
    tracker = run(one.retrieve("anna"))
    assert tracker.get_slot("location") == "Emmen"
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == [
        "ik woon in Tilburg",
        "nee, ik woon in Emmen",
    ]


def test_a_forgotten_conversation_stays_forgotten(url, tmp_path):
    store = CachingSQLTrackerStore(domain=DOMAIN, host=url)
    save_turns(store, "anna", turn("ik woon in Tilburg", "Tilburg"))
    with sqlite3.connect(tmp_path / "tracker.db") as db:  # as bot/privacy/tracker.py does
        db.execute("DELETE FROM events WHERE sender_id = ?", ("anna",))
    assert run(store.retrieve("anna")) is None
    save_turns(store, "anna", turn("hoi, ik woon in Assen", "Assen"))
    tracker = run(store.retrieve("anna"))
    assert [e.text for e in tracker.events if isinstance(e, UserUttered)] == ["hoi, ik woon in Assen"]


def test_a_new_session_starts_clean(url):
    store = CachingSQLTrackerStore(domain=DOMAIN, host=url)
    save_turns(store, "anna", turn("ik woon in Tilburg", "Tilburg"))
    time.sleep(0.01)  # Rasa finds the session start by its timestamp
    tracker = run(store.retrieve("anna"))
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(),
        SlotSet("location", "Tilburg"),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    run(store.save(tracker))
    ours = run(store.retrieve("anna"))
    assert state(ours) == state(run(SQLTrackerStore(domain=DOMAIN, host=url).retrieve("anna")))
    assert not [e for e in ours.events if isinstance(e, UserUttered)]
    assert ours.get_slot("location") == "Tilburg"


def test_keeps_at_most_the_conversations_it_may(url):
    store = CachingSQLTrackerStore(domain=DOMAIN, host=url, cached_conversations=2)
    for sender in ("a", "b", "c"):
        save_turns(store, sender, turn("ik woon in Tilburg", "Tilburg"))
        run(store.retrieve(sender))
    assert list(store._known) == ["b", "c"]
