"""Every domain response speaks English as well as Dutch (issue 17).

Each response has an English variation conditioned on the slot language = en and a Dutch
variation without a condition (the default: language nl or not set). Rasa's NLG prefers a
matching conditional variation, so an English conversation gets only English. Buttons carry
the same payloads in both languages; only their titles are translated.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter
from rasa.shared.core.domain import Domain

DOMAIN = Path(__file__).resolve().parent.parent / "domain"
EN = [{"type": "slot", "name": "language", "value": "en"}]

# Dutch function words that should not be left in an English text. Quoted parts ('vergeet
# mij') are skipped; Dutch names of schemes and organisations (Leven Lang Leren Krediet,
# Erkenning van Verworven Competenties) and sources (wij-techniek.nl) are skipped too.
DUTCH_WORDS = re.compile(
    r"\b(je|jij|jouw|het|een|niet|ik|wij|jullie|maar|ook|dat|dit|voor|met|naar|wil|kun|kan|wat|hoe|zijn)\b"
)
QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
NAMES = re.compile(
    r"Erkenning van Verworven Competenties|Leven Lang Leren Krediet|Brabant Leert|Wij Techniek|\S+\.nl\b\S*"
)
MAX_WITH_DUTCH_WORDS = 0.1  # share of English texts that may still contain one


@pytest.fixture(scope="module")
def responses() -> Dict[str, List[Dict[str, Any]]]:
    return Domain.load(str(DOMAIN)).responses


def english(variations: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [v for v in variations if v.get("condition") == EN]


def dutch(variations: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    return [v for v in variations if not v.get("condition")]


def payloads(variation: Dict[str, Any]) -> List[str]:
    return [b["payload"] for b in variation.get("buttons") or []]


def test_the_domain_has_responses_and_faq_answers(responses):
    assert "utter_greet" in responses
    assert [name for name in responses if name.startswith("utter_faq/")]


def test_every_response_has_an_english_and_a_dutch_variation(responses):
    missing = [name for name, variations in responses.items() if not english(variations)]
    no_default = [name for name, variations in responses.items() if not dutch(variations)]
    assert not missing, f"no English variation (condition language=en): {missing}"
    assert not no_default, f"no unconditional (Dutch) variation: {no_default}"


def test_only_the_language_condition_is_used(responses):
    other = [
        name
        for name, variations in responses.items()
        for v in variations
        if v.get("condition") and v["condition"] != EN
    ]
    assert not other, f"conditions other than language=en: {other}"


def test_buttons_have_the_same_payloads_in_both_languages(responses):
    for name, variations in responses.items():
        expected = {tuple(payloads(v)) for v in dutch(variations)}
        for v in english(variations):
            assert tuple(payloads(v)) in expected, f"{name}: English buttons {payloads(v)} differ from {expected}"
            titles = [b["title"] for b in v.get("buttons") or []]
            assert all(titles), f"{name}: a button without a title"
        for v in dutch(variations):
            assert {tuple(payloads(e)) for e in english(variations)} >= {tuple(payloads(v))}, name


def test_english_texts_are_not_dutch_texts(responses):
    for name, variations in responses.items():
        dutch_texts = {v.get("text") for v in dutch(variations)}
        for v in english(variations):
            assert v.get("text"), f"{name}: English variation without text"
            assert v["text"] not in dutch_texts, f"{name}: English text is the Dutch text"


def test_english_texts_have_no_leftover_dutch_function_words(responses):
    def leftovers(text: str) -> List[str]:
        plain = NAMES.sub(" ", QUOTED.sub(" ", text))
        return DUTCH_WORDS.findall(plain)

    texts = [(name, v) for name, variations in responses.items() for v in english(variations)]
    texts += [(f"{name} (button)", {"text": b["title"]}) for name, v in texts for b in v.get("buttons") or []]
    found = {name: leftovers(v["text"]) for name, v in texts if leftovers(v["text"])}
    assert len(found) <= MAX_WITH_DUTCH_WORDS * len(texts), f"Dutch words in English texts: {found}"


@pytest.mark.parametrize("language", ["en", "nl", None])
def test_rasa_picks_the_variation_of_the_conversations_language(responses, language):
    chooser = ResponseVariationFilter(responses)
    for name, variations in responses.items():
        chosen = chooser.responses_for_utter_action(name, "rest", {"language": language})
        expected = english(variations) if language == "en" else dutch(variations)
        assert chosen == expected, name
