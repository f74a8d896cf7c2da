"""The user's profile: slot names, understanding free-text answers, and the profile
dict that knowledge/ expects (see the team brief).

Slots hold canonical values (the NLU contract's entity values), or "onbekend" when the
user said "weet ik niet" / "maakt niet uit" or an answer was skipped. The profile dict
turns "onbekend" into None.
"""
from __future__ import annotations

import difflib
import re
from typing import Any, Dict, Iterable, List, Optional, Tuple

import knowledge
from rasa_sdk import Tracker

from . import kb

UNKNOWN = "onbekend"

# Profile slots, in the order a user would tell about themselves.
PROFILE_SLOTS = [
    "theme", "education_level", "location", "employment_status", "course_format",
    "hours_per_week", "budget", "age", "sector", "company_size", "benefit_type",
]

EMPLOYMENT_STATUSES = ("werkend", "werkzoekend", "zzp", "werkgever", "uitkering", "student")
SECTORS = ("installatie", "bouw_infra", "energie", "metaal", "zorg", "kinderopvang",
           "onderwijs", "ict", "groen", "logistiek", "overig")
BENEFIT_TYPES = ("ww", "wia", "wajong", "bijstand", "zw")
TENANTS = ("brabant", "twente", "noord")

AGE_RANGE = (15, 100)

# --- Dutch labels for showing the profile back ---------------------------------------
THEME_LABELS = {
    "installatietechniek": "installaties, zoals warmtepompen en zonnepanelen",
    "verduurzaming_woningen": "woningen verduurzamen",
    "circulair_bouwen": "circulair bouwen",
    "batterijtechnologie": "batterijen en energieopslag",
    "digitalisering_bouw": "digitaal bouwen (BIM)",
    "infra_netwerken": "netwerken en infra",
}
EMPLOYMENT_LABELS = {
    "werkend": "je hebt een baan", "werkzoekend": "je zoekt werk", "zzp": "je bent zzp'er",
    "werkgever": "je bent werkgever", "uitkering": "je hebt een uitkering",
    "student": "je bent student",
}
FORMAT_LABELS = {"online": "online", "klassikaal": "in een klas", "hybride": "hybride (online en in een klas)"}
SECTOR_LABELS = {
    "installatie": "installatie", "bouw_infra": "bouw en infra", "energie": "energie",
    "metaal": "metaal", "zorg": "zorg", "kinderopvang": "kinderopvang", "onderwijs": "onderwijs",
    "ict": "ICT", "groen": "groen", "logistiek": "logistiek", "overig": "een andere sector",
}
BENEFIT_LABELS = {"ww": "WW", "wia": "WIA", "wajong": "Wajong", "bijstand": "bijstand", "zw": "Ziektewet"}
REGION_LABELS = {"brabant": "Brabant", "twente": "Twente", "noord": "Noord-Nederland"}

