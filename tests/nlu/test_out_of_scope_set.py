"""Checks that keep the out-of-scope evaluation set a fair measuring stick.

`out_of_scope.yml` holds messages meant for other assistants or simply off-topic
(smart home, trains, sports club, recipes, weather, parcels, taxes, ...). Leerwijzer
must decline them. The set only measures something if it stays unseen: a sentence that
also sits in data/nlu/ is recalled, not generalised, so the leak check below fails on it.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.loading import load_data

ROOT = Path(__file__).resolve().parents[2]
OUT_OF_SCOPE = Path(__file__).with_name("out_of_scope.yml")
TRAINING_DIR = ROOT / "data" / "nlu"

MIN_EXAMPLES = 250
# Shorter lines ("zachter", "weer in groningen") may coincide with any Dutch training set.
MIN_WORDS_FOR_LEAK_CHECK = 4


def normalise(text: str) -> str:
    """Lower case, words only; lines without words (emoji) keep their stripped text."""
    return " ".join(re.findall(r"[\w']+", text.lower())) or " ".join(text.split())


@pytest.fixture(scope="module")
def examples():
    return load_data(str(OUT_OF_SCOPE)).intent_examples


def test_file_is_rasa_3_nlu_yaml():
    raw = yaml.safe_load(OUT_OF_SCOPE.read_text(encoding="utf-8"))
    assert raw["version"] == "3.1"
    assert set(raw) == {"version", "nlu"}
    assert [block["intent"] for block in raw["nlu"]] == ["out_of_scope"]
    assert "examples" in raw["nlu"][0]


def test_enough_examples_all_out_of_scope(examples):
    assert len(examples) >= MIN_EXAMPLES, f"only {len(examples)} examples"
    intents = Counter(m.get("intent") for m in examples)
    assert set(intents) == {"out_of_scope"}, f"other intents: {intents}"
    assert not [m.get("text") for m in examples if m.get("entities")], "no entities expected"
    assert all(m.get("text").strip() for m in examples), "empty example"


def test_no_duplicates(examples):
    counts = Counter(normalise(m.get("text")) for m in examples)
    duplicates = sorted(text for text, n in counts.items() if n > 1)
    assert not duplicates, f"duplicate examples: {duplicates}"


@pytest.mark.skipif(not TRAINING_DIR.is_dir(), reason="no training data yet")
def test_no_example_is_in_the_training_data(examples):
    training = {normalise(m.get("text")) for m in load_data(str(TRAINING_DIR)).intent_examples}
    leaked = sorted(
        m.get("text")
        for m in examples
        if len(normalise(m.get("text")).split()) >= MIN_WORDS_FOR_LEAK_CHECK and normalise(m.get("text")) in training
    )
    assert not leaked, (
        "these out-of-scope sentences also appear in data/nlu/; rephrase them here or "
        f"remove the training copies so the evaluation measures unseen Dutch: {leaked}"
    )
