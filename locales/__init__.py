"""Message catalogues: every text a user reads, in each language the assistant speaks.

Dutch is the source language: texts are written in Dutch in the code, wrapped in `_()`
(or `N_()` for a constant that is translated where it is used), and each other language
has gettext catalogues in `locales/<code>/LC_MESSAGES/*.po` (all files of a language are
merged; babel reads them, no compiled .mo files). `locales/<code>/language.yaml` says how the
language is called, which detector language it is and which phrases switch to it.

Adding a language is adding data: a folder `locales/<code>/` with `language.yaml` and the
.po files, NLU data, and the domain's response variations (README "Languages").

    from locales import _, activate
    activate("en")                               # once per action run / request
    _("Waar woon je?")                           # -> "Where do you live?"
    _("Je woont in {place}.", place="Breda")     # placeholders are str.format names
    translate("Waar woon je?", "en")             # explicit language (gateway, channels)
"""

from __future__ import annotations

import contextvars
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Tuple

import yaml
from babel.messages.pofile import read_po

HERE = Path(__file__).resolve().parent
SOURCE = "nl"  # the language of the msgids (the texts in the code)

_current: contextvars.ContextVar[str] = contextvars.ContextVar("language", default=SOURCE)


@lru_cache(maxsize=None)
def languages() -> Tuple[str, ...]:
    """The languages the assistant speaks: the source language first, then every folder
    with a language.yaml, sorted."""
    others = sorted(p.parent.name for p in HERE.glob("*/language.yaml") if p.parent.name != SOURCE)
    return (SOURCE, *others)


@lru_cache(maxsize=None)
def language_info(code: str) -> dict:
    """`locales/<code>/language.yaml`: name (in that language), detector (lingua's name),
    switch (phrases that ask for this language)."""
    return yaml.safe_load((HERE / code / "language.yaml").read_text(encoding="utf-8")) or {}


def supported(code: Optional[str]) -> Optional[str]:
    """The code if the assistant speaks it ('en-GB' -> 'en'), else None."""
    if not code or not isinstance(code, str):
        return None
    code = code.strip().lower().replace("_", "-").split("-")[0]
    return code if code in languages() else None


@lru_cache(maxsize=None)
def catalogue(code: str) -> Dict[str, str]:
    """msgid -> translation for one language (empty for the source language). Fuzzy or
    empty translations are left out, so their Dutch text shows rather than a wrong one."""
    texts: Dict[str, str] = {}
    if code == SOURCE:
        return texts
    for path in sorted((HERE / code / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=code):
                if message.id and isinstance(message.id, str) and message.string and not message.fuzzy:
                    texts[message.id] = message.string
    return texts


def translate(msgid: str, code: Optional[str], **values) -> str:
    """`msgid` (Dutch) in language `code`, with `values` filled in ({name} placeholders)."""
    text = catalogue(code).get(msgid, msgid) if code and code != SOURCE and code in languages() else msgid
    return text.format(**values) if values else text


def activate(code: Optional[str]) -> str:
    """Make `code` the language of `_()` for the rest of this task (an action run, a
    request); an unknown code gives the source language. Returns the language set."""
    code = supported(code) or SOURCE
    _current.set(code)
    return code


def current() -> str:
    return _current.get()


def _(msgid: str, **values) -> str:
    """`msgid` in the active language (see `activate`)."""
    return translate(msgid, _current.get(), **values)


def N_(msgid: str) -> str:
    """Marks a constant for the catalogues without translating it; translate it where it is
    used, with `_(CONSTANT)` or `translate(CONSTANT, code)`."""
    return msgid
