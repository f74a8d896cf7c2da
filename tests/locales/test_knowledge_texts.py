"""The data labels a user reads (knowledge/vocabulary.yaml labels, level labels, course
formats, credentials, the catalogue's durations, study load and what to prepare) have a
translation in every language: they are translated where they are shown (knowledge/display.py),
so babel cannot find them in the code."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

import locales
from knowledge import catalogue, display, levels, vocabulary

OTHERS = [code for code in locales.languages() if code != locales.SOURCE]
SHOWN_FIELDS = ("label", "name", "button", "description")
SHOWN_KINDS = (
    "regions",
    "themes",
    "education_levels",
    "course_formats",
    "employment_statuses",
    "sectors",
    "benefit_types",
)


def vocabulary_labels() -> set:
    texts = set()
    for kind in SHOWN_KINDS:  # intent labels are for operators (insights), not for users
        for field in SHOWN_FIELDS:
            texts |= {text for text in vocabulary.labels(kind, field).values() if isinstance(text, str)}
    return texts


def level_labels() -> set:
    kinds = ("mbo", "hbo", "wo", "post-hbo", "post-wo", "branche", None)
    return {levels.level_label(n, kind) for kind in kinds for n in (None, 1, 2, 3, 4, 5, 6, 7, 8)}


def catalogue_phrases() -> set:
    """Durations, study load and what to prepare of the sample catalogue and the defaults."""
    modules = yaml.safe_load(
        (Path(catalogue.__file__).parent / "data" / "sample_modules.yaml").read_text(encoding="utf-8")
    )
    texts = {m[key] for m in modules["modules"] for key in ("load", "duration")}
    texts |= {item for m in modules["modules"] for item in m.get("prepare") or []}
    texts |= {item for items in catalogue.PREPARE.values() for item in items}
    return texts


@pytest.mark.parametrize("code", OTHERS)
def test_every_data_label_has_a_translation(code):
    known = locales.catalogue(code)
    labels = vocabulary_labels() | set(display.FORMAT_WORDS) | set(display.CREDENTIALS)
    missing = sorted(text for text in labels if text not in known)
    assert not missing, f"{len(missing)} labels without a {code} translation: {missing[:30]}"


@pytest.mark.parametrize("code", OTHERS)
def test_every_level_label_and_catalogue_phrase_is_translated_whole(code):
    locales.activate(code)
    try:
        untranslated = sorted(t for t in level_labels() | catalogue_phrases() if not display.has_translation(t))
    finally:
        locales.activate(locales.SOURCE)
    assert not untranslated, f"{len(untranslated)} phrases stay Dutch in {code}: {untranslated[:30]}"


def test_phrases_fill_in_numbers_and_keep_dutch_when_unknown():
    locales.activate("en")
    try:
        assert display.phrase("12 weken, ca. 120 uur") == "12 weeks, about 120 hours"
        assert display.phrase("1 jaar") == "1 year" and display.phrase("2 jaar") == "2 years"
        assert display.phrase("1,5 jaar") == "1.5 years"
        assert display.phrase("3 weken, iets onbekends") == "3 weken, iets onbekends"  # never half translated
        assert display.date_text(date(2027, 1, 12)) == "12 January 2027"
        assert display.taught_in(object()) == "Taught in Dutch."
    finally:
        locales.activate(locales.SOURCE)
    assert display.phrase("12 weken, ca. 120 uur") == "12 weken, ca. 120 uur"
    assert display.date_text(date(2027, 1, 12)) == "12 januari 2027"
    assert display.taught_in(object()) is None  # a Dutch conversation about a Dutch-taught course
