"""Entity values that cannot be true never reach a slot (nlu_components/entity_values.py)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from nlu_components.entity_values import clean_entities


def entity(name, value, **extra):
    return {"entity": name, "value": value, "extractor": "DIETClassifier", **extra}


def test_a_number_tagged_as_a_level_becomes_the_age_the_text_says_it_is():
    text = "ik heb mbo 2, woon in Tilburg en ben 34"
    found = clean_entities(
        text, [entity("education_level", "mbo2"), entity("education_level", "34"), entity("location", "Tilburg")]
    )
    assert [(e["entity"], e["value"]) for e in found] == [
        ("education_level", "mbo2"),
        ("age", "34"),
        ("location", "Tilburg"),
    ]


def test_a_number_that_is_not_said_as_an_age_is_dropped():
    found = clean_entities("mbo 2 en 34 jaar ervaring", [entity("education_level", "34")])
    assert found == []


@pytest.mark.parametrize(
    "name,value",
    [
        ("employment_status", "timer"),
        ("employment_status", "boodschappenlijst"),
        ("course_format", "feestmodus"),
        ("ordinal", "7e"),
        ("age", "3"),
        ("age", "250"),
        ("education_level", "telefoonbatterij"),
    ],
)
def test_impossible_values_are_dropped(name, value):
    assert clean_entities(f"iets met {value}", [entity(name, value)]) == []


@pytest.mark.parametrize(
    "name,value",
    [
        ("employment_status", "ww"),
        ("employment_status", "werkloos"),
        ("employment_status", "zzp"),
        ("course_format", "e-learning"),
        ("course_format", "hybride"),
        ("ordinal", "2"),
        ("ordinal", "laatste"),
        ("age", "45"),
        ("age", "vijfenvijftig"),
        ("education_level", "mbo4"),
        ("education_level", "hbo"),
        ("theme", "iets heel anders"),
        ("location", "Xyz"),
    ],
)
def test_possible_values_and_open_vocabularies_stay_as_they_are(name, value):
    assert clean_entities(f"iets met {value}", [entity(name, value)]) == [entity(name, value)]


def test_the_running_rasa_server_cleans_its_entities(rasa_stack):
    """The component is in the trained model the Rasa server loaded (config.yml names it)."""
    token = rasa_stack.env["RASA_TOKEN"]
    request = urllib.request.Request(
        f"{rasa_stack.rasa_url}/model/parse?token={token}",
        method="POST",
        data=json.dumps({"text": "ik heb mbo 2, woon in Tilburg en ben 34"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    parse = json.loads(urllib.request.urlopen(request, timeout=60).read())
    values = [(e["entity"], e["value"]) for e in parse["entities"]]
    assert ("education_level", "34") not in values
    assert ("education_level", "mbo2") in values
    assert ("age", "34") in values


@pytest.mark.parametrize(
    "text,said,start,level",
    [
        ("ik heb vmbo-t en daarna mbo 3 afgemaakt", "mbo 3 afgemaakt", 24, "mbo3"),
        ("wat kan ik met een mbo 2 diploma", "mbo", 19, "mbo2"),
        ("ik heb een associate degree gehaald", "associate", 11, "associate_degree"),
    ],
)
def test_a_level_found_in_part_or_with_a_word_too_many_gets_its_canonical_value(text, said, start, level):
    at = text.index(said)
    found = clean_entities(text, [entity("education_level", said, start=at, end=at + len(said))])
    assert [(e["entity"], e["value"], e["start"]) for e in found] == [("education_level", level, start)]


def test_a_number_with_a_unit_after_it_is_not_an_age():
    # DIET tagged both numbers as an age; the bot said "aangepast: je bent 32 jaar"
    text = "ik ben 42, heb mbo 4 en werk 32 uur"
    ages = [entity("age", "42", start=7, end=9), entity("age", "32", start=29, end=31)]
    assert [e["value"] for e in clean_entities(text, ages)] == ["42"]
