"""Run the advice actions directly, against a real knowledge database (SQLite in a temp
dir), with rasa_sdk Tracker objects as Rasa would send them, and collect what the user
would see."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, Dict, List, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def knowledge_db(tmp_path_factory):
    """A fresh knowledge database with the sample catalogue, used by the actions."""
    from actions import kb

    url = f"sqlite:///{tmp_path_factory.mktemp('knowledge') / 'leerwijzer.db'}"
    kb.use_database(url)
    return url


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    """The real domain (domain/*.yml) as the action server receives it."""
    from rasa.shared.core.domain import Domain

    return Domain.load(str(ROOT / "domain")).as_dict()


def make_tracker(
    slots: Optional[Dict[str, Any]] = None,
    *,
    text: str = "",
    intent: str = "inform",
    entities: Optional[List[Dict]] = None,
    metadata: Optional[Dict] = None,
    active_loop: Optional[str] = None,
    candidates: Optional[Dict[str, Any]] = None,
    history: Optional[List[Dict]] = None,
) -> Tracker:
    """A tracker whose latest user message is `text` / `intent` / `entities`.

    candidates: slot values just extracted (SlotSet events at the end, as the form sends
    them to its validation action)."""
    slots = dict(slots or {})
    slots.update(candidates or {})
    entity_dicts = [
        e if "entity" in e else {"entity": k, "value": v}
        for e in (entities or [])
        for k, v in (e.items() if "entity" not in e else [(0, 0)])
    ]
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": entity_dicts,
        "metadata": metadata or {},
    }
    events = list(history or [])
    events.append({"event": "user", "text": text, "parse_data": latest, "metadata": metadata or {}})
    if active_loop:
        events.append({"event": "action", "name": active_loop})
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
    return Tracker(
        "test-user", slots, latest, events, False, None, {"name": active_loop} if active_loop else {}, "action_listen"
    )


def run_action(action, tracker: Tracker, domain: Optional[Dict] = None):
    """Run an action; returns (messages, events). messages are dicts with text, buttons,
    custom (the json_message)."""
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return dispatcher.messages, events


def texts(messages: List[Dict]) -> str:
    return "\n".join(m["text"] for m in messages if m.get("text"))


def slot_events(events: List[Dict]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


def customs(messages: List[Dict], kind: str) -> List[Dict]:
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]
