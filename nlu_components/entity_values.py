"""Entity values that cannot be true never reach a slot.

DIET sometimes tags a word with an entity whose value cannot exist: in "ik heb mbo 2, woon
in Tilburg en ben 34" it found education_level = mbo2 *and* education_level = "34". This
component runs after EntitySynonymMapper (config.yml) and checks every entity of a closed
vocabulary against its canonical values (knowledge/vocabulary.py, knowledge/levels.py):

- a value that is canonical, or that the vocabulary understands ("werkloos", "e-learning"),
  stays as it is (the actions make it canonical and keep the details, such as "ww");
- an education level found in part ("mbo" before "2") or with a word too many ("mbo 3
  afgemaakt") gets the span and canonical value of the words that name it;
- a bare number tagged as something else, where the text says it is an age ("ben 34",
  "34 jaar"), becomes an `age`;
- anything else is dropped (logged at debug level; the user sees nothing).

Open vocabularies (theme, location, sector) are not touched here: the actions check them
against the catalogue and the places table, which need the database.
"""
from __future__ import annotations

import logging
import re
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from knowledge import FORMATS
from knowledge.levels import canonical_level
from knowledge.vocabulary import (AGE_IN_TEXT, AGE_RANGE, EMPLOYMENT_STATUSES, EMPLOYMENT_WORDS,
                                  FORMAT_WORDS, LAST_WORDS, NUMBER_UNITS, ORDINALS, match_words)

logger = logging.getLogger(__name__)

# "vijftig", "vijfenveertig", "achtendertig": an age written out.
AGE_WORDS = re.compile(r"^(?:(?:een|twee|drie|vier|vijf|zes|zeven|acht|negen)[eë]n)?"
                       r"(?:twintig|dertig|veertig|vijftig|zestig|zeventig|tachtig|negentig)$")
BARE_NUMBER = re.compile(r"^\d{1,3}$")
# A number with a unit after it is not an age: "werk 32 uur", "2000 euro", "80 medewerkers".
UNIT_AFTER = re.compile(r"\s*(?:(?:" + "|".join((*NUMBER_UNITS, "u", "werknemers", "procent")) + r")\b|€|%)",
                        re.IGNORECASE)


def _unit_follows(text: Text, entity: Dict[Text, Any]) -> bool:
    end = entity.get("end")
    return isinstance(end, int) and UNIT_AFTER.match(text, end) is not None


def _age_ok(value: Text) -> bool:
    if value.isdigit():
        return AGE_RANGE[0] <= int(value) < AGE_RANGE[1]
    return bool(AGE_WORDS.match(value))


CHECKS = {
    "education_level": lambda v: canonical_level(v) is not None,
    "employment_status": lambda v: v in EMPLOYMENT_STATUSES or match_words(v, EMPLOYMENT_WORDS) is not None,
    "course_format": lambda v: v in FORMATS or match_words(v, FORMAT_WORDS) is not None,
    "ordinal": lambda v: v in ORDINALS or v in LAST_WORDS,
    "age": _age_ok,
}


def said_as_age(text: Text, value: Text) -> bool:
    """The text calls this number an age: "ben 34", "34 jaar" (not "34 jaar ervaring")."""
    return any(value in match.groups() for match in AGE_IN_TEXT.finditer(text[:500]))


def level_in_span(text: Text, entity: Dict[Text, Any]) -> Optional[Dict[Text, Any]]:
    """An education level DIET found only part of, or with a word too many: "mbo" before "2",
    "associate" before "degree", "mbo 3 afgemaakt". The entity with the canonical value and the
    span of the words that name it, else None."""
    start, end = entity.get("start"), entity.get("end")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    words = [(m.start(), m.end()) for m in re.finditer(r"[\w'-]+", text)]
    inside = [i for i, (s, e) in enumerate(words) if s >= start and e <= end]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    spans = [(i, j) for i in range(first, last + 1) for j in range(last, i - 1, -1)]  # within, longest first
    spans += [(first, last + k) for k in (1, 2) if last + k < len(words)]          # one or two words more
    for i, j in spans:
        level = canonical_level(text[words[i][0]:words[j][1]])
        if level:
            return {**entity, "start": words[i][0], "end": words[j][1], "value": level,
                    "processors": [*entity.get("processors", []), "CanonicalEntityValues"]}
    return None


def clean_entities(text: Text, entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
    """The entities with impossible values dropped or re-labelled (see the module docstring)."""
    kept: List[Dict[Text, Any]] = []
    for entity in entities:
        name, value = entity.get("entity"), entity.get("value")
        check = CHECKS.get(name)
        if check is None or not isinstance(value, str):
            kept.append(entity)
            continue
        low = " ".join(value.lower().split())
        if check(low) and not (name == "age" and _unit_follows(text, entity)):
            kept.append(entity)
        elif name == "education_level" and (completed := level_in_span(text, entity)):
            kept.append(completed)
        elif name != "age" and BARE_NUMBER.match(low) and _age_ok(low) and said_as_age(text, low):
            kept.append({**entity, "entity": "age", "value": low,
                         "processors": [*entity.get("processors", []), "CanonicalEntityValues"]})
        else:
            logger.debug("dropped entity %s=%r: not a possible value", name, value)
    return kept


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CanonicalEntityValues(GraphComponent):
    """Drops or re-labels entity values outside their canonical vocabulary (runs after
    EntitySynonymMapper; named in config.yml)."""

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CanonicalEntityValues":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            entities = message.get(ENTITIES) or []
            if entities:
                message.set(ENTITIES, clean_entities(message.get(TEXT) or "", entities), add_to_output=True)
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # training examples are annotated by hand: nothing to clean

