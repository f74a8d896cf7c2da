"""Turn Rasa's REST responses into gateway messages and requests to the gateway.

What the bot sends (actions/ and domain/): text + buttons; json_message
{"type": "module_cards", "text", "replaces_text", "cards": [...]} for course cards
(the plain-text list the bot sent just before, equal to replaces_text, is dropped: cards
show the same modules); json_message
{"type": "handoff", ...} asks the gateway to hand the conversation to an advisor;
json_message {"type": "rateable", "topic"} after an answer with substance (funding, an FAQ
answer) lets the user rate that answer (module cards are rateable by themselves);
json_message {"type": "insight", ...} says what the turn meant (bot/usage.py).
Only known fields pass, as plain strings, so channels never render unexpected data.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

log = logging.getLogger(__name__)

# Requests that say nothing to the user (a turn of only these is a turn without an answer).
QUIET_REQUESTS = ("insight",)  # what the turn meant, for the insights (bot/usage.py)
# The topic of a message with module cards; longest topic kept (bot/feedback.py).
MODULES_TOPIC = "modules"
TOPIC_CHARS = 80

CARD_TEXT_FIELDS = (
    "module_id",
    "title",
    "provider",
    "level",
    "format",
    "location",
    "duration",
    "study_load",
    "price",
    "next_start",
    "why",
    "url",
)


@dataclass
class Outgoing:
    """A message for the user, before it is stored."""

    sender: str = "bot"
    text: Optional[str] = None
    buttons: List[dict] = field(default_factory=list)
    cards: List[dict] = field(default_factory=list)
    feedback_topic: Optional[str] = None  # the user may rate it (bot/feedback.py)


@dataclass
class BotRequest:
    """Something the bot asks of the gateway rather than of the user (e.g. handoff)."""

    type: str
    data: dict


def clean_buttons(buttons) -> List[dict]:
    cleaned = []
    for button in buttons or []:
        if isinstance(button, dict) and button.get("title") and button.get("payload"):
            cleaned.append({"title": str(button["title"]), "payload": str(button["payload"])})
    return cleaned


def clean_card(card: dict) -> Optional[dict]:
    if not isinstance(card, dict) or not card.get("title"):
        return None
    cleaned = {key: str(card[key]) for key in CARD_TEXT_FIELDS if card.get(key) not in (None, "")}
    url = cleaned.get("url", "")
    if url and not url.startswith(("https://", "http://")):
        del cleaned["url"]
    cleaned["sample"] = bool(card.get("sample", False))
    cleaned["buttons"] = clean_buttons(card.get("buttons"))
    return cleaned


def from_rasa(responses: List[dict]) -> Tuple[List[Outgoing], List[BotRequest]]:
    outgoing: List[Outgoing] = []
    requests: List[BotRequest] = []
    for response in responses:
        custom = response.get("custom")
        if isinstance(custom, dict):
            kind = custom.get("type")
            if kind == "module_cards":
                cards = [c for c in map(clean_card, custom.get("cards") or []) if c]
                text = custom.get("text") if isinstance(custom.get("text"), str) else None
                replaces = custom.get("replaces_text")
                if (
                    cards
                    and outgoing
                    and isinstance(replaces, str)
                    and outgoing[-1].text == replaces
                    and not outgoing[-1].buttons
                ):
                    outgoing.pop()  # the plain-text list of these cards: shown once, as cards
                if cards or text:
                    outgoing.append(
                        Outgoing(
                            text=text,
                            cards=cards,
                            buttons=clean_buttons(custom.get("buttons")),
                            feedback_topic=MODULES_TOPIC if cards else None,
                        )
                    )
            elif kind == "rateable":  # the answer just sent may get thumbs up/down
                topic = custom.get("topic")
                if outgoing and outgoing[-1].sender == "bot" and isinstance(topic, str) and topic.strip():
                    outgoing[-1].feedback_topic = topic.strip()[:TOPIC_CHARS]
            elif kind:
                requests.append(BotRequest(type=str(kind), data=custom))
            continue
        text = response.get("text")
        buttons = clean_buttons(response.get("buttons"))
        if isinstance(text, str) and text.strip() or buttons:
            outgoing.append(Outgoing(text=text if isinstance(text, str) else None, buttons=buttons))
        elif response.get("image") or response.get("attachment"):
            log.info("skipping a Rasa response with an image/attachment: no channel shows them yet")
    return outgoing, requests
