"""FAQ answers (retrieval intent faq), with the conversation in mind.

The ResponseSelector picks an answer by the words of the message alone, so a follow-up such
as "hoeveel rente" or "ok en hoe moet ik dat terugbetalen" after the loan, or "en wat kost
dat" after modules, would get whichever general FAQ text shares the most words. What was
just talked about decides first:
- a question about the schemes in focus, or one naming a scheme that has no FAQ text of its
  own, gets the funding answer (actions/funding.py);
- a money question the selector is unsure of gets the prices of the modules just shown
  ("en wat kost dat"), or the funding answer; a sure choice stands ("kan ik ook betaald
  leren" is about learning on the job, not about who pays);
- otherwise the FAQ text the ResponseSelector chose (utter_faq/<key>).
An unclear message (nlu_fallback) whose FAQ answer the selector is sure of gets that answer
too (confident_faq, used by actions/respond.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

import knowledge
import locales
from locales import _
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from . import profile as p
from .facts import latest_text, schemes_in_focus
from .feedback import rateable
from .funding import MONEY_WORDS, follows_up_on_schemes, funding_answer
from .recommend import ask_which_module

# FAQ texts that are themselves about money: their answer stands.
MONEY_FAQS = {"faq/kosten_bot", "faq/llo_krediet_uitleg", "faq/stap"}
# FAQ texts about one scheme: a question naming that scheme gets the FAQ text.
SCHEME_FAQS = {
    "faq/llo_krediet_uitleg": "levenlanglerenkrediet",
    "faq/stap": "stap",
    "faq/brabant_leert": "brabant_leert_jtf",
}
PRICE = re.compile(r"\bkost|\bprijs|hoe duur\b", re.IGNORECASE)
NOT_ONLY_PRICE = re.compile(r"terug|subsid|betaalt|vergoed|regeling|lenen", re.IGNORECASE)
SURE = 0.9  # a ResponseSelector confidence at which an unclear message gets the FAQ answer


def asks_price_of_shown(tracker: Tracker, text: Text) -> bool:
    """ "en wat kost dat" after modules were shown: their prices, not who pays."""
    return bool(tracker.get_slot("shown_modules") and PRICE.search(text) and not NOT_ONLY_PRICE.search(text))


def selected_faq(tracker: Tracker) -> Dict[Text, Any]:
    """The ResponseSelector's choice: intent_response_key, utter_action, confidence."""
    return _selected(tracker.latest_message or {})


def _selected(parse: Dict[Text, Any]) -> Dict[Text, Any]:
    return (parse.get("response_selector") or {}).get("faq", {}).get("response") or {}


def likely_intents(parse: Dict[Text, Any]) -> List[Text]:
    """The model's intents other than nlu_fallback, likeliest first (what an unclear message
    may have meant)."""
    return [i.get("name") for i in parse.get("intent_ranking") or [] if i.get("name") != "nlu_fallback"]


def likeliest_intent(parse: Dict[Text, Any]) -> Optional[Text]:
    """The model's best intent other than nlu_fallback (what an unclear message most likely meant)."""
    return next(iter(likely_intents(parse)), None)


def confident_faq_of(parse: Dict[Text, Any]) -> Optional[Text]:
    """For an unclear message (a parse result): the FAQ answer (utter action) when faq was the
    model's best intent below the fallback threshold and the selector is sure of the answer."""
    choice = _selected(parse)
    if likeliest_intent(parse) == "faq" and (choice.get("confidence") or 0) >= SURE:
        return choice.get("utter_action")
    return None


def explain_term(dispatcher: CollectingDispatcher, tracker: Tracker) -> bool:
    """ "wat is BIM eigenlijk?", "wat is een mbo niveau?": the word explained (a glossary in
    knowledge/, so such a question needs no training data of its own)."""
    explanation = knowledge.explain_term(latest_text(tracker))
    if explanation:
        locales.activate(p.language_of(tracker))
        dispatcher.utter_message(text=_(explanation))  # data text (glossary), translated by the catalogue
    return bool(explanation)


def confident_faq(tracker: Tracker) -> Optional[Text]:
    return confident_faq_of(tracker.latest_message or {})


class ActionAnswerFaq(Action):
    def name(self) -> Text:
        return "action_answer_faq"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(p.language_of(tracker))
        text = latest_text(tracker)
        choice = selected_faq(tracker)
        key = choice.get("intent_response_key")
        named = schemes_in_focus(text, None) or []
        if follows_up_on_schemes(tracker) and not named:
            return funding_answer(dispatcher, tracker)  # "hoeveel rente" after the loan
        if named and SCHEME_FAQS.get(key) not in named:
            return funding_answer(dispatcher, tracker)  # "kan ik dat combineren met het uwv"
        if MONEY_WORDS.search(text) and key not in MONEY_FAQS and (choice.get("confidence") or 0) < SURE:
            # a money question the selector matched to another text by a few shared words
            if asks_price_of_shown(tracker, text):
                ask_which_module(dispatcher, tracker, "course_details")  # "en wat kost dat"
                return []
            return funding_answer(dispatcher, tracker)
        if (choice.get("confidence") or 0) < SURE and explain_term(dispatcher, tracker):
            return []  # "wat is bim": the selector is unsure, the glossary knows the word
        if choice.get("utter_action"):
            dispatcher.utter_message(response=choice["utter_action"])
            rateable(dispatcher, key or "faq")
        else:
            dispatcher.utter_message(response="utter_default")
        return []
