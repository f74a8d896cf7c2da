"""Validation of the profile forms (rasa_sdk FormValidationAction, one validate_<slot>
per slot) and the order in which each form asks its questions.

Forms: profile_form (intake before recommending), funding_form (the one or two facts the
funding rules still need), employer_form (company size and sector), hub_form (a place).
Every form lists all profile slots in the domain, so any fact the user mentions in
passing is checked here; `required_slots` decides what is actually asked.

A value that cannot be used:
- for the slot that was just asked: a hint and the question again, once; the second time
  the question is skipped (slot "onbekend") so the user is never stuck;
- for another slot (said in passing): a short note and the value is dropped;
- when the answer to the asked question was really about something else ("ik woon in
  Tilburg" when asked for a theme): no hint, the question simply comes again.
"""
from __future__ import annotations

import re
from abc import abstractmethod
from typing import Any, Dict, List, Optional, Text

import knowledge
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from . import profile as p
from .profile import UNKNOWN

REQUESTED_SLOT = "requested_slot"
SlotDict = Dict[Text, Any]
NUMBER_SLOTS = {"age", "hours_per_week", "budget", "company_size"}
STAFF_COUNT = re.compile(r"\b(\d{1,6})\s*(?:man|mensen|medewerkers|werknemers|personeelsleden|"
                         r"collega'?s|monteurs|vakmensen|fte)\b", re.IGNORECASE)


def previous_value(tracker: Tracker, slot: Text) -> Any:
    """The slot's value before the latest user message (None if never set)."""
    events = tracker.events or []
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=len(events))
    value = None
    for event in events[:last_user]:
        if event.get("event") == "slot" and event.get("name") == slot:
            value = event.get("value")
        elif event.get("event") in ("reset_slots", "restart"):
            value = None
    return value


