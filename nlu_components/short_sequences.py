"""DIET trained on the first tokens of each message; it predicts on the whole message.

Rasa pads every training batch to its longest message. Our messages are 5 tokens long on
average (90th percentile 9), but a few run to 20-30 tokens and a random batch of 64-256 nearly
always holds one: three quarters of the transformer's work per epoch was padding, and the
transformer is most of a training (benchmarks/README.md, "Training time"). This classifier is
Rasa's DIETClassifier, except that during training the token sequence of a message is cut to
its first `max_training_tokens` tokens (with the entity tags of those tokens). What it keeps:

- the batches: the same (label-balanced, shuffled) batches as Rasa's own. Sorting batches by
  length also saves the padding, but scored lower, because DIET draws its negative labels from
  the other messages of a batch;
- the whole message for the intent: DIET reads the sentence features (all words and char
  n-grams of the message) at an extra position next to the tokens, and those are not cut;
- prediction: at run time nothing is cut; long messages are read whole.

What it loses: the token sequence (and entity labels) after token `max_training_tokens` of the
3% of training messages that are longer. The entities of the held-out set and the conversation
suite are measured with it (benchmarks/README.md).
"""

from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Any, Dict, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import SEQUENCE, SEQUENCE_LENGTH
from rasa.utils.tensorflow.model_data import FeatureArray, RasaModelData

logger = logging.getLogger(__name__)

MAX_TRAINING_TOKENS = "max_training_tokens"

# Rasa's training cache knows a component by its config and the source of its class; the
# helpers below live outside the class, so this file's digest is added (a change retrains).
_SOURCE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def first_tokens(features: FeatureArray, max_tokens: int) -> FeatureArray:
    """The same per-message matrices (tokens x features), each cut to its first max_tokens rows."""
    cut = np.empty(len(features), dtype=object)
    for i, matrix in enumerate(features):
        if matrix.shape[0] <= max_tokens:
            cut[i] = matrix
        elif scipy.sparse.issparse(matrix):
            cut[i] = matrix.tocsr()[:max_tokens].tocoo()
        else:
            cut[i] = matrix[:max_tokens]
    return FeatureArray(cut, number_of_dimensions=features.number_of_dimensions)


def cut_sequences(model_data: RasaModelData, max_tokens: int) -> int:
    """Cuts the text's token features and the entity tags to max_tokens tokens, in place, and
    recomputes the sequence lengths. Returns how many messages were cut."""
    text = model_data.data.get(TEXT, {})
    sequences = text.get(SEQUENCE) or []
    if not sequences:
        return 0
    cut = int(sum(matrix.shape[0] > max_tokens for matrix in sequences[0]))
    text[SEQUENCE] = [first_tokens(features, max_tokens) for features in sequences]
    for tag_name, arrays in model_data.data.get(ENTITIES, {}).items():
        model_data.data[ENTITIES][tag_name] = [first_tokens(features, max_tokens) for features in arrays]
    model_data.add_lengths(TEXT, SEQUENCE_LENGTH, TEXT, SEQUENCE)
    return cut


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class ShortSequencesDIETClassifier(DIETClassifier):
    """DIETClassifier trained on the first `max_training_tokens` tokens (module docstring)."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {**DIETClassifier.get_default_config(), MAX_TRAINING_TOKENS: 12}

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        parent = super().fingerprint_addon(config)
        return _SOURCE_DIGEST if parent is None else f"{parent}:{_SOURCE_DIGEST}"

    @property
    def name(self) -> str:
        # Entities found say extractor "DIETClassifier", as with Rasa's class: `rasa test` names
        # its entity report after it (benchmarks/nlu_eval.py reads DIETClassifier_report.json).
        return DIETClassifier.__name__

    def preprocess_train_data(self, training_data: TrainingData) -> RasaModelData:
        model_data = super().preprocess_train_data(training_data)
        max_tokens = int(self.component_config[MAX_TRAINING_TOKENS])
        cut = cut_sequences(model_data, max_tokens)
        logger.info("%s: %d training messages cut to their first %d tokens", type(self).__name__, cut, max_tokens)
        return model_data
