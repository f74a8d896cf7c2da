"""Imported data in bot texts stays text (issue "Security and privacy findings", item 12)."""

from __future__ import annotations

from actions.markup import md
from actions.recommend import card_line
from bot.channels.whatsapp.formatting import message_text
from datetime import datetime, timezone

from bot.store import Message

import knowledge

TITLE = "[Subsidie](https://phishing.example/x) **gratis** \\o/ 100_%"


def test_markdown_in_a_course_title_is_escaped_in_the_result_list():
    hit = knowledge.ModuleHit(**{**_hit_fields(), "title": TITLE, "provider": "ROC *Voorbeeld*"})
    line = card_line(1, hit)
    assert "\\[Subsidie\\](https://phishing.example/x) \\*\\*gratis\\*\\*" in line
    assert "ROC \\*Voorbeeld\\*" in line and "100\\_%" in line


def test_whatsapp_shows_the_data_as_it_was_without_the_escapes():
    text = message_text(
        Message(id=1, conversation_id="c", sender="bot", text=f"1. {md(TITLE)}", created_at=datetime.now(timezone.utc))
    )
    assert text == f"1. {TITLE}"


def _hit_fields():
    import dataclasses

    fields = {f.name: None for f in dataclasses.fields(knowledge.ModuleHit)}
    fields.update(
        module_id="m-1",
        title="x",
        provider="p",
        location="Breda",
        price_text="€ 10",
        next_start=None,
        reasons=[],
        sample=False,
    )
    return fields
