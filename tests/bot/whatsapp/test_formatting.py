"""Whatever the bot or an advisor sends, Meta accepts the rendered message (a refused message
means the user gets nothing), and every choice stays reachable."""

from __future__ import annotations

import random
from datetime import datetime, timezone

from bot.channels.whatsapp.formatting import choices_of, parse_choice_id, parse_number, render
from bot.store import Message
from tests.fakes.graph_api import validate

WORDS = [
    "opleiding",
    "Warmtepompen",
    "installeren",
    "in",
    "Twente",
    "🙂",
    "subsidie",
    "mbo",
    "'s-Hertogenbosch",
    "zonnepanelen",
    "a" * 40,
    "BIM",
    "Ja",
    "Nee",
    "<b>",
    "*vet*",
]


def random_title(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 8)))


def test_every_rendering_is_within_metas_limits_and_keeps_every_choice():
    rng = random.Random(20261123)
    for n in range(400):
        buttons = [
            {"title": random_title(rng), "payload": f"/inform{{\"n\":{i}}}"}
            for i in range(rng.choice([0, 1, 2, 3, 3, 4, 7, 10, 11, 25]))
        ]
        cards = [
            {
                "title": random_title(rng),
                "url": "https://example.org/m",
                "sample": True,
                "buttons": [{"title": "Meer hierover", "payload": f"/course_details{{\"i\":{c}}}"}],
            }
            for c in range(rng.choice([0, 0, 1, 3]))
        ]
        text = random_title(rng) * rng.choice([1, 1, 20, 200])
        message = Message(
            id=n + 1,
            conversation_id="c",
            sender=rng.choice(["bot", "advisor"]),
            text=text,
            created_at=datetime.now(timezone.utc),
            buttons=buttons,
            cards=cards,
        )
        rendered = render(message)
        assert rendered.parts
        for part in rendered.parts:
            validate({"messaging_product": "whatsapp", "to": "31612345678", **part}, templates=set())
        offered = set()
        for part in rendered.parts:
            action = part.get("interactive", {}).get("action", {})
            ids = [b["reply"]["id"] for b in action.get("buttons", [])]
            ids += [r["id"] for s in action.get("sections", []) for r in s["rows"]]
            offered |= {parse_choice_id(i)[1] for i in ids}
        choices = choices_of(message)
        if rendered.mode == "numbered":
            numbered = "\n".join(p["text"]["body"] for p in rendered.parts)
            offered = {i for i in range(len(choices)) if f"\n{i + 1}. " in numbered}
        assert offered == set(range(len(choices)))


def test_numbers_are_read_as_choices_only_when_they_are_just_a_number():
    assert [parse_number(t) for t in ["2", " 2. ", "nummer 3", "Nr. 4", "10)"]] == [2, 2, 3, 4, 10]
    assert [parse_number(t) for t in ["2 uur", "ik ben 45", "€ 2", "100", ""]] == [None] * 5
