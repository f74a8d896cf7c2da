"""Every text of the funding rules a user can read has a translation in every language.

The rule texts live in knowledge/funding/rules/*.yaml, where babel cannot find them; the
engine translates each where it is shown (knowledge/funding/engine.py) and fills its
placeholders ({location}, {course.price_eur}) after that, so a translation must keep them.
"""

from __future__ import annotations

import re
from datetime import date

import pytest

import locales
from knowledge.funding import evaluate_funding
from knowledge.funding.rules import load_rules, user_texts

OTHERS = [code for code in locales.languages() if code != locales.SOURCE]
PLACEHOLDER = re.compile(r"\{([a-z_.]+)\}")  # as the engine fills them (engine._PLACEHOLDER)


def rule_texts():
    return [(rule.id, text) for rule in load_rules() for text in user_texts(rule)]


def test_every_rule_has_its_texts_found():
    found = {rule_id for rule_id, _text in rule_texts()}
    assert found == {rule.id for rule in load_rules()}
    assert len(rule_texts()) > 100


@pytest.mark.parametrize("code", OTHERS)
def test_every_rule_text_has_a_translation_with_the_same_placeholders(code):
    catalogue = locales.catalogue(code)
    missing = [f"{rule_id}: {text!r}" for rule_id, text in rule_texts() if text not in catalogue]
    assert not missing, f"{len(missing)} rule texts without a {code} translation:\n" + "\n".join(missing[:40])
    wrong = [
        f"{rule_id}: {text!r} -> {catalogue[text]!r}"
        for rule_id, text in rule_texts()
        if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(catalogue[text]))
    ]
    assert not wrong, "placeholders differ:\n" + "\n".join(wrong)


def test_english_amounts_are_written_the_english_way():
    """ "€ 2.500" reads as two and a half euros to an English reader: €2,500."""
    catalogue = locales.catalogue("en")
    dutch_amounts = [
        catalogue[text]
        for _rule, text in rule_texts()
        if re.search(r"€ ?\d{1,3}\.\d{3}|\d,\d{1,2}(?!\d)", catalogue.get(text, ""))
    ]
    assert not dutch_amounts, dutch_amounts


@pytest.fixture
def english():
    token = locales._current.set("en")
    yield
    locales._current.reset(token)


def test_the_engine_answers_in_the_active_language(english):
    advice = {
        a.scheme_id: a for a in evaluate_funding({"age": 60, "employment_status": "zzp"}, as_of=date(2026, 12, 7))
    }
    loan = advice["levenlanglerenkrediet"]
    assert loan.outcome == "not_eligible"
    assert loan.reasons[0] == "You are 60. The Levenlanglerenkrediet is only for people younger than 57."
    stap = advice["stap"]
    assert stap.outcome == "ended" and stap.name == "STAP-budget"
    assert stap.reasons[0].startswith("The STAP-budget no longer exists. It ended on 1 January 2024")
    assert "Levenlanglerenkrediet" in stap.replaced_by and " and " in stap.replaced_by
    # filled after translation, in English: the employment status and the dates
    slim = advice["slim_scholingssubsidie"]
    assert any("self-employed person (zzp'er)" in r for r in slim.reasons), slim.reasons


def test_the_engine_stays_dutch_without_a_language():
    advice = {a.scheme_id: a for a in evaluate_funding({"age": 60}, as_of=date(2026, 12, 7))}
    assert advice["levenlanglerenkrediet"].reasons[0].startswith("Je bent 60.")
    assert advice["stap"].reasons[0].startswith("Het STAP-budget bestaat niet meer")
