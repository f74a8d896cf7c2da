"""Dialogue quality: play the whole conversation suite (tests/conversations/*.yml) and score it.

    python benchmarks/dialogue_quality.py                  # own stack on free ports, temp SQLite
    python benchmarks/dialogue_quality.py --gate           # make dialogue: exit 1 below the gate
    python benchmarks/dialogue_quality.py --gateway-url http://localhost:8000 -k ww- --transcripts

Figures (how each check works: tests/conversations/README.md):
  conversations / turns passed   every check of the turn held (all turns: the conversation)
  answered in the same turn      % of `question: true` turns whose own expectations held
  first module shown             over conversations with a `modules: true` turn: the number of
                                 the first user turn whose reply showed module cards
                                 (p50 nearest rank, max; "never" when no turn showed cards)
  repeated questions             turns whose question equals the previous turn's (check (a))
  corrections honoured           % of `correction: true` turns whose own expectations held
Targets of the issue: repeated questions = 0, answered in the same turn >= 95%, first module
p50 <= 2. Gate (--gate, in make test): these three in full, and corrections honoured as a
floor under today's figure (GATE below); the report says which targets are not met.

Without --gateway-url it starts the default stack (scripts/stack.py Stack) on free ports with
fresh SQLite databases in a temp directory, the way benchmarks/load_bench.py does (its
EmbeddedProfile, with the gateway's rate limits raised: one client plays everything). The JSON
goes to benchmarks/results/dialogue_quality.json (--out to change).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import List, Optional, Sequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.conversations.player import ConversationResult, load_conversations, play

RESULTS = Path(__file__).resolve().parent / "results"
# The targets ("Conversations that listen"), and the CI gate. The gate holds the
# three targets in full; corrections honoured has a floor under today's figure (2026-12-03:
# 93.8% with a freshly trained model), so the dialogue cannot get worse unnoticed.
TARGET = {"repeated_questions_max": 0, "answered_same_turn_min_pct": 95.0, "first_module_p50_max_turns": 2}
GATE = {
    "repeated_questions_max": 0,
    "answered_same_turn_min_pct": 95.0,
    "first_module_p50_max_turns": 2,
    "corrections_honoured_min_pct": 90.0,
}


def pct(part: int, whole: int) -> Optional[float]:
    return round(100.0 * part / whole, 1) if whole else None


def nearest_rank(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * q / 100) - 1)]


def summarise(results: Sequence[ConversationResult]) -> dict:
    turns = [t for r in results for t in r.turns]
    questions = [t for t in turns if t.spec.question]
    corrections = [t for t in turns if t.spec.correction]
    with_modules = [r for r in results if r.expects_modules]
    firsts = [r.first_module_turn or math.inf for r in with_modules]
    p50 = nearest_rank(firsts, 50) if firsts else None
    return {
        "conversations": len(results),
        "conversations_passed": sum(r.passed for r in results),
        "conversations_not_started": sum(bool(r.error) for r in results),
        "turns": len(turns),
        "turns_passed": sum(t.passed for t in turns),
        "questions": len(questions),
        "questions_answered": sum(t.expectations_met for t in questions),
        "answered_same_turn_pct": pct(sum(t.expectations_met for t in questions), len(questions)),
        "first_module_conversations": len(with_modules),
        "first_module_never": sum(f == math.inf for f in firsts),
        "first_module_p50_turns": None if p50 in (None, math.inf) else p50,
        "first_module_max_turns": None if not firsts or max(firsts) == math.inf else max(firsts),
        "repeated_questions": sum(t.repeated_question for t in turns),
        "corrections": len(corrections),
        "corrections_honoured": sum(t.expectations_met for t in corrections),
        "corrections_honoured_pct": pct(sum(t.expectations_met for t in corrections), len(corrections)),
        "server_errors_or_empty": sum(any(f.startswith("(d)") for f in t.automatic) for t in turns),
        "stap_as_open": sum(any(f.startswith("(b)") for f in t.automatic) for t in turns),
        "give_up_twice": sum(any(f.startswith("(c)") for f in t.automatic) for t in turns),
    }


def gate_failures(summary: dict, gate: dict = GATE) -> List[str]:
    failures = []
    if summary["repeated_questions"] > gate["repeated_questions_max"]:
        failures.append(f"repeated questions {summary['repeated_questions']} (must be 0)")
    answered = summary["answered_same_turn_pct"]
    if answered is None or answered < gate["answered_same_turn_min_pct"]:
        failures.append(f"answered in the same turn {answered}% (must be >= {gate['answered_same_turn_min_pct']:g}%)")
    p50 = summary["first_module_p50_turns"]
    if p50 is None or p50 > gate["first_module_p50_max_turns"]:
        failures.append(f"first module p50 {'never' if p50 is None else p50} turns (must be <= 2)")
    honoured = summary["corrections_honoured_pct"]
    floor = gate.get("corrections_honoured_min_pct")
    if floor is not None and honoured is not None and honoured < floor:  # None: no correction played
        failures.append(f"corrections honoured {honoured}% (must be >= {floor:g}%)")
    return failures


def result_json(result: ConversationResult) -> dict:
    c = result.conversation
    return {
        "name": c.name,
        "file": c.file,
        "tenant": c.tenant,
        "person": c.person,
        "passed": result.passed,
        "seconds": round(result.seconds, 2),
        "error": result.error,
        "first_module_turn": result.first_module_turn,
        "turns": [
            {
                "user": t.spec.user,
                "question": t.spec.question,
                "correction": t.spec.correction,
                "passed": t.passed,
                "failures": t.failures + t.automatic,
                "cards": len(t.reply.cards),
                "bot": [m.get("text") or "" for m in t.reply.messages],
                "buttons": [b.get("title") for m in t.reply.messages for b in m.get("buttons") or []],
            }
            for t in result.turns
        ],
    }


def print_report(summary: dict, results: Sequence[ConversationResult], seconds: float) -> None:
    s = summary

    def frac(part: str, whole: str, percent: Optional[float] = None) -> str:
        if percent is None:
            percent = pct(s[part], s[whole])
        return f"{s[part]}/{s[whole]}" + ("" if percent is None else f" ({percent:.1f}%)")

    def turn_or_never(key: str) -> str:
        return str(s[key]) if s[key] is not None else "never"

    first = (
        "-"
        if not s["first_module_conversations"]
        else (
            f"p50 {turn_or_never('first_module_p50_turns')}, "
            f"max {turn_or_never('first_module_max_turns')} ({s['first_module_never']} of "
            f"{s['first_module_conversations']} never showed cards)"
        )
    )
    rows = [
        ("conversations passed", frac("conversations_passed", "conversations")),
        ("turns passed", frac("turns_passed", "turns")),
        (
            "answered in the same turn",
            frac("questions_answered", "questions", s["answered_same_turn_pct"])
            + f"   gate >= {GATE['answered_same_turn_min_pct']:g}% (target 95%)",
        ),
        ("first module shown (turn)", first + "   gate p50 <= 2"),
        ("repeated questions", f"{s['repeated_questions']}   gate 0"),
        ("corrections honoured", frac("corrections_honoured", "corrections", s["corrections_honoured_pct"])),
        ("STAP named as open", s["stap_as_open"]),
        ("'nog steeds niet' twice", s["give_up_twice"]),
        ("server errors / no answer", s["server_errors_or_empty"]),
        ("time", f"{seconds:.0f} s"),
    ]
    print()
    for label, value in rows:
        print(f"{label:27}{value}")
    failed = [r for r in results if not r.passed]
    if failed:
        print(f"\nfailed conversations ({len(failed)}): first failed check")
        for r in failed:
            turn = next((t for t in r.turns if not t.passed), None)
            why = r.error or "?"
            if turn is not None:
                why = f"turn {turn.number}: {(turn.failures + turn.automatic)[0]}"
            print(f"  {r.conversation.name:48} {why[:110]}")


def run(gateway_url: str, conversations, transcripts: bool) -> List[ConversationResult]:
    results = []
    for number, conversation in enumerate(conversations, 1):
        result = play(conversation, gateway_url)
        results.append(result)
        mark = "ok  " if result.passed else "FAIL"
        print(
            f"[{number:2d}/{len(conversations)}] {mark} {conversation.name} "
            f"({sum(t.passed for t in result.turns)}/{len(result.turns)} turns, "
            f"{result.seconds:.1f} s)",
            flush=True,
        )
        if transcripts and not result.passed:
            print(result.transcript() + "\n", flush=True)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--gateway-url",
        help="play against this running gateway instead of "
        "starting a stack (its rate limits must allow one fast client)",
    )
    parser.add_argument("--gate", action="store_true", help="exit 1 when below the gate")
    parser.add_argument("-k", dest="select", help="only conversations whose name contains this")
    parser.add_argument("--transcripts", action="store_true", help="print the transcript of every failed conversation")
    parser.add_argument("--out", default=str(RESULTS / "dialogue_quality.json"))
    args = parser.parse_args()

    conversations = [c for c in load_conversations() if not args.select or args.select in c.name]
    if not conversations:
        print(f"no conversation matches {args.select!r}", file=sys.stderr)
        return 2
    print(
        f"Dialogue quality: {len(conversations)} conversations, "
        f"{sum(len(c.turns) for c in conversations)} user turns (tests/conversations/*.yml)"
    )
    started = datetime.now(timezone.utc)
    profile = None
    if args.gateway_url:
        gateway_url = args.gateway_url
    else:
        if not any((ROOT / "models").glob("*.tar.gz")):
            print("No trained model in models/: run `make train` first.", file=sys.stderr)
            return 1
        from benchmarks.load_bench import EmbeddedProfile  # same stack as load_bench/tests

        data = Path(tempfile.mkdtemp(prefix="dialogue-quality-"))
        profile = EmbeddedProfile(data)
        print(f"-- starting the stack (logs in {data / 'log'}) ...", flush=True)
        t0 = time.perf_counter()
        profile.start()
        print(f"-- stack up in {time.perf_counter() - t0:.0f} s: {profile.gateway_url}", flush=True)
        gateway_url = profile.gateway_url
    t0 = time.perf_counter()
    try:
        results = run(gateway_url, conversations, args.transcripts)
    finally:
        if profile is not None:
            profile.stop()
    seconds = time.perf_counter() - t0

    summary = summarise(results)
    print_report(summary, results, seconds)
    failures = gate_failures(summary)
    missed = gate_failures(summary, TARGET)
    print("issue targets: " + ("all met" if not missed else "not met yet: " + "; ".join(missed)))
    report = {
        "benchmark": "dialogue_quality",
        "started": started.isoformat(timespec="seconds"),
        "gateway_url": args.gateway_url or "own stack",
        "selection": args.select,
        "seconds": round(seconds, 1),
        "summary": summary,
        "gate": GATE,
        "gate_failures": failures,
        "target": TARGET,
        "targets_not_met": missed,
        "conversations": [result_json(r) for r in results],
    }
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nWritten: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if args.gate:
        print("gate: " + ("passed" if not failures else "NOT passed: " + "; ".join(failures)))
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