class ProfileValidation(FormValidationAction):
    """validate_<slot> for every profile slot; subclasses choose the questions."""

    @abstractmethod
    def name(self) -> Text:
        """validate_<form name>."""

    # -- shared machinery --------------------------------------------------------------
    async def get_validation_events(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                    domain: DomainDict) -> List[EventType]:
        """Validate every profile slot that was just filled, also the ones this form will
        not ask (rasa_sdk only validates required_slots)."""
        slots: SlotDict = tracker.slots_to_validate()
        restored = set()
        if self._bare_number_answer(tracker):
            # "1234" answers the open question; the NLU may also have read it as an age
            # or an amount: keep what those slots were.
            restored = NUMBER_SLOTS & set(slots) - {tracker.get_slot(REQUESTED_SLOT)}
            for name in restored:
                slots[name] = previous_value(tracker, name)
                tracker.slots[name] = slots[name]
        for name, value in list(slots.items()):
            method = getattr(self, f"validate_{name}", None)
            if name not in p.PROFILE_SLOTS or method is None or name in restored:
                continue
            output = await method(value, dispatcher, tracker, domain)
            slots.update(output)
            tracker.slots.update(output)
        events = [SlotSet(name, value) for name, value in slots.items()]
        tenant = p.tenant_of(tracker)
        if tenant and tenant != tracker.get_slot("tenant"):
            events.append(SlotSet("tenant", tenant))
        return events

    @staticmethod
    def _accept(tracker: Tracker, slot: Text, value: Any, **extra: Any) -> SlotDict:
        result = {slot: value, **extra}
        failures = dict(tracker.get_slot("form_failures") or {})
        if failures.pop(slot, None) is not None:
            result["form_failures"] = failures
        return result

    @staticmethod
    def _bare_number_answer(tracker: Tracker) -> bool:
        return p.looks_like_number((tracker.latest_message or {}).get("text") or "")

    def _said_something_else(self, tracker: Tracker, slot: Text) -> bool:
        """The latest message named another profile fact (an entity for another slot)."""
        ignored = NUMBER_SLOTS if self._bare_number_answer(tracker) else set()
        for entity in (tracker.latest_message or {}).get("entities") or []:
            name = entity.get("entity")
            if name in p.PROFILE_SLOTS and name != slot and name not in ignored:
                return True
        return False

    def _reject(self, dispatcher: CollectingDispatcher, tracker: Tracker, slot: Text,
                problem: Text, hint: Text, buttons: Optional[list] = None,
                count: bool = True) -> SlotDict:
        """Handle a value that cannot be used (see the module docstring)."""
        if tracker.get_slot(REQUESTED_SLOT) != slot:
            # said in passing: keep what we knew before (unless that was this same value)
            before = previous_value(tracker, slot)
            dispatcher.utter_message(text=f"{problem} Dat laat ik dus weg.")
            return {slot: before if before != tracker.get_slot(slot) else None}
        if self._said_something_else(tracker, slot):
            return {slot: None}
        failures = dict(tracker.get_slot("form_failures") or {})
        tries = failures.get(slot, 0) + (1 if count else 0)
        if tries >= 2:
            failures.pop(slot, None)
            dispatcher.utter_message(text=f"{problem} Geen probleem: die vraag slaan we over.")
            return {slot: UNKNOWN, "form_failures": failures}
        failures[slot] = tries
        dispatcher.utter_message(text=f"{problem} {hint}", buttons=buttons or [])
        return {slot: None, "form_failures": failures}

    # -- one validate_<slot> per slot --------------------------------------------------
    async def validate_theme(self, value: Any, dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> SlotDict:
        theme = value if value in knowledge.THEMES else p.match_words(value, p.THEME_WORDS)
        if theme:
            return self._accept(tracker, "theme", theme)
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "theme", UNKNOWN)
        return self._reject(
            dispatcher, tracker, "theme", "Ik weet niet welk onderwerp je bedoelt.",
            "Kies een onderwerp met een knop, of typ bijvoorbeeld 'warmtepompen' of 'isoleren'. "
            "Weet je het nog niet? Zeg dan 'weet ik niet'.")

    async def validate_education_level(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> SlotDict:
        level = p.parse_level(value)
        if level:
            return self._accept(tracker, "education_level", level)
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "education_level", UNKNOWN)
        if p.level_is_ambiguous(value):
            return self._reject(
                dispatcher, tracker, "education_level", "Niveau 4 kan mbo 4 of havo zijn.",
                "Welke bedoel je?", count=False, buttons=[
                    {"title": "mbo 4", "payload": '/inform{"education_level": "mbo4"}'},
                    {"title": "havo", "payload": '/inform{"education_level": "havo"}'}])
        return self._reject(
            dispatcher, tracker, "education_level", "Dat diploma herken ik niet.",
            "Typ bijvoorbeeld 'mbo 3', 'havo' of 'hbo', of kies een knop.")

    async def validate_location(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> SlotDict:
        if value == UNKNOWN:
            return self._accept(tracker, "location", UNKNOWN, region=None)
        if p.looks_like_number(value):
            return self._reject(
                dispatcher, tracker, "location", "Dat is een getal, geen plaatsnaam.",
                "Typ de naam van de plaats waar je woont of werkt, bijvoorbeeld Tilburg of Enschede.")
        place = p.find_place(value)
        if place:
            return self._accept(tracker, "location", place.name, region=place.region)
        if p.says_unknown(value):
            return self._accept(tracker, "location", UNKNOWN, region=None)
        return self._reject(
            dispatcher, tracker, "location", "Ik ken die plaats niet in Nederland.",
            "Ik help met cursussen in Nederland. In welke Nederlandse plaats woon of werk je? "
            "Maakt de plaats niet uit, bijvoorbeeld omdat je online wilt leren? Zeg dan 'maakt niet uit'.")

    async def validate_employment_status(self, value: Any, dispatcher: CollectingDispatcher,
                                         tracker: Tracker, domain: DomainDict) -> SlotDict:
        status = value if value in p.EMPLOYMENT_STATUSES else p.match_words(value, p.EMPLOYMENT_WORDS)
        if status:
            return self._accept(tracker, "employment_status", status)
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "employment_status", UNKNOWN)
        return self._reject(
            dispatcher, tracker, "employment_status", "Dat begreep ik niet helemaal.",
            "Heb je een baan, ben je zzp'er, zoek je werk of heb je een uitkering? Kies een knop.")

    async def validate_course_format(self, value: Any, dispatcher: CollectingDispatcher,
                                     tracker: Tracker, domain: DomainDict) -> SlotDict:
        fmt = value if value in knowledge.FORMATS else p.match_words(value, p.FORMAT_WORDS)
        if fmt:
            return self._accept(tracker, "course_format", fmt)
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "course_format", UNKNOWN)
        return self._reject(
            dispatcher, tracker, "course_format", "Dat begreep ik niet helemaal.",
            "Wil je online leren, in een klas, of allebei?")

    async def validate_age(self, value: Any, dispatcher: CollectingDispatcher,
                           tracker: Tracker, domain: DomainDict) -> SlotDict:
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "age", UNKNOWN)
        age = p.parse_int(value)
        low, high = p.AGE_RANGE
        if age is None:
            return self._reject(
                dispatcher, tracker, "age", "Ik zie geen leeftijd in je antwoord.",
                "Typ je leeftijd als getal, bijvoorbeeld 45. Liever niet zeggen? Zeg dan 'weet ik niet'.")
        if age < low or age > high:
            return self._reject(
                dispatcher, tracker, "age", f"{age} jaar? Dat klopt vast niet helemaal.",
                "Hoe oud ben je? Typ een getal, bijvoorbeeld 45. Liever niet zeggen mag ook.")
        return self._accept(tracker, "age", str(age))

    async def validate_hours_per_week(self, value: Any, dispatcher: CollectingDispatcher,
                                      tracker: Tracker, domain: DomainDict) -> SlotDict:
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "hours_per_week", UNKNOWN)
        hours = p.parse_int(value)
        if hours is not None and 1 <= hours <= 80:
            return self._accept(tracker, "hours_per_week", str(hours))
        return self._reject(
            dispatcher, tracker, "hours_per_week", "Dat begreep ik niet als aantal uren.",
            "Typ een aantal uren per week, bijvoorbeeld 6, of kies een knop.")

    async def validate_budget(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> SlotDict:
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "budget", UNKNOWN)
        amount = p.parse_int(value)
        if amount is None and any(w in str(value).lower() for w in ("niets", "niks", "geen", "nul")):
            amount = 0
        if amount is not None and 0 <= amount <= 1_000_000:
            return self._accept(tracker, "budget", str(amount))
        return self._reject(
            dispatcher, tracker, "budget", "Dat begreep ik niet als bedrag.",
            "Typ een bedrag in euro, bijvoorbeeld 500, of 'niets'.")

    async def validate_sector(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> SlotDict:
        sector = value if value in p.SECTORS else p.match_words(value, p.SECTOR_WORDS)
        if sector:
            return self._accept(tracker, "sector", sector)
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "sector", UNKNOWN)
        return self._reject(
            dispatcher, tracker, "sector", "Die sector herken ik niet.",
            "Kies een knop. Staat je sector er niet bij? Kies dan 'Iets anders'.")

    async def validate_company_size(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> SlotDict:
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "company_size", UNKNOWN)
        size = p.parse_int(value)
        if size is None and any(w in str(value).lower() for w in ("alleen", "zzp", "mezelf")):
            size = 1
        if size is not None and 1 <= size <= 1_000_000:
            return self._accept(tracker, "company_size", str(size))
        return self._reject(
            dispatcher, tracker, "company_size", "Dat begreep ik niet als aantal mensen.",
            "Typ ongeveer hoeveel mensen er werken, bijvoorbeeld 12.")

    async def validate_benefit_type(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> SlotDict:
        benefit = value if value in p.BENEFIT_TYPES else p.match_words(value, p.BENEFIT_WORDS)
        if benefit:
            return self._accept(tracker, "benefit_type", benefit)
        if value == UNKNOWN or p.says_unknown(value):
            return self._accept(tracker, "benefit_type", UNKNOWN)
        return self._reject(
            dispatcher, tracker, "benefit_type", "Die uitkering herken ik niet.",
            "Kies WW, WIA, Wajong, bijstand of Ziektewet, of zeg 'liever niet'.")


class ValidateProfileForm(ProfileValidation):
    """Intake before recommending: the four facts that decide the search, the preferred
    format, and the optional questions only when they help."""

    def name(self) -> Text:
        return "validate_profile_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        status = tracker.get_slot("employment_status")
        slots = ["theme", "education_level", "location", "employment_status", "course_format"]
        if status in ("werkend", "zzp"):      # learning next to a job: time is the limit
            slots.append("hours_per_week")
        if status in ("zzp", "werkzoekend", "student"):  # no employer who pays
            slots.append("budget")
        if tracker.get_slot("funding_interest"):  # age decides e.g. the levenlanglerenkrediet
            slots.append("age")
        return slots


class ValidateFundingForm(ProfileValidation):
    """Asks the facts chosen by action_start_funding (at most two)."""

    def name(self) -> Text:
        return "validate_funding_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return [s for s in (tracker.get_slot("funding_questions") or []) if s in p.PROFILE_SLOTS]


class ValidateEmployerForm(ProfileValidation):
    """An employer asking about training staff: company size and sector decide the path."""

    def name(self) -> Text:
        return "validate_employer_form"

    async def extract_company_size(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> SlotDict:
        """"ik heb 12 man personeel" in the question itself: no need to ask the size."""
        if tracker.get_slot("company_size") is not None:
            return {}
        match = STAFF_COUNT.search((tracker.latest_message or {}).get("text") or "")
        return {"company_size": match.group(1)} if match else {}

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return ["company_size", "sector"]


class ValidateHubForm(ProfileValidation):
    """The nearest hub needs a place."""

    def name(self) -> Text:
        return "validate_hub_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher: CollectingDispatcher,
                             tracker: Tracker, domain: DomainDict) -> List[Text]:
        return ["location"]
