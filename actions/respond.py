"""What the bot does with a message that tells something rather than asks something:
facts, corrections, the answer to a follow-up question, yes, no, "weet ik niet", or an
unclear message (intents inform, affirm, deny, dont_know, nlu_fallback outside a form).

The facts themselves were already read and checked by action_validate_slot_mappings
(actions/facts.py), which also confirmed a correction. This action decides what the new
facts change: the last answer is given again with them (modules, funding, employer, hub),
a first search starts the intake, and a fact that changes nothing shown is just noted.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text

import locales
from knowledge.vocabulary import alternatives
from locales import N_, _
from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from . import facts
from .faq import asks_price_of_shown, confident_faq, explain_term, likeliest_intent, likely_intents
from .fallback import (
    MENU,
    translated,
    OFF_TOPIC_AGAIN,
    OUT_OF_SCOPE,
    STILL_UNCLEAR,
    bot_texts_of_last_turn,
    not_understood,
    off_topic,
)
from .funding import MONEY_WORDS, employer_answer, follows_up_on_schemes, funding_answer
from .guidance import ActionFindHub, ActionRecognitionPriorLearning, hub_follow_up
from .profile import UNKNOWN, language_of
from .questions import ask_follow_up
from .recommend import ask_which_module, search_or_ask

SEARCH_FACTS = {"theme", "location", "course_format", "hours_per_week", "budget", "education_level"}
FUNDING_FACTS = {"age", "employment_status", "education_level", "location", "sector", "company_size", "benefit_type"}
EMPLOYER_FACTS = {"company_size", "sector"}
# "ik ben 61, ben ik niet te oud?": answered before anything else.
TOO_OLD = re.compile(alternatives("too_old", r"\bte\s+oud\b", r"\bop\s+mijn\s+leeftijd\b"), re.IGNORECASE)
NOT_TOO_OLD = N_(
    "Nee, je bent niet te oud: de cursussen zijn er voor elke leeftijd. Bij een paar "
    "regelingen telt je leeftijd wel mee; daar let ik op als je vraagt wie je opleiding "
    "kan betalen."
)
NO_START_QUALIFICATION = {"geen", "vmbo", "mbo1"}  # below a startkwalificatie (havo, vwo, mbo 2)
# A doubt, not only a wish: "kan ik toch iets leren?", "kan dat wel", "mag ik dat" (not "ik zou
# graag … willen, maar heb geen diploma": that is answered with modules).
DOUBT = re.compile(alternatives("doubt", r"\?", r"\b(?:kan|mag|lukt|moet)\s+(?:ik|dat|het)\b"), re.IGNORECASE)
# A question about the hub just shown: when it is open, where it is, how to get there.
HUB_FOLLOW_UP = re.compile(
    r"\bopen\b|dicht|geopend|tijden|\buur\b|maandag|dinsdag|woensdag|donderdag|"
    r"vrijdag|zaterdag|zondag|weekend|avond|adres|waar is|parkeren|bus|trein|"
    r"afspraak|langs",
    re.IGNORECASE,
)
WHAT_NEXT = N_("Oké. Waar kan ik je nog mee helpen?")
WHAT_NEXT_AGAIN = N_("Goed. Zeg gerust wat je wilt weten, of kies een knop.")
HELP = N_(
    "Je kunt me bijvoorbeeld vragen welke cursussen er zijn (over warmtepompen, zonnepanelen "
    "of BIM), wie je opleiding kan betalen, of waar een hub in de buurt is. Je kunt ook altijd "
    "met een adviseur praten. Waar wil je mee beginnen?"
)


def what_next(dispatcher: CollectingDispatcher, tracker: Tracker, before: Text = "") -> None:
    """A short acknowledgement and the menu, never twice in the same words."""
    if before:
        text = before + " " + _("Waar kan ik je nog mee helpen?")
    else:
        text = _(WHAT_NEXT_AGAIN) if _(WHAT_NEXT) in bot_texts_of_last_turn(tracker) else _(WHAT_NEXT)
    dispatcher.utter_message(text=text, buttons=translated(MENU))


# A goodbye has a farewell in it; the model also hears one in "avond" (goedenavond, fijne
# avond) when that is the answer to "Hoe wil je het liefst leren?".
FAREWELL = re.compile(
    r"\b(doei|dag|daag|dagg|tot (ziens|later|straks|de volgende)|bye|ciao|adios|"
    r"houdoe|later|fijne (avond|dag|middag|ochtend|weekend)|goeden(avond|acht|dag)|"
    r"welterusten|groet(en|jes)|bedankt|dank( je| u|je|jewel)?|thanks|klaar|"
    r"stop|dat was (het|alles)|ik ga( weer)?|ik ben weg|afsluiten)\b",
    re.IGNORECASE,
)


# Leaving, not only thanks: "dank je, doei" is a goodbye, "dank je!" asks for more.
LEAVING = re.compile(
    r"\b(doei|dag|daag|tot (ziens|later|straks|de volgende)|bye|ciao|adios|houdoe|"
    r"fijne (avond|dag|middag|ochtend|weekend)|welterusten|groet(en|jes)|klaar|"
    r"dat was (het|alles)|ik ga( weer)?|ik ben weg|afsluiten)\b",
    re.IGNORECASE,
)


class ActionThank(Action):
    """ "Graag gedaan" and an offer of more; a goodbye when the thanks say one ("dank je, doei")."""

    def name(self) -> Text:
        return "action_thank"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        leaving = LEAVING.search(facts.latest_text(tracker) or "")
        dispatcher.utter_message(response="utter_goodbye" if leaving else "utter_thank")
        return []


class ActionGoodbye(Action):
    """A goodbye when the message says one; otherwise the conversation goes on."""

    def name(self) -> Text:
        return "action_goodbye"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        text = facts.latest_text(tracker)
        if not text or text.startswith("/") or FAREWELL.search(text):
            dispatcher.utter_message(response="utter_goodbye")
        else:
            what_next(dispatcher, tracker)
        return []


class ActionRespondToFacts(Action):
    def name(self) -> Text:
        return "action_respond_to_facts"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        changed = facts.changed_facts(tracker)
        known = {slot for slot, value in changed.items() if value != UNKNOWN}
        last = tracker.get_slot("last_answer")
        employer = tracker.get_slot("employment_status") == "werkgever"
        if known:
            asked = facts.previous_value(tracker, "asked_slot")
            theme_known = tracker.get_slot("theme") not in (None, UNKNOWN)
            answer_doubts(dispatcher, tracker)
            if facts.foreign_diploma(tracker) and not known & {"theme", "location", "course_format"}:
                # "ik ben 34 en heb een diploma uit polen": the facts noted, then what that diploma
                # is worth here (the question is not lost behind the age)
                noted = facts.noted_facts(tracker)
                if noted:
                    dispatcher.utter_message(text=_("Dank je, dat onthoud ik: {facts}.", facts=noted))
                return await ActionRecognitionPriorLearning().run(dispatcher, tracker, domain)
            if follows_up_on_schemes(tracker) and not known & {"theme", "location", "course_format"}:
                # "mijn kosten zijn maar 2000 euro, kan het dan nog": about the scheme, not a wish
                return funding_answer(dispatcher, tracker)
            if known & (SEARCH_FACTS - FUNDING_FACTS):
                return search_or_ask(dispatcher, tracker)  # a wish about the courses: search again
            if last is None:  # nothing answered yet: these facts start the advice
                return employer_answer(dispatcher, tracker) if employer else search_or_ask(dispatcher, tracker)
            if last == "hub" and "location" in known:
                return await ActionFindHub().run(dispatcher, tracker, domain)
            if last == "funding" and known & FUNDING_FACTS:
                return funding_answer(dispatcher, tracker)
            if (last == "employer" or employer) and known & EMPLOYER_FACTS:
                return employer_answer(dispatcher, tracker)
            if last == "employer" and "location" in known and theme_known:
                return search_or_ask(dispatcher, tracker)  # the courses for their people, nearby
            if asked in ("theme", "location") and asked in known:
                return search_or_ask(dispatcher, tracker)  # what the search needed: on with it
            if last == "modules" and known & SEARCH_FACTS:
                return search_or_ask(dispatcher, tracker)
            noted = facts.noted_facts(tracker)
            what_next(dispatcher, tracker, before=_("Dank je, dat onthoud ik: {facts}.", facts=noted) if noted else "")
            return []
        intent = facts.latest_intent(tracker)
        asked = facts.previous_value(tracker, "asked_slot")
        if changed and last == "modules" and asked in ("theme", "location") and asked in changed:
            # "weet ik niet" / "maakt niet uit" to what a search needs: on with the search
            return search_or_ask(dispatcher, tracker)
        if changed:  # "weet ik niet" to an optional follow-up question
            what_next(dispatcher, tracker, before=_("Geen probleem."))
        elif follows_up_on_schemes(tracker):
            # "mijn kosten zijn maar 2000 euro, kan het dan nog", "jammer, wat dan wel": about the
            # schemes just explained, even while a question of the bot is open
            return funding_answer(dispatcher, tracker)
        elif facts.foreign_diploma(tracker):
            # "ik heb diploma uit polen, technikum": what it is worth here, before any question
            return await ActionRecognitionPriorLearning().run(dispatcher, tracker, domain)
        elif asked and (tracker.get_slot("form_failures") or {}).get(asked):
            # the answer to the follow-up question could not be used: once more, in other words
            return ask_follow_up(dispatcher, tracker, asked)
        elif intent == "affirm" and offered(tracker, STILL_UNCLEAR, OFF_TOPIC_AGAIN):
            # "ja" to "Zal ik je met een adviseur laten praten?": the consent question first
            return [FollowupAction("utter_ask_handoff_consent")]
        elif intent == "affirm" and offered(tracker, OUT_OF_SCOPE):
            dispatcher.utter_message(text=_(HELP), buttons=translated(MENU))  # "ja" to "Zal ik daarmee helpen?"
        elif intent in ("affirm", "deny"):
            what_next(dispatcher, tracker)
        elif intent == "dont_know":
            dispatcher.utter_message(text=_(HELP), buttons=translated(MENU))
        elif names_a_scheme(tracker):
            # "dan het uwv?", "en bij duo lenen?" (a follow-up without the name is answered above)
            return funding_answer(dispatcher, tracker)
        elif tracker.get_slot("last_answer") == "hub" and HUB_FOLLOW_UP.search(facts.latest_text(tracker)):
            # "zaterdag open?": the hub's hours and address
            return hub_follow_up(dispatcher, tracker) or await ActionFindHub().run(dispatcher, tracker, domain)
        elif intent == "nlu_fallback" and asks_for_courses(tracker):
            return search_or_ask(dispatcher, tracker)  # "toon maar cursussen", unclear to the model
        elif intent == "nlu_fallback" and asks_who_pays(tracker):
            # "wie betaalt dat als ik geen werk en geen uitkering heb", unclear to the model
            return funding_answer(dispatcher, tracker)
        elif intent == "nlu_fallback" and asks_price_of_shown(tracker, facts.latest_text(tracker)):
            ask_which_module(dispatcher, tracker, "course_details")  # "en wat kost dat", unclear to the model
        elif explain_term(dispatcher, tracker):
            pass  # "wat is bim eigenlijk", unclear to the model: the word explained
        elif faq_answer := confident_faq(tracker):
            # "verdien ik daar meer mee dan als kok": below the threshold, but the FAQ answer is sure
            dispatcher.utter_message(response=faq_answer)
        else:
            not_understood(dispatcher, tracker)
        return []


class ActionOutOfScope(Action):
    """A message the model calls not ours. It is ours after all when it answers the question
    the bot just asked ("haha ok. helmond" after "In welke plaats woon je?"), names a subject we
    teach ("sorry kind pakte telefoon. zoek cursus warmtepomp helmond") or asks about the
    schemes just explained ("en kan ik het aftrekken van de belasting"), or asks about paying
    in the middle of advice: then it is answered as such. Anything else gets "daar kan ik niet mee helpen"."""

    def name(self) -> Text:
        return "action_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        asked = facts.previous_value(tracker, "asked_slot")
        changed = facts.changed_facts(tracker)
        tried = asked and asked_failed_now(tracker, asked)  # "Parijs": "Ik ken die plaats niet"
        if (asked and asked in changed) or tried or "theme" in changed or follows_up_on_schemes(tracker):
            return await ActionRespondToFacts().run(dispatcher, tracker, domain)
        if tracker.get_slot("last_answer") and MONEY_WORDS.search(facts.latest_text(tracker)):
            # "mijn werkgever is een woningcorporatie, betalen die zoiets" after modules
            return funding_answer(dispatcher, tracker)
        if not explain_term(dispatcher, tracker):  # "wat is een mbo niveau eigenlijk?"
            off_topic(dispatcher, tracker)
        return []


COURSE_WORDS = re.compile(alternatives("course_words", "cursus", "opleiding", "module", "training"), re.IGNORECASE)


def asks_for_courses(tracker: Tracker) -> bool:
    """An unclear message that names courses and whose likeliest meaning is a search, or a yes
    with a search next to it ("oké, toon maar cursussen": affirm, then search_course)."""
    ranking = likely_intents(tracker.latest_message or {})
    if not ranking or not COURSE_WORDS.search(facts.latest_text(tracker)):
        return False
    search = {"search_course", "more_results"}
    return ranking[0] in search or (ranking[0] == "affirm" and bool(search & set(ranking[1:2])))


def asks_who_pays(tracker: Tracker) -> bool:
    """An unclear message whose likeliest meaning is a funding question and that has money
    words in it."""
    return likeliest_intent(tracker.latest_message or {}) == "ask_funding" and bool(
        MONEY_WORDS.search(facts.latest_text(tracker))
    )


def asked_failed_now(tracker: Tracker, asked: Text) -> bool:
    """The latest message was an answer to the bot's question that could not be used."""
    now = (tracker.get_slot("form_failures") or {}).get(asked)
    return bool(now) and now != (facts.previous_value(tracker, "form_failures") or {}).get(asked)