# --- understanding free-text answers ---------------------------------------------------
# Word stems -> canonical value. Checked in order, so specific stems come first
# ("geen werk" before "werk"). Used when the NLU model found no entity in an answer.
THEME_WORDS = [
    ("batterij", "batterijtechnologie"), ("accu", "batterijtechnologie"),
    ("energieopslag", "batterijtechnologie"), ("opslag", "batterijtechnologie"),
    ("bim", "digitalisering_bouw"), ("digitaal", "digitalisering_bouw"),
    ("digitali", "digitalisering_bouw"), ("drone", "digitalisering_bouw"),
    ("3d", "digitalisering_bouw"), ("bouwinformatie", "digitalisering_bouw"),
    ("circulair", "circulair_bouwen"), ("hergebruik", "circulair_bouwen"),
    ("biobased", "circulair_bouwen"), ("houtbouw", "circulair_bouwen"),
    ("isol", "verduurzaming_woningen"), ("verduurzam", "verduurzaming_woningen"),
    ("renovat", "verduurzaming_woningen"), ("woning", "verduurzaming_woningen"),
    ("energielabel", "verduurzaming_woningen"), ("energieadvi", "verduurzaming_woningen"),
    ("netwerk", "infra_netwerken"), ("kabel", "infra_netwerken"), ("infra", "infra_netwerken"),
    ("laadpa", "infra_netwerken"), ("stroomnet", "infra_netwerken"), ("stroom net", "infra_netwerken"), ("netbeheer", "infra_netwerken"),
    ("warmtepomp", "installatietechniek"), ("install", "installatietechniek"),
    ("zonnepane", "installatietechniek"), ("zonnepanel", "installatietechniek"),
    ("elektr", "installatietechniek"), ("klimaat", "installatietechniek"),
    ("koeltechn", "installatietechniek"), ("verwarming", "installatietechniek"),
]
EMPLOYMENT_WORDS = [
    ("mijn werkgever", "werkend"), ("mijn baas", "werkend"), ("onze baas", "werkend"),
    ("uitkering", "uitkering"), ("bijstand", "uitkering"), ("wajong", "uitkering"),
    (r"\bww\b", "uitkering"), (r"\bwia\b", "uitkering"), ("ziektewet", "uitkering"),
    ("werkgever", "werkgever"), ("personeel", "werkgever"), ("eigenaar", "werkgever"),
    ("mijn medewerkers", "werkgever"),
    ("zzp", "zzp"), ("zelfstandig", "zzp"), ("freelance", "zzp"), ("eigen bedrijf", "zzp"),
    ("ondernemer", "zzp"),
    ("werkzoek", "werkzoekend"), ("geen werk", "werkzoekend"), ("geen baan", "werkzoekend"),
    ("zonder werk", "werkzoekend"), ("zoek werk", "werkzoekend"), ("zoek een baan", "werkzoekend"),
    ("werkloos", "werkzoekend"), ("ontslagen", "werkzoekend"), ("werk niet", "werkzoekend"),
    ("niet aan het werk", "werkzoekend"),
    ("student", "student"), ("studeer", "student"), ("school", "student"),
    ("werk", "werkend"), ("baan", "werkend"), ("loondienst", "werkend"), ("in dienst", "werkend"),
    ("monteur", "werkend"), ("medewerker", "werkend"),
]
FORMAT_WORDS = [
    ("hybride", "hybride"), ("beide", "hybride"), ("allebei", "hybride"), ("mix", "hybride"),
    ("combinatie", "hybride"), ("blended", "hybride"),
    ("online", "online"), ("thuis", "online"), ("internet", "online"), ("afstand", "online"),
    ("computer", "online"), ("e-learning", "online"),
    ("klas", "klassikaal"), ("locatie", "klassikaal"), ("fysiek", "klassikaal"),
    ("op school", "klassikaal"), ("praktijk", "klassikaal"), ("samen met", "klassikaal"),
]
SECTOR_WORDS = [
    ("install", "installatie"), ("bouw", "bouw_infra"), ("infra", "bouw_infra"),
    ("energie", "energie"), ("netbeheer", "energie"), ("metaal", "metaal"),
    ("kinderopvang", "kinderopvang"), ("zorg", "zorg"), ("onderwijs", "onderwijs"),
    ("school", "onderwijs"), ("ict", "ict"), (r"\bit\b", "ict"), ("software", "ict"),
    ("groen", "groen"), ("hovenier", "groen"), ("agrar", "groen"), ("logistiek", "logistiek"),
    ("transport", "logistiek"), ("anders", "overig"), ("overig", "overig"),
]
BENEFIT_WORDS = [
    (r"\bww\b", "ww"), ("werkloosheid", "ww"), (r"\bwia\b", "wia"), (r"\bwga\b", "wia"),
    ("wajong", "wajong"), ("bijstand", "bijstand"), ("participatiewet", "bijstand"),
    ("ziektewet", "zw"), (r"\bzw\b", "zw"),
]
UNKNOWN_WORDS = ("weet ik niet", "weet niet", "geen idee", "maakt niet uit", "maakt me niet uit",
                 "liever niet", "zeg ik niet", "geen voorkeur", "maakt niks uit", "onbekend")


def _norm(text: Any) -> str:
    return " ".join(str(text).lower().split())


def match_words(text: Any, words: Iterable) -> Optional[str]:
    """First canonical value whose stem (or regex) occurs in the text; else one whose stem is
    a word the user typed with a typo ("onlien", "warmtepomen")."""
    low = _norm(text)
    words = list(words)
    for stem, value in words:
        if (stem.startswith("\\") and re.search(stem, low)) or (not stem.startswith("\\") and stem in low):
            return value
    plain = {stem: value for stem, value in words if not stem.startswith("\\") and len(stem) >= 5}
    for token in re.findall(r"[a-z]{5,}", low[:200]):
        close = difflib.get_close_matches(token, list(plain), n=1, cutoff=0.8)
        if close:
            return plain[close[0]]
    return None


