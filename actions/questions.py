"""The questions the bot asks, with buttons for closed questions (`ask_follow_up`).

The bot asks one question at a time, after its answer: what a search still needs (a theme,
a place), or one optional follow-up that would change the answer (never one asked before).
The slot `asked_slot` remembers it until the next message, so action_validate_slot_mappings
can read a plain answer ("tilburg", "45", "weet ik niet"). A user may also ignore it.

A question is never said twice in a row in the same words: when it comes again (the answer
could not be used) it is rephrased with examples. The location question gives places of the
user's own region as buttons.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from knowledge import vocabulary
from knowledge.display import label
from locales import N_, _
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .fallback import bot_texts_of_last_turn
from .profile import tenant_of

DONT_KNOW = "/dont_know"


def _inform(slot: Text, value: Text) -> Text:
    return "/inform" + json.dumps({slot: value}, ensure_ascii=False)


def _buttons(slot: Text, choices: List[tuple], unknown: Optional[Text] = None) -> List[Dict]:
    """Buttons with Dutch titles (msgids); `question` gives them in the active language."""
    buttons = [{"title": title, "payload": _inform(slot, value)} for title, value in choices]
    if unknown:
        buttons.append({"title": unknown, "payload": DONT_KNOW})
    return buttons


QUESTIONS: Dict[Text, Dict[Text, Any]] = {
    "theme": {
        "text": N_("Waar wil je meer over leren?"),
        "buttons": _buttons("theme", vocabulary.buttons("themes"), unknown=N_("Weet ik nog niet")),
    },
    "education_level": {
        "text": N_("Wat is je hoogste diploma?"),
        "buttons": _buttons(
            "education_level", vocabulary.buttons("education_levels"), unknown=N_("Zeg ik liever niet")
        ),
    },
    "employment_status": {
        "text": N_("Wat past het best bij jou?"),
        "buttons": _buttons(
            "employment_status", vocabulary.buttons("employment_statuses"), unknown=N_("Zeg ik liever niet")
        ),
    },
    "course_format": {
        "text": N_("Hoe wil je het liefst leren?"),
        "buttons": _buttons("course_format", vocabulary.buttons("course_formats"), unknown=N_("Maakt niet uit")),
    },
    "hours_per_week": {
        "text": N_("Hoeveel uur per week heb je om te leren, naast je werk?"),
        "buttons": _buttons(
            "hours_per_week",
            [
                (N_("Tot 4 uur"), "4"),
                (N_("4 tot 8 uur"), "8"),
                (N_("Meer dan 8 uur"), "16"),
            ],
            unknown=N_("Weet ik niet"),
        ),
    },
    "budget": {
        "text": N_("Hoeveel kun of wil je zelf betalen voor een cursus?"),
        "buttons": _buttons(
            "budget",
            [
                (N_("Niets, iemand anders moet betalen"), "0"),
                (N_("Tot € 500"), "500"),
                (N_("Tot € 1.500"), "1500"),
            ],
            unknown=N_("Maakt niet uit"),
        ),
    },
    "age": {
        "text": N_(
            "Hoe oud ben je? Dat telt mee bij sommige regelingen, zoals het "
            "levenlanglerenkrediet. Typ een getal, bijvoorbeeld 45. Liever niet zeggen mag ook."
        ),
        "buttons": [{"title": N_("Zeg ik liever niet"), "payload": DONT_KNOW}],
    },
    "sector": {
        "text": N_("In welke sector werk je, of werkt je bedrijf?"),
        "buttons": _buttons("sector", vocabulary.buttons("sectors")),
    },
    "company_size": {
        "text": N_("Hoeveel mensen werken er bij het bedrijf?"),
        "buttons": _buttons(
            "company_size",
            [
                (N_("1 tot 10"), "5"),
                (N_("10 tot 50"), "25"),
                (N_("50 tot 250"), "100"),
                (N_("250 of meer"), "250"),
            ],
        ),
    },
    "benefit_type": {
        "text": N_("Welke uitkering heb je?"),
        "buttons": _buttons("benefit_type", vocabulary.buttons("benefit_types"), unknown=N_("Zeg ik liever niet")),
    },
}

# The same question in other words, with examples: said when the question comes again.
REPHRASED: Dict[Text, Text] = {
    "theme": N_(
        "Over welk onderwerp wil je iets leren? Bijvoorbeeld warmtepompen, zonnepanelen, "
        "isoleren, BIM of laadpalen. Weet je het nog niet? Dat mag ook."
    ),
    "education_level": N_(
        "Welk diploma heb je het laatst gehaald? Bijvoorbeeld 'mbo 2', 'havo' of 'hbo'. Geen diploma mag ook."
    ),
    "location": N_(
        "Typ alleen de naam van je woonplaats of werkplaats, bijvoorbeeld Breda of "
        "Enschede. Maakt de plaats niet uit, omdat je online wilt leren? Kies dan de knop."
    ),
    "employment_status": N_("Werk je nu, ben je zzp'er, zoek je werk of heb je een uitkering?"),
    "course_format": N_("Leer je liever online, in een klas, of allebei?"),
    "hours_per_week": N_("Hoeveel uur per week kun je ongeveer leren? Typ een getal, bijvoorbeeld 4."),
    "budget": N_("Welk bedrag kun je zelf betalen? Typ bijvoorbeeld 500, of 'niets'."),
    "age": N_("Hoe oud ben je? Typ alleen een getal, bijvoorbeeld 45. Liever niet zeggen mag ook."),
    "sector": N_("In welke sector zit het bedrijf? Bijvoorbeeld bouw, installatie, zorg of ICT."),
    "company_size": N_("Met hoeveel mensen werken jullie ongeveer? Typ een getal, bijvoorbeeld 12."),
    "benefit_type": N_("Is het WW, WIA, Wajong, bijstand of Ziektewet?"),
}

# Example places per regional site, for the location question.
TENANT_PLACES = vocabulary.EXAMPLE_PLACES


def question(tracker: Tracker, slot: Text) -> Dict[Text, Any]:
    """Text and buttons of the question for `slot`, rephrased when the user just read it,
    or when their answer to it could not be used."""
    if slot == "location":
        asked = _location_question(tracker)
    else:
        asked = {
            "text": label(QUESTIONS[slot]["text"]),
            "buttons": [dict(b, title=label(b["title"])) for b in QUESTIONS[slot]["buttons"]],
        }
    failed = (tracker.get_slot("form_failures") or {}).get(slot)
    if failed or any(said.strip().endswith(asked["text"]) for said in bot_texts_of_last_turn(tracker)):
        asked["text"] = label(REPHRASED[slot])
    return asked


def _location_question(tracker: Tracker) -> Dict[Text, Any]:
    text = _("In welke plaats woon of werk je? Dan zoek ik cursussen in de buurt. Typ de naam van de plaats.")
    places = TENANT_PLACES.get(tenant_of(tracker) or "", [])
    buttons = [{"title": place, "payload": _inform("location", place)} for place in places]
    buttons.append({"title": _("Maakt niet uit (online)"), "payload": DONT_KNOW})
    return {"text": text, "buttons": buttons}


def can_follow_up(tracker: Tracker, slot: Text) -> bool:
    """A follow-up question about `slot` is worth asking: unknown and never asked before."""
    return tracker.get_slot(slot) is None and slot not in (tracker.get_slot("asked_before") or [])


def ask_follow_up(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    slot: Text,
    intro: Text = "",
    extra_buttons: Optional[List[Dict]] = None,
    text: Optional[Text] = None,
) -> List[Dict[Text, Any]]:
    """Ask one follow-up question after an answer (`text` instead of the usual question);
    the user may also ignore it."""
    asked = question(tracker, slot)
    text = f"{intro} {text or asked['text']}".strip()
    dispatcher.utter_message(text=text, buttons=list(asked["buttons"]) + list(extra_buttons or []))
    before = list(tracker.get_slot("asked_before") or [])
    return [SlotSet("asked_slot", slot), SlotSet("asked_before", before + [slot])]
