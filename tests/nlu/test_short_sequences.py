"""DIET trained on the first tokens of each message (nlu_components/short_sequences.py): the
training batches lose their padding to 20-30 tokens and the intent still sees the whole
message."""

from pathlib import Path

import numpy as np
import scipy.sparse
import yaml
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.utils.tensorflow.constants import SENTENCE, SEQUENCE, SEQUENCE_LENGTH
from rasa.utils.tensorflow.model_data import FeatureArray, RasaModelData

from nlu_components.short_sequences import ShortSequencesDIETClassifier, cut_sequences

ROOT = Path(__file__).resolve().parents[2]
CLASS = "nlu_components.short_sequences.ShortSequencesDIETClassifier"


def feature_array(matrices, sparse=True):
    array = np.empty(len(matrices), dtype=object)
    for i, matrix in enumerate(matrices):
        array[i] = scipy.sparse.coo_matrix(matrix) if sparse else matrix
    return FeatureArray(array, number_of_dimensions=3)


def messages_of(lengths, units=6):
    """Model data as DIET builds it: token features (sparse and dense), sentence features, the
    sequence lengths and one entity tag per token (token i of a message has tag i)."""
    rng = np.random.default_rng(0)
    tokens = [rng.integers(0, 2, (n, units)).astype(np.float32) for n in lengths]
    data = RasaModelData(label_key="label", label_sub_key="ids")
    data.add_features(TEXT, SEQUENCE, [feature_array(tokens), feature_array(tokens, sparse=False)])
    data.add_features(TEXT, SENTENCE, [feature_array([t.sum(axis=0, keepdims=True) for t in tokens])])
    data.add_features(ENTITIES, "entity", [feature_array([np.arange(n).reshape(-1, 1) for n in lengths], sparse=False)])
    data.add_lengths(TEXT, SEQUENCE_LENGTH, TEXT, SEQUENCE)
    return data, tokens


def test_long_messages_are_cut_to_their_first_tokens_with_their_tags():
    data, tokens = messages_of([5, 29, 12, 13])
    assert cut_sequences(data, 12) == 2
    sparse, dense = data.data[TEXT][SEQUENCE]
    assert [m.shape[0] for m in sparse] == [5, 12, 12, 12]
    assert [m.shape[0] for m in dense] == [5, 12, 12, 12]
    assert np.array_equal(sparse[1].toarray(), tokens[1][:12])
    assert np.array_equal(dense[3], tokens[3][:12])
    assert list(data.data[TEXT][SEQUENCE_LENGTH][0]) == [5, 12, 12, 12]
    tags = data.data[ENTITIES]["entity"][0]
    assert tags[1].ravel().tolist() == list(range(12))


def test_the_sentence_features_still_hold_the_whole_message():
    """The intent is read from the sentence features too: those are not cut."""
    data, tokens = messages_of([29])
    cut_sequences(data, 12)
    sentence = data.data[TEXT][SENTENCE][0][0].toarray()
    assert np.array_equal(sentence, tokens[0].sum(axis=0, keepdims=True))


def test_short_data_is_left_as_it_is():
    data, tokens = messages_of([3, 4])
    before = [m.toarray() for m in data.data[TEXT][SEQUENCE][0]]
    assert cut_sequences(data, 12) == 0
    assert [m.toarray().tolist() for m in data.data[TEXT][SEQUENCE][0]] == [b.tolist() for b in before]


def test_the_cut_is_an_option_of_the_component():
    config = ShortSequencesDIETClassifier.get_default_config()
    assert config["max_training_tokens"] == 12
    assert config["epochs"] > 0  # the rest is Rasa's DIET configuration


def test_config_names_it_only_as_an_option():
    """Off (its seed-42 model is under the out-of-scope gate, benchmarks/README.md): config.yml
    names Rasa's own DIET and says how to switch this one on."""
    text = (ROOT / "config.yml").read_text()
    names = [component["name"] for component in yaml.safe_load(text)["pipeline"]]
    assert "DIETClassifier" in names and CLASS not in names
    assert "nlu_components.short_sequences" in text
