"""Module recommendations: search for the profile, page on, details, how to enrol.

Each result page goes out as
  1. a text with a numbered list "1. Title — provider, place, price, start" (so WhatsApp
     and plain REST users get the facts without card rendering),
  2. json_message {"type": "module_cards", "text": heading, "replaces_text": the list above,
     "cards": [...]} (the REST output contract; card-aware channels show heading + cards),
  3. a short question with buttons (meer opties, financiering, adviseur), or the one
     optional refinement question (below).
The page's module ids and offset go into the slots shown_modules and results_offset, so
"de tweede", "meer" and "hoe meld ik me aan" refer to what the user saw.

Modules early: the first page comes as soon as the theme and a place (or "online" / "maakt
niet uit") are known. It says what it searched for, so the user sees they were heard, and
offers one optional refinement (format, level, hours or budget: the first one not known
and not asked before) as a follow-up question with buttons.
"""

from __future__ import annotations

import json
import re
from typing import Any, Dict, List, Optional, Text

import knowledge
import locales
from knowledge import display
from knowledge.display import date_text, label
from locales import N_, _
from knowledge.vocabulary import LAST_WORDS, ORDINALS, alternatives
from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from . import kb, usage
from .markup import md
from .facts import changed_facts, latest_text, noted_facts, previous_value
from .profile import PROFILE_SLOTS, THEME_LABELS, UNKNOWN, build_profile, language_of, tenant_of
from .fallback import bot_texts_of_last_turn
from .questions import ask_follow_up, can_follow_up

PAGE_SIZE = 3
MORE_ABOUT = N_("Wil je meer weten? Zeg bijvoorbeeld 'vertel meer over de tweede', of kies een knop.")
MORE_ABOUT_AGAIN = N_("Kies een module voor meer uitleg, of vraag bijvoorbeeld wat de eerste kost.")
SAMPLE_NOTE = N_("Let op: dit zijn voorbeeldgegevens, nog geen echte cursussen.")
# Buttons are built when they are sent, so their titles are in the language of the conversation.
ADVISOR = N_("Praat met een adviseur")
WHO_PAYS = N_("Wie betaalt dit?")
MORE = N_("Meer opties")
WHAT_DO_YOU_KNOW = N_("Wat weet je van mij?")
SEARCH_COURSE = N_("Cursus zoeken")


def button(title: Text, payload_: Text) -> Dict[Text, Text]:
    """A button with its title in the active language."""
    return {"title": _(title), "payload": payload_}


def advisor_button() -> Dict[Text, Text]:
    return button(ADVISOR, "/request_human")


def funding_button() -> Dict[Text, Text]:
    return button(WHO_PAYS, "/ask_funding")


def more_results_button() -> Dict[Text, Text]:
    return button(MORE, "/more_results")


# Kept for other modules that import them (Dutch titles; use the functions above to send).
ADVISOR_BUTTON = {"title": ADVISOR, "payload": "/request_human"}
FUNDING_BUTTON = {"title": WHO_PAYS, "payload": "/ask_funding"}
MORE_BUTTON = {"title": MORE, "payload": "/more_results"}

# "de goedkoopste", "welke begint het eerst": the module of the page shown, by its card facts
# (a module without a price or start date does not count).
SUPERLATIVES = [
    # the words of other languages: locales/<code>/patterns.yaml (knowledge.vocabulary.alternatives)
    (re.compile(alternatives("cheapest", "goedkoopst"), re.IGNORECASE), lambda m: m.price_eur, min),
    (re.compile(alternatives("dearest", "duurst"), re.IGNORECASE), lambda m: m.price_eur, max),
    (
        re.compile(
            alternatives(
                "starts_first",
                r"(?:begin|start)\w*\s+(?:het\s+)?(?:eerst|snelst)",
                r"(?:eerst|snelst)\w*\s+(?:begin|start)",
            ),
            re.IGNORECASE,
        ),
        lambda m: m.next_start,
        min,
    ),
]


def payload(intent: Text, **entities: Any) -> Text:
    return f"/{intent}" + (json.dumps(entities, ensure_ascii=False) if entities else "")


def search_filters(profile: Dict[str, Any]) -> Dict[str, Any]:
    """The user's wishes as hard filters; knowledge/ relaxes them one by one (and says
    which) when nothing matches."""
    filters: Dict[str, Any] = {}
    if profile.get("theme"):
        filters["theme"] = profile["theme"]
    if profile.get("course_format"):
        filters["format"] = profile["course_format"]
    if profile.get("location"):
        filters["location"] = profile["location"]
    if profile.get("budget"):  # 0 means "someone else pays", not "only free courses"
        filters["max_price"] = profile["budget"]
    if profile.get("hours_per_week"):
        filters["hours_per_week"] = profile["hours_per_week"]
    return filters