def offered(tracker: Tracker, *questions: Text) -> bool:
    """The bot's last turn asked one of these yes/no questions."""
    said = " ".join(bot_texts_of_last_turn(tracker))
    return any(_(question) in said for question in questions)


def names_a_scheme(tracker: Tracker) -> bool:
    """The message names a funding scheme ("uwv", "duo", "slim"; "werkgever" or "baas" only
    with money words), so it asks about money."""
    text = facts.latest_text(tracker)
    return not text.startswith("/") and bool(facts.schemes_in_focus(text, None))


class ActionSearchModules(Action):
    """A course question: the first page of modules, or the question for what is missing.
    A message the model took for a search but that asks about money is answered as such:
    it names a scheme ("mag dat van het uwv"), or is an employer asking for subsidy for
    their people."""

    def name(self) -> Text:
        return "action_search_modules"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        text = facts.latest_text(tracker)
        if names_a_scheme(tracker) and not corrects_the_search(tracker):
            return funding_answer(dispatcher, tracker)
        if MONEY_WORDS.search(text) and facts.speaks_as_employer(text):
            return employer_answer(dispatcher, tracker)
        answer_doubts(dispatcher, tracker)  # "... kan dat wel op mijn leeftijd 47"
        return search_or_ask(dispatcher, tracker)


