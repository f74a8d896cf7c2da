"""Every text a user can read has a translation in every language (locales/).

The texts are found the way a translator's tools find them: babel extracts every `_()` and
`N_()` call from the Python code and the widget's JavaScript.
"""

from __future__ import annotations

import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

import locales

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("actions", "bot", "knowledge")
METHODS = [("**.py", "python"), ("**/static/**.js", "javascript")]
OTHERS = [code for code in locales.languages() if code != locales.SOURCE]


def extracted() -> dict:
    found = {}
    for folder in SOURCES:
        for filename, lineno, message, _comments, _context in extract_from_dir(
            ROOT / folder, method_map=METHODS, keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{folder}/{filename}:{lineno}")
    return found


def fields(text: str) -> set:
    return {name for _literal, name, _spec, _conv in string.Formatter().parse(text) if name}


def test_english_is_spoken():
    assert "en" in locales.languages()
    assert locales.supported("en-GB") == "en" and locales.supported("pl") is None


@pytest.mark.parametrize("code", OTHERS)
def test_every_text_has_a_translation_with_the_same_placeholders(code):
    texts = extracted()
    assert len(texts) > 0
    catalogue = locales.catalogue(code)
    missing = [f"{where}: {msgid!r}" for msgid, where in texts.items() if msgid not in catalogue]
    assert not missing, f"{len(missing)} texts without a {code} translation:\n" + "\n".join(missing[:40])
    wrong = [
        f"{where}: {msgid!r} -> {catalogue[msgid]!r}"
        for msgid, where in texts.items()
        if fields(msgid) != fields(catalogue[msgid])
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("code", OTHERS)
def test_catalogue_files_agree_with_each_other(code):
    seen = {}
    clashes = []
    for path in sorted((locales.HERE / code / "LC_MESSAGES").glob("*.po")):
        with path.open("rb") as handle:
            for message in read_po(handle, locale=code):
                if not message.id or not message.string:
                    continue
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id][0]} vs {path.name}")
                seen.setdefault(message.id, (path.name, message.string))
    assert not clashes, "one Dutch text, two translations:\n" + "\n".join(clashes)


def test_translate_fills_placeholders_and_falls_back_to_dutch():
    assert locales.translate("Geen vertaling {x}", "en", x=1) == "Geen vertaling 1"
    assert locales.translate("Hallo", "nl") == "Hallo"
    assert locales.translate("Hallo", "xx") == "Hallo"