def search_query(tracker: Tracker, profile: Dict[str, Any]) -> Optional[Text]:
    """Without a theme, the words of the user's last course question help ranking."""
    if profile.get("theme"):
        return None
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            text = event.get("text") or ""
            if intent == "search_course" and text and not text.startswith("/"):
                return text[:300]
    return None


def subject_words(tracker: Tracker, profile: Dict[str, Any]) -> Optional[Text]:
    """What the user called the theme in their own words, when that is more specific than the
    theme: "zonnepanelen" for installatietechniek (which also holds heat pumps and chargers)."""
    theme = profile.get("theme")
    if not theme:
        return None
    for event in reversed(tracker.events or []):
        if event.get("event") != "user" or (event.get("text") or "").startswith("/"):
            continue
        text = event.get("text") or ""
        for entity in (event.get("parse_data") or {}).get("entities") or []:
            start, end = entity.get("start"), entity.get("end")
            if entity.get("entity") == "theme" and entity.get("value") == theme and isinstance(start, int):
                said = text[start:end].strip().lower()
                return said if said and said != theme else None
    return None


def run_search(tracker: Tracker, offset: int) -> "knowledge.SearchResult":
    kb.ensure_db()
    profile = build_profile(tracker)
    filters = search_filters(profile)
    subject = subject_words(tracker, profile)
    if subject:
        # "iets met zonnepanelen": the solar courses of the theme first, when there are any
        # that meet every other wish, also farther away (the answer says so: "Ik vond niets
        # binnen 30 km ..."): what the user asked for beats other courses of the theme
        # nearby. Otherwise the theme as a whole, as before.
        found = knowledge.search_modules(profile, query=subject, filters=filters, limit=PAGE_SIZE, offset=offset)
        if found.total and set(found.relaxed_filters) <= {"location"}:
            return found
    return knowledge.search_modules(
        profile, query=search_query(tracker, profile), filters=filters, limit=PAGE_SIZE, offset=offset
    )


def card_line(number: int, hit: "knowledge.ModuleHit") -> Text:
    c = hit.to_card()
    return _(
        "{number}. {title} — {provider}, {place}, {price}, start: {start}",
        number=number,
        title=md(hit.title),
        provider=md(hit.provider),
        place=md(c["location"]),
        price=hit.price_text,
        start=c["next_start"],
    )


def card(hit: "knowledge.ModuleHit") -> Dict[str, Any]:
    data = hit.to_card()
    data["buttons"] = [
        {"title": _("Details"), "payload": payload("course_details", module_id=hit.module_id)},
        {"title": _("Financiering"), "payload": payload("ask_funding", module_id=hit.module_id)},
        {"title": _("Aanmelden"), "payload": payload("how_to_enroll", module_id=hit.module_id)},
    ]
    return data


def taught_in_note(hits: List[Any]) -> Optional[Text]:
    """ "These courses are taught in Dutch." when the user speaks another language than the
    courses (knowledge/display.py); None in a Dutch conversation."""
    notes = {display.taught_in(hit) for hit in hits} - {None}
    if not notes:
        return None
    if len(hits) > 1 and {display.teaching_language(h) for h in hits} == {"nl"}:
        return _("Deze cursussen zijn in het Nederlands.")
    return " ".join(sorted(notes))


def refinement(tracker: Tracker, profile: Dict[str, Any]) -> Optional[Text]:
    """The one optional wish worth asking after the first results, if any."""
    status = profile.get("employment_status")
    wishes = ["course_format"]
    if status in ("werkend", "zzp"):
        wishes.append("hours_per_week")
    if status in ("zzp", "werkzoekend", "student"):
        wishes.append("budget")
    if status != "werkgever":
        wishes.append("education_level")
    return next((slot for slot in wishes if can_follow_up(tracker, slot)), None)


def searched_for(profile: Dict[str, Any], nearby: bool = True) -> Text:
    """What the search used, in a few words: "over warmtepompen, in de buurt van Tilburg"
    (not `nearby` when nothing was found near: the answer already says so)."""
    parts = []
    if profile.get("theme"):
        parts.append(_("over {theme}", theme=label(THEME_LABELS.get(profile["theme"], profile["theme"]))))
    if profile.get("course_format") == "online":
        parts.append(_("online"))
    elif profile.get("location") and nearby:
        parts.append(_("in de buurt van {place}", place=profile["location"]))
    return ", ".join(parts)