def says_unknown(text: Any) -> bool:
    low = _norm(text)
    return any(w in low for w in UNKNOWN_WORDS)


def parse_int(text: Any) -> Optional[int]:
    """The first whole number in a text: "45", "ik ben 45 jaar", "€ 1.500", "1500 euro"."""
    if isinstance(text, bool) or text is None:
        return None
    if isinstance(text, (int, float)):
        return int(text)
    match = re.search(r"\d[\d.]*", str(text)[:200])
    if not match:
        return None
    digits = match.group(0).rstrip(".")
    # Dutch thousands separators: "1.500" -> 1500; keep "12.5" as 12.
    if re.fullmatch(r"\d{1,3}(\.\d{3})+", digits):
        digits = digits.replace(".", "")
    else:
        digits = digits.split(".")[0]
    try:
        return int(digits)
    except ValueError:
        return None


def parse_level(text: Any) -> Optional[str]:
    """Canonical education level in a free answer ("ik heb mbo 3" -> "mbo3"), else None."""
    canon = knowledge.canonical_level(text)
    if canon:
        return canon
    tokens = re.findall(r"[a-z0-9-]+", _norm(text)[:200])
    for size in (3, 2, 1):
        for i in range(len(tokens) - size + 1):
            canon = knowledge.canonical_level(" ".join(tokens[i:i + size]))
            if canon:
                return canon
    return None


def level_is_ambiguous(text: Any) -> bool:
    """Bare "niveau 4" can be mbo 4 or havo."""
    return bool(re.search(r"\bniveau\s*4\b", _norm(text))) and "mbo" not in _norm(text)


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
            words = tokens[i:i + size]
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
    return said[:1].upper() + said[1:] if said.islower() else said


# Everyday names of places whose official name we show instead.
_ALIASES_OF_OFFICIAL_NAMES = {"den bosch", "s-hertogenbosch", "'s hertogenbosch"}

# Common words that are never a place but might be tried as one.
_NOT_PLACES = {"ik", "woon", "werk", "wonen", "werken", "bij", "in", "op", "de", "het", "een",
               "en", "nee", "ja", "niet", "naar", "uit", "van", "voor", "buurt", "regio",
               "omgeving", "dichtbij", "daar", "hier", "mijn", "ben", "heb"}


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
    """The profile as short Dutch lines, for "wat weet je van mij?"."""
    lines = []
    if profile.get("theme"):
        lines.append(f"Interesse: {THEME_LABELS.get(profile['theme'], profile['theme'])}")
    if profile.get("education_level"):
        lines.append(f"Hoogste diploma: {knowledge.level_label(profile['education_level'])}")
    if profile.get("location"):
        region = REGION_LABELS.get(profile.get("region") or "")
        lines.append(f"Woon- of werkplaats: {profile['location']}" + (f" (regio {region})" if region else ""))
    if profile.get("employment_status"):
        lines.append(f"Werk: {EMPLOYMENT_LABELS[profile['employment_status']]}")
    if profile.get("benefit_type"):
        lines.append(f"Uitkering: {BENEFIT_LABELS[profile['benefit_type']]}")
    if profile.get("sector"):
        lines.append(f"Sector: {SECTOR_LABELS[profile['sector']]}")
    if profile.get("company_size"):
        lines.append(f"Aantal mensen in het bedrijf: {profile['company_size']}")
    if profile.get("age"):
        lines.append(f"Leeftijd: {profile['age']} jaar")
    if profile.get("course_format"):
        lines.append(f"Manier van leren: {FORMAT_LABELS[profile['course_format']]}")
    if profile.get("hours_per_week"):
        lines.append(f"Tijd om te leren: ongeveer {profile['hours_per_week']} uur per week")
    if profile.get("budget") is not None:
        budget = profile["budget"]
        lines.append("Zelf betalen: liever niets" if budget == 0 else f"Zelf betalen: tot € {budget:,}".replace(",", "."))
    return lines