def answer_doubts(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A doubt said with the facts is answered before the modules or the next question:
    "ik ben 61, ben ik niet te oud?", "geen diploma, alleen vmbo. kan ik toch iets leren?"."""
    changed = facts.changed_facts(tracker)
    text = facts.latest_text(tracker)
    if changed.get("education_level") in NO_START_QUALIFICATION and DOUBT.search(text):
        dispatcher.utter_message(response="utter_faq/startkwalificatie")
    if changed.get("age") not in (None, UNKNOWN) and TOO_OLD.search(text):
        dispatcher.utter_message(text=_(NOT_TOO_OLD))


def corrects_the_search(tracker: Tracker) -> bool:
    """The message changed a fact a search depends on (a place, a theme, online), whatever
    the model took it for: "is er ook eentje in hengelo", "niet bim maar circulair bouwen",
    "kan het ook online"."""
    return bool(set(facts.changed_facts(tracker)) & {"theme", "location", "course_format"})


async def facts_first(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
) -> Optional[List[Dict[Text, Any]]]:
    """For single answers (details, EVC, orientation): when the message really changed what
    the user is looking for, the new facts are answered instead (None: answer as asked)."""
    if corrects_the_search(tracker):
        return await ActionRespondToFacts().run(dispatcher, tracker, domain)
    if names_a_scheme(tracker) or follows_up_on_schemes(tracker):
        # "wij techniek? zijn wij daar bij aangesloten", "hoe lang mag het duren" (after UWV)
        return funding_answer(dispatcher, tracker)
    return None
