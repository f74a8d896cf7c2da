"""Typed button titles: a user who types the title of a button of the last message they got
("Terugbelverzoek", "meer opties") means what a click on that button means.

`Conversations.receive` asks `chooser(text)` for every message without a payload; the store
calls the chooser with the conversation's last reply in the transaction that stores the user's
message, so the lookup costs no extra database round trip.
"""

from __future__ import annotations

import unicodedata
from typing import Callable, Optional

from bot.store import Message

# Button titles are short; a longer message is never read as one (and costs no lookup).
MAX_TITLE_CHARS = 80


def _is_edge(char: str) -> bool:
    """Punctuation (quotes included) and spaces around a typed title do not count."""
    return char.isspace() or unicodedata.category(char).startswith("P")


def normalise(text: str) -> str:
    """Lowercase, whitespace folded, punctuation and quotes around it stripped:
    '  "Meer   Opties!" ' -> 'meer opties'."""
    folded = " ".join((text or "").casefold().split())
    start, end = 0, len(folded)
    while start < end and _is_edge(folded[start]):
        start += 1
    while end > start and _is_edge(folded[end - 1]):
        end -= 1
    return folded[start:end]


def typed_choice(text: str, reply: Optional[Message]) -> Optional[str]:
    """The payload of the reply's button whose title the user typed; None when there is no such
    button, or when two buttons with that title send different payloads."""
    typed = normalise(text)
    if reply is None or not typed:
        return None
    payloads = {
        button["payload"]
        for button in reply.buttons
        if normalise(button.get("title", "")) == typed and button.get("payload")
    }
    return payloads.pop() if len(payloads) == 1 else None


def chooser(text: str) -> Optional[Callable[[Optional[Message]], Optional[str]]]:
    """What the store calls with the conversation's last reply (the newest message that is not
    the user's), or None when the text cannot be a button title."""
    if not 0 < len(normalise(text)) <= MAX_TITLE_CHARS:
        return None
    return lambda reply: typed_choice(text, reply)
