"""Length-bucketed training batches (nlu_components/length_buckets.py): the same examples, in
batches that need far less padding, which is what makes DIET's epochs cheaper."""

from pathlib import Path

import numpy as np
import yaml

from nlu_components.length_buckets import length_bucketed_order

ROOT = Path(__file__).resolve().parents[2]


def like_our_data(seed=7):
    """Mostly 3-8 tokens, a tenth of 10-30 (data/nlu: mean 5.3, 90th percentile 9, max 29)."""
    rng = np.random.default_rng(seed)
    lengths = np.concatenate([rng.integers(2, 10, 2520), rng.integers(10, 30, 280)])
    rng.shuffle(lengths)
    return lengths


def padded_tokens(lengths, order, batch_size):
    """Tokens the transformer processes: every batch padded to its longest message."""
    ordered = lengths[order]
    return sum(
        int(ordered[i : i + batch_size].max()) * len(ordered[i : i + batch_size])
        for i in range(0, len(ordered), batch_size)
    )


def test_every_example_once_with_half_the_padding():
    lengths = like_our_data()
    for batch_size in (64, 160, 256):
        np.random.seed(42)
        order = length_bucketed_order(lengths, batch_size, shuffle=True)
        assert sorted(order.tolist()) == list(range(len(lengths)))
        random_batches = padded_tokens(lengths, np.arange(len(lengths)), batch_size)
        assert padded_tokens(lengths, order, batch_size) < 0.6 * random_batches


def test_batches_stay_whole_where_rasa_slices_them():
    """Rasa's generator takes batch i as [i*size, (i+1)*size): a batch of long messages must be
    exactly such a slice, and the one short batch is the last."""
    lengths = like_our_data()
    size = 160
    np.random.seed(3)
    order = length_bucketed_order(lengths, size, shuffle=True)
    threshold = np.sort(lengths)[-size * 2]  # two batches of long messages at this size
    slices = [lengths[order[i : i + size]] for i in range(0, len(order), size)]
    long_slices = [s for s in slices if s.min() >= threshold]
    assert len(long_slices) >= 2
    assert len(slices[-1]) == len(lengths) % size
    mixed_short = [s for s in slices[:-1] if s.max() < 10]
    assert len(mixed_short) >= len(slices) - 3


def test_batches_come_in_random_order():
    lengths = like_our_data()
    np.random.seed(1)
    first = length_bucketed_order(lengths, 64, shuffle=True)
    np.random.seed(2)
    second = length_bucketed_order(lengths, 64, shuffle=True)
    assert first.tolist() != second.tolist()


def test_too_little_data_is_left_as_it_is():
    lengths = np.array([3, 20, 4, 5])
    assert length_bucketed_order(lengths, 64, shuffle=True).tolist() == [0, 1, 2, 3]


def test_rasa_builds_the_bucketed_batches_only_inside_train():
    """The generator Rasa's train() creates is ours for that call only; TED and every other
    component keep Rasa's own."""
    import rasa.utils.train_utils as train_utils
    from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator

    from nlu_components.length_buckets import LengthBucketedBatches, _length_bucketed_batches

    with _length_bucketed_batches():
        assert train_utils.RasaBatchDataGenerator is LengthBucketedBatches
    assert train_utils.RasaBatchDataGenerator is RasaBatchDataGenerator


def test_config_names_it_only_where_it_is_used():
    """Off by default (lower held-out scores in two trainings, benchmarks/README.md): config.yml
    names Rasa's own DIET and ResponseSelector, and mentions the option."""
    text = (ROOT / "config.yml").read_text()
    names = [c["name"] for c in yaml.safe_load(text)["pipeline"]]
    assert "DIETClassifier" in names and "ResponseSelector" in names
    assert "nlu_components.length_buckets.LengthBucketedDIETClassifier" in text
