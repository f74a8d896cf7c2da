"""Unclear and off-topic messages, in the user's language, never the same reply twice in a row.

An unclear message first gets the two most likely meanings as plain-Dutch buttons (Rasa's
built-in version asks in English with raw intent names). If the next message is unclear or
off-topic too, the bot offers something new: an advisor and what it can do. An off-topic
message gets "daar kan ik niet mee helpen" once; a second one in a row gets that offer.
"""

import json
from typing import Any, Dict, List, Text

import locales
from locales import N_, _
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from . import profile as p

# What each intent means, as a button a user recognises.
INTENT_DESCRIPTIONS: Dict[Text, Text] = {
    "greet": N_("Hallo zeggen"),
    "goodbye": N_("Het gesprek afsluiten"),
    "thank": N_("Bedankt zeggen"),
    "affirm": N_("Ja"),
    "deny": N_("Nee"),
    "bot_challenge": N_("Ben jij een robot?"),
    "help": N_("Wat kan ik jou vragen?"),
    "search_course": N_("Een cursus of opleiding zoeken"),
    "inform": N_("Iets over mezelf vertellen"),
    "ask_funding": N_("Wie betaalt mijn opleiding?"),
    "course_details": N_("Meer over een cursus"),
    "more_results": N_("Meer cursussen zien"),
    "how_to_enroll": N_("Hoe meld ik me aan?"),
    "request_human": N_("Praten met een adviseur"),
    "career_orientation": N_("Welk werk past bij mij?"),
    "recognition_prior_learning": N_("Mijn ervaring laten erkennen (EVC)"),
    "employer_training": N_("Scholing voor mijn personeel"),
    "find_hub": N_("Een hub of loket in de buurt"),
    "forget_me": N_("Mijn gegevens wissen"),
    "show_profile": N_("Wat weet je van mij?"),
    "stop": N_("Stoppen met deze vraag"),
    "dont_know": N_("Weet ik niet"),
    "faq": N_("Uitleg over een begrip"),
}
SKIPPED = {"nlu_fallback", "out_of_scope", "inform", "affirm", "deny", "dont_know", "forget_me"}

CLARIFY = N_("Ik weet niet zeker of ik je goed begrijp. Bedoel je een van deze?")
OUT_OF_SCOPE = N_(
    "Daar kan ik je helaas niet mee helpen. Ik weet veel over cursussen, opleidingen en "
    "wie ze betaalt, vooral voor werk in de energietransitie. Zal ik daarmee helpen?"
)
STILL_UNCLEAR = N_(
    "Sorry, dat snap ik nog steeds niet. Zal ik je met een adviseur laten praten? Of kies wat ik voor je kan doen."
)
OFF_TOPIC_AGAIN = N_(
    "Daar kan ik ook niet mee helpen, sorry. Zal ik je met een adviseur laten praten? "
    "Of kies wat ik wel voor je kan doen."
)
LAST_RESORT = N_(
    "Ik kan je hier niet goed mee helpen. Dit kan ik wel: een cursus zoeken, uitzoeken "
    "wie je opleiding betaalt, een hub in de buurt vinden, of je doorverbinden met een adviseur."
)
HELP_BUTTON = {"title": N_("Wat kan ik vragen?"), "payload": "/help"}
SEARCH_BUTTON = {"title": N_("Cursus zoeken"), "payload": "/search_course"}
ADVISOR_BUTTON = {"title": N_("Praat met een adviseur"), "payload": "/request_human"}
# Titles are Dutch msgids: send buttons through `translated()` (the active language).
MENU = [
    SEARCH_BUTTON,
    {"title": N_("Wie betaalt mijn opleiding?"), "payload": "/ask_funding"},
    {"title": N_("Hub in de buurt"), "payload": "/find_hub"},
    ADVISOR_BUTTON,
]
MISSES = (CLARIFY, OUT_OF_SCOPE, STILL_UNCLEAR, OFF_TOPIC_AGAIN, LAST_RESORT)


