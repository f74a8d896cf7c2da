"""Gateway messages -> WhatsApp Cloud API message bodies (without "to"/"messaging_product").

Meta's limits (messages docs, developers.facebook.com/documentation/business-messaging/whatsapp/
messages/interactive-reply-buttons-messages and .../interactive-list-messages):
- text body: at most 4096 characters;
- reply buttons: at most 3, title at most 20 characters, id at most 256, body at most 1024;
- list message: at most 10 rows in all sections, row title at most 24, row description at
  most 72, row id at most 200, the button that opens the list at most 20 characters.
So a choice becomes: reply buttons when it fits (<= 3 short titles), else a list message
(<= 10 rows; a title longer than 24 is shortened and shown whole as the row description;
module cards' buttons in one section per card),
else numbered text the user answers with a number. Button and row ids are "lw:<message id>:
<choice index>", mapped back to the stored message's payloads, never to the titles.
Module cards become compact text with a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import List, Optional, Tuple

from bot.store import Message
from locales import N_, translate

TEXT_LIMIT = 4096
BODY_LIMIT = 1024
BUTTONS_MAX, BUTTON_TITLE_MAX = 3, 20
ROWS_MAX, ROW_TITLE_MAX, ROW_DESCRIPTION_MAX = 10, 24, 72
SECTION_TITLE_MAX = 24
# Said in the conversation's language (`render(message, language)`; locales/).
LIST_BUTTON = N_("Kies een optie")  # the list's open button (<= 20 characters, in every language)
CHOOSE_TEXT = N_("Maak een keuze:")
CHOOSE_CARD_TEXT = N_("Wil je meer weten over een cursus? Kies hieronder.")
OTHER_SECTION = N_("Verder")
NUMBERED_HINT = N_("Stuur het nummer van je keuze.")
ADVISOR_PREFIX = N_("*Adviseur:* ")
SAMPLE_NOTE = N_("(voorbeeld) = proefgegevens, nog geen echt aanbod.")
SAMPLE_MARK = N_(" (voorbeeld)")
CARD_LABELS = (
    (N_("Duur"), "duration"),
    (N_("Studielast"), "study_load"),
    (N_("Prijs"), "price"),
    (N_("Start"), "next_start"),
)
WHY_LABEL = N_("Waarom")
MORE_LABEL = N_("Meer info")

CHOICE_ID = re.compile(r"^lw:(\d{1,12}):(\d{1,3})$")
NUMBER_ANSWER = re.compile(r"^\s*(?:nummer\s+|nr\.?\s*)?(\d{1,2})\s*[.)]?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Choice:
    title: str  # on a button and in numbered text (a card's number in front)
    payload: str
    label: str = ""  # in a list, under its card's heading: the title without the number
    group: str = ""  # the card's heading in a list, e.g. "1. Elektrotechniek voor…"


@dataclass
class Rendered:
    parts: List[dict] = field(default_factory=list)
    mode: Optional[str] = None  # buttons | list | numbered | None (no choices)


def choice_id(message_id: int, index: int) -> str:
    return f"lw:{message_id}:{index}"


def parse_choice_id(reply_id: str) -> Optional[Tuple[int, int]]:
    match = CHOICE_ID.match(reply_id or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def parse_number(text: str) -> Optional[int]:
    """ "2", "2.", "nummer 2" -> 2 (1-based), for answers to numbered choices."""
    match = NUMBER_ANSWER.match(text or "")
    return int(match.group(1)) if match else None


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def choices_of(message: Message) -> List[Choice]:
    """The message's buttons, then its cards' buttons, in the order they are shown."""
    choices = [Choice(_one_line(b["title"]), b["payload"], _one_line(b["title"])) for b in message.buttons]
    many = len(message.cards) > 1
    for number, card in enumerate(message.cards, start=1):
        heading = shorten(
            _one_line(f"{number}. {card.get('title', '')}" if many else card.get("title", "")), SECTION_TITLE_MAX
        )
        for button in card.get("buttons", []):
            label = _one_line(button["title"])
            choices.append(Choice(f"{number}: {label}" if many else label, button["payload"], label, heading))
    return [c for c in choices if c.title and c.payload]


def shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut[limit // 2 :]:  # do not end on half a word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:-") + "…"


def split_text(text: str, limit: int = TEXT_LIMIT) -> List[str]:
    """Cut long text into messages WhatsApp accepts, at line ends or spaces where possible."""
    parts = []
    text = text.strip()
    while len(text) > limit:
        cut = text.rfind("\n", 0, limit)
        if cut < limit // 2:
            cut = text.rfind(" ", 0, limit)
        if cut < limit // 2:
            cut = limit
        parts.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    if text:
        parts.append(text)
    return parts


def card_text(card: dict, number: Optional[int], language: Optional[str] = None) -> str:
    title = card.get("title", "")
    head = f"*{number}. {title}*" if number else f"*{title}*"
    if card.get("sample"):
        head += translate(SAMPLE_MARK, language)
    lines = [head]
    facts = []
    for key in ("provider", "level", "format", "location"):
        if card.get(key) and card[key] not in facts:
            facts.append(card[key])
    if facts:
        lines.append(" · ".join(facts))
    for label, key in CARD_LABELS:
        if card.get(key):
            lines.append(f"{translate(label, language)}: {card[key]}")
    if card.get("why"):
        lines.append(f"{translate(WHY_LABEL, language)}: {card['why']}")
    if card.get("url"):
        lines.append(f"{translate(MORE_LABEL, language)}: {card['url']}")
    return "\n".join(lines)


# The bot escapes imported data with a backslash (actions/markup.py, for the widget's Markdown);
# WhatsApp shows text as it is, so the escapes go.
ESCAPED = re.compile(r"\\([\\`*_\[\]])")


def message_text(message: Message, language: Optional[str] = None) -> str:
    """Text and cards of a message as one WhatsApp text (without the choices)."""
    blocks = []
    if message.text and message.text.strip():
        text = message.text.strip()
        blocks.append(ESCAPED.sub(r"\1", text) if message.sender == "bot" else text)
    many = len(message.cards) > 1
    blocks += [card_text(card, n if many else None, language) for n, card in enumerate(message.cards, 1)]
    if any(card.get("sample") for card in message.cards):
        blocks.append(f"_{translate(SAMPLE_NOTE, language)}_")
    text = "\n\n".join(blocks)
    if text and message.sender == "advisor":
        text = translate(ADVISOR_PREFIX, language) + text
    return text


def text_part(body: str) -> dict:
    return {"type": "text", "text": {"body": body, "preview_url": False}}


def _buttons(body: str, message_id: int, choices: List[Choice]) -> dict:
    return {
        "type": "interactive",
        "interactive": {
            "type": "button",
            "body": {"text": body},
            "action": {
                "buttons": [
                    {"type": "reply", "reply": {"id": choice_id(message_id, i), "title": c.title}}
                    for i, c in enumerate(choices)
                ]
            },
        },
    }


def _row(message_id: int, index: int, title: str) -> dict:
    row = {"id": choice_id(message_id, index), "title": shorten(title, ROW_TITLE_MAX)}
    if row["title"] != title:  # the whole title stays readable
        row["description"] = shorten(title, ROW_DESCRIPTION_MAX)
    return row


def _sections(message_id: int, choices: List[Choice], language: Optional[str] = None) -> List[dict]:
    """One section, or one per card (headed by the card) when cards bring their own buttons."""
    if len({c.group for c in choices}) == 1:
        return [{"rows": [_row(message_id, i, c.title) for i, c in enumerate(choices)]}]
    sections: List[dict] = []
    for i, c in enumerate(choices):
        title = c.group or translate(OTHER_SECTION, language)
        if not sections or sections[-1]["title"] != title:
            sections.append({"title": title, "rows": []})
        sections[-1]["rows"].append(_row(message_id, i, c.label or c.title))
    return sections


def _list(body: str, message_id: int, choices: List[Choice], language: Optional[str] = None) -> dict:
    return {
        "type": "interactive",
        "interactive": {
            "type": "list",
            "body": {"text": body},
            "action": {
                "button": translate(LIST_BUTTON, language),
                "sections": _sections(message_id, choices, language),
            },
        },
    }


def choice_mode(choices: List[Choice]) -> Optional[str]:
    if not choices:
        return None
    titles = [c.title for c in choices]
    unique = len(set(titles)) == len(titles)
    if len(choices) <= BUTTONS_MAX and unique and all(len(t) <= BUTTON_TITLE_MAX for t in titles):
        return "buttons"
    rows = [(c.group, shorten(c.label or c.title, ROW_TITLE_MAX)) for c in choices]
    if (
        len(choices) <= ROWS_MAX
        and len(set(rows)) == len(rows)
        and all(len(c.label or c.title) <= ROW_DESCRIPTION_MAX for c in choices)
    ):
        return "list"
    return "numbered"


def render(message: Message, language: Optional[str] = None) -> Rendered:
    """The message as WhatsApp parts; the channel's own words in `language` (the
    conversation's)."""
    text = message_text(message, language)
    choices = choices_of(message)
    mode = choice_mode(choices)
    if mode is None:
        return Rendered([text_part(p) for p in split_text(text)], None)
    if mode == "numbered":
        lines = [f"{i}. {c.title}" for i, c in enumerate(choices, start=1)]
        hint = translate(NUMBERED_HINT, language)
        numbered = "\n\n".join(b for b in (text, "\n".join(lines) + "\n" + hint) if b)
        return Rendered([text_part(p) for p in split_text(numbered)], mode)
    parts = []
    if len(text) > BODY_LIMIT:  # too long for an interactive body: text first, then the choice
        parts = [text_part(p) for p in split_text(text)]
        body = translate(CHOOSE_CARD_TEXT if message.cards else CHOOSE_TEXT, language)
    else:
        body = text or translate(CHOOSE_TEXT, language)
    if mode == "buttons":
        parts.append(_buttons(body, message.id, choices))
    else:
        parts.append(_list(body, message.id, choices, language))
    return Rendered(parts, mode)


def template_body(name: str, language: str) -> dict:
    """An approved template without parameters (template messages docs)."""
    return {"type": "template", "template": {"name": name, "language": {"code": language}}}
