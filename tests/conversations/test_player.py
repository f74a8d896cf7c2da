"""The suite's own machinery, without a bot (milliseconds): the YAML files load and keep the
suite's promises, and the automatic checks (a)-(d) catch what they should."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.conversations import player
from tests.conversations.player import Reply, TurnSpec, check_turn, load_conversations


def bot(text, buttons=(), cards=()):
    return {
        "sender": "bot",
        "text": text,
        "cards": list(cards),
        "buttons": [{"title": b, "payload": "/x"} for b in buttons],
    }


def automatic(reply, previous=None):
    return check_turn(TurnSpec(user="x"), reply, previous).automatic


def test_the_suite_loads_and_is_broad():
    conversations = load_conversations()
    assert len(conversations) >= 45
    assert all(len(c.turns) >= 3 for c in conversations)
    assert set(Counter(c.tenant for c in conversations)) == {"brabant", "twente", "noord"}
    turns = [t for c in conversations for t in c.turns]
    assert sum(t.question for t in turns) >= 40
    assert sum(t.correction for t in turns) >= 10
    assert sum(1 for c in conversations if any(t.modules for t in c.turns)) >= 30


def test_a_bad_file_is_refused_with_its_place(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "conversations:\n  - name: x\n    tenant: brabant\n    turns:\n      - user: hoi\n        expct: [a]\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"bad.yml conversation 1 \(x\) turn 1: unknown keys"):
        load_conversations([bad])
    bad.write_text(
        "conversations:\n  - name: x\n    tenant: brabant\n    turns:\n      - user: hoi\n        question: true\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="needs expect or expect_any"):
        load_conversations([bad])


def test_expectations_see_texts_buttons_and_cards():
    reply = Reply(
        messages=[
            bot(
                "Dit vond ik bij **Den Bosch**:",
                buttons=["Andere regelingen"],
                cards=[
                    {"title": "Warmtepompen", "location": "'s-Hertogenbosch", "price": "€ 895 incl. btw", "buttons": []}
                ],
            )
        ]
    )
    spec = TurnSpec(
        user="x",
        expect=["den bosch", "andere regelingen", "hertogenbosch"],
        expect_any=["nope", "re:€ ?895"],
        not_expect=["hoogste diploma"],
        modules=True,
    )
    assert check_turn(spec, reply, None).passed
    failed = check_turn(TurnSpec(user="x", expect=["tilburg"], modules=False), reply, None)
    assert failed.failures == ["expected in the reply: ['tilburg']", "expected no module cards, 1 shown"]


def test_automatic_checks():
    ask = Reply(messages=[bot("Prima. Waar woon je?")])
    again = Reply(messages=[bot("Oké."), bot("Waar  woon je?"), bot("Tip: kijk ook online.")])
    result = check_turn(TurnSpec(user="breda"), again, ask)
    assert result.repeated_question and not result.passed  # (a)
    open_stap = Reply(messages=[bot("Je kunt STAP-budget aanvragen.")])
    assert any(f.startswith("(b)") for f in automatic(open_stap))
    ended = Reply(messages=[bot("Het STAP-budget bestaat niet meer.")])
    assert check_turn(TurnSpec(user="x"), ended, None).passed
    give_up = Reply(messages=[bot("Sorry, ik begrijp je nog steeds niet. Adviseur?")])
    assert any(f.startswith("(c)") for f in automatic(give_up, give_up))
    for broken in (
        Reply(status=500, error="HTTP 500"),
        Reply(messages=[]),
        Reply(messages=[{"sender": "system", "text": player.RASA_DOWN_TEXT}]),
    ):
        assert any(f.startswith("(d)") for f in automatic(broken, ask))
    same = check_turn(TurnSpec(user="x", different=True), ask, ask)
    assert same.failures == ["the reply is the same as the previous turn's"]


def test_the_benchmark_figures_and_gate():
    from benchmarks import dialogue_quality as dq
    from tests.conversations.player import ConversationResult, Conversation

    def conversation(first_cards, answered):
        spec = [TurnSpec(user="a", modules=True), TurnSpec(user="b?", question=True, expect=["uwv"])]
        turns = []
        for number, s in enumerate(spec, 1):
            cards = [{"title": "x"}] if number == first_cards else []
            reply = Reply(messages=[bot("UWV" if answered else "hm", cards=cards)])
            result = check_turn(s, reply, None)
            result.number = number
            turns.append(result)
        return ConversationResult(Conversation("c", "", "brabant", tuple(spec)), [], turns)

    results = [conversation(1, True), conversation(2, True), conversation(None, False)]
    summary = dq.summarise(results)
    assert summary["first_module_p50_turns"] == 2 and summary["first_module_never"] == 1
    assert summary["first_module_max_turns"] is None  # one conversation never showed cards
    assert summary["answered_same_turn_pct"] == 66.7
    assert dq.gate_failures(summary) == ["answered in the same turn 66.7% (must be >= 95%)"]
    assert dq.gate_failures(summary, dq.TARGET) == ["answered in the same turn 66.7% (must be >= 95%)"]
    assert dq.nearest_rank([1, float("inf"), float("inf")], 50) == float("inf")
