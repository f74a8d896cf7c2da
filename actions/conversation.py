"""The user's view of the conversation: what the bot knows about them, and handing the
conversation to a human advisor."""

from __future__ import annotations

from typing import Any, Dict, List, Text

import locales
from locales import _
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from .profile import build_profile, language_of, profile_lines


class ActionShowProfile(Action):
    """ "Wat weet je van mij?" """

    def name(self) -> Text:
        return "action_show_profile"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        lines = profile_lines(build_profile(tracker))
        if not lines:
            dispatcher.utter_message(
                text=_(
                    "Ik weet nog niets over je. Vertel me bijvoorbeeld waar je meer over wilt "
                    "leren en waar je woont, dan zoek ik cursussen die bij je passen."
                ),
                buttons=[{"title": _("Cursus zoeken"), "payload": "/search_course"}],
            )
            return []
        text = (
            _("Dit weet ik van je:")
            + "\n"
            + "\n".join(f"- {line}" for line in lines)
            + "\n"
            + _(
                "Klopt er iets niet? Zeg het gewoon, bijvoorbeeld: 'ik woon in Enschede'. "
                "Wil je dat ik alles vergeet? Zeg dan 'vergeet mij'."
            )
        )
        dispatcher.utter_message(
            text=text,
            buttons=[
                {"title": _("Cursus zoeken"), "payload": "/search_course"},
                {"title": _("Vergeet mij"), "payload": "/forget_me"},
            ],
        )
        return []


class ActionHandoff(Action):
    """Hand the conversation to a human advisor, after the user said yes to
    utter_ask_handoff_consent.

    Sends json_message {"type": "handoff", "reason", "language", "profile", "shown_modules"} (REST:
    {"custom": {...}}); the gateway (bot/) owns the handoff state machine: it queues the
    case with the transcript and this profile, stops sending messages to Rasa and relays
    between user and advisor until the advisor hands back. The text tells the user what
    happens, so a channel without handoff support still makes sense.

    reason: the handoff_reason slot set by the action that offered an advisor
    ("uitkering_uwv_scholing", "werkgever_scholingsplan", "geen_passend_aanbod",
    "wensen_versoepeld"), else "gebruiker_vraagt_adviseur".
    """

    def name(self) -> Text:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        profile = build_profile(tracker)
        dispatcher.utter_message(
            json_message={
                "type": "handoff",
                "reason": tracker.get_slot("handoff_reason") or "gebruiker_vraagt_adviseur",
                "language": language_of(tracker),  # the advisor sees it and can answer in it
                "profile": profile,
                "shown_modules": list(tracker.get_slot("shown_modules") or []),
            }
        )
        dispatcher.utter_message(
            # Neutral on purpose: the gateway says next whether an advisor is free, or offers
            # a callback when nobody is (bot/handoff/dialogue.py).
            text=_(
                "Dank je. Ik kijk of er een adviseur is die het gesprek overneemt. Wat je me "
                "vertelde, gaat mee. Je hoeft het dus niet opnieuw te zeggen."
            )
        )
        return [SlotSet("handoff_reason", None)]
