"""Ablation: does each part of the NLU pipeline earn its place?

Trains the NLU model with config.yml and with variants that drop one part, scores
each on the held-out set (tests/nlu/) and prints a table (also written to
benchmarks/results/nlu_ablation.json). Takes a few minutes per variant.

  python benchmarks/nlu_ablation.py [--variants full,with_use,diet_e50,no_char,no_lookup]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nlu_eval import ROOT, evaluate

USE = "nlu_components.use_featurizer.UniversalSentenceEncoderFeaturizer"


def without(pipeline, predicate):
    return [c for c in pipeline if not predicate(c)]


def with_use(pipeline):
    """config.yml plus the multilingual sentence encoder (before DIET; FAQ selector uses it)."""
    out = []
    for c in pipeline:
        if c["name"] == "DIETClassifier":
            out.append({"name": USE, "alias": "use"})
        if c["name"] == "ResponseSelector":
            c = {**c, "featurizers": list(c.get("featurizers", [])) + ["use"]}
        out.append(c)
    return out


VARIANTS = {
    "full": lambda p: p,
    "with_use": lambda p: with_use(p),
    "no_char": lambda p: without(p, lambda c: c.get("analyzer") == "char_wb"),
    # fewer DIET epochs: does the training time buy accuracy?
    "diet_e50": lambda p: [{**c, "epochs": 50} if c["name"] == "DIETClassifier" else c for c in p],
    "no_lookup": lambda p: [{**c, "use_lookup_tables": False} if c["name"] == "RegexFeaturizer" else c for c in p],
}


def train(config_path: Path, out: Path, cache: Path) -> float:
    # A fresh cache per variant: Rasa would otherwise reuse trained components of an equal
    # configuration (e.g. `full` = the model `make train` built) and the time would mean nothing.
    env = {
        **os.environ,
        "TF_CPP_MIN_LOG_LEVEL": "2",
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(cache),
    }
    started = time.monotonic()
    subprocess.run(
        [
            str(ROOT / ".venv/bin/rasa"),
            "train",
            "nlu",
            "--nlu",
            "data/nlu",
            "--config",
            str(config_path),
            "--domain",
            "domain",
            "--out",
            str(out),
            "--quiet",
        ],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.monotonic() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--variants", default="full,with_use,no_char")
    args = parser.parse_args()
    base = yaml.safe_load((ROOT / "config.yml").read_text())
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.variants.split(","):
            config = {**base, "pipeline": VARIANTS[name](base["pipeline"])}
            config.pop("policies", None)
            config_path = Path(tmp) / f"config_{name}.yml"
            config_path.write_text(yaml.safe_dump(config, sort_keys=False))
            models = Path(tmp) / f"models_{name}"
            load = os.getloadavg()[0]
            seconds = train(config_path, models, Path(tmp) / f"cache_{name}")
            out = Path(tmp) / f"results_{name}"
            summary = evaluate(str(models), out=out)
            rows[name] = {
                "intent_macro_f1": round(summary["intent_macro_f1"], 4),
                "intent_accuracy": round(summary["intent_accuracy"], 4),
                "entity_micro_f1": round(summary["entity_micro_f1"], 4),
                "faq_response_accuracy": summary.get("faq_response_accuracy"),
                "out_of_scope_safe_rate": (summary.get("out_of_scope") or {}).get("safe_rate"),
                "train_seconds": round(seconds, 1),
                "load_average_at_start": round(load, 2),
            }
            print(name, rows[name], flush=True)
    results = ROOT / "benchmarks" / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "nlu_ablation.json").write_text(json.dumps(rows, indent=2))
    print(f"\n{'variant':<10} {'intent F1':>9} {'accuracy':>9} {'entity F1':>9} {'train s':>8}")
    for name, row in rows.items():
        print(
            f"{name:<10} {row['intent_macro_f1']:>9.3f} {row['intent_accuracy']:>9.3f} "
            f"{row['entity_micro_f1']:>9.3f} {row['train_seconds']:>8.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
