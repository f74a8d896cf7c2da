"""The conversation suite (tests/conversations/*.yml) against the real bot: one test per
conversation, played over the gateway's HTTP API of the session's `rasa_stack`.

Every conversation must pass the automatic checks of every turn (no question asked twice in
a row, STAP only as ended, not "ik begrijp je nog steeds niet" twice, always an answer) and
its own expectations; a conversation listed in known_gaps.yml (what the bot does not do yet)
is an expected failure of its expectations only. A failure prints the whole conversation as
the user saw it, with the failed checks under each turn. One conversation:
`pytest tests/conversations -k ww-monteur-tilburg`. Figures for the whole suite, with the CI
gate: `make dialogue` (benchmarks/dialogue_quality.py).
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conversations.player import load_conversations, play

CONVERSATIONS = load_conversations()
KNOWN_GAPS = yaml.safe_load((Path(__file__).parent / "known_gaps.yml").read_text(encoding="utf-8"))


def test_known_gaps_name_conversations_of_the_suite():
    assert set(KNOWN_GAPS) <= {c.name for c in CONVERSATIONS}


@pytest.mark.parametrize("conversation", CONVERSATIONS, ids=[c.name for c in CONVERSATIONS])
def test_conversation(rasa_stack, conversation):
    if rasa_stack.gateway_url is None:
        pytest.fail("the conversation suite needs the gateway (bot/)")
    result = play(conversation, rasa_stack.gateway_url)
    broken = [t for t in result.turns if t.automatic]
    if result.error or broken:
        pytest.fail(f"{len(broken)} turns broke an automatic check\n\n{result.transcript()}",
                    pytrace=False)
    if not result.passed:
        failed = sum(not t.passed for t in result.turns)
        if conversation.name in KNOWN_GAPS:
            pytest.xfail(f"known gap: {KNOWN_GAPS[conversation.name]}")
        pytest.fail(f"{failed} of {len(result.turns)} turns failed\n\n{result.transcript()}",
                    pytrace=False)