def more_button(result: "knowledge.SearchResult", offset: int) -> List[Dict[str, Any]]:
    """ "Meer opties" when the search has more than this page."""
    return [more_results_button()] if result.total > offset + len(result.hits) else []


def show_page(
    dispatcher: CollectingDispatcher,
    result: "knowledge.SearchResult",
    offset: int,
    intro: Text,
    extra_buttons: Optional[List[Dict]] = None,
    tracker: Optional[Tracker] = None,
    refine: Optional[Text] = None,
) -> List[Dict[str, Any]]:
    """Send one page of results (text list, cards, and a question with buttons: a
    refinement when `refine` names one) and remember it."""
    hits = result.hits
    heading = list(result.relaxed) + [intro]
    lines = heading + [card_line(offset + i + 1, hit) for i, hit in enumerate(hits)]
    taught = taught_in_note(hits)
    if taught:
        lines.append(taught)
    if any(hit.sample for hit in hits):
        lines.append(_(SAMPLE_NOTE))
    plain = "\n".join(lines)
    dispatcher.utter_message(text=plain)
    # A channel that shows cards replaces the plain list with the heading plus the cards,
    # so the user does not read every module twice.
    dispatcher.utter_message(
        json_message={
            "type": "module_cards",
            "text": "\n".join(heading),
            "replaces_text": plain,
            "cards": [card(h) for h in hits],
        }
    )
    usage.record_modules(dispatcher, "module_shown", hits)
    more = more_button(result, offset)
    events = [
        SlotSet("shown_modules", [h.module_id for h in hits]),
        SlotSet("results_offset", float(offset)),
        SlotSet("scheme_in_focus", None),
    ]  # the talk is about modules now
    if refine and tracker is not None:
        events += ask_follow_up(
            dispatcher, tracker, refine, intro=_("Zal ik gerichter zoeken?"), extra_buttons=more + (extra_buttons or [])
        )
    else:
        buttons = more + (extra_buttons or []) + [funding_button(), advisor_button()]
        text = _(MORE_ABOUT)
        if tracker is not None and text in bot_texts_of_last_turn(tracker):
            text = _(MORE_ABOUT_AGAIN)
        dispatcher.utter_message(text=text, buttons=buttons)
    if result.relaxed:
        events.append(SlotSet("handoff_reason", "wensen_versoepeld"))
    return events


def no_results(dispatcher: CollectingDispatcher, result: "knowledge.SearchResult") -> List[Dict]:
    lines = [_("Ik vond geen modules die bij je wensen passen.")] + list(result.relaxed)
    if result.message:
        lines.append(result.message)
    lines.append(
        _(
            "Een adviseur kan verder met je zoeken. Je kunt ook een wens aanpassen, "
            "bijvoorbeeld: 'online mag ook' of 'ik woon in Eindhoven'."
        )
    )
    dispatcher.utter_message(
        text="\n".join(lines), buttons=[advisor_button(), button(WHAT_DO_YOU_KNOW, "/show_profile")]
    )
    return [
        SlotSet("shown_modules", []),
        SlotSet("results_offset", 0.0),
        SlotSet("handoff_reason", "geen_passend_aanbod"),
    ]


def tenant_event(tracker: Tracker) -> List[Dict[str, Any]]:
    tenant = tenant_of(tracker)
    return [SlotSet("tenant", tenant)] if tenant and tenant != tracker.get_slot("tenant") else []


