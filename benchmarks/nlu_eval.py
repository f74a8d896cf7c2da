"""NLU evaluation on Dutch and English sentences the model never saw (tests/nlu/).

Loads the latest trained model once and
- runs Rasa's own NLU evaluation (rasa.nlu.test.run_evaluation) on the held-out set
  `tests/nlu/holdout.yml`: intent macro-F1 and accuracy, entity F1 (per entity), FAQ answers;
- runs the same evaluation on the English held-out set `tests/nlu/holdout_en.yml` (issue 17:
  one model for both languages); its figures go under the key "en" of the summary and are
  printed after the Dutch ones, which stay as they were;
- parses the out-of-scope set `tests/nlu/out_of_scope.yml` (messages meant for other
  assistants, written independently of data/nlu/) and counts how many are handled safely:
  parsed as out_of_scope, nlu_fallback or small talk, and not answered with an FAQ text
  (an nlu_fallback whose FAQ answer the selector is sure of gets that answer:
  actions/faq.confident_faq).

Prints the figures, writes results/nlu/summary.json (the English reports: results/nlu/en/) and
exits non-zero below a gate.

  python benchmarks/nlu_eval.py [--model models] [--min-macro-f1 0.90] [--min-safe-rate 0.90]
                                [--min-en-accuracy 0.90]
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
HOLDOUT_EN = "tests/nlu/holdout_en.yml"
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


async def _evaluate(model: str, holdout: str, out_of_scope: str, out: Path, holdout_en: str = HOLDOUT_EN) -> dict:
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
    if holdout_en and (ROOT / holdout_en).exists():
        # the same model, the English held-out set; its own report files (results/nlu/en/)
        out_en = out / "en"
        out_en.mkdir(parents=True, exist_ok=True)
        await run_evaluation(
            str(ROOT / holdout_en),
            agent.processor,
            output_directory=str(out_en),
            errors=True,
            disable_plotting=True,
            report_as_dict=True,
        )
        summary["en"] = summarise(out_en)
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
    holdout_en: str = HOLDOUT_EN,
) -> dict:
    """All evaluations with one model load; the summary dict (also results/nlu/summary.json).
    The English held-out figures are under summary["en"] (absent when holdout_en is empty)."""
    _quiet()
    out.mkdir(parents=True, exist_ok=True)
    summary = asyncio.run(_evaluate(model, holdout, out_of_scope, out, holdout_en))
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
    lines += report_en(summary.get("en"))
    return lines


def report_en(en: Dict) -> List[str]:
    """The English held-out figures, printed after the Dutch ones (new lines only)."""
    if not en:
        return []
    lines = [
        f"English held-out evaluation ({en['test_examples']} examples, {HOLDOUT_EN}):",
        f"  intent accuracy   {en['intent_accuracy']:.3f}",
        f"  intent macro-F1   {en['intent_macro_f1']:.3f}",
        f"  entity micro-F1   {en['entity_micro_f1']:.3f}",
        f"  entity macro-F1   {en['entity_macro_f1']:.3f}",
    ]
    if "faq_response_accuracy" in en:
        lines.append(f"  faq answer acc.   {en['faq_response_accuracy']:.3f}")
    weakest = sorted(en["per_intent_f1"].items(), key=lambda kv: kv[1])[:5]
    lines.append("  weakest intents   " + ", ".join(f"{n} {f:.2f}" for n, f in weakest))
    lines.append("  entities          " + ", ".join(f"{n} {f:.2f}" for n, f in sorted(en["per_entity_f1"].items())))
    return lines


def gate_failures(summary: dict, min_macro_f1: float = 0.0, min_safe_rate: float = 0.0, min_en_accuracy: float = 0.0):
    """The FAIL lines for the gates (empty: all gates hold)."""
    failures = []
    if summary["intent_macro_f1"] < min_macro_f1:
        failures.append(f"FAIL: intent macro-F1 {summary['intent_macro_f1']:.3f} < {min_macro_f1}")
    safe = (summary.get("out_of_scope") or {}).get("safe_rate")
    if min_safe_rate and (safe is None or safe < min_safe_rate):
        failures.append(f"FAIL: out-of-scope safe rate {safe} < {min_safe_rate}")
    en_accuracy = (summary.get("en") or {}).get("intent_accuracy")
    if min_en_accuracy and (en_accuracy is None or en_accuracy < min_en_accuracy):
        shown = "missing" if en_accuracy is None else f"{en_accuracy:.3f}"
        failures.append(f"FAIL: English intent accuracy {shown} < {min_en_accuracy} ({HOLDOUT_EN})")
    return failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="models")
    parser.add_argument("--out", default="results/nlu")
    parser.add_argument("--min-macro-f1", type=float, default=0.0)
    parser.add_argument("--min-safe-rate", type=float, default=0.0)
    parser.add_argument("--min-en-accuracy", type=float, default=0.0, help="gate: English held-out intent accuracy")
    args = parser.parse_args()
    summary = evaluate(args.model, out=ROOT / args.out)
    print("\n".join(report(summary)))
    failures = gate_failures(summary, args.min_macro_f1, args.min_safe_rate, args.min_en_accuracy)
    for failure in failures:
        print(failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
