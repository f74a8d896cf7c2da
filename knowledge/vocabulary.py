"""The closed vocabularies: canonical values, the Dutch words shown for them, and the words
people use for them.

One home for these facts: knowledge/vocabulary.yaml (values, labels, button titles and the NLU
synonyms, lookup tables and regexes; scripts/vocabulary.py writes data/nlu/vocabulary.yml from it), read here for the
knowledge base, the actions and the NLU post-processing (nlu_components/entity_values.py).
Below the lists from the file: the word stems that understand free-text answers, and the age
and ordinal patterns. The NLQF level of each education level is a fact table in knowledge/levels.py.
"""

from __future__ import annotations

import difflib
import re
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import yaml

VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")
VOCABULARY: Dict[str, dict] = yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8"))


def values(kind: str) -> Tuple[str, ...]:
    """The canonical values of a vocabulary ("themes", "regions", ...), in the file's order."""
    return tuple(item["value"] for item in VOCABULARY[kind]["values"])


def labels(kind: str, field: str = "label") -> Dict[str, Any]:
    """value -> one field of each value (label, name, button, ...), where it has one."""
    return {item["value"]: item[field] for item in VOCABULARY[kind]["values"] if field in item}


def buttons(kind: str) -> List[Tuple[str, str]]:
    """(title, value) of the answer buttons for a vocabulary, in its button_order."""
    titles = labels(kind, "button")
    return [(titles[value], value) for value in VOCABULARY[kind]["button_order"]]


def synonyms(kind: str) -> Dict[str, List[str]]:
    """value -> the words people type for it (Rasa synonyms; data/nlu/vocabulary.yml)."""
    return {item["value"]: list(item.get("synonyms", [])) for item in VOCABULARY[kind]["values"]}


REGIONS = values("regions")
THEMES = values("themes")  # the order is the bit order of the search index (knowledge/indexing.py)
EDUCATION_LEVEL_VALUES = values("education_levels")
FORMATS = values("course_formats")
EMPLOYMENT_STATUSES = values("employment_statuses")
SECTORS = values("sectors")
BENEFIT_TYPES = values("benefit_types")

REGION_LABELS = labels("regions")
REGION_DESCRIPTIONS = labels("regions", "description")
EXAMPLE_PLACES = labels("regions", "example_places")
THEME_NAMES = labels("themes", "name")
THEME_LABELS = labels("themes")
LEVEL_LABELS = labels("education_levels")
FORMAT_LABELS = labels("course_formats")
EMPLOYMENT_LABELS = labels("employment_statuses")
SECTOR_LABELS = labels("sectors")
BENEFIT_LABELS = labels("benefit_types")
INTENT_LABELS = labels("intents")  # for the regions' insights (actions/usage.py)

# --- the words of other languages ----------------------------------------------------------
# Dutch words are in this file and in the actions; the words of every other language the
# assistant speaks are data: locales/<code>/patterns.yaml (issue 17), merged here, so a third
# language adds a file, not code.
LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"


@lru_cache(maxsize=1)
def _patterns() -> Dict[str, list]:
    merged: Dict[str, list] = {}
    for path in sorted(LOCALES_DIR.glob("*/patterns.yaml")):
        for key, value in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).items():
            if isinstance(value, dict):  # stems: {theme: [[stem, value], ...], ...}
                for sub, items in value.items():
                    merged.setdefault(f"{key}.{sub}", []).extend(tuple(i) for i in items or [])
            else:
                merged.setdefault(key, []).extend(value or [])
    return merged


def phrases(concept: str) -> List[Any]:
    """The entries of every language's patterns.yaml for one concept ("when", "stems.theme")."""
    return list(_patterns().get(concept, []))


def alternatives(concept: str, *dutch: str) -> str:
    """A regex alternation of the Dutch `dutch` entries and those of the other languages; an
    alternation that never matches when there are none."""
    found = [str(p) for p in (*dutch, *phrases(concept))]
    return "|".join(found) if found else "(?!x)x"


def regexes(concept: str, *dutch: str, flags: int = re.IGNORECASE) -> List[re.Pattern]:
    """Whole regexes (each with the same groups) for a sentence whose word order differs per
    language: the Dutch ones first."""
    return [re.compile(p, flags) for p in (*dutch, *phrases(concept))]


