"""Funding advice for a worker (ask_funding) and for an employer (employer_training).

The rules live in knowledge/ (evaluate_funding); these actions choose the one or two
facts still worth asking, and say the outcome in Dutch: what is likely possible, what is
possible under conditions, what is not and why, and which schemes have ended (STAP) and
what replaced them. Each scheme line names the amount, who applies and the source.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import knowledge
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import kb
from .profile import SECTOR_LABELS, UNKNOWN, build_profile
from .recommend import ADVISOR_BUTTON, mentioned_module, payload, tenant_event

MAX_QUESTIONS = 2

# knowledge's missing_facts (profile keys) -> the slot the funding form asks
FACT_TO_SLOT = {
    "age": "age", "employment_status": "employment_status", "on_benefit": "employment_status",
    "education_level": "education_level", "sector": "sector", "company_size": "company_size",
    "benefit_type": "benefit_type", "location": "location", "region": "location",
}
APPLICANT = {"person": "jij zelf", "employer": "je werkgever"}
OUTCOME_ORDER = ("eligible", "maybe", "not_eligible", "ended")
HEADINGS = {
    "eligible": "Waarschijnlijk mogelijk:",
    "maybe": "Mogelijk, als je aan de voorwaarden voldoet:",
    "not_eligible": "Niet voor jou, en waarom:",
    "ended": "Gestopt:",
}
DISCLAIMER = ("Dit is een inschatting, geen besluit: de organisatie achter de regeling "
              "beslist. Bedragen en regels kunnen veranderen; kijk bij de bron.")


def evaluate(profile: Dict[str, Any], module_id: Optional[Text]) -> List["knowledge.FundingAdvice"]:
    """evaluate_funding; a module that left the catalogue is ignored, not an error."""
    kb.ensure_db()
    if module_id and knowledge.get_module(module_id) is None:
        module_id = None
    return knowledge.evaluate_funding(profile, module_id)


def questions_for(tracker: Tracker, advice: List["knowledge.FundingAdvice"]) -> List[Text]:
    """The facts that would settle a "maybe": those that settle the most schemes first,
    never one asked before (a slot that is "onbekend" was answered or skipped), at most two."""
    counts: Dict[Text, int] = {}
    employer = tracker.get_slot("employment_status") == "werkgever"
    for item in advice:
        for fact in item.missing_facts:
            slot = FACT_TO_SLOT.get(fact)
            if slot == "company_size" and not employer:
                continue  # a worker rarely knows it; the employer's own advice asks it
            if slot and tracker.get_slot(slot) is None:
                counts[slot] = counts.get(slot, 0) + 1
    ranked = sorted(counts, key=lambda slot: -counts[slot])  # stable: ties keep first-seen order
    return ranked[:MAX_QUESTIONS]


def _sentence(text: Text) -> Text:
    text = (text or "").strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


def scheme_line(item: "knowledge.FundingAdvice") -> Text:
    """One scheme as a short Dutch bullet. Eligible: amount, the two main reasons, who
    applies, source. Maybe: the open condition. Not eligible / ended: why."""
    first = _sentence(item.reasons[0]) if item.reasons else ""
    if item.outcome == "ended":
        line = f"- {item.name} (gestopt): {first}"
        if item.replaced_by:
            line += f" In de plaats kwam: {item.replaced_by}."
        return line.strip()
    if item.outcome == "not_eligible":
        return f"- {item.name}: {first}".strip()
    reasons = item.reasons[:2] if item.outcome == "eligible" else item.reasons[:1]
    parts = [f"- {item.name}" + (f": {_sentence(item.amount_text)}" if item.amount_text else ".")]
    parts += [_sentence(r) for r in reasons]
    parts.append(f"Aanvragen doet {APPLICANT.get(item.applicant, item.applicant)}.")
    parts.append(f"Bron: {item.source_url} ({item.source_date}).")
    return " ".join(parts)


def advice_messages(advice: List["knowledge.FundingAdvice"]) -> List[Text]:
    """One message per outcome group, in the order of OUTCOME_ORDER."""
    messages = []
    for outcome in OUTCOME_ORDER:
        items = [a for a in advice if a.outcome == outcome]
        if items:
            messages.append("\n".join([HEADINGS[outcome]] + [scheme_line(a) for a in items]))
    return messages


class ActionStartFunding(Action):
    """Before the funding form: which module (if any) the question is about, and which
    one or two facts the form should ask."""

    def name(self) -> Text:
        return "action_start_funding"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        kb.ensure_db()
        module_id = mentioned_module(tracker)
        if module_id and knowledge.get_module(module_id) is None:
            module_id = None
        advice = evaluate(build_profile(tracker), module_id)
        questions = questions_for(tracker, advice)
        if questions:
            dispatcher.utter_message(
                text="Ik kijk welke regelingen er voor jou zijn. Eerst "
                     + ("één vraag." if len(questions) == 1 else "twee vragen."))
        return [SlotSet("funding_interest", True), SlotSet("funding_questions", questions),
                SlotSet("last_module", module_id)] + tenant_event(tracker)


class ActionFundingAdvice(Action):
    """Who could pay: the funding rules for the profile and the module discussed."""

    def name(self) -> Text:
        return "action_funding_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        profile = build_profile(tracker)
        module_id = mentioned_module(tracker)
        detail = knowledge.get_module(module_id) if module_id else None
        advice = evaluate(profile, detail.module_id if detail else None)
        events = [SlotSet("funding_interest", True), SlotSet("funding_questions", None)]
        if detail and detail.price_eur == 0:
            dispatcher.utter_message(
                text=f"{detail.title} is gratis: je hoeft er niets voor te betalen.",
                buttons=[{"title": "Aanmelden", "payload": payload("how_to_enroll", module_id=detail.module_id)},
                         ADVISOR_BUTTON])
            return events + [SlotSet("last_module", detail.module_id)] + tenant_event(tracker)
        if detail:
            intro = (f"Wie kan {detail.title} betalen? De prijs is {detail.price_text}. "
                     "Dit is mijn inschatting voor jou.")
            events.append(SlotSet("last_module", detail.module_id))
        else:
            intro = ("Wie kan je opleiding betalen? Dit is mijn inschatting voor jou. Kies een "
                     "cursus, dan kijk ik ook naar de regels voor die cursus.")
        dispatcher.utter_message(text=intro)
        for message in advice_messages(advice):
            dispatcher.utter_message(text=message)

        buttons = []
        if detail:
            buttons.append({"title": "Aanmelden", "payload": payload("how_to_enroll", module_id=detail.module_id)})
        else:
            buttons.append({"title": "Cursus zoeken", "payload": "/search_course"})
        buttons.append(ADVISOR_BUTTON)
        closing = DISCLAIMER
        if profile.get("on_benefit"):
            closing = ("Je hebt een uitkering. Of het UWV een opleiding betaalt, hangt af van je "
                       "situatie; dat beslis ik niet alleen. Bespreek het met je contactpersoon bij "
                       "het UWV of de gemeente, of laat een adviseur met je meekijken. " + DISCLAIMER)
            events.append(SlotSet("handoff_reason", "uitkering_uwv_scholing"))
        if (tracker.active_loop or {}).get("name") == "profile_form":
            closing += " Nu ga ik verder met mijn vragen; daarna kan ik preciezer zijn."
            buttons = []
        dispatcher.utter_message(text=closing, buttons=buttons)
        return events + tenant_event(tracker)


class ActionEmployerAdvice(Action):
    """The employer path: what the company can apply for to train its people."""

    def name(self) -> Text:
        return "action_employer_advice"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        profile = build_profile(tracker)
        profile["employment_status"] = "werkgever"
        advice = [a for a in evaluate(profile, None) if a.applicant == "employer"]
        size = profile.get("company_size")
        about = []
        if size:
            about.append(f"{size} medewerkers")
        if profile.get("sector"):
            about.append(f"sector {SECTOR_LABELS[profile['sector']]}")
        dispatcher.utter_message(
            text="Als werkgever kun je op drie manieren hulp krijgen bij scholing: de SLIM-regeling "
                 "(voor advies en een opleidingsplan), je sectorfonds (O&O-fonds), en de "
                 "SLIM-scholingssubsidie voor Ontwikkelpaden (voor de opleiding zelf). "
                 + (f"Voor jouw bedrijf ({', '.join(about)}):" if about else "Wat ik zie:"))
        for message in advice_messages(advice):
            dispatcher.utter_message(text=message)
        events: List[Dict[str, Any]] = []
        closing = DISCLAIMER
        if size is None or size >= 50 or profile.get("sector") in (None, "overig"):
            closing = ("Heb je een plan voor meerdere mensen of past je bedrijf niet precies in "
                       "een regeling? Dan kijkt een adviseur graag met je mee. " + DISCLAIMER)
            events.append(SlotSet("handoff_reason", "werkgever_scholingsplan"))
        dispatcher.utter_message(text=closing, buttons=[
            ADVISOR_BUTTON, {"title": "Cursussen bekijken", "payload": "/search_course"}])
        if tracker.get_slot("employment_status") in (None, UNKNOWN):
            events.append(SlotSet("employment_status", "werkgever"))
        return events + tenant_event(tracker)
