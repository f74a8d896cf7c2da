"""What a turn meant, for the regions' insights: json_message {"type": "insight", "events":
[{"kind", "key", "label"}], "missed": text}. The gateway stores it with the conversation and
says nothing to the user (bot/usage.py); other channels ignore an unknown json_message.

Only canonical values are sent (intent names, theme ids, place names, level ids, scheme ids,
module ids), never the user's own words, except the text of a turn the NLU did not understand
(nlu_fallback, out_of_scope): an operator labels it with the right intent, which becomes
training data.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import knowledge
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from . import profile as p
from .kb import load_rules, named_schemes
from .profile import UNKNOWN
from knowledge.vocabulary import INTENT_LABELS

MISSED_INTENTS = ("nlu_fallback", "out_of_scope")
# The facts of a profile that are counted: slot -> kind of event.
COUNTED_FACTS = {"theme": "theme", "location": "place", "education_level": "level"}


def event(kind: Text, key: Any, label: Optional[Text] = None) -> Dict[str, Any]:
    return {"kind": kind, "key": str(key), "label": label}


def record(dispatcher: CollectingDispatcher, events: List[Dict[str, Any]], missed: Optional[Text] = None) -> None:
    if events or missed:
        message: Dict[str, Any] = {"type": "insight", "events": events}
        if missed:
            message["missed"] = missed
        dispatcher.utter_message(json_message=message)


def record_modules(dispatcher: CollectingDispatcher, kind: Text, modules) -> None:
    """Modules shown as a page of cards ("module_shown"), opened ("module_details") or whose
    sign-up steps were asked ("signup")."""
    record(dispatcher, [event(kind, m.module_id, m.title) for m in modules])


def record_turn(dispatcher: CollectingDispatcher, tracker: Tracker, slot_events: List[Dict[str, Any]]) -> None:
    """The user's turn: its intent, the facts it gave (as validated), the schemes it named;
    the text when the NLU did not understand it (and then no facts: they are guesses). Called by action_validate_slot_mappings,
    which runs after every user message."""
    message = tracker.latest_message or {}
    parsed = message.get("intent") or {}
    intent = parsed.get("name")
    if not intent:
        return
    text = message.get("text") or ""
    asked = parsed.get("full_retrieval_intent_name") or intent  # "faq/evc", not only "faq"
    found = [event("intent", asked, INTENT_LABELS.get(asked))]
    missed = text if intent in MISSED_INTENTS and text and not text.startswith("/") else None
    for slot_event in [] if missed else slot_events:  # "de bus naar hengelo" is no topic
        kind = COUNTED_FACTS.get(slot_event.get("name")) if slot_event.get("event") == "slot" else None
        value = slot_event.get("value")
        if kind and value not in (None, UNKNOWN, ""):
            found.append(event(kind, value, fact_label(slot_event["name"], value)))
    if not text.startswith("/"):
        names = {rule.id: rule.name for rule in load_rules()}
        found += [event("scheme", scheme, names.get(scheme)) for scheme in named_schemes(text)]
    record(dispatcher, found, missed)


def fact_label(slot: Text, value: Any) -> Text:
    if slot == "theme":
        return p.THEME_LABELS.get(value, str(value))
    if slot == "education_level":
        return knowledge.level_label(value)
    return str(value)
