"""First stage of the two-stage fallback, in Dutch.

Rasa's built-in version asks "Did you mean 'search_course'?" in English with the raw
intent name. This one offers the two most likely meanings as plain-Dutch buttons,
plus "iets anders", which makes Rasa ask the user to rephrase.
"""
import json
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

# What each intent means, as a button a user recognises.
INTENT_DESCRIPTIONS: Dict[Text, Text] = {
    "greet": "Hallo zeggen",
    "goodbye": "Het gesprek afsluiten",
    "thank": "Bedankt zeggen",
    "affirm": "Ja",
    "deny": "Nee",
    "bot_challenge": "Ben jij een robot?",
    "help": "Wat kan ik jou vragen?",
    "search_course": "Een cursus of opleiding zoeken",
    "inform": "Iets over mezelf vertellen",
    "ask_funding": "Wie betaalt mijn opleiding?",
    "course_details": "Meer over een cursus",
    "more_results": "Meer cursussen zien",
    "how_to_enroll": "Hoe meld ik me aan?",
    "request_human": "Praten met een adviseur",
    "career_orientation": "Welk werk past bij mij?",
    "recognition_prior_learning": "Mijn ervaring laten erkennen (EVC)",
    "employer_training": "Scholing voor mijn personeel",
    "find_hub": "Een hub of loket in de buurt",
    "forget_me": "Mijn gegevens wissen",
    "show_profile": "Wat weet je van mij?",
    "stop": "Stoppen met deze vraag",
    "dont_know": "Weet ik niet",
    "faq": "Uitleg over een begrip",
}
SKIPPED = {"nlu_fallback", "out_of_scope"}


class ActionDefaultAskAffirmation(Action):
    def name(self) -> Text:
        return "action_default_ask_affirmation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        ranking = tracker.latest_message.get("intent_ranking") or []
        candidates = [
            r["name"] for r in ranking if r.get("name") in INTENT_DESCRIPTIONS
            and r.get("name") not in SKIPPED
        ][:2]
        entities = {
            e["entity"]: e["value"]
            for e in tracker.latest_message.get("entities") or []
            if e.get("entity") and e.get("value") is not None
        }
        suffix = json.dumps(entities, ensure_ascii=False) if entities else ""
        buttons = [
            {"title": INTENT_DESCRIPTIONS[name], "payload": f"/{name}{suffix}"}
            for name in candidates
        ]
        buttons.append({"title": "Iets anders", "payload": "/out_of_scope"})
        dispatcher.utter_message(
            text="Ik weet niet zeker of ik je goed begrijp. Bedoel je een van deze?",
            buttons=buttons,
        )
        return []
