"""Texts from the data that the actions show (hubs, glossary, shortage occupations, region and
vocabulary labels) have an English translation: they are translated where they are shown
(`_(text)` in actions/guidance.py, actions/faq.py, actions/facts.py), so babel's extraction in
test_catalogues.py cannot see them."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

import knowledge
import locales
from knowledge import vocabulary as v

DATA = Path(knowledge.__file__).resolve().parent / "data"


def shown_data_texts():
    reference = yaml.safe_load((DATA / "reference.yaml").read_text(encoding="utf-8"))
    for hub in reference["hubs"]:  # names and cities stay as they are
        yield "hub address", hub["address"]
        yield "hub opening hours", hub["opening_hours"]
        yield "hub", hub["what_you_can_do"]
    glossary = yaml.safe_load((DATA / "glossary.yaml").read_text(encoding="utf-8"))
    for term in glossary["terms"]:
        yield "glossary", " ".join(term["text"].split())
    occupations = yaml.safe_load((DATA / "occupations.yaml").read_text(encoding="utf-8"))
    for occupation in occupations["occupations"]:
        yield "occupation", occupation["name"]
        yield "occupation", occupation["why"]
    for kind in (
        v.REGION_LABELS,
        v.THEME_LABELS,
        v.FORMAT_LABELS,
        v.EMPLOYMENT_LABELS,
        v.SECTOR_LABELS,
        v.BENEFIT_LABELS,
    ):
        for label in kind.values():
            yield "label", label
    for level in v.EDUCATION_LEVEL_VALUES:
        yield "level", knowledge.level_label(level)


@pytest.mark.parametrize("code", [c for c in locales.languages() if c != locales.SOURCE])
def test_every_data_text_that_is_shown_has_a_translation(code):
    catalogue = locales.catalogue(code)
    missing = [f"{kind}: {text!r}" for kind, text in shown_data_texts() if text not in catalogue]
    assert not missing, f"{len(missing)} data texts without a {code} translation:\n" + "\n".join(missing)


def test_the_english_words_are_data_and_read_with_the_dutch_ones():
    assert ("heat pump", "installatietechniek") in v.THEME_WORDS
    assert v.match_words("i lost my job", v.EMPLOYMENT_WORDS) == "werkzoekend"
    assert v.AGE_IN_TEXT.search("im 34 years").group(1) == "34"
    assert v.AGE_IN_TEXT.search("ik ben 52").group(1) == "52"
    assert not v.AGE_IN_TEXT.search("i worked 20 years as a welder")
    assert v.says_unknown("no idea") and v.says_unknown("weet ik niet")