AGE_RANGE = (15, 100)
# Words after a number that make it a count or an amount, not an age ("werk 32 uur", "80 man").
NUMBER_UNITS = ("uur", "euro", "man", "mensen", "medewerkers", "keer", "km", *phrases("number_units"))
_UNITS = "|".join(NUMBER_UNITS)
# "ik ben 34", "ben 34 jaar", "34 jaar oud", "34 jr": an age (not "34 jaar ervaring"); "i am 34",
# "im 34 years" from locales/*/patterns.yaml. Two groups: the number in either form.
AGE_IN_TEXT = re.compile(
    r"(?:\b(?:"
    + alternatives("age_before", "ben")
    + r")\s+(?:(?:"
    + alternatives("age_fillers", "nu", "al", "pas")
    + r")\s+)?(\d{2})\b(?!\s*(?:"
    + _UNITS
    + "|€))"
    r"|\b(\d{2})\s*(?:"
    + alternatives("age_units", "jaar", "jr")
    + r")\b(?!\s*(?:"
    + alternatives(
        "age_not_after", "ervaring", "gewerkt", "in dienst", "werkervaring", "geleden", "bij", "als", "in de"
    )
    + r")))",
    re.IGNORECASE,
)

# Ordinal entity values (canonical "1".."3", "laatste"; a few spellings in case synonyms are
# missing) -> index on the page of modules shown.
ORDINALS = {"1": 0, "eerste": 0, "een": 0, "2": 1, "tweede": 1, "twee": 1, "3": 2, "derde": 2, "drie": 2}
LAST_WORDS = {"laatste", "last", "-1"}

