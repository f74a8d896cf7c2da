"""Find Rasa's event class for a stored event by a dictionary, not by walking all classes.

Every time Rasa reads a conversation (the tracker store, each turn) it turns each stored event
back into an object with `Event.from_parameters`, which asks `Event.resolve_by_type` for the
class. Rasa 3.6 answers that by listing all subclasses of Event, recursively, and comparing
their names (rasa/shared/core/events.py, rasa/shared/utils/common.all_subclasses): for every
event of the conversation, every turn. Profiled with py-spy during long advice conversations
(benchmarks/README.md, "Per-turn cost"), that walk was 11% of the Rasa server's CPU, and its
share grows with the length of the conversation.

This keeps the answer per type name after the first lookup. The classes are Rasa's own and are
all defined when rasa.shared.core.events is imported, so the first answer is the lasting one;
unknown names are not kept and go to Rasa's own lookup each time (which returns the default,
or None for the old "topic" events, as before).

Applied explicitly, by `apply()`, from our Rasa launcher (rasa_server/__main__.py), which logs
ACTIVE_MESSAGE; importing this module changes nothing.
"""

from __future__ import annotations

import logging
from typing import Dict, Optional, Text, Type

from rasa.shared.core.events import Event

log = logging.getLogger(__name__)
ACTIVE_MESSAGE = "event types looked up by name: active"

_rasa_lookup = Event.resolve_by_type
_by_name: Dict[Text, Type[Event]] = {}


def resolve_by_type(type_name: Text, default: Optional[Type[Event]] = None) -> Optional[Type[Event]]:
    """The same answer as Rasa's Event.resolve_by_type, remembered per type name."""
    known = _by_name.get(type_name)
    if known is not None:
        return known
    found = _rasa_lookup(type_name, default)
    if found is not None and getattr(found, "type_name", None) == type_name:
        _by_name[type_name] = found
    return found


def apply() -> None:
    """Use the remembering lookup in this process; say so in the log."""
    Event.resolve_by_type = staticmethod(resolve_by_type)
    log.info(ACTIVE_MESSAGE)
