"""Which language a conversation is in: chosen once, changed only when the user clearly
switches (issue 17).

- An explicit request always switches: a switch phrase of `locales/<code>/language.yaml`
  ("english please", "kan het in het nederlands?"), or a short message holding one of the
  longer phrases ("can we speak english?").
- Otherwise the language is sticky: it changes only when the message is clearly in another
  language: at least `MIN_WORDS` real words once the words every language shares in this
  domain are taken out (place names of knowledge/data/places.csv, theme and level words of
  knowledge/vocabulary.yaml, glossary terms, course titles of the sample catalogue), and
  lingua's confidence for the other language at least `MIN_CONFIDENCE`. "ok", "ja", "yes",
  "Breda", "BIM", "zonnepanelen", a course title, emoji and numbers never switch.
- The first message of a conversation may set the language with a lower bar
  (`FIRST_MIN_WORDS`, `FIRST_MIN_CONFIDENCE`), starting from the hint the conversation was
  opened with (the page's data-lang, the browser's language).

The detector knows only the languages of `locales.languages()` (each language.yaml names its
lingua language), so a third language needs no code here. It is built once, with its models
loaded (`warm_up` at the gateway's start), and answers in well under a millisecond.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, List, Optional, Tuple

import yaml

import locales

ROOT = Path(__file__).resolve().parents[1]
KNOWLEDGE = ROOT / "knowledge"

MIN_WORDS = 3  # real words a message needs before it can change the language
MIN_CONFIDENCE = 0.90
LONG_WORDS = 5  # ... and with this many, a slightly lower confidence is enough
LONG_CONFIDENCE = 0.80
FIRST_MIN_WORDS = 2  # the first message of a conversation
FIRST_MIN_CONFIDENCE = 0.75
# A message this short that holds a switch phrase of two words or more is a request to switch
# ("can we speak english?", "kan het in het nederlands alsjeblieft?").
SWITCH_MAX_WORDS = 8
LONGEST_NEUTRAL = 6  # words in the longest neutral phrase looked for

WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
# Addresses say nothing about the language: e-mail, links, @names.
ADDRESSES = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|@\w+", re.IGNORECASE)


def _fold(text: str) -> str:
    """Lower case without accents: 'Fryslân' -> 'fryslan'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> List[str]:
    """The words of a text, lower case, without punctuation, symbols, emoji or addresses."""
    return WORD.findall(ADDRESSES.sub(" ", text or "").lower())


def plain(text: str) -> str:
    """A phrase as it is compared: folded words joined by one space."""
    return " ".join(_fold(w) for w in words(text))


# -- what every language shares here -------------------------------------------------------


def _vocabulary_phrases() -> List[str]:
    from knowledge.vocabulary import VOCABULARY as data

    found: List[str] = []
    themes = data.get("themes") or {}
    found.extend(themes.get("lookup") or [])
    for item in themes.get("values") or []:
        found.extend(item.get("synonyms") or [])
        found.extend(str(item[key]) for key in ("label", "name", "button") if item.get(key))
    levels = data.get("education_levels") or {}
    for term in list(levels.get("lookup") or []) + [
        s for v in levels.get("values") or [] for s in v.get("synonyms") or []
    ]:
        # school names and levels ("mbo 2", "havo", "bbl"), not phrases such as "geen diploma"
        if any(ch.isdigit() for ch in term) or len(term.replace("-", "")) <= 4:
            found.append(term)
    for item in (data.get("regions") or {}).get("values") or []:
        found.extend([item.get("label") or "", *(item.get("example_places") or [])])
    return found


def _glossary_phrases() -> List[str]:
    from knowledge.glossary import GLOSSARY_FILE

    data = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8")) or {}
    return [w for term in data.get("terms") or [] for w in term.get("words") or []]


# What people call what they look for, in any language they mix ("I want cursus zonnepanelen").
COURSE_WORDS = ("cursus", "cursussen", "course", "courses", "opleiding", "opleidingen", "training", "module")


def _course_titles() -> List[str]:
    data = yaml.safe_load((KNOWLEDGE / "data" / "sample_modules.yaml").read_text(encoding="utf-8")) or {}
    titles = []
    for module in data.get("modules") or []:
        title = str(module.get("title") or "")
        titles.extend([title, title.split("(")[0]])
    return titles


def _place_phrases() -> List[str]:
    from knowledge.places import read_places_file

    found = []
    for row in read_places_file():
        found.extend([row["name"], row["municipality"] or "", *row["aliases"]])
    return found


