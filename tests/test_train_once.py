"""`make train` trains only when an input changed (scripts/train.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import train


def copy_inputs(to: Path) -> Path:
    for name in train.INPUTS:
        source = ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, to / name)
    return to


def test_the_digest_changes_with_data_domain_config_and_components_and_nothing_else(tmp_path):
    root = copy_inputs(tmp_path)
    first = train.inputs_digest(root)
    assert train.inputs_digest(root) == first
    (root / "README.md").write_text("not an input")
    assert train.inputs_digest(root) == first
    for name in ("data/nlu/basics.yml", "domain/base.yml", "config.yml", "nlu_components/entity_values.py"):
        path = root / name
        original = path.read_bytes()
        path.write_bytes(original + b"\n# changed\n")
        assert train.inputs_digest(root) != first, name
        path.write_bytes(original)
    assert train.inputs_digest(root) == first


def test_a_model_counts_as_up_to_date_only_with_the_stamp_of_todays_inputs(tmp_path):
    assert train.up_to_date(tmp_path, "abc") is None  # no model
    (tmp_path / "20261203-100000-x.tar.gz").write_bytes(b"model")
    assert train.up_to_date(tmp_path, "abc") is None  # a model without a stamp
    (tmp_path / "20261203-100000-x.inputs").write_text("abc\n")
    assert train.up_to_date(tmp_path, "abc").name == "20261203-100000-x.tar.gz"
    assert train.up_to_date(tmp_path, "other") is None  # inputs changed since


def test_make_train_after_make_test_trains_nothing():
    """make test trained before pytest: the next command on this clone must not train again."""
    if train.up_to_date() is None:
        pytest.fail("models/ holds no model stamped with today's inputs: run `make train` first")
    models_before = sorted(p.name for p in (ROOT / "models").iterdir())
    done = subprocess.run(
        ["make", "--no-print-directory", "train"], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Model up to date" in done.stdout
    assert sorted(p.name for p in (ROOT / "models").iterdir()) == models_before
