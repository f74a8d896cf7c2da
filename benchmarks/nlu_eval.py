"""NLU evaluation on Dutch sentences the model never saw (tests/nlu/).

Loads the latest trained model once and
- runs Rasa's own NLU evaluation (rasa.nlu.test.run_evaluation) on the held-out set
  `tests/nlu/holdout.yml`: intent macro-F1 and accuracy, entity F1 (per entity), FAQ answers;
- parses the out-of-scope set `tests/nlu/out_of_scope.yml` (messages meant for other
  assistants, written independently of data/nlu/) and counts how many are handled safely:
  parsed as out_of_scope, nlu_fallback or small talk, and not answered with an FAQ text
  (an nlu_fallback whose FAQ answer the selector is sure of gets that answer:
  actions/faq.confident_faq).

Prints the figures, writes results/nlu/summary.json and exits non-zero below a gate.

  python benchmarks/nlu_eval.py [--model models] [--min-macro-f1 0.90] [--min-safe-rate 0.90]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the model names its custom components (nlu_components.*)
from actions.faq import confident_faq_of  # the bot's own rule for an unclear message

HOLDOUT = "tests/nlu/holdout.yml"
OUT_OF_SCOPE = "tests/nlu/out_of_scope.yml"
# Intents whose answer does no harm to a message that is not ours: "daar kan ik niet mee
# helpen", "ik begrijp je niet", or small talk (a greeting back, "graag gedaan", what the bot
# can do). Every other intent acts: shows courses, sets profile facts, wipes the conversation.
SAFE_INTENTS = {"out_of_scope", "nlu_fallback", "greet", "goodbye", "thank", "bot_challenge", "help"}


def _quiet() -> None:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")


def is_safe(parse: dict) -> bool:
    intent = (parse.get("intent") or {}).get("name")
    if intent not in SAFE_INTENTS:
        return False
    # an unclear message still gets a FAQ text when the selector is sure of it (actions/faq.py)
    return not (intent == "nlu_fallback" and confident_faq_of(parse))


async def _evaluate(model: str, holdout: str, out_of_scope: str, out: Path) -> dict:
    from rasa.core.agent import Agent
    from rasa.nlu.test import run_evaluation
    from rasa.shared.nlu.training_data.loading import load_data

    from rasa.model import get_local_model

    agent = Agent.load(model_path=get_local_model(str(ROOT / model)))
    await run_evaluation(
        str(ROOT / holdout),
        agent.processor,
        output_directory=str(out),
        errors=True,
        disable_plotting=True,
        report_as_dict=True,
    )
    summary = summarise(out)
    if out_of_scope and (ROOT / out_of_scope).exists():
        texts = [m.get("text") for m in load_data(str(ROOT / out_of_scope)).intent_examples]
        parses = [await agent.parse_message(text) for text in texts]
        unsafe = [
            (p["text"], (p.get("intent") or {}).get("name"), round((p.get("intent") or {}).get("confidence") or 0, 2))
            for p in parses
            if not is_safe(p)
        ]
        summary["out_of_scope"] = {
            "examples": len(texts),
            "safe_rate": 1 - len(unsafe) / len(texts) if texts else None,
            "taken_for": dict(Counter(intent for _, intent, _ in unsafe).most_common()),
        }
        (out / "out_of_scope_unsafe.json").write_text(json.dumps(unsafe, indent=1, ensure_ascii=False))
    return summary


def evaluate(
    model: str = "models",
    holdout: str = HOLDOUT,
    out_of_scope: str = OUT_OF_SCOPE,
    out: Path = ROOT / "results" / "nlu",
) -> dict:
    """Both evaluations with one model load; the summary dict (also results/nlu/summary.json)."""
    _quiet()
    out.mkdir(parents=True, exist_ok=True)
    summary = asyncio.run(_evaluate(model, holdout, out_of_scope, out))
    (out / "summary.json").write_text(json.dumps(summary, indent=2))
    return summary


def summarise(out: Path) -> dict:
    intents = json.loads((out / "intent_report.json").read_text())
    entities = json.loads((out / "DIETClassifier_report.json").read_text())
    averages = ("macro avg", "weighted avg", "micro avg")
    summary = {
        "intent_macro_f1": intents["macro avg"]["f1-score"],
        "intent_accuracy": intents.get("accuracy"),
        "entity_micro_f1": entities["micro avg"]["f1-score"],
        "entity_macro_f1": entities["macro avg"]["f1-score"],
        "per_intent_f1": {
            name: row["f1-score"]
            for name, row in intents.items()
            if isinstance(row, dict) and "support" in row and name not in averages
        },
        "per_entity_f1": {
            name: row["f1-score"] for name, row in entities.items() if isinstance(row, dict) and name not in averages
        },
        "test_examples": int(intents["macro avg"]["support"]),
    }
    selector = out / "response_selection_report.json"
    if selector.exists():
        summary["faq_response_accuracy"] = json.loads(selector.read_text()).get("accuracy")
    return summary


def report(summary: dict) -> List[str]:
    lines = [
        f"NLU held-out evaluation ({summary['test_examples']} examples, {HOLDOUT}):",
        f"  intent macro-F1   {summary['intent_macro_f1']:.3f}",
        f"  intent accuracy   {summary['intent_accuracy']:.3f}",
        f"  entity micro-F1   {summary['entity_micro_f1']:.3f}",
        f"  entity macro-F1   {summary['entity_macro_f1']:.3f}",
    ]
    if "faq_response_accuracy" in summary:
        lines.append(f"  faq answer acc.   {summary['faq_response_accuracy']:.3f}")
    weakest = sorted(summary["per_intent_f1"].items(), key=lambda kv: kv[1])[:5]
    lines.append("  weakest intents   " + ", ".join(f"{n} {f:.2f}" for n, f in weakest))
    lines.append(
        "  entities          " + ", ".join(f"{n} {f:.2f}" for n, f in sorted(summary["per_entity_f1"].items()))
    )
    oos: Dict = summary.get("out_of_scope") or {}
    if oos:
        taken = ", ".join(f"{k} {v}" for k, v in list(oos["taken_for"].items())[:6]) or "-"
        lines.append(f"Out-of-scope set ({oos['examples']} examples, {OUT_OF_SCOPE}):")
        lines.append(f"  handled safely    {oos['safe_rate']:.3f}   (taken for: {taken})")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="models")
    parser.add_argument("--out", default="results/nlu")
    parser.add_argument("--min-macro-f1", type=float, default=0.0)
    parser.add_argument("--min-safe-rate", type=float, default=0.0)
    args = parser.parse_args()
    summary = evaluate(args.model, out=ROOT / args.out)
    print("\n".join(report(summary)))
    failed = False
    if summary["intent_macro_f1"] < args.min_macro_f1:
        print(f"FAIL: intent macro-F1 {summary['intent_macro_f1']:.3f} < {args.min_macro_f1}")
        failed = True
    safe = (summary.get("out_of_scope") or {}).get("safe_rate")
    if args.min_safe_rate and (safe is None or safe < args.min_safe_rate):
        print(f"FAIL: out-of-scope safe rate {safe} < {args.min_safe_rate}")
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