@lru_cache(maxsize=None)
def neutral_phrases() -> FrozenSet[str]:
    """Phrases (folded) that say nothing about the language: places, themes, levels, course
    titles, glossary terms."""
    phrases = _place_phrases() + _vocabulary_phrases() + _glossary_phrases() + _course_titles() + list(COURSE_WORDS)
    return frozenset(p for p in (plain(x) for x in phrases) if p and len(p.split()) <= LONGEST_NEUTRAL)


def telling_words(text: str) -> List[str]:
    """The words of a message that can tell its language: neutral phrases (longest first) and
    numbers taken out. One-letter words ("i", "a") stay: they help lingua, but `choose` does
    not count them."""
    tokens = words(text)
    folded = [_fold(t) for t in tokens]
    neutral = neutral_phrases()
    kept: List[str] = []
    i = 0
    while i < len(tokens):
        for size in range(min(LONGEST_NEUTRAL, len(tokens) - i), 0, -1):
            if " ".join(folded[i : i + size]) in neutral:
                i += size
                break
        else:
            token = tokens[i]
            if not any(ch.isdigit() for ch in token):
                kept.append(token)
            i += 1
    return kept


# -- switch phrases --------------------------------------------------------------------------


@lru_cache(maxsize=None)
def switch_phrases() -> Tuple[Tuple[str, str], ...]:
    """(phrase, language) for every switch phrase of every language, longest first."""
    pairs = {
        (plain(phrase), code)
        for code in locales.languages()
        for phrase in locales.language_info(code).get("switch") or []
        if plain(phrase)
    }
    return tuple(sorted(pairs, key=lambda pair: (-len(pair[0]), pair)))


def asked_for(text: str) -> Optional[str]:
    """The language the user explicitly asks for, else None: the whole message is a switch
    phrase, or a short message holds a switch phrase of two words or more."""
    said = plain(text)
    if not said:
        return None
    for phrase, code in switch_phrases():
        if said == phrase:
            return code
    if len(said.split()) > SWITCH_MAX_WORDS:
        return None
    padded = f" {said} "
    found = {code for phrase, code in switch_phrases() if " " in phrase and f" {phrase} " in padded}
    return found.pop() if len(found) == 1 else None


# -- the detector ----------------------------------------------------------------------------


@lru_cache(maxsize=None)
def _detector():
    """lingua, restricted to the assistant's languages, models loaded: built once."""
    from lingua import Language, LanguageDetectorBuilder

    by_name: Dict[str, str] = {}
    for code in locales.languages():
        name = str(locales.language_info(code).get("detector") or "").upper()
        if name and hasattr(Language, name):
            by_name[name] = code
    if len(by_name) < 2:
        return None, by_name
    detector = (
        LanguageDetectorBuilder.from_languages(*[getattr(Language, n) for n in by_name])
        .with_preloaded_language_models()
        .build()
    )
    return detector, by_name


def warm_up() -> None:
    """Build the detector and read the neutral phrases (the first message does not wait)."""
    _detector()
    neutral_phrases()
    switch_phrases()


def confidences(text: str) -> Dict[str, float]:
    """language code -> lingua's confidence for the text (they add up to 1)."""
    detector, by_name = _detector()
    if detector is None or not text.strip():
        return {}
    return {by_name[c.language.name]: c.value for c in detector.compute_language_confidence_values(text)}


@dataclass(frozen=True)
class Choice:
    language: str
    why: str  # asked | detected | kept


def choose(text: str, current: Optional[str], first: bool = False) -> Choice:
    """The conversation's language after this user message. `current`: its language until
    now (the hint for a first message); `first`: the conversation's first user message."""
    current = locales.supported(current) or locales.SOURCE
    asked = asked_for(text)
    if asked is not None:
        return Choice(asked, "asked")
    telling = telling_words(text)
    counted = sum(len(word) > 1 for word in telling)
    if counted < (FIRST_MIN_WORDS if first else MIN_WORDS):
        return Choice(current, "kept")
    scores = confidences(" ".join(telling))
    if not scores:
        return Choice(current, "kept")
    best = max(scores, key=scores.get)
    if first:
        needed = FIRST_MIN_CONFIDENCE
    else:
        needed = LONG_CONFIDENCE if counted >= LONG_WORDS else MIN_CONFIDENCE
    if best != current and scores[best] >= needed:
        return Choice(best, "detected")
    return Choice(current, "kept")