def first_page(
    dispatcher: CollectingDispatcher, tracker: Tracker, refine: bool = True, for_employer: bool = False
) -> List[Dict[Text, Any]]:
    """The first page of modules for the profile, saying what was searched for, and one
    optional refinement question (unless `refine` is False: another question follows).
    `for_employer`: the page follows the employer answer, also when the employer is known by
    their words and not yet by the slot (seen in make run: "Dank je, dat onthoud ik: sector
    installatie" and "passen bij je" above the modules for their people)."""
    result = run_search(tracker, 0)
    events = tenant_event(tracker) + [SlotSet("last_answer", "modules")]
    if not result.hits:
        return events + no_results(dispatcher, result)
    told = noted_facts(tracker)
    if told and only_new_facts_about_the_person(tracker) and same_first_page(tracker, result):
        # A new fact about the person ("ik heb vmbo") that leaves the best modules as they were:
        # say so, do not show them again. A wish or a correction ("in Hengelo") shows them.
        dispatcher.utter_message(
            text=_(
                "Dank je, dat onthoud ik: {facts}. De modules die ik je liet zien, passen nog steeds het best.",
                facts=told,
            ),
            buttons=more_button(result, 0) + [funding_button(), advisor_button()],
        )
        return events
    count = len(result.hits)
    profile = build_profile(tracker)
    about = searched_for(profile, nearby="location" not in result.relaxed_filters)
    employer = for_employer or tracker.get_slot("employment_status") == "werkgever"
    intro = intro_line(count, employer, about)
    person = noted_facts(tracker, leave_out=tuple(set(PROFILE_SLOTS) - PERSON_FACTS))
    if person and not employer:  # "ik ben 44, werk als loodgieter … heb mbo 2": heard, not only used
        # (an employer's company facts are in the employer answer just above the modules)
        intro = _("Dank je, dat onthoud ik: {facts}.", facts=person) + "\n" + intro
    if LITTLE_DUTCH.search(latest_text(tracker)) and not employer:
        intro = _(LITTLE_DUTCH_NOTE) + "\n" + intro  # "nederlands niet zo goed": heard, with a first step
    extra = []
    if not profile.get("theme") and not search_query(tracker, profile):
        intro = (
            _(
                "Je weet nog niet waar je over wilt leren; dat is goed. Hier zijn een paar "
                "modules om te beginnen. Je kunt ook eerst kijken welk werk veel gevraagd wordt."
            )
            + "\n"
            + intro
        )
        extra = [button(N_("Welk werk past bij mij?"), "/career_orientation")]
    return events + show_page(
        dispatcher, result, 0, intro, extra, tracker=tracker, refine=refinement(tracker, profile) if refine else None
    )


def intro_line(count: int, employer: bool, about: Text) -> Text:
    """ "Deze 3 modules passen bij je (over …):" as whole sentences per case."""
    if count > 1:
        if employer:
            text = _("Deze {count} modules passen bij je mensen", count=count)
        else:
            text = _("Deze {count} modules passen bij je", count=count)
    else:
        text = _("Deze module past bij je mensen") if employer else _("Deze module past bij je")
    return text + (_(" ({about}):", about=about) if about else ":")


# "nederlands niet zo goed", "ik spreek weinig Nederlands", "my dutch is not good": most
# courses are taught in Dutch (the FAQ utter_faq/nederlands_leren says the same, with where to ask).
LITTLE_DUTCH = re.compile(
    r"\b(?:nederlands|dutch)\b[^.?!]{0,25}\b(?:"
    + alternatives("weak_after_dutch", "niet", "slecht", "moeilijk", "weinig", "beetje", "matig")
    + r")\b|\b(?:"
    + alternatives("weak_before_dutch", "niet", "slecht", "weinig", "beetje", "matig")
    + r")\b[^.?!]{0,15}\b(?:nederlands|dutch)\b",
    re.IGNORECASE,
)
LITTLE_DUTCH_NOTE = N_(
    "Je schrijft dat Nederlands nog moeilijk is. De meeste cursussen zijn in het Nederlands. "
    "Een taalcursus Nederlands voor je werk (NT2) kan een goede eerste stap zijn: vraag ernaar "
    "bij je gemeente, je werkgever of het Taalhuis in de bibliotheek."
)


# Facts about the person (not wishes about the course).
PERSON_FACTS = {"education_level", "age", "employment_status", "benefit_type", "sector", "company_size"}


def only_new_facts_about_the_person(tracker: Tracker) -> bool:
    changed = changed_facts(tracker)
    return (
        bool(changed)
        and set(changed) <= PERSON_FACTS
        and all(previous_value(tracker, slot) in (None, UNKNOWN) for slot in changed)
    )


def same_first_page(tracker: Tracker, result: "knowledge.SearchResult") -> bool:
    """The search gives the first page the user is looking at already."""
    shown = tracker.get_slot("shown_modules") or []
    return (
        bool(shown) and not tracker.get_slot("results_offset") and [hit.module_id for hit in result.hits] == list(shown)
    )


def search_need(tracker: Tracker) -> Optional[Text]:
    """The one fact a search still needs: a theme (or "weet ik niet"), then a place unless
    the user learns online (or said the place does not matter)."""
    if tracker.get_slot("theme") is None:
        return "theme"
    if tracker.get_slot("location") is None and tracker.get_slot("course_format") != "online":
        return "location"
    return None


