"""The user's profile: slot names, understanding free-text answers, and the profile
dict that knowledge/ expects (knowledge/__init__.py, "The profile").

Slots hold canonical values (knowledge/vocabulary.yaml), or "onbekend" when the
user said "weet ik niet" / "maakt niet uit" or an answer was skipped. The profile dict
turns "onbekend" into None.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

import knowledge
import locales
from knowledge.vocabulary import (  # noqa: F401  (the actions read them as p.NAME)
    AGE_RANGE,
    BENEFIT_LABELS,
    BENEFIT_TYPES,
    BENEFIT_WORDS,
    EMPLOYMENT_LABELS,
    EMPLOYMENT_STATUSES,
    EMPLOYMENT_WORDS,
    FORMAT_LABELS,
    FORMAT_WORDS,
    OCCUPATION_SECTORS,
    REGION_LABELS,
    REGIONS,
    SECTOR_LABELS,
    SECTOR_WORDS,
    SECTORS,
    THEME_LABELS,
    THEME_WORDS,
    UNKNOWN_WORDS,
    alternatives,
    match_words,
    parse_int,
    phrases,
    says_unknown,
)
from knowledge.display import label
from knowledge.textnl import format_eur
from knowledge.vocabulary import norm as _norm
from locales import _
from rasa_sdk import Tracker

from . import kb

UNKNOWN = "onbekend"

# Profile slots, in the order a user would tell about themselves.
PROFILE_SLOTS = [
    "theme",
    "education_level",
    "location",
    "employment_status",
    "course_format",
    "hours_per_week",
    "budget",
    "age",
    "sector",
    "company_size",
    "benefit_type",
]

TENANTS = REGIONS  # the regional sites


def parse_level(text: Any) -> Optional[str]:
    """Canonical education level in a free answer ("ik heb mbo 3" -> "mbo3"), else None."""
    canon = knowledge.canonical_level(text)
    if canon:
        return canon
    tokens = re.findall(r"[a-z0-9-]+", _norm(text)[:200])
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            canon = knowledge.canonical_level(" ".join(tokens[i : i + size]))
            if canon:
                return canon
    return None


def level_is_ambiguous(text: Any) -> bool:
    """Bare "niveau 4" can be mbo 4 or havo."""
    return bool(re.search(rf"\b(?:{alternatives('level_words', 'niveau')})\s*4\b", _norm(text))) and "mbo" not in _norm(
        text
    )


def find_place(text: Any) -> Optional["knowledge.Place"]:
    """A Dutch place in a free answer ("ik woon in Den Bosch" -> 's-Hertogenbosch)."""
    found = place_in_text(text)
    return found[0] if found else None


def place_in_text(text: Any) -> Optional[Tuple["knowledge.Place", str]]:
    """The place in a free answer and the words that named it ("ik woon in uden" ->
    (Maashorst, "uden")): a town is found as its municipality, but the user said the town."""
    raw = " ".join(str(text).split())[:200]
    if not raw:
        return None
    found = kb.place(raw)
    if found:
        return found, raw
    tokens = re.findall(r"[\w'()-]+", raw)
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            words = tokens[i : i + size]
            if size == 1 and (len(words[0]) < 3 or words[0].lower() in _NOT_PLACES):
                continue
            found = kb.place(" ".join(words))
            if found:
                return found, " ".join(words)
    return None


def place_name(place: "knowledge.Place", said: str) -> str:
    """The name to keep and show: the official name, or the town the user named when it
    lies in a municipality with another name (Uden in Maashorst)."""
    words = said.split()
    while len(words) > 1 and words[0].lower() in _NOT_PLACES:
        words = words[1:]
    said = " ".join(words)
    if said.lower() == place.name.lower() or said.lower() in _ALIASES_OF_OFFICIAL_NAMES:
        return place.name
    if difflib.SequenceMatcher(None, said.lower(), place.name.lower()).ratio() >= 0.85:
        return place.name  # a typo ("eindhove"): the name as it is spelled
    return said[:1].upper() + said[1:] if said.islower() else said


# Everyday names of places whose official name we show instead.
_ALIASES_OF_OFFICIAL_NAMES = {"den bosch", "s-hertogenbosch", "'s hertogenbosch"}

# Common words that are never a place but might be tried as one.
_NOT_PLACES = {
    "ik",
    "woon",
    "werk",
    "wonen",
    "werken",
    "bij",
    "in",
    "op",
    "de",
    "het",
    "een",
    "en",
    "nee",
    "ja",
    "niet",
    "naar",
    "uit",
    "van",
    "voor",
    "buurt",
    "regio",
    "omgeving",
    "dichtbij",
    "daar",
    "hier",
    "mijn",
    "ben",
    "heb",
    *phrases("not_places"),  # the words of other languages (locales/<code>/patterns.yaml)
}


def looks_like_number(text: Any) -> bool:
    """Only digits and punctuation: a number (or a postcode), not a place."""
    stripped = re.sub(r"[\s.,€+-]", "", str(text))
    return bool(stripped) and stripped.isdigit()


# --- the profile dict for knowledge/ ---------------------------------------------------
def slot_value(tracker: Tracker, name: str) -> Any:
    """A slot's value, with "onbekend" and empty values as None."""
    value = tracker.get_slot(name)
    if value in (None, "", UNKNOWN) or (isinstance(value, str) and not value.strip()):
        return None
    return value


def language_of(tracker: Tracker) -> str:
    """The language of the conversation: the gateway says it in the metadata of every user
    message (bot/language.py chooses it), else the remembered slot, else Dutch."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    said = locales.supported(metadata.get("language")) if isinstance(metadata, dict) else None
    return said or locales.supported(tracker.get_slot("language")) or locales.SOURCE


def tenant_of(tracker: Tracker) -> Optional[str]:
    """The regional site of the conversation: metadata of the latest user message that
    has it (the gateway sends it on every message), else the remembered slot."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            tenant = (event.get("metadata") or {}).get("tenant")
            if tenant in TENANTS:
                return tenant
    tenant = (tracker.latest_message or {}).get("metadata", {}) or {}
    tenant = tenant.get("tenant") if isinstance(tenant, dict) else None
    if tenant in TENANTS:
        return tenant
    slot = tracker.get_slot("tenant")
    return slot if slot in TENANTS else None


def _clean(value: Any, allowed: Iterable[str]) -> Optional[str]:
    return value if value in allowed else None


def _in_range(value: Any, low: int, high: int) -> Optional[int]:
    number = parse_int(value)
    return number if number is not None and low <= number <= high else None


def build_profile(tracker: Tracker) -> Dict[str, Any]:
    """The profile dict of the brief, from the slots. Values that are unknown, skipped
    or not understood become None, so knowledge/ never gets something it cannot read."""
    status = _clean(slot_value(tracker, "employment_status"), EMPLOYMENT_STATUSES)
    location = slot_value(tracker, "location")
    place = kb.place(str(location)) if location else None
    level = slot_value(tracker, "education_level")
    return {
        "theme": _clean(slot_value(tracker, "theme"), knowledge.THEMES),
        "education_level": knowledge.canonical_level(level) if level else None,
        "location": place.name if place else None,
        "region": place.region if place else None,
        "employment_status": status,
        "age": _in_range(slot_value(tracker, "age"), *AGE_RANGE),
        "sector": _clean(slot_value(tracker, "sector"), SECTORS),
        "course_format": _clean(slot_value(tracker, "course_format"), knowledge.FORMATS),
        "hours_per_week": _in_range(slot_value(tracker, "hours_per_week"), 1, 80),
        "budget": _in_range(slot_value(tracker, "budget"), 0, 1_000_000),
        "on_benefit": (status == "uitkering") if status else None,
        "benefit_type": _clean(slot_value(tracker, "benefit_type"), BENEFIT_TYPES),
        "company_size": _in_range(slot_value(tracker, "company_size"), 1, 1_000_000),
        "tenant": tenant_of(tracker),
    }


def profile_lines(profile: Dict[str, Any]) -> List[str]:
    """The profile as short lines in the active language, for "wat weet je van mij?"."""
    lines = []
    if profile.get("theme"):
        lines.append(_("Interesse: {theme}", theme=label(THEME_LABELS.get(profile["theme"], profile["theme"]))))
    if profile.get("education_level"):
        lines.append(_("Hoogste diploma: {level}", level=label(knowledge.level_label(profile["education_level"]))))
    if profile.get("location"):
        region = REGION_LABELS.get(profile.get("region") or "")
        if region:
            lines.append(
                _("Woon- of werkplaats: {place} (regio {region})", place=profile["location"], region=_(region))
            )
        else:
            lines.append(_("Woon- of werkplaats: {place}", place=profile["location"]))
    if profile.get("employment_status"):
        lines.append(_("Werk: {status}", status=label(EMPLOYMENT_LABELS[profile["employment_status"]])))
    if profile.get("benefit_type"):
        lines.append(_("Uitkering: {benefit}", benefit=label(BENEFIT_LABELS[profile["benefit_type"]])))
    if profile.get("sector"):
        lines.append(_("Sector: {sector}", sector=label(SECTOR_LABELS[profile["sector"]])))
    if profile.get("company_size"):
        lines.append(_("Aantal mensen in het bedrijf: {n}", n=profile["company_size"]))
    if profile.get("age"):
        lines.append(_("Leeftijd: {age} jaar", age=profile["age"]))
    if profile.get("course_format"):
        lines.append(_("Manier van leren: {format}", format=label(FORMAT_LABELS[profile["course_format"]])))
    if profile.get("hours_per_week"):
        lines.append(_("Tijd om te leren: ongeveer {hours} uur per week", hours=profile["hours_per_week"]))
    if profile.get("budget") is not None:
        budget = profile["budget"]
        if budget == 0:
            lines.append(_("Zelf betalen: liever niets"))
        else:
            lines.append(_("Zelf betalen: tot {amount}", amount=format_eur(budget)))
    return lines
