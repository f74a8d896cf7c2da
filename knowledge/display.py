"""Data texts in the language of the conversation (locales/, `activate` per action run).

The catalogue and the vocabulary are Dutch: labels (themes, levels, formats, sectors),
a module's duration and study load ("12 weken, ca. 120 uur"), what to prepare, the kind of
credential. They are translated where they are shown, through the message catalogues
(locales/<code>/LC_MESSAGES/knowledge.po), with the Dutch text as msgid:

- `label(text)`: a fixed data label ("mbo 4", "klassikaal", "certificaat").
- `phrase(text)`: a data phrase with numbers ("12 weken, ca. 120 uur"). Its msgids are
  patterns: numbers become {a}, {b}, ... ("{a} weken, ca. {b} uur"), except a lone 1, which
  stays (so "1 jaar" and "{a} jaar" can be "1 year" and "{a} years"). A phrase without a
  whole translation is tried part by part (split at ", "); anything not translated stays
  Dutch, never half translated.
- `date_text(d)`: "12 januari 2027" / "12 January 2027".
- `taught_in(hit)`: "Taught in Dutch." when the conversation is in another language than
  the module's teaching language (the catalogue has no such field yet: Dutch for all).

In a Dutch conversation every function gives the Dutch text unchanged.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, List, Optional, Tuple

import locales
from locales import N_, _

from babel.dates import format_date

from .textnl import format_date_nl

TEACHING_LANGUAGE = "nl"  # the catalogue has no teaching-language field: every module is Dutch-taught


NUMBER = re.compile(r"\d+(?:,\d+)?")
PLACEHOLDERS = "abcdefgh"


def speaks_source() -> bool:
    return locales.current() == locales.SOURCE


def label(text: Optional[str]) -> str:
    """A fixed data label in the active language (the Dutch label when there is none)."""
    return _(text) if text else ""


def pattern(text: str) -> Tuple[str, Dict[str, str]]:
    """ "12 weken, ca. 120 uur" -> ("{a} weken, ca. {b} uur", {"a": "12", "b": "120"}); a lone
    1 stays in the pattern (singular in other languages)."""
    values: Dict[str, str] = {}

    def keep(match: "re.Match") -> str:
        number = match.group(0)
        if number == "1" or len(values) >= len(PLACEHOLDERS):
            return number
        name = PLACEHOLDERS[len(values)]
        values[name] = number
        return "{" + name + "}"

    escaped = text.replace("{", "{{").replace("}", "}}")
    return NUMBER.sub(keep, escaped), values


def _number(value: str) -> str:
    """A Dutch number ("1,5") as the active language writes it ("1.5")."""
    if "," not in value:
        return value
    from babel.numbers import format_decimal

    return format_decimal(float(value.replace(",", ".")), locale=locales.current())


def _one(text: str) -> Optional[str]:
    known = locales.catalogue(locales.current())
    msgid, values = pattern(text)
    if msgid not in known:
        return None
    return known[msgid].format(**{k: _number(v) for k, v in values.items()})


def phrase(text: Optional[str]) -> str:
    """A data phrase with numbers in the active language; Dutch when not (fully) translated."""
    if not text or speaks_source():
        return text or ""
    whole = _one(text)
    if whole is not None:
        return whole
    parts = [_one(part) for part in text.split(", ")]
    return text if any(p is None for p in parts) else ", ".join(parts)  # type: ignore[arg-type]


def has_translation(text: str) -> bool:
    """The phrase is translated (whole, or every part) in the active language."""
    return _one(text) is not None or all(_one(part) is not None for part in text.split(", "))


def phrases(texts: List[str]) -> List[str]:
    return [phrase(t) for t in texts]


def date_text(d: Optional[date]) -> str:
    """A date as the active language writes it: "12 januari 2027", "12 January 2027"."""
    if d is None:
        return ""
    if speaks_source():
        return format_date_nl(d)
    return format_date(d, format="d MMMM y", locale=locales.current())


def teaching_language(hit: Any) -> str:
    return getattr(hit, "teaching_language", None) or TEACHING_LANGUAGE


def taught_in(hit: Any) -> Optional[str]:
    """ "Taught in Dutch." when the user speaks another language than the course; else None."""
    if teaching_language(hit) == locales.current():
        return None
    return label(TAUGHT_IN[teaching_language(hit)])


# The teaching language of a module, said to someone who speaks another language.
TAUGHT_IN = {"nl": N_("Les in het Nederlands.")}

# The kinds of course format and credential as they are stored (shown in a sentence).
FORMAT_WORDS = [N_("online"), N_("klassikaal"), N_("hybride")]
CREDENTIALS = [N_("diploma"), N_("certificaat"), N_("microcredential"), N_("bewijs van deelname")]
