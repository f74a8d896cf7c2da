"""NLU evaluation on the held-out Dutch test set (tests/nlu/), which the model never saw.

Runs `rasa test nlu` with the latest trained model, prints intent macro-F1, entity
F1 and the weakest intents, and exits non-zero when macro-F1 is below the gate.

  python benchmarks/nlu_eval.py [--model models] [--min-macro-f1 0.90]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_rasa_test(model: str, test_data: str, out: Path) -> None:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "RASA_TELEMETRY_ENABLED": "false"}
    subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "test", "nlu", "--model", model, "--nlu", test_data,
         "--out", str(out), "--no-plot", "--quiet"],
        cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
    )


def summarise(out: Path) -> dict:
    intents = json.loads((out / "intent_report.json").read_text())
    entities = json.loads((out / "DIETClassifier_report.json").read_text())
    per_intent = {
        name: row["f1-score"] for name, row in intents.items()
        if isinstance(row, dict) and "support" in row and name not in
        ("macro avg", "weighted avg", "micro avg")
    }
    summary = {
        "intent_macro_f1": intents["macro avg"]["f1-score"],
        "intent_accuracy": intents.get("accuracy"),
        "entity_micro_f1": entities["micro avg"]["f1-score"],
        "entity_macro_f1": entities["macro avg"]["f1-score"],
        "per_intent_f1": per_intent,
        "per_entity_f1": {
            name: row["f1-score"] for name, row in entities.items()
            if isinstance(row, dict) and name not in ("macro avg", "weighted avg", "micro avg")
        },
        "test_examples": int(intents["macro avg"]["support"]),
    }
    selector = out / "response_selection_report.json"
    if selector.exists():
        summary["faq_response_accuracy"] = json.loads(selector.read_text()).get("accuracy")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="models")
    parser.add_argument("--test-data", default="tests/nlu")
    parser.add_argument("--out", default="results/nlu")
    parser.add_argument("--min-macro-f1", type=float, default=0.0)
    args = parser.parse_args()
    out = ROOT / args.out
    run_rasa_test(args.model, args.test_data, out)
    summary = summarise(out)
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    print(f"NLU held-out evaluation ({summary['test_examples']} examples, {args.test_data}):")
    print(f"  intent macro-F1   {summary['intent_macro_f1']:.3f}")
    print(f"  intent accuracy   {summary['intent_accuracy']:.3f}")
    print(f"  entity micro-F1   {summary['entity_micro_f1']:.3f}")
    print(f"  entity macro-F1   {summary['entity_macro_f1']:.3f}")
    if "faq_response_accuracy" in summary:
        print(f"  faq answer acc.   {summary['faq_response_accuracy']:.3f}")
    weakest = sorted(summary["per_intent_f1"].items(), key=lambda kv: kv[1])[:5]
    print("  weakest intents   " + ", ".join(f"{n} {f:.2f}" for n, f in weakest))
    print("  entities          " + ", ".join(
        f"{n} {f:.2f}" for n, f in sorted(summary["per_entity_f1"].items())))
    if summary["intent_macro_f1"] < args.min_macro_f1:
        print(f"FAIL: intent macro-F1 {summary['intent_macro_f1']:.3f} < {args.min_macro_f1}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
