"""Every fact, every turn: the one place where profile facts are read and checked.

Rasa fills the profile slots from entities in any message (global slot mappings, no
forms). After every user message Rasa calls `action_validate_slot_mappings` (rasa-sdk's
ValidationAction), which is this module's `ValidateSlotMappings`. It

- extracts what the NLU model cannot: the plain answer to the one question the bot asked
  last (slot `asked_slot`: "tilburg", "weet ik niet"), an age said as "ik ben 34" or
  "34 jaar", a staff count ("12 man personeel");
- picks, for every slot, the valid value among all the message offers (a message with
  "mbo 2" and "ben 34" may give education_level = mbo2 and '34': the level is mbo2, the 34
  is an age), and ignores values the user negates ("niet Tilburg maar Breda");
- normalises each value to its canonical form, or handles a value that cannot be used:
  for the question just asked, one rephrased question and then the question is skipped
  ("onbekend"); said in passing, a short note and the old value stays;
- confirms a correction in a few words ("Oké, aangepast: je woont in Breda.").

What the new facts change is decided by action_respond_to_facts (actions/respond.py).
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Text, Tuple

import knowledge
import locales
from knowledge.vocabulary import AGE_IN_TEXT, alternatives, phrases, regexes
from locales import N_, _
from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict

from . import profile as p
from . import usage
from .kb import named_schemes
from .profile import UNKNOWN

ASKED_SLOT = "asked_slot"
FOCUS_SLOT = "scheme_in_focus"
# "werkgever" and "baas" name the employer-pays route only when the message is about money.
# The words of other languages in these patterns: locales/<code>/patterns.yaml (issue 17).
ABOUT_EMPLOYER_PAYING = re.compile(
    alternatives("about_employer_paying", r"betaal|vergoed|budget|\bcao\b|belasting|aftrek"), re.IGNORECASE
)
# Someone talking about their own employer is an employee ("mijn werkgever is een installateur").
MY_EMPLOYER = re.compile(alternatives("my_employer", r"\b(?:mijn|m'n|onze)\s+(?:werkgever|baas)\b"), re.IGNORECASE)
# An employer speaking of their own company and people ("wij willen onze monteurs ...",
# "voor werkgevers", "80 medewerkers", "wij zijn een metaalbedrijf").
EMPLOYER_SELF = re.compile(
    alternatives(
        "employer_self",
        r"\b(?:voor|als) werkgevers?\b|\b(?:onze|mijn|m'n) (?:medewerkers|werknemers|mensen|personeel|monteurs|"
        r"jongens|vakmensen)\b|\b\d+\s*(?:medewerkers|werknemers|man personeel|mensen in dienst)\b|"
        r"\bwij (?:zijn|hebben) een\b|\bons bedrijf\b",
    ),
    re.IGNORECASE,
)
# Place names that are also Dutch words ("iets met stroomnetten leek me wel wat"): a place
# only after "in", "uit", "bij" and the like, or as the answer to the place question.
WORD_PLACES = {
    "leek",
    "best",
    "son",
    "epe",
    "wijk",
    "born",
    "bergen",
    "vaals",
    "wehl",
    "haren",
    *phrases("word_places"),
}
PLACE_WORDS_BEFORE = rf"(?:{alternatives('place_words_before', 'in', 'uit', 'bij', 'naar', 'rond', 'vlakbij', 'buurt van', 'omgeving', 'regio')})\s+"
NUMBER_SLOTS = {"age", "hours_per_week", "budget", "company_size"}
# Intents whose text can be the answer to a question the bot asked; with another intent the
# text counts only when it is a valid answer ("cursus zonnepanelen" to the theme question).
ANSWER_INTENTS = {"inform", "nlu_fallback", "dont_know"}
# When someone can learn ("avond", "'s avonds", "twee avonden per week", "alleen in het
# weekend"): not an answer to a question about a diploma, a place or a format. The catalogue
# has no lesson times, so it is said what we can say about them.
WHEN = re.compile(
    alternatives(
        "when",
        r"\bavond|\b'?s ?avonds\b|\bovers?dag\b|\bweekend|\bzaterdag|\bzondag|"
        r"\bochtend|\bmiddag|\bper week\b|\bin de week\b|\bdoordeweeks",
    ),
    re.IGNORECASE,
)
WHEN_NOTE = N_(
    "Wanneer de lessen zijn, verschilt per cursus en school; dat zie je bij de aanmelding. "
    "Veel cursussen kun je naast je werk volgen."
)

STAFF_COUNT = re.compile(
    r"\b(\d{1,6})\s*(?:"
    + alternatives(
        "staff_units",
        r"man|mensen|medewerkers|werknemers|personeelsleden|collega'?s|monteurs|vakmensen|fte|werknemer",
    )
    + r")\b",
    re.IGNORECASE,
)
# "Helmond ipv Eindhoven": a correction, and the value after it is not meant.
INSTEAD_OF = "(?:" + alternatives("instead_of", r"ipv\b", r"i\.p\.v\.", r"in\s+plaats\s+van\b") + ")"
# "niet Tilburg", "geen hbo", "Helmond ipv Eindhoven": the value after it is not meant.
NOT_THIS = "(?:" + alternatives("not_this", "niet", "geen", r"nee\s+niet") + f"|{INSTEAD_OF})"
NEGATION_BEFORE = re.compile(rf"\b{NOT_THIS}\s*$", re.IGNORECASE)
# A question back rather than an answer ("en mijn baas, moet die iets aanvragen").
QUESTION = re.compile(
    r"\?|(?:^|[,.;]\s*)(?:en\s+|and\s+)?(?:"
    + alternatives(
        "question_words",
        r"wat|wie|hoe|hoeveel|waarom|waar|wanneer|welke?|moet|kan|mag|is|zijn|"
        r"heb|hebben|krijg|betaalt|kost|verdien|word|wordt|ga|gaat|levert|zou|zal|telt|valt|"
        r"klopt|bestaat|werkt",
    )
    + r")\b",
    re.IGNORECASE,
)
# "het zijn er 140 niet 400", "45 niet 54": a number corrected, whatever fact it was.
NUMBER_CORRECTION = re.compile(
    rf"\b(\d{{1,7}})\b[^\d]{{0,12}}?\b(?:{alternatives('not_word', 'niet')})\s+(\d{{1,7}})\b", re.IGNORECASE
)
# What follows "geen" when someone has no diploma.
NO_DIPLOMA = re.compile(r"\s*(?:diploma|opleiding|papieren|startkwalificatie|school)", re.IGNORECASE)
# "werk als …" that is not a job sought or lost ("zoek werk als", "geen werk als", "naar werk als").
NOT_SOUGHT = "".join(rf"(?<!{re.escape(w)})" for w in ("zoek ", "geen ", "naar ", *phrases("not_sought_before")))
# Someone with a job, in their own words.
HAS_A_JOB = re.compile(
    r"\b(?:ik werk|werk nu|werkzaam|in dienst bij|heb een (?:vaste )?baan|mijn baas|"
    rf"mijn werkgever|{NOT_SOUGHT}werk (?:als|bij|voor)|{NOT_SOUGHT}(?:{alternatives('work_as')}))\b|"
    + alternatives("has_a_job"),
    re.IGNORECASE,
)
# A wish about work or learning: "ik wil graag elektricien worden", "zou graag BIM leren".
# Each language has its own word order: one regex per language, group 1 is what is wished for.
WISHES = regexes("wish", r"\b(?:wil|wil graag|zou graag|zou willen|lijkt me)\b(.{1,60}?)\b(?:worden|leren|doen)\b")
# "ik zoek werk", "heb geen baan": looking for work, whatever else the message says.
LOOKING_FOR_WORK = re.compile(
    "|".join(stem for stem, value in p.EMPLOYMENT_WORDS if value == "werkzoekend"), re.IGNORECASE
)
# The work someone does: "ik werk als loodgieter", "werkzaam als lasser", "ik ben timmerman".
OCCUPATIONS = regexes(
    "occupation", rf"\b(?:{NOT_SOUGHT}werk(?:zaam)? als|(?:ik )?ben(?: nu)?(?: een)?)" r"\s+([\w-]+(?: medewerker)?)"
)
# Words that mark a correction ("nee, ik bedoel ...", "niet X maar Y", "ik woon toch in ...").
CORRECTION = re.compile(
    r"\b(?:"
    + alternatives("correction", r"bedoel\w*", "toch", "maar", "eigenlijk", "sorry", "foutje", "typfout", "correctie")
    + r"|wacht|oeps)\b"
    + rf"|\b{INSTEAD_OF}",
    re.IGNORECASE,
)
# What lies between the parts of a place name: "Bergen op Zoom", "Alphen aan den Rijn".
PLACE_NAME_JOINT = re.compile(r"\s+(?:op|aan|aan de|aan den|bij|in|onder|over)\s+", re.IGNORECASE)
# "ik woon in Assen, Emmen is waar ik werk": where someone lives wins over other places.
LIVES_IN = re.compile(
    alternatives("lives_in", r"\bwoon\w*\s+(?:nu\s+|toch\s+|eigenlijk\s+)?(?:in|bij|vlakbij)\s+$"), re.IGNORECASE
)
NEGATED_WORD = re.compile(
    rf"\b{NOT_THIS}\s+(?:(?:{alternatives('negated_prepositions', 'in', 'uit')})\s+)?[\w'-]+", re.IGNORECASE
)
# "een installatiebedrijf", "ons bouwbedrijf": the sector of the company.
COMPANIES = regexes("company", r"\b(\w{3,})(?:bedrijf|bedrijven|branche|sector)\b")

Check = Tuple[Optional[str], Dict[str, Any]]  # (canonical value or None, extra slots)

# "ik heb diploma uit polen, technikum": a diploma from abroad (in any message, whatever the
# model took it for). Countries many labour migrants and newcomers in the regions come from.
_COUNTRIES = alternatives(
    "countries",
    r"polen|roemeni[eë]|bulgarije|portugal|hongarije|litouwen|letland|slowakije|tsjechi[eë]|kroati[eë]|"
    r"spanje|itali[eë]|griekenland|oekra[iï]ne|syri[eë]|eritrea|turkije|marokko|afghanistan|iran|irak|"
    r"india|brazili[eë]|suriname",
)
_DIPLOMA_WORDS = alternatives("diploma_words", r"diploma\w*|opleiding|gestudeerd|school|papieren|certificaat|studie")
FOREIGN_DIPLOMA = re.compile(
    r"\b(" + alternatives("foreign_words", r"buitenlands\w*", "buitenland", "technikum", "foreign", "abroad") + r")\b|"
    rf"\b({_COUNTRIES})\b.*\b({_DIPLOMA_WORDS})\b|"
    rf"\b({_DIPLOMA_WORDS})\b.*\b({_COUNTRIES})\b",
    re.IGNORECASE,
)


def foreign_diploma(tracker: Tracker) -> bool:
    """The latest message is about a diploma from abroad (answered by
    action_recognition_prior_learning, not read as an answer to the bot's question)."""
    return bool(FOREIGN_DIPLOMA.search(latest_text(tracker)))


# What the user hears when a value cannot be used: (problem, hint for the retry).
PROBLEMS: Dict[str, Tuple[str, str]] = {
    "theme": (
        N_("Ik weet niet welk onderwerp je bedoelt."),
        N_("Typ bijvoorbeeld 'warmtepompen', 'isoleren' of 'BIM'."),
    ),
    "education_level": (N_("Dat diploma herken ik niet."), N_("Typ bijvoorbeeld 'mbo 3', 'havo' of 'hbo'.")),
    "location": (
        N_("Ik ken die plaats niet in Nederland."),
        N_("Typ de naam van een Nederlandse plaats, bijvoorbeeld Tilburg of Enschede, of zeg 'maakt niet uit'."),
    ),
    "employment_status": (
        N_("Dat begreep ik niet helemaal."),
        N_("Heb je een baan, ben je zzp'er, zoek je werk of heb je een uitkering?"),
    ),
    "course_format": (N_("Dat begreep ik niet helemaal."), N_("Wil je online leren, in een klas, of allebei?")),
    "hours_per_week": (N_("Dat begreep ik niet als aantal uren."), N_("Typ een aantal uren per week, bijvoorbeeld 6.")),
    "budget": (N_("Dat begreep ik niet als bedrag."), N_("Typ een bedrag in euro, bijvoorbeeld 500, of 'niets'.")),
    "age": (N_("Ik zie geen leeftijd in je antwoord."), N_("Typ je leeftijd als getal, bijvoorbeeld 45.")),
    "sector": (N_("Die sector herken ik niet."), N_("Typ bijvoorbeeld bouw, installatie, zorg of ICT.")),
    "company_size": (
        N_("Dat begreep ik niet als aantal mensen."),
        N_("Typ ongeveer hoeveel mensen er werken, bijvoorbeeld 12."),
    ),
    "benefit_type": (N_("Die uitkering herken ik niet."), N_("Kies WW, WIA, Wajong, bijstand of Ziektewet.")),
}


# -- reading one value ------------------------------------------------------------------------
def _choice(value: Any, canonical, words) -> Optional[str]:
    return value if value in canonical else p.match_words(value, words)


def _number(value: Any, low: int, high: int) -> Optional[str]:
    number = p.parse_int(value)
    return str(number) if number is not None and low <= number <= high else None


def check(slot: str, value: Any) -> Check:
    """The canonical value of `value` for `slot` (UNKNOWN for "weet ik niet"), else None;
    plus slots derived from it (region from a place)."""
    if value == UNKNOWN:
        return UNKNOWN, ({"region": None} if slot == "location" else {})
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, {}
    if slot == "theme":
        found = _choice(value, knowledge.THEMES, p.THEME_WORDS)
    elif slot == "education_level":
        found = None if p.looks_like_number(value) else p.parse_level(value)
    elif slot == "location":
        found_place = None if p.looks_like_number(value) else p.place_in_text(value)
        if found_place:
            place, said = found_place
            return p.place_name(place, said), {"region": place.region}
        found = None
    elif slot == "employment_status":
        found = _choice(value, p.EMPLOYMENT_STATUSES, p.EMPLOYMENT_WORDS)
    elif slot == "course_format":
        found = _choice(value, knowledge.FORMATS, p.FORMAT_WORDS)
    elif slot == "sector":
        # "magazijnmedewerker" (the work, read as a sector): the sector of that work
        found = _choice(value, p.SECTORS, p.SECTOR_WORDS) or p.match_words(value, p.OCCUPATION_SECTORS)
    elif slot == "benefit_type":
        found = _choice(value, p.BENEFIT_TYPES, p.BENEFIT_WORDS)
    elif slot == "age":
        found = _number(value, *p.AGE_RANGE)
    elif slot == "hours_per_week":
        found = _number(value, 1, 80)
    elif slot == "budget":
        found = _number(value, 0, 1_000_000)
        if found is None and any(
            w in str(value).lower() for w in ("niets", "niks", "geen", "nul", *phrases("nothing_words"))
        ):
            found = "0"
    elif slot == "company_size":
        found = _number(value, 1, 1_000_000)
        if found is None and any(w in str(value).lower() for w in ("alleen", "zzp", "mezelf", *phrases("alone_words"))):
            found = "1"
    else:
        return None, {}
    if found is None and p.says_unknown(value):
        return UNKNOWN, ({"region": None} if slot == "location" else {})
    return found, {}


def fact_label(slot: str, value: Any) -> str:
    """A fact as a few words in the conversation's language, for confirming a correction.
    The labels are data (knowledge/vocabulary.yaml), translated by the catalogue."""
    if slot == "theme":
        return _("je wilt leren over {theme}", theme=_(p.THEME_LABELS.get(value, value)))
    if slot == "education_level":
        return _("je hebt {level}", level=_(knowledge.level_label(value)))
    if slot == "location":
        return _("je woont of werkt in {place}", place=value)
    if slot == "employment_status":
        return _(p.EMPLOYMENT_LABELS.get(value, value))
    if slot == "course_format":
        return _("je wilt {format} leren", format=_(p.FORMAT_LABELS.get(value, value)))
    if slot == "age":
        return _("je bent {age} jaar", age=value)
    if slot == "hours_per_week":
        return _("je hebt ongeveer {hours} uur per week", hours=value)
    if slot == "budget":
        return (
            _("je wilt zelf niets betalen")
            if str(value) == "0"
            else _("je wilt zelf tot € {amount} betalen", amount=value)
        )
    if slot == "sector":
        return _("sector {sector}", sector=_(p.SECTOR_LABELS.get(value, value)))
    if slot == "company_size":
        return _("er werken {count} mensen in het bedrijf", count=value)
    if slot == "benefit_type":
        return _("je hebt {benefit}", benefit=_(p.BENEFIT_LABELS.get(value, value)))
    return str(value)


# -- reading the latest message ----------------------------------------------------------------
def latest_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def latest_intent(tracker: Tracker) -> Optional[str]:
    return ((tracker.latest_message or {}).get("intent") or {}).get("name")


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


def entity_values(tracker: Tracker, slot: str) -> List[Any]:
    """Values the NLU found for the slot's entity, in message order (the one that counts
    last), without the ones the user negated ("niet Tilburg", "geen hbo"); a place where the
    user lives counts over other places ("ik woon in Assen, Emmen is waar ik werk")."""
    text = latest_text(tracker)
    values, home = [], []
    entities = (tracker.latest_message or {}).get("entities") or []
    if slot == "location":
        entities = joined_places(text, entities)
    for entity in entities:
        if entity.get("entity") != slot or entity.get("value") in (None, ""):
            continue
        start = entity.get("start")
        if isinstance(start, int) and NEGATION_BEFORE.search(text[:start]):
            continue
        end = entity.get("end")
        if (
            slot == "education_level"
            and isinstance(start, int)
            and isinstance(end, int)
            and text[start:end].lower() == "geen"
            and not NO_DIPLOMA.match(text[end:])
        ):
            continue  # "geen ww maar bijstand": not "no diploma"
        if slot == "location" and isinstance(start, int) and LIVES_IN.search(text[:start]):
            home.append(entity["value"])
        values.append(entity["value"])
    return [v for v in values if v not in home] + home


def joined_places(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Place entities the model split in two joined again when together they name a known
    place: "bergen" + "zoom" in "ik woon in bergen op zoom" -> "bergen op zoom"."""
    joined: List[Dict[str, Any]] = []
    for entity in entities:
        last = joined[-1] if joined else None
        if (
            last is not None
            and last.get("entity") == entity.get("entity") == "location"
            and all(isinstance(e.get(k), int) for e in (last, entity) for k in ("start", "end"))
            and PLACE_NAME_JOINT.fullmatch(text[last["end"] : entity["start"]])
        ):
            span = text[last["start"] : entity["end"]]
            found = p.place_in_text(span)
            if found and found[1].lower() == span.lower():
                joined[-1] = {**last, "value": span, "end": entity["end"]}
                continue
        joined.append(entity)
    return joined


def part_of_joined(value: Any, options: List[Any]) -> bool:
    """`value` is one part of a place name joined from two entities ("zoom")."""
    word = re.compile(rf"\b{re.escape(str(value))}\b", re.IGNORECASE)
    return any(str(o).lower() != str(value).lower() and word.search(str(o)) for o in options)


def negated_values(tracker: Tracker, slot: str) -> List[Any]:
    """Values of the slot's entity that the user negated."""
    entities = (tracker.latest_message or {}).get("entities") or []
    if slot == "location":
        entities = joined_places(latest_text(tracker), entities)
    named = [e.get("value") for e in entities if e.get("entity") == slot]
    return [value for value in named if value not in entity_values(tracker, slot)]


def age_in_text(text: str) -> Optional[str]:
    for match in AGE_IN_TEXT.finditer(text[:500]):
        start = match.start()
        if NEGATION_BEFORE.search(text[:start] + " "):
            continue
        before = text[max(0, start - 12) : start].lower()
        if "niet" in before.split()[-1:]:
            continue
        return match.group(1) or match.group(2)
    return None


def speaks_as_employer(text: str) -> bool:
    return bool(EMPLOYER_SELF.search(text)) and not MY_EMPLOYER.search(text)


def schemes_in_focus(text: str, before: Optional[List[str]]) -> Optional[List[str]]:
    """The funding schemes a follow-up question is about: those the message names, else
    those named before (showing modules or a hub ends the focus: actions/recommend.py)."""
    if text.startswith("/"):
        return before
    named = [
        scheme for scheme in named_schemes(text) if scheme != "werkgever_betaalt" or ABOUT_EMPLOYER_PAYING.search(text)
    ]
    return named or before


def changed_facts(tracker: Tracker) -> Dict[str, Any]:
    """Profile slots whose value differs from before the latest user message."""
    return {
        slot: tracker.get_slot(slot)
        for slot in p.PROFILE_SLOTS
        if tracker.get_slot(slot) is not None and tracker.get_slot(slot) != previous_value(tracker, slot)
    }


def noted_facts(tracker: Tracker, leave_out: Tuple[str, ...] = ()) -> str:
    """The facts the latest message gave for the first time, as words ("je woont of werkt in
    Emmen; je bent 52 jaar; je hebt WW"), for "Dank je, dat onthoud ik: …"; a corrected fact
    was confirmed already ("Oké, aangepast")."""
    new = {
        slot: value
        for slot, value in changed_facts(tracker).items()
        if slot not in leave_out and value != UNKNOWN and previous_value(tracker, slot) in (None, UNKNOWN)
    }
    if "benefit_type" in new:
        new.pop("employment_status", None)  # "je hebt WW" says it; "je hebt een uitkering" twice
    return "; ".join(fact_label(slot, value) for slot, value in new.items())


class ValidateSlotMappings(ValidationAction):
    """`action_validate_slot_mappings`: runs after every user message, inside and outside
    forms (see the module docstring)."""

    def name(self) -> Text:
        return "action_validate_slot_mappings"

    def domain_slots(self, domain: DomainDict) -> List[Text]:
        return list(p.PROFILE_SLOTS)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        language = locales.activate(p.language_of(tracker))
        events = await super().run(dispatcher, tracker, domain)
        if language != tracker.get_slot("language"):
            events.append(SlotSet("language", language))
        usage.record_turn(dispatcher, tracker, events)  # for the region's insights
        return events

    # -- extraction ----------------------------------------------------------------------
    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        found: Dict[str, Any] = {}
        extracted = tracker.slots_to_validate()
        text = latest_text(tracker)
        intent = latest_intent(tracker)
        asked = tracker.get_slot(ASKED_SLOT)
        # "sorry ik bedoel mbo 3": a corrected level the model did not tag
        corrected_level = None
        if (
            CORRECTION.search(text)
            and "education_level" not in extracted
            and not entity_values(tracker, "education_level")
        ):
            corrected_level = p.parse_level(NEGATED_WORD.sub(" ", text))
        if corrected_level and asked != "education_level":
            found["education_level"] = corrected_level  # not an answer to the question asked
        elif asked in p.PROFILE_SLOTS and asked not in extracted and not entity_values(tracker, asked):
            # the plain answer to the question the bot asked
            if intent == "dont_know":
                found[asked] = UNKNOWN
            elif not text.startswith("/"):
                valid = check(asked, text)[0] not in (None, UNKNOWN)
                # "Parijs" to "In welke plaats woon je?" may look foreign to the model
                short_reply = intent == "out_of_scope" and len(text.split()) <= 2
                answer_like = (intent in ANSWER_INTENTS or short_reply) and not QUESTION.search(text)
                about_when = asked != "hours_per_week" and WHEN.search(text)
                if about_when and not valid and not self._other_facts(tracker, asked):
                    # "avond" to "Hoe wil je het liefst leren?": no diploma, place or format.
                    # A question about the modules shown ("kan dat ook in de avond?") gets its
                    # answer per module from action_course_details instead.
                    if intent != "course_details":
                        dispatcher.utter_message(text=_(WHEN_NOTE))
                elif valid or (answer_like and not self._other_facts(tracker, asked)):
                    found[asked] = text  # an unusable answer is checked (and explained) below
        if not entity_values(tracker, "location") and CORRECTION.search(text):
            # "nee ik bedoel breda niet tilburg": a correction names a place the model missed
            place = p.place_in_text(NEGATED_WORD.sub(" ", text))
            if place:
                found["location"] = p.place_name(*place)
        wish = next(filter(None, (w.search(text) for w in WISHES)), None)
        if (
            (intent == "search_course" or wish)
            and "theme" not in extracted
            and not entity_values(tracker, "theme")
            and "theme" not in found
        ):
            # "weer werken als elektricien"; in another message only what the wish names: "ik
            # heb bijstand … wil graag elektricien worden" (not "ik werk als elektricien")
            theme = p.match_words(text if intent == "search_course" else wish.group(1), p.THEME_WORDS)
            if theme:
                found["theme"] = theme
        if (
            "employment_status" not in extracted
            and not entity_values(tracker, "employment_status")
            and tracker.get_slot("employment_status") is None
        ):
            if speaks_as_employer(text):
                found["employment_status"] = "werkgever"  # "wij zijn een metaalbedrijf met 400 man"
            elif HAS_A_JOB.search(text):
                found["employment_status"] = "werkend"  # "ik werk nu als buschauffeur"
        if "sector" not in extracted and not entity_values(tracker, "sector") and tracker.get_slot("sector") is None:
            sector = next(
                filter(
                    None,
                    (
                        p.match_words(job.group(1), p.OCCUPATION_SECTORS)
                        for o in OCCUPATIONS
                        for job in o.finditer(text)
                    ),
                ),
                None,
            )
            if sector:
                found["sector"] = sector  # "werk als loodgieter": installatie, not asked again
        if "benefit_type" not in extracted and (
            tracker.get_slot("benefit_type") is None or CORRECTION.search(text) or NEGATED_WORD.search(text)
        ):
            # "ik heb bijstand", "zit in de ww", "geen ww maar bijstand"
            benefit = p.match_words(NEGATED_WORD.sub(" ", text), p.BENEFIT_WORDS)
            if benefit:
                found["benefit_type"] = benefit
                if "employment_status" not in extracted and not entity_values(tracker, "employment_status"):
                    found["employment_status"] = "uitkering"
        if "sector" not in extracted and not entity_values(tracker, "sector"):
            company = next(filter(None, (c.search(text) for c in COMPANIES)), None)
            sector = company and p.match_words(company.group(1), p.SECTOR_WORDS)
            if sector and sector != "overig":
                found["sector"] = sector
        corrected = NUMBER_CORRECTION.search(text)
        if corrected:
            new, old = corrected.groups()
            for slot in NUMBER_SLOTS:
                if str(tracker.get_slot(slot)) == old and slot not in found:
                    found[slot] = new
        if "age" not in extracted and not entity_values(tracker, "age") and "age" not in found:
            age = age_in_text(text)
            if age:
                found["age"] = age
        if "company_size" not in extracted and "company_size" not in found:
            match = STAFF_COUNT.search(text)
            if match:
                found["company_size"] = match.group(1)
        focus = schemes_in_focus(text, tracker.get_slot(FOCUS_SLOT))
        if focus != tracker.get_slot(FOCUS_SLOT):
            found[FOCUS_SLOT] = focus
        if asked is not None:
            found[ASKED_SLOT] = None  # a follow-up question is answered once, or dropped
        return [SlotSet(name, value) for name, value in found.items()]

    @staticmethod
    def _other_facts(tracker: Tracker, slot: str) -> bool:
        """The message names another fact (a bare number may have been read as one)."""
        ignored = NUMBER_SLOTS if p.looks_like_number(latest_text(tracker)) else set()
        return any(
            e.get("entity") in p.PROFILE_SLOTS and e.get("entity") not in ignored | {slot}
            for e in (tracker.latest_message or {}).get("entities") or []
        )

    # -- validation ----------------------------------------------------------------------
    async def get_validation_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[EventType]:
        candidates = tracker.slots_to_validate()
        result: Dict[str, Any] = {}
        for slot in (ASKED_SLOT, FOCUS_SLOT):  # set by the extraction above; kept as they are
            if slot in candidates:
                result[slot] = candidates[slot]
        asked = self._asked(tracker)
        if asked and p.looks_like_number(latest_text(tracker)):
            # "1234" answers the question asked; the NLU may also have read it as an age or
            # an amount: keep what those slots were.
            for slot in NUMBER_SLOTS & set(candidates) - {asked}:
                result[slot] = previous_value(tracker, slot)
                candidates.pop(slot)
        said = {slot for slot in p.PROFILE_SLOTS if candidates.get(slot) is not None}
        abroad = foreign_diploma(tracker)  # "diploma uit polen": not an answer to the question
        for slot in p.PROFILE_SLOTS:
            if slot not in candidates:
                continue
            said_more = bool(said - {slot}) or abroad
            result.update(self._validate(slot, candidates[slot], asked, said_more, dispatcher, tracker))
            tracker.slots.update(result)
        tenant = p.tenant_of(tracker)
        if tenant and tenant != tracker.get_slot("tenant"):
            result["tenant"] = tenant
        return [SlotSet(name, value) for name, value in result.items()]

    @staticmethod
    def _asked(tracker: Tracker) -> Optional[str]:
        """The slot whose question the latest message answers, if any."""
        return previous_value(tracker, ASKED_SLOT)

    def _validate(
        self,
        slot: str,
        value: Any,
        asked: Optional[str],
        said_more: bool,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict[str, Any]:
        before = previous_value(tracker, slot)
        if latest_intent(tracker) == "out_of_scope" and before not in (None, UNKNOWN):
            return {slot: before}  # "hoe laat gaat de bus naar Groningen" corrects nothing
        options = entity_values(tracker, slot)
        joined = slot == "location" and part_of_joined(value, options)
        if value not in options and value not in negated_values(tracker, slot) and not joined:
            options.append(value)
        if not options:  # only what the user said it is not ("niet tilburg")
            return {slot: before}
        if slot == "education_level":
            options.insert(0, NEGATED_WORD.sub(" ", latest_text(tracker)))  # "mbo 3" read as "mbo"
        if slot == "location" and asked != "location":
            text = latest_text(tracker)
            options = [
                o
                for o in options
                if str(o).lower() not in WORD_PLACES
                or re.search(PLACE_WORDS_BEFORE + re.escape(str(o)), text, re.IGNORECASE)
            ]
            if not options:
                return {slot: before}
        # the last valid value wins ("nee, ik bedoel Breda")
        for option in reversed(options):
            canonical, extra = check(slot, option)
            if slot == "employment_status" and canonical == "werkgever" and MY_EMPLOYER.search(latest_text(tracker)):
                canonical = "werkend"  # "mijn werkgever is een installateur met 40 man"
            if slot == "employment_status" and canonical == "werkend" and LOOKING_FOR_WORK.search(latest_text(tracker)):
                canonical = "werkzoekend"  # "ik zoek werk": the model may tag only "werk"
            if canonical is not None:
                if before not in (None, UNKNOWN, canonical) and canonical != UNKNOWN:
                    dispatcher.utter_message(text=_("Oké, aangepast: {fact}.", fact=fact_label(slot, canonical)))
                return {slot: canonical, **extra, **self._no_failure(tracker, slot)}
        return self._reject(slot, value, before, asked, said_more, dispatcher, tracker)

    @staticmethod
    def _no_failure(tracker: Tracker, slot: str) -> Dict[str, Any]:
        failures = dict(tracker.get_slot("form_failures") or {})
        if failures.pop(slot, None) is None:
            return {}
        return {"form_failures": failures}

    def _reject(
        self,
        slot: str,
        value: Any,
        before: Any,
        asked: Optional[str],
        said_more: bool,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
    ) -> Dict[str, Any]:
        problem = _(PROBLEMS[slot][0])
        if slot != asked:
            # said in passing: a bare number was meant for another fact; anything else
            # gets a short note. What we knew before stays.
            # a word the model mistook for a fact ("ok" as a diploma) is dropped without a word,
            # and so is a job taken for a sector ("ik werk als magazijnmedewerker"): the
            # sector is asked when it matters for who pays
            mistaken = (
                (len(str(value).strip()) <= 3 and not p.looks_like_number(value))
                or slot == "sector"
                or foreign_diploma(tracker)  # "technikum" in "diploma uit polen, technikum"
            )
            if not mistaken and not (p.looks_like_number(value) and slot not in NUMBER_SLOTS):
                if slot == "age" and p.parse_int(value) is not None:
                    problem = _("{age} jaar? Dat klopt vast niet helemaal.", age=p.parse_int(value))
                dispatcher.utter_message(text=_("{problem} Dat laat ik dus weg.", problem=problem))
            return {slot: before}
        if said_more:
            return {slot: None}  # the answer was about something else: ask again, no complaint
        if slot == "education_level" and p.level_is_ambiguous(value):
            dispatcher.utter_message(
                text=_("Niveau 4 kan mbo 4 of havo zijn. Welke bedoel je?"),
                buttons=[
                    {"title": "mbo 4", "payload": '/inform{"education_level": "mbo4"}'},
                    {"title": "havo", "payload": '/inform{"education_level": "havo"}'},
                ],
            )
            return {slot: None}
        if slot == "age" and p.parse_int(value) is not None:
            problem = _("{age} jaar? Dat klopt vast niet helemaal.", age=p.parse_int(value))
        if slot == "location" and p.looks_like_number(value):
            problem = _("Dat is een getal, geen plaatsnaam.")
        failures = dict(tracker.get_slot("form_failures") or {})
        tries = failures.get(slot, 0) + 1
        if tries >= 2:
            failures.pop(slot, None)
            dispatcher.utter_message(text=_("{problem} Geen probleem: die vraag slaan we over.", problem=problem))
            return {slot: UNKNOWN, "form_failures": failures}
        failures[slot] = tries
        dispatcher.utter_message(text=problem)
        return {slot: None, "form_failures": failures}
