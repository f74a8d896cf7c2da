"""The questions the forms ask (action_ask_<slot>), with buttons for closed questions.

They are actions rather than utter_ask_ responses so the location question can give
examples from the user's own region, and so `rasa data validate --fail-on-warnings`
does not flag form-only responses as unused.
"""
from __future__ import annotations

import json
from abc import ABC, abstractmethod
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from .profile import tenant_of

DONT_KNOW = "/dont_know"


def _inform(slot: Text, value: Text) -> Text:
    return "/inform" + json.dumps({slot: value}, ensure_ascii=False)


def _buttons(slot: Text, choices: List[tuple], unknown: Optional[Text] = None) -> List[Dict]:
    buttons = [{"title": title, "payload": _inform(slot, value)} for title, value in choices]
    if unknown:
        buttons.append({"title": unknown, "payload": DONT_KNOW})
    return buttons


QUESTIONS: Dict[Text, Dict[Text, Any]] = {
    "theme": {
        "text": "Waar wil je meer over leren?",
        "buttons": _buttons("theme", [
            ("Warmtepompen en installaties", "installatietechniek"),
            ("Woningen verduurzamen", "verduurzaming_woningen"),
            ("Circulair bouwen", "circulair_bouwen"),
            ("Batterijen en opslag", "batterijtechnologie"),
            ("Digitaal bouwen (BIM)", "digitalisering_bouw"),
            ("Netwerken en infra", "infra_netwerken"),
        ], unknown="Weet ik nog niet"),
    },
    "education_level": {
        "text": "Wat is je hoogste diploma?",
        "buttons": _buttons("education_level", [
            ("Geen diploma", "geen"), ("vmbo", "vmbo"), ("mbo 2", "mbo2"), ("mbo 3", "mbo3"),
            ("mbo 4", "mbo4"), ("havo of vwo", "havo"), ("hbo", "hbo_bachelor"),
            ("universiteit", "wo_bachelor"),
        ], unknown="Zeg ik liever niet"),
    },
    "employment_status": {
        "text": "Wat past het best bij jou?",
        "buttons": _buttons("employment_status", [
            ("Ik heb een baan", "werkend"), ("Ik ben zzp'er", "zzp"), ("Ik zoek werk", "werkzoekend"),
            ("Ik heb een uitkering", "uitkering"), ("Ik ben werkgever", "werkgever"),
            ("Ik ben student", "student"),
        ], unknown="Zeg ik liever niet"),
    },
    "course_format": {
        "text": "Hoe wil je het liefst leren?",
        "buttons": _buttons("course_format", [
            ("Online", "online"), ("In een klas", "klassikaal"), ("Allebei (hybride)", "hybride"),
        ], unknown="Maakt niet uit"),
    },
    "hours_per_week": {
        "text": "Hoeveel uur per week heb je om te leren, naast je werk?",
        "buttons": _buttons("hours_per_week", [
            ("Tot 4 uur", "4"), ("4 tot 8 uur", "8"), ("Meer dan 8 uur", "16"),
        ], unknown="Weet ik niet"),
    },
    "budget": {
        "text": "Hoeveel kun of wil je zelf betalen voor een cursus?",
        "buttons": _buttons("budget", [
            ("Niets, iemand anders moet betalen", "0"), ("Tot € 500", "500"), ("Tot € 1.500", "1500"),
        ], unknown="Maakt niet uit"),
    },
    "age": {
        "text": ("Hoe oud ben je? Dat telt mee bij sommige regelingen, zoals het "
                 "levenlanglerenkrediet. Typ een getal, bijvoorbeeld 45. Liever niet zeggen mag ook."),
        "buttons": [{"title": "Zeg ik liever niet", "payload": DONT_KNOW}],
    },
    "sector": {
        "text": "In welke sector werk je, of werkt je bedrijf?",
        "buttons": _buttons("sector", [
            ("Installatie", "installatie"), ("Bouw en infra", "bouw_infra"), ("Energie", "energie"),
            ("Metaal", "metaal"), ("Zorg", "zorg"), ("ICT", "ict"), ("Iets anders", "overig"),
        ]),
    },
    "company_size": {
        "text": "Hoeveel mensen werken er bij het bedrijf?",
        "buttons": _buttons("company_size", [
            ("1 tot 10", "5"), ("10 tot 50", "25"), ("50 tot 250", "100"), ("250 of meer", "250"),
        ]),
    },
    "benefit_type": {
        "text": "Welke uitkering heb je?",
        "buttons": _buttons("benefit_type", [
            ("WW", "ww"), ("WIA", "wia"), ("Wajong", "wajong"), ("Bijstand", "bijstand"),
            ("Ziektewet", "zw"),
        ], unknown="Zeg ik liever niet"),
    },
}

# Example places per regional site, for the location question.
TENANT_PLACES = {
    "brabant": ["Breda", "Eindhoven", "'s-Hertogenbosch"],
    "twente": ["Enschede", "Hengelo", "Almelo"],
    "noord": ["Groningen", "Leeuwarden", "Assen"],
}


class AskSlot(Action, ABC):
    """Asks for one slot with the text and buttons in QUESTIONS."""

    @property
    @abstractmethod
    def slot(self) -> Text:
        """The slot this action asks for."""

    def name(self) -> Text:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        question = QUESTIONS[self.slot]
        dispatcher.utter_message(text=question["text"], buttons=question["buttons"])
        return []


class ActionAskTheme(AskSlot):
    slot = "theme"


class ActionAskEducationLevel(AskSlot):
    slot = "education_level"


class ActionAskEmploymentStatus(AskSlot):
    slot = "employment_status"


class ActionAskCourseFormat(AskSlot):
    slot = "course_format"


class ActionAskHoursPerWeek(AskSlot):
    slot = "hours_per_week"


class ActionAskBudget(AskSlot):
    slot = "budget"


class ActionAskAge(AskSlot):
    slot = "age"


class ActionAskSector(AskSlot):
    slot = "sector"


class ActionAskCompanySize(AskSlot):
    slot = "company_size"


class ActionAskBenefitType(AskSlot):
    slot = "benefit_type"


class ActionAskLocation(Action):
    """Where the user lives or works, with places of their own region as buttons."""

    def name(self) -> Text:
        return "action_ask_location"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        if (tracker.active_loop or {}).get("name") == "hub_form":
            text = "In welke plaats woon of werk je? Dan zoek ik de hub die het dichtst bij je is."
            unknown = "Zeg ik liever niet"
        else:
            text = ("In welke plaats woon of werk je? Dan zoek ik cursussen in de buurt. "
                    "Typ de naam van de plaats.")
            unknown = "Maakt niet uit (online)"
        places = TENANT_PLACES.get(tenant_of(tracker) or "", [])
        buttons = [{"title": place, "payload": _inform("location", place)} for place in places]
        buttons.append({"title": unknown, "payload": DONT_KNOW})
        dispatcher.utter_message(text=text, buttons=buttons)
        return []