def translated_button(button: Dict[Text, Any]) -> Dict[Text, Any]:
    """A button (its title a Dutch msgid) with its title in the active language."""
    return {**button, "title": locales.translate(button.get("title") or "", locales.current())}


def translated(buttons: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """Buttons with their titles in the active language."""
    return [translated_button(b) for b in buttons]


def said(text: Text, texts: List[Text]) -> bool:
    """The bot said `text` (a Dutch msgid) among `texts`, in whatever language it spoke."""
    return any(t in texts for t in {text, *(locales.translate(text, code) for code in locales.languages())})


def bot_texts_of_last_turn(tracker: Tracker) -> List[Text]:
    """What the bot said between the user's previous message and the latest one."""
    texts: List[Text] = []
    users = 0
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            users += 1
            if users == 2:
                break
        elif event.get("event") == "bot" and users == 1 and event.get("text"):
            texts.append(event["text"])
    return texts


def bot_texts_of_this_turn(tracker: Tracker) -> List[Text]:
    """What the bot said since the latest user message (the facts check speaks first)."""
    texts: List[Text] = []
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            break
        if event.get("event") == "bot" and event.get("text"):
            texts.append(event["text"])
    return texts


def _repeats_a_miss(tracker: Tracker) -> bool:
    last = bot_texts_of_last_turn(tracker)
    return any(said(t, last) for t in MISSES)


def clarify_buttons(tracker: Tracker) -> List[Dict[Text, Text]]:
    """The two most likely meanings of the latest message, plus "Iets anders"."""
    ranking = (tracker.latest_message or {}).get("intent_ranking") or []
    candidates = [r["name"] for r in ranking if r.get("name") in INTENT_DESCRIPTIONS and r.get("name") not in SKIPPED][
        :2
    ]
    entities = {
        e["entity"]: e["value"]
        for e in (tracker.latest_message or {}).get("entities") or []
        if e.get("entity") and e.get("value") is not None
    }
    suffix = json.dumps(entities, ensure_ascii=False) if entities else ""
    buttons = [{"title": _(INTENT_DESCRIPTIONS[name]), "payload": f"/{name}{suffix}"} for name in candidates]
    buttons.append({"title": _("Iets anders"), "payload": "/out_of_scope"})
    return buttons


def still_not_understood(dispatcher: CollectingDispatcher, tracker: Tracker, text: Text = STILL_UNCLEAR) -> None:
    """The second miss in a row: something new, never the reply the user just read."""
    locales.activate(p.language_of(tracker))
    if said(text, bot_texts_of_last_turn(tracker)):
        dispatcher.utter_message(text=_(LAST_RESORT), buttons=translated(MENU))
    else:
        dispatcher.utter_message(text=_(text), buttons=translated([ADVISOR_BUTTON, SEARCH_BUTTON, HELP_BUTTON]))


def not_understood(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """An unclear message: likely meanings first, something new when it happens again. When
    the message was answered already this turn ("kan dat ook s avonds" to "Hoe wil je het
    liefst leren?" got the note about lesson times), no "Ik weet niet zeker …" after it."""
    if bot_texts_of_this_turn(tracker):
        return
    locales.activate(p.language_of(tracker))
    if _repeats_a_miss(tracker):
        still_not_understood(dispatcher, tracker)
    else:
        dispatcher.utter_message(text=_(CLARIFY), buttons=clarify_buttons(tracker))


def off_topic(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Something we cannot help with: said once; a second one in a row gets the offer."""
    locales.activate(p.language_of(tracker))
    if _repeats_a_miss(tracker):
        still_not_understood(dispatcher, tracker, text=OFF_TOPIC_AGAIN)
    else:
        dispatcher.utter_message(text=_(OUT_OF_SCOPE), buttons=translated([SEARCH_BUTTON, HELP_BUTTON]))