def search_or_ask(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[Dict[Text, Any]]:
    """Modules early: the first page as soon as the search has what it needs; until then
    the one question for what is missing."""
    need = search_need(tracker)
    skipped: List[Dict[Text, Any]] = []
    while need and (tracker.get_slot("asked_before") or []).count(need) >= 2:
        # asked twice and still not told: go on without it ("weet ik niet" as the default)
        skipped.append(SlotSet(need, UNKNOWN))
        tracker.slots[need] = UNKNOWN
        need = search_need(tracker)
    if skipped and not need:
        return skipped + first_page(dispatcher, tracker)
    if need:
        told = noted_facts(tracker, leave_out=(need,))
        intro = _("Dank je, dat onthoud ik: {facts}.", facts=told) if told else ""
        return (
            skipped
            + [SlotSet("last_answer", "modules")]
            + tenant_event(tracker)
            + ask_follow_up(dispatcher, tracker, need, intro=intro)
        )
    return first_page(dispatcher, tracker)


class ActionMoreResults(Action):
    """The next page of the same search."""

    def name(self) -> Text:
        return "action_more_results"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        if tracker.get_slot("results_offset") is None:
            dispatcher.utter_message(
                text=_("Ik heb je nog geen cursussen laten zien. Zal ik zoeken?"),
                buttons=[button(SEARCH_COURSE, "/search_course")],
            )
            return []
        offset = int(tracker.get_slot("results_offset") or 0) + PAGE_SIZE
        result = run_search(tracker, offset)
        if not result.hits:
            dispatcher.utter_message(
                text=_(
                    "Meer modules heb ik niet voor jouw wensen. Je kunt een wens aanpassen, "
                    "bijvoorbeeld 'online mag ook', of een adviseur laten meezoeken."
                ),
                buttons=[advisor_button(), button(WHAT_DO_YOU_KNOW, "/show_profile")],
            )
            return [SlotSet("handoff_reason", "geen_passend_aanbod")]
        return show_page(dispatcher, result, offset, _("Hier zijn meer opties:"), tracker=tracker)


def mentioned_module(tracker: Tracker) -> Optional[Text]:
    """The module the user means: a card button (module_id), an ordinal ("de tweede",
    "de laatste") on the page shown last, or the module talked about last."""
    entities = (tracker.latest_message or {}).get("entities") or []
    for entity in entities:
        if entity.get("entity") == "module_id" and entity.get("value"):
            return str(entity["value"])
    shown = tracker.get_slot("shown_modules") or []
    for entity in entities:
        if entity.get("entity") != "ordinal":
            continue
        value = str(entity.get("value", "")).strip().lower()
        if value in LAST_WORDS and shown:
            return shown[-1]
        index = ORDINALS.get(value)
        if index is not None and index < len(shown):
            return shown[index]
    by_superlative = superlative_module(tracker, shown)
    if by_superlative:
        return by_superlative
    if tracker.get_slot("last_module"):
        return tracker.get_slot("last_module")
    return shown[0] if len(shown) == 1 else None


def superlative_module(tracker: Tracker, shown: List[Text]) -> Optional[Text]:
    """ "wat kost de goedkoopste": the cheapest (dearest, first to start) module shown."""
    text = (tracker.latest_message or {}).get("text") or ""
    for words, key, pick in SUPERLATIVES:
        if words.search(text):
            kb.ensure_db()
            modules = [
                m
                for m in (knowledge.get_module(module_id) for module_id in shown)
                if m is not None and key(m) is not None
            ]
            return pick(modules, key=key).module_id if modules else None
    return None


def mentions_a_module(tracker: Tracker) -> bool:
    """The message points at a module: a card button, "de tweede" or "de goedkoopste"."""
    text = (tracker.latest_message or {}).get("text") or ""
    return any(
        e.get("entity") in ("module_id", "ordinal") for e in (tracker.latest_message or {}).get("entities") or []
    ) or any(words.search(text) for words, _, _ in SUPERLATIVES)


def ask_which_module(dispatcher: CollectingDispatcher, tracker: Tracker, intent: Text) -> None:
    """Several modules were shown: the short facts of each first ("wat kost het?", "wanneer
    begint het?" are answered for all of them), then which one the user means."""
    shown = tracker.get_slot("shown_modules") or []
    buttons, lines = [], []
    offset = int(tracker.get_slot("results_offset") or 0)
    evenings = bool(ASKS_WHEN_IN_THE_DAY.search(latest_text(tracker)))  # "kan dat ook in de avond?"
    heading = _("Dit zijn de modules die ik je liet zien:")
    modules = []
    for number, module_id in enumerate(shown, start=offset + 1):
        detail = knowledge.get_module(module_id)
        if detail:
            modules.append(detail)
            c = detail.to_card()
            where = where_text(detail)
            if evenings:
                said = (
                    _("avondlessen")
                    if "avond" in f"{detail.study_load_text} {detail.duration_text}".lower()
                    else _("avond of weekend staat er niet bij")
                )
                lines.append(
                    _(
                        "{number}. {title}: {load}, {where}; {said}.",
                        number=number,
                        title=md(detail.title),
                        load=c["study_load"],
                        where=where,
                        said=said,
                    )
                )
            else:
                lines.append(
                    _(
                        "{number}. {title}: {price}, start {start}, duur {duration}, {where}.",
                        number=number,
                        title=md(detail.title),
                        price=detail.price_text,
                        start=c["next_start"],
                        duration=c["duration"],
                        where=where,
                    )
                )
            buttons.append({"title": detail.title, "payload": payload(intent, module_id=module_id)})
    if evenings:
        heading = _("Of je 's avonds of in het weekend kunt leren, per module:")
        lines.append(_("Staat het er niet bij? Vraag het na bij de aanbieder; online past vaak goed naast je werk."))
    lines.extend(course_language_lines(modules, tracker))  # "is it in english? my dutch is not good"
    if buttons:
        dispatcher.utter_message(
            text="\n".join([heading] + lines + [_("Over welke wil je meer weten?")]),
            buttons=buttons,
        )
    else:
        dispatcher.utter_message(
            text=_("Over welke cursus gaat het? Ik heb je nog geen cursussen laten zien. Zal ik zoeken?"),
            buttons=[button(SEARCH_COURSE, "/search_course")],
        )


def where_text(detail: "knowledge.ModuleHit") -> Text:
    """ "klassikaal in Breda", "online" (the format and the place, in the active language)."""
    if detail.format == "online":
        return _("online")
    return _("{format} in {place}", format=display.label(detail.format), place=md(detail.location))


def no_longer_offered(module_id: Optional[Text]) -> Optional[knowledge.ModuleDetail]:
    """The module when its provider's feed withdrew it (knowledge.get_module gives None then)."""
    gone = knowledge.get_module(module_id, include_withdrawn=True) if module_id else None
    return gone if gone is not None and gone.withdrawn_at else None


def withdrawn_text(gone: knowledge.ModuleDetail) -> Text:
    return _("{title} van {provider} wordt niet meer aangeboden.", title=md(gone.title), provider=md(gone.provider))


def say_withdrawn(dispatcher: CollectingDispatcher, gone: knowledge.ModuleDetail) -> None:
    similar = payload("search_course", theme=gone.themes[0]) if gone.themes else "/search_course"
    dispatcher.utter_message(
        text=withdrawn_text(gone) + " " + _("Zal ik andere cursussen voor je zoeken die erop lijken?"),
        buttons=[button(N_("Andere cursussen zoeken"), similar), advisor_button()],
    )


def find_module(dispatcher: CollectingDispatcher, tracker: Tracker, intent: Text):
    """The ModuleDetail the user means, or None after saying it is no longer offered or
    asking which one."""
    kb.ensure_db()
    module_id = mentioned_module(tracker)
    detail = knowledge.get_module(module_id) if module_id else None
    if detail is None:
        gone = no_longer_offered(module_id)
        if gone is not None:
            say_withdrawn(dispatcher, gone)
        else:
            ask_which_module(dispatcher, tracker, intent)
    return detail


# What a question about one module asks first; the answer to it leads the details.
# Dutch words here, those of other languages in locales/<code>/patterns.yaml.
ASKS_PRICE = re.compile(
    r"\b(?:" + alternatives("asks_price", "kost", "kosten", "prijs", "prijzen", "euro", "geld") + r")\b", re.IGNORECASE
)
ASKS_WHEN_IN_THE_DAY = re.compile(
    r"\b(?:"
    + alternatives(
        "asks_when_in_the_day",
        "avond",
        "avonden",
        "avonduren",
        "'s avonds",
        "overdag",
        "weekend",
        "zaterdags?",
        "rooster",
        "lestijden",
        "welke dag(?:en)?",
    )
    + r")\b",
    re.IGNORECASE,
)
SEARCH_ONLINE_QUESTION = N_("Zal ik online cursussen voor je zoeken?")
ASKS_FORMAT = re.compile(
    r"\b(?:"
    + alternatives("asks_format", "online", "thuis", "op afstand", "digitaal", "klassikaal", "in een klas", "hybride")
    + r")\b",
    re.IGNORECASE,
)
ASKS_DURATION = re.compile(
    r"\b(?:" + alternatives("asks_duration", "hoe lang", "duurt", "duur van", "hoeveel (?:weken|maanden|uur)") + r")\b",
    re.IGNORECASE,
)
ASKS_START = re.compile(
    r"\b(?:" + alternatives("asks_start", "wanneer", "start", "begint", "beginnen") + r")\b", re.IGNORECASE
)
ASKS_PLACE = re.compile(r"\b(?:" + alternatives("asks_place", "waar") + r")\b", re.IGNORECASE)


def answer_first(detail: "knowledge.ModuleDetail", text: Text) -> Optional[Text]:
    """One line that answers what the user asked about this module ("hoeveel kost de eerste",
    "kan dat ook in de avonduren"), or None for "vertel meer"."""
    title, card = md(detail.title), detail.to_card()
    online = next((o for o in detail.offerings if o.format == "online" and o.start_date), None)
    duration, load = card["duration"], card["study_load"]
    fmt, place = display.label(detail.format), md(detail.location)
    if ASKS_WHEN_IN_THE_DAY.search(text):
        if "avond" in f"{detail.study_load_text} {detail.duration_text}".lower():
            return _("Ja: {title} is {load}, in {duration}.", title=title, load=load, duration=duration)
        line = _(
            "Of {title} ook 's avonds of in het weekend kan, staat niet in de gegevens die ik heb: "
            "het is {duration}, {format} in {place}. Vraag het na bij {provider}.",
            title=title,
            duration=duration,
            format=fmt,
            place=place,
            provider=md(detail.provider),
        )
        if online is not None and detail.format != "online":
            line += " " + _(
                "Er is ook een online start ({date}): die past vaak beter naast je werk.",
                date=date_text(online.start_date),
            )
        return line
    if ASKS_PRICE.search(text):
        prices = sorted({o.price_text for o in detail.offerings if o.price_text and o.price_text != detail.price_text})
        if prices:
            return _(
                "{title} kost {price} (andere startmomenten: {others}).",
                title=title,
                price=detail.price_text,
                others=", ".join(prices),
            )
        return _("{title} kost {price}.", title=title, price=detail.price_text)
    if ASKS_FORMAT.search(text):
        if detail.format == "online":
            return _("Ja: {title} is online.", title=title)
        other = next((o for o in detail.offerings if o.format in ("online", "hybride") and o.start_date), None)
        if other is not None:
            if other.format == "online":
                return _(
                    "{title} is {format} in {place}, maar er is ook een start online op {date}.",
                    title=title,
                    format=fmt,
                    place=place,
                    date=date_text(other.start_date),
                )
            return _(
                "{title} is {format} in {place}, maar er is ook een start deels online (hybride) op {date}.",
                title=title,
                format=fmt,
                place=place,
                date=date_text(other.start_date),
            )
        return (
            _("Nee: {title} is {format} in {place}; een online start is er niet.", title=title, format=fmt, place=place)
            + " "
            + _(SEARCH_ONLINE_QUESTION)
        )
    if ASKS_DURATION.search(text):
        return _("{title} duurt {duration} (studielast {load}).", title=title, duration=duration, load=load)
    if ASKS_START.search(text):
        return _("{title} start op {date}.", title=title, date=card["next_start"])
    if ASKS_PLACE.search(text):
        return _("{title} is in {place} ({format}).", title=title, place=place, format=fmt)
    return None


def course_language_lines(details: List[Any], tracker: Tracker) -> List[Text]:
    """In another language than the course's: that it is taught in Dutch, and, when the user
    said their Dutch is still weak, the Dutch-for-work course (NT2) as a first step."""
    taught = taught_in_note(details)
    if not taught:
        return []
    lines = [taught]
    if LITTLE_DUTCH.search(latest_text(tracker)) or LITTLE_DUTCH.search(said_before(tracker)):
        lines.append(_(LITTLE_DUTCH_NOTE))
    return lines


def said_before(tracker: Tracker) -> Text:
    """Everything the user typed in this conversation (for what they said about themselves)."""
    return " ".join(event.get("text") or "" for event in tracker.events or [] if event.get("event") == "user")[-2000:]


class ActionCourseDetails(Action):
    """Everything about one module: "de tweede", "die eerste", a card button. A question about
    one thing (price, evenings, online, duration, start, place) is answered first; right after
    the details, or the list that names the module with its provider, only that answer comes
    (not the whole page again)."""

    def name(self) -> Text:
        return "action_course_details"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        from .respond import facts_first

        locales.activate(language_of(tracker))
        if not mentions_a_module(tracker):
            # "is er ook eentje in hengelo": the same search with the new place
            redirected = await facts_first(dispatcher, tracker, domain)
            if redirected is not None:
                return redirected
        detail = find_module(dispatcher, tracker, "course_details")
        if detail is None:
            return []
        c = detail.to_card()
        buttons = [
            button(WHO_PAYS, payload("ask_funding", module_id=detail.module_id)),
            button(N_("Aanmelden"), payload("how_to_enroll", module_id=detail.module_id)),
            more_results_button(),
            advisor_button(),
        ]
        first = answer_first(detail, latest_text(tracker))
        if first and first.endswith(_(SEARCH_ONLINE_QUESTION)):  # "is die ook online?" and it is not
            buttons.insert(0, button(N_("Online cursussen zoeken"), payload("search_course", course_format="online")))
        heading = f"{md(detail.title)} — {md(detail.provider)}"
        if first and any(heading in said for said in bot_texts_of_last_turn(tracker)):
            dispatcher.utter_message(text=first, buttons=buttons)  # the details were just shown
            return [SlotSet("last_module", detail.module_id)]
        lines = ([first, ""] if first else []) + [heading]
        if detail.description:
            lines.append(md(detail.description))
        lines += course_language_lines([detail], tracker)
        lines.append(
            _(
                "Niveau: {level}. Vorm: {format}. Plaats: {place}.",
                level=c["level"],
                format=c["format"],
                place=md(c["location"]),
            )
        )
        lines.append(_("Duur: {duration} (studielast {load}).", duration=c["duration"], load=c["study_load"]))
        lines.append(_("Prijs: {price}.", price=detail.price_text))
        lines.append(_("Volgende start: {date}.", date=c["next_start"]))
        others = [o for o in detail.offerings if o.offering_id != detail.offering_id][:3]
        if others:
            lines.append(_("Andere startmomenten:"))
            for o in others:
                when = date_text(o.start_date) if o.start_date else _("start wanneer je wilt")
                lines.append(
                    _(
                        "- {when}, {place} ({format}), {price}",
                        when=when,
                        place=md(_("online") if o.location == "online" else o.location),
                        format=display.label(o.format),
                        price=o.price_text,
                    )
                )
        if detail.credential:
            lines.append(_("Je krijgt: {credential}.", credential=md(display.label(detail.credential))))
        if detail.reasons:
            lines.append(_("Waarom dit bij je past: {reasons}.", reasons="; ".join(md(r) for r in detail.reasons[:3])))
        lines.append(_("Meer informatie: {url}", url=detail.url))
        if detail.sample:
            lines.append(_(SAMPLE_NOTE))
        dispatcher.utter_message(text="\n".join(lines), buttons=buttons)
        usage.record_modules(dispatcher, "module_details", [detail])
        return [SlotSet("last_module", detail.module_id)]


class ActionHowToEnroll(Action):
    """The provider's sign-up link and what to prepare."""

    def name(self) -> Text:
        return "action_how_to_enroll"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[Dict[Text, Any]]:
        locales.activate(language_of(tracker))
        detail = find_module(dispatcher, tracker, "how_to_enroll")
        if detail is None:
            return []
        c = detail.to_card()
        lines = [
            _("Zo meld je je aan voor {title} bij {provider}:", title=md(detail.title), provider=md(detail.provider)),
            _("1. Ga naar de aanmeldpagina: {url}", url=detail.enroll_url or detail.url),
        ]
        if detail.enroll_prepare:
            lines.append(_("2. Zorg dat je dit klaar hebt:"))
            lines += [f"- {md(item)}" for item in display.phrases(detail.enroll_prepare)]
        lines.append(_("De volgende start is {date}.", date=c["next_start"]))
        lines += course_language_lines([detail], tracker)
        lines.append(
            _(
                "Kan je werkgever of een regeling meebetalen? Regel dat vóór je je aanmeldt: "
                "sommige regelingen gelden niet als de cursus al betaald of begonnen is."
            )
        )
        if detail.sample:
            lines.append(_(SAMPLE_NOTE) + " " + _("De link is een voorbeeld."))
        dispatcher.utter_message(
            text="\n".join(lines),
            buttons=[
                button(WHO_PAYS, payload("ask_funding", module_id=detail.module_id)),
                advisor_button(),
            ],
        )
        usage.record_modules(dispatcher, "signup", [detail])
        return [SlotSet("last_module", detail.module_id)]
