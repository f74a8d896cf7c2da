"""DIET and ResponseSelector trained on batches of messages of similar length.

Rasa pads every batch to its longest message. Our messages are short (5 tokens on average) but
a few run to 20-30 tokens, and a random batch of 64-256 messages nearly always holds one of
them: three quarters of the transformer's work per epoch went into padding. These two
components train exactly as Rasa's own, except that each epoch's shuffled (and, for DIET,
label-balanced) examples are cut into batches in two groups, the longest tenth and the rest,
and the batches are then shuffled again. The model, its inputs and its predictions are Rasa's;
only the order in which the examples are seen during training changes.

Measured (benchmarks/README.md, "Training time"): DIET's epochs take 42% less time, but two
trainings scored lower on the held-out set than Rasa's own batches, so config.yml names Rasa's
DIETClassifier and ResponseSelector and mentions these as an option. At prediction time they
are Rasa's classes; the entities still say extractor "DIETClassifier".
"""
from __future__ import annotations

import hashlib
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, Optional

import numpy as np
import rasa.utils.train_utils as train_utils
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.selectors.response_selector import ResponseSelector
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.training_data import TrainingData
from rasa.utils.tensorflow.constants import SEQUENCE_LENGTH
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.model_data import Data, RasaModelData

logger = logging.getLogger(__name__)

# The longest tenth of the messages (here: 10 tokens or more) gets batches of its own. Sorting
# every batch by length would save a little more padding, but batches of one length are batches
# of few intents, and DIET draws its negative labels from the other messages in the batch: it
# cost 0.02 intent macro-F1 (benchmarks/README.md). Two groups keep nine in ten batches as
# varied as Rasa's, while they lose the padding to 20-30 tokens.
LONG_SHARE = 0.1


def length_bucketed_order(lengths: np.ndarray, batch_size: int, shuffle: bool,
                          long_share: float = LONG_SHARE) -> np.ndarray:
    """Indices that keep the longest messages out of the other batches.

    The longest messages, about `long_share` of them and a whole number of batches, are cut
    into batches of their own, the rest into the other batches, each group in its given
    (shuffled) order; then the full batches are put in random order (when shuffle). Rasa's
    generator slices batch i as [i * batch_size, (i + 1) * batch_size), so every batch stays
    whole and the one short batch stays last."""
    n = len(lengths)
    long_batches = int(round(long_share * n / batch_size)) if batch_size else 0
    if long_batches < 1 or long_batches * batch_size >= n:
        return np.arange(n)
    by_length = np.argsort(lengths, kind="stable")
    is_long = np.zeros(n, dtype=bool)
    is_long[by_length[n - long_batches * batch_size:]] = True
    ids = np.arange(n)
    order = np.concatenate([ids[is_long], ids[~is_long]])
    full = n // batch_size
    batches = [order[i * batch_size:(i + 1) * batch_size] for i in range(full)]
    if shuffle:
        np.random.shuffle(batches)  # Rasa seeds numpy's global generator (random_seed)
    return np.concatenate(batches + [order[full * batch_size:]])


class LengthBucketedBatches(RasaBatchDataGenerator):
    """Rasa's batch generator, with each epoch's examples ordered by length_bucketed_order."""

    def _shuffle_and_balance(self, batch_size: int) -> Data:
        data = super()._shuffle_and_balance(batch_size)
        lengths = _sequence_lengths(data)
        if lengths is None:
            return data
        ids = length_bucketed_order(lengths, batch_size, self.shuffle)
        return RasaModelData._data_for_ids(data, ids)


def _sequence_lengths(data: Data) -> Optional[np.ndarray]:
    arrays = data.get(TEXT, {}).get(SEQUENCE_LENGTH) or []
    if not arrays:
        return None
    return np.asarray(arrays[0], dtype=np.int64).reshape(-1)


# Rasa's training cache knows a component by its config and the source of its class alone; the
# batching above lives outside the classes, so its source is added (a change here retrains).
_SOURCE_DIGEST = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()


def _fingerprint_addon(parent: Optional[str]) -> str:
    return _SOURCE_DIGEST if parent is None else f"{parent}:{_SOURCE_DIGEST}"


@contextmanager
def _length_bucketed_batches() -> Iterator[None]:
    """Rasa's train() builds its generators with train_utils.create_data_generators, which names
    RasaBatchDataGenerator; for the length of one train() call it names ours."""
    original = train_utils.RasaBatchDataGenerator
    train_utils.RasaBatchDataGenerator = LengthBucketedBatches
    try:
        yield
    finally:
        train_utils.RasaBatchDataGenerator = original


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class LengthBucketedDIETClassifier(DIETClassifier):
    """DIETClassifier trained on length-bucketed batches (see the module docstring)."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return _fingerprint_addon(super().fingerprint_addon(config))

    @property
    def name(self) -> str:
        # The entities it finds say extractor "DIETClassifier", as before: `rasa test` names
        # its entity report after it (benchmarks/nlu_eval.py reads DIETClassifier_report.json).
        return DIETClassifier.__name__

    def train(self, training_data: TrainingData) -> Resource:
        logger.info("%s: batches of messages of similar length", type(self).__name__)
        with _length_bucketed_batches():
            return super().train(training_data)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LengthBucketedResponseSelector(ResponseSelector):
    """ResponseSelector trained on length-bucketed batches (see the module docstring)."""

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return _fingerprint_addon(super().fingerprint_addon(config))

    def train(self, training_data: TrainingData) -> Resource:
        logger.info("%s: batches of messages of similar length", type(self).__name__)
        with _length_bucketed_batches():
            return super().train(training_data)