# --- understanding free-text answers -----------------------------------------------------
# Word stems -> canonical value. Checked in order, so specific stems come first
# ("geen werk" before "werk"). Used when the NLU model found no entity in an answer.
THEME_WORDS = [
    ("batterij", "batterijtechnologie"),
    ("accu", "batterijtechnologie"),
    ("energieopslag", "batterijtechnologie"),
    ("opslag", "batterijtechnologie"),
    ("bim", "digitalisering_bouw"),
    ("digitaal", "digitalisering_bouw"),
    ("digitali", "digitalisering_bouw"),
    ("drone", "digitalisering_bouw"),
    ("3d", "digitalisering_bouw"),
    ("bouwinformatie", "digitalisering_bouw"),
    ("circulair", "circulair_bouwen"),
    ("hergebruik", "circulair_bouwen"),
    ("biobased", "circulair_bouwen"),
    ("houtbouw", "circulair_bouwen"),
    ("isol", "verduurzaming_woningen"),
    ("verduurzam", "verduurzaming_woningen"),
    ("renovat", "verduurzaming_woningen"),
    ("woning", "verduurzaming_woningen"),
    ("energielabel", "verduurzaming_woningen"),
    ("energieadvi", "verduurzaming_woningen"),
    ("netwerk", "infra_netwerken"),
    ("kabel", "infra_netwerken"),
    ("infra", "infra_netwerken"),
    ("laadpa", "infra_netwerken"),
    ("stroomnet", "infra_netwerken"),
    ("stroom net", "infra_netwerken"),
    ("netbeheer", "infra_netwerken"),
    ("warmtepomp", "installatietechniek"),
    ("install", "installatietechniek"),
    ("zonnepane", "installatietechniek"),
    ("zonnepanel", "installatietechniek"),
    ("elektr", "installatietechniek"),
    ("electr", "installatietechniek"),
    ("klimaat", "installatietechniek"),
    ("koeltechn", "installatietechniek"),
    ("verwarming", "installatietechniek"),
    *phrases("stems.theme"),
]
EMPLOYMENT_WORDS = [
    ("mijn werkgever", "werkend"),
    ("mijn baas", "werkend"),
    ("onze baas", "werkend"),
    ("uitkering", "uitkering"),
    ("bijstand", "uitkering"),
    ("wajong", "uitkering"),
    (r"\bww\b", "uitkering"),
    (r"\bwia\b", "uitkering"),
    ("ziektewet", "uitkering"),
    ("werkgever", "werkgever"),
    ("personeel", "werkgever"),
    ("eigenaar", "werkgever"),
    ("mijn medewerkers", "werkgever"),
    ("zzp", "zzp"),
    ("zelfstandig", "zzp"),
    ("freelance", "zzp"),
    ("eigen bedrijf", "zzp"),
    ("ondernemer", "zzp"),
    ("werkzoek", "werkzoekend"),
    ("geen werk", "werkzoekend"),
    ("geen baan", "werkzoekend"),
    ("zonder werk", "werkzoekend"),
    ("zoek werk", "werkzoekend"),
    ("zoek een baan", "werkzoekend"),
    ("werkloos", "werkzoekend"),
    ("ontslagen", "werkzoekend"),
    ("werk niet", "werkzoekend"),
    ("niet aan het werk", "werkzoekend"),
    ("student", "student"),
    ("studeer", "student"),
    ("school", "student"),
    ("werk", "werkend"),
    ("baan", "werkend"),
    ("loondienst", "werkend"),
    ("in dienst", "werkend"),
    ("monteur", "werkend"),
    ("medewerker", "werkend"),
    *phrases("stems.employment"),
]
FORMAT_WORDS = [
    ("hybride", "hybride"),
    ("beide", "hybride"),
    ("allebei", "hybride"),
    ("mix", "hybride"),
    ("combinatie", "hybride"),
    ("blended", "hybride"),
    ("online", "online"),
    ("thuis", "online"),
    ("internet", "online"),
    ("afstand", "online"),
    ("computer", "online"),
    ("e-learning", "online"),
    ("klas", "klassikaal"),
    ("locatie", "klassikaal"),
    ("fysiek", "klassikaal"),
    ("op school", "klassikaal"),
    ("praktijk", "klassikaal"),
    ("samen met", "klassikaal"),
    *phrases("stems.format"),
]
SECTOR_WORDS = [
    ("install", "installatie"),
    ("bouw", "bouw_infra"),
    ("infra", "bouw_infra"),
    ("energie", "energie"),
    ("netbeheer", "energie"),
    ("metaal", "metaal"),
    ("kinderopvang", "kinderopvang"),
    ("zorg", "zorg"),
    ("onderwijs", "onderwijs"),
    ("school", "onderwijs"),
    ("ict", "ict"),
    (r"\bit\b", "ict"),
    ("software", "ict"),
    ("groen", "groen"),
    ("hovenier", "groen"),
    ("agrar", "groen"),
    ("logistiek", "logistiek"),
    ("transport", "logistiek"),
    ("anders", "overig"),
    ("overig", "overig"),
    *phrases("stems.sector"),
]
# The sector of the work someone does ("ik werk als loodgieter"): occupations, not wishes.
OCCUPATION_SECTORS = [
    ("loodgieter", "installatie"),
    ("installateur", "installatie"),
    ("elektricien", "installatie"),
    ("elektromonteur", "installatie"),
    ("cv-monteur", "installatie"),
    ("servicemonteur", "installatie"),
    ("koeltechnicus", "installatie"),
    ("warmtepompmonteur", "installatie"),
    ("zonnepaneel", "installatie"),
    ("timmerman", "bouw_infra"),
    ("metselaar", "bouw_infra"),
    ("stukadoor", "bouw_infra"),
    ("dakdekker", "bouw_infra"),
    ("tegelzetter", "bouw_infra"),
    ("schilder", "bouw_infra"),
    ("bouwvakker", "bouw_infra"),
    ("grondwerker", "bouw_infra"),
    ("stratenmaker", "bouw_infra"),
    ("uitvoerder", "bouw_infra"),
    ("werkvoorbereider", "bouw_infra"),
    ("betonwerker", "bouw_infra"),
    ("lasser", "metaal"),
    ("bankwerker", "metaal"),
    ("constructiewerker", "metaal"),
    ("plaatwerker", "metaal"),
    (r"\bcnc\b", "metaal"),
    ("verspaner", "metaal"),
    ("verpleegkundige", "zorg"),
    ("verzorgende", "zorg"),
    ("zorgmedewerker", "zorg"),
    ("pedagogisch medewerker", "kinderopvang"),
    ("leraar", "onderwijs"),
    ("docent", "onderwijs"),
    ("leerkracht", "onderwijs"),
    ("programmeur", "ict"),
    ("developer", "ict"),
    ("systeembeheerder", "ict"),
    ("hovenier", "groen"),
    ("tuinder", "groen"),
    (r"\bkas(?:sen)?\b", "groen"),
    (r"\bboer\b", "groen"),
    ("chauffeur", "logistiek"),
    ("vrachtwagen", "logistiek"),
    ("magazijn", "logistiek"),
    ("orderpicker", "logistiek"),
    ("heftruck", "logistiek"),
    ("distributiecentrum", "logistiek"),
    *phrases("stems.occupation_sector"),
]
BENEFIT_WORDS = [
    (r"\bww\b", "ww"),
    ("werkloosheid", "ww"),
    (r"\bwia\b", "wia"),
    (r"\bwga\b", "wia"),
    ("wajong", "wajong"),
    ("bijstand", "bijstand"),
    ("participatiewet", "bijstand"),
    ("ziektewet", "zw"),
    (r"\bzw\b", "zw"),
    *phrases("stems.benefit"),
]
UNKNOWN_WORDS = (
    "weet ik niet",
    "weet niet",
    "geen idee",
    "maakt niet uit",
    "maakt me niet uit",
    "liever niet",
    "zeg ik niet",
    "geen voorkeur",
    "maakt niks uit",
    "onbekend",
    *phrases("unknown_words"),
)


def norm(text: Any) -> str:
    """Lower case, single spaces."""
    return " ".join(str(text).lower().split())


def match_words(text: Any, words: Iterable) -> Optional[str]:
    """First canonical value whose stem (or regex) occurs in the text; else one whose stem is
    a word the user typed with a typo ("onlien", "warmtepomen")."""
    low = norm(text)
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
    low = norm(text)
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
