"""The one vocabulary (knowledge/vocabulary.yaml) and what is generated from it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rasa.shared.nlu.training_data.loading import load_data

from actions.questions import QUESTIONS
from knowledge import vocabulary

ROOT = Path(__file__).resolve().parents[2]
CLOSED = ("themes", "education_levels", "course_formats", "employment_statuses", "sectors", "benefit_types", "regions")


def test_the_synonyms_rasa_trains_on_are_generated_from_the_vocabulary():
    check = subprocess.run(
        [sys.executable, "scripts/vocabulary.py", "--check"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_rasa_maps_every_word_of_the_vocabulary_to_its_value_and_to_nothing_else():
    """Rasa's synonym mapper ignores the entity type: one word, one value, across all files
    (the vocabulary and the place names)."""
    mapped = load_data(str(ROOT / "data" / "nlu")).entity_synonyms
    for kind in vocabulary.VOCABULARY:
        for value, words in vocabulary.synonyms(kind).items():
            for word in words:
                assert mapped.get(word.lower(), value) == value, (kind, word, mapped.get(word.lower()))


def test_every_value_has_a_dutch_label_and_buttons_name_real_values():
    for kind in CLOSED:
        items = vocabulary.VOCABULARY[kind]["values"]
        assert all(item.get("label") for item in items), kind
        assert len({item["value"] for item in items}) == len(items), f"{kind}: a value twice"
        for value in vocabulary.VOCABULARY[kind].get("button_order", []):
            assert value in vocabulary.values(kind), (kind, value)


def test_the_questions_offer_the_vocabularys_buttons():
    theme_titles = [b["title"] for b in QUESTIONS["theme"]["buttons"]]
    assert theme_titles[:6] == [title for title, _ in vocabulary.buttons("themes")]
    assert theme_titles[0] == "Warmtepompen en installaties"
    payloads = [b["payload"] for b in QUESTIONS["employment_status"]["buttons"]]
    assert payloads[0] == '/inform{"employment_status": "werkend"}'
