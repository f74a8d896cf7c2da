"""The conversation suite (tests/conversations/*.yml) against the real bot: one test per
conversation, played over the gateway's HTTP API of the session's `rasa_stack`.

Every conversation must pass the automatic checks of every turn (no question asked twice in
a row, STAP only as ended, not "ik begrijp je nog steeds niet" twice, always an answer) and
its own expectations; a conversation listed in known_gaps.yml (what the bot does not do yet)
is an expected failure of its expectations only. A failure prints the whole conversation as
the user saw it, with the failed checks under each turn. One conversation:
`pytest tests/conversations -k ww-monteur-tilburg`.

After the whole suite, `test_dialogue_quality_gate` scores the same plays with
benchmarks/dialogue_quality.py (figures printed, CI gate asserted), so `make test` plays the
suite once. `make dialogue` gives the figures on a stack of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from benchmarks import dialogue_quality
from tests.conversations.player import load_conversations, play

CONVERSATIONS = load_conversations()
PLAYED = {}  # name -> ConversationResult, for the gate at the end
KNOWN_GAPS = yaml.safe_load((Path(__file__).parent / "known_gaps.yml").read_text(encoding="utf-8"))


def test_known_gaps_name_conversations_of_the_suite():
    assert set(KNOWN_GAPS) <= {c.name for c in CONVERSATIONS}


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
def test_conversation(rasa_stack, conversation):
    if rasa_stack.gateway_url is None:
        pytest.fail("the conversation suite needs the gateway (bot/)")
    result = play(conversation, rasa_stack.gateway_url)
    PLAYED[conversation.name] = result
    broken = [t for t in result.turns if t.automatic]
    if result.error or broken:
        pytest.fail(f"{len(broken)} turns broke an automatic check\n\n{result.transcript()}", pytrace=False)
    if not result.passed:
        failed = sum(not t.passed for t in result.turns)
        if conversation.name in KNOWN_GAPS:
            pytest.xfail(f"known gap: {KNOWN_GAPS[conversation.name]}")
        pytest.fail(f"{failed} of {len(result.turns)} turns failed\n\n{result.transcript()}", pytrace=False)


def test_dialogue_quality_gate(rasa_stack, capsys):
    """The CI gate of benchmarks/dialogue_quality.py over the plays above (runs last)."""
    if len(PLAYED) < len(CONVERSATIONS):
        pytest.skip("the gate needs the whole suite (run without -k)")
    results = [PLAYED[c.name] for c in CONVERSATIONS]
    summary = dialogue_quality.summarise(results)
    with capsys.disabled():  # the figures belong in the CI log
        print("\n\nDialogue quality (tests/conversations, benchmarks/dialogue_quality.py):")
        dialogue_quality.print_report(summary, results, seconds=sum(r.seconds for r in results))
        missed = dialogue_quality.gate_failures(summary, dialogue_quality.TARGET)
        print("issue targets: " + ("all met" if not missed else "not met yet: " + "; ".join(missed)))
    assert dialogue_quality.gate_failures(summary) == []
