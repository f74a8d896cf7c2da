"""Checks that keep the held-out NLU set a fair measuring stick for `make eval`.

A broken or leaked test set gives users a bot that looks better on paper than it is:
wrong canonical values would score correct entities as errors, a missing intent would
hide a weak one, and sentences copied into the training data would score memory,
not understanding of new Dutch or English.

Every check runs on both sets: `holdout.yml` (Dutch) and `holdout_en.yml` (English, issue 17),
each with its own size bounds (SETS).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

from knowledge import vocabulary

ROOT = Path(__file__).resolve().parents[2]
HOLDOUT = Path(__file__).with_name("holdout.yml")
HOLDOUT_EN = Path(__file__).with_name("holdout_en.yml")
TRAINING_DIR = ROOT / "data" / "nlu"  # all languages (data/nlu/en/ included)

INTENTS = {
    "greet",
    "goodbye",
    "thank",
    "affirm",
    "deny",
    "bot_challenge",
    "help",
    "search_course",
    "inform",
    "ask_funding",
    "course_details",
    "more_results",
    "how_to_enroll",
    "request_human",
    "career_orientation",
    "recognition_prior_learning",
    "employer_training",
    "find_hub",
    "forget_me",
    "out_of_scope",
    "show_profile",
    "stop",
    "dont_know",
}
FAQ_KEYS = {
    "microcredential",
    "edubadge",
    "nlqf",
    "bol_bbl",
    "evc",
    "stap",
    "llo_krediet_uitleg",
    "privacy",
    "kosten_bot",
}
# Canonical entity values (knowledge/vocabulary.yaml; location and age are open).
CANONICAL = {
    "theme": set(vocabulary.THEMES),
    "education_level": set(vocabulary.EDUCATION_LEVEL_VALUES),
    "course_format": set(vocabulary.FORMATS),
    "employment_status": set(vocabulary.EMPLOYMENT_STATUSES),
    "ordinal": set(vocabulary.values("ordinals")),
    "sector": set(vocabulary.SECTORS),
}
OPEN_ENTITIES = {"location", "age"}
# Shorter lines ("ja", "wat is evc", "what is evc") are bound to coincide with any training set.
MIN_WORDS_FOR_LEAK_CHECK = 4


class Bounds:
    """How many examples a set must have: per contract intent, per faq sub-intent, in total."""

    def __init__(self, path: Path, per_intent: tuple, per_faq: int, total: tuple):
        self.path, self.per_intent, self.per_faq, self.total = path, per_intent, per_faq, total


# The Dutch set is the main measuring stick; the English one (issue 17: >= 150 utterances, all
# intents) is smaller per intent but still covers every intent and faq sub-intent.
SETS = {
    "nl": Bounds(HOLDOUT, per_intent=(15, 25), per_faq=6, total=(450, 550)),
    "en": Bounds(HOLDOUT_EN, per_intent=(6, 12), per_faq=4, total=(180, 260)),
}


def normalise(text: str) -> str:
    return " ".join(re.findall(r"[\w']+", text.lower()))


@pytest.fixture(scope="module", params=sorted(SETS))
def bounds(request) -> Bounds:
    return SETS[request.param]


@pytest.fixture(scope="module")
def holdout(bounds):
    return load_data(str(bounds.path))


def label(message) -> str:
    key = message.get("intent_response_key")
    return key if key else message.get("intent")


def test_file_is_rasa_3_nlu_yaml(bounds):
    raw = yaml.safe_load(bounds.path.read_text(encoding="utf-8"))
    assert raw["version"] == "3.1"
    assert set(raw) == {"version", "nlu"}
    assert all("intent" in block and "examples" in block for block in raw["nlu"])


def test_every_contract_intent_is_measured(holdout, bounds):
    counts = Counter(label(m) for m in holdout.intent_examples)
    low, high = bounds.per_intent
    for intent in INTENTS:
        assert low <= counts[intent] <= high, f"{intent}: {counts[intent]} examples"
    for key in FAQ_KEYS:
        assert counts[f"faq/{key}"] >= bounds.per_faq, f"faq/{key}: {counts[f'faq/{key}']} examples"
    unknown = set(counts) - INTENTS - {f"faq/{k}" for k in FAQ_KEYS}
    assert not unknown, f"intents outside the contract: {unknown}"
    assert bounds.total[0] <= sum(counts.values()) <= bounds.total[1]


def test_each_example_has_exactly_one_intent(holdout):
    seen: dict[str, str] = {}
    clashes = []
    for message in holdout.intent_examples:
        text = normalise(message.get("text"))
        if text in seen:
            clashes.append((message.get("text"), seen[text], label(message)))
        seen[text] = label(message)
    assert not clashes, f"duplicate examples: {clashes}"


def test_entity_values_are_canonical(holdout):
    wrong = []
    for message in holdout.intent_examples:
        for entity in message.get("entities", []):
            name, value = entity["entity"], entity["value"]
            if name in CANONICAL and value not in CANONICAL[name]:
                wrong.append((message.get("text"), name, value))
            elif name == "age" and not value.isdigit():
                wrong.append((message.get("text"), name, value))
            elif name not in CANONICAL and name not in OPEN_ENTITIES:
                wrong.append((message.get("text"), name, value))
    assert not wrong, f"non-canonical entities: {wrong}"


def test_all_entity_types_and_regions_occur(holdout):
    entities = [e for m in holdout.intent_examples for e in m.get("entities", [])]
    assert {e["entity"] for e in entities} == set(CANONICAL) | OPEN_ENTITIES
    places = {e["value"] for e in entities if e["entity"] == "location"}
    assert {"Breda", "'s-Hertogenbosch", "Eindhoven"} <= places  # brabant
    assert {"Enschede", "Hengelo", "Almelo"} <= places  # twente
    assert {"Groningen", "Leeuwarden", "Assen"} <= places  # noord
    assert {"Utrecht", "Nijmegen"} <= places  # elsewhere in NL


@pytest.mark.skipif(not TRAINING_DIR.is_dir(), reason="no training data yet")
def test_no_holdout_sentence_is_in_the_training_data(holdout, bounds):
    training = {normalise(m.get("text")) for m in load_data(str(TRAINING_DIR)).intent_examples}
    leaked = sorted(
        m.get("text")
        for m in holdout.intent_examples
        if len(normalise(m.get("text")).split()) >= MIN_WORDS_FOR_LEAK_CHECK and normalise(m.get("text")) in training
    )
    assert not leaked, (
        "these held-out sentences also appear in data/nlu/; rephrase or remove the "
        f"training copies so the evaluation measures unseen sentences ({bounds.path.name}): {leaked}"
    )
