"""The 24-hour customer-service window: outside it only the approved template goes out, the
message waits, the advisor is told why, and the message arrives once the user writes again."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.conversations import RASA_DOWN_TEXT
from bot.replies import Outgoing
from tests.support.whatsapp import TEMPLATE, USER, shown_text

pytestmark = pytest.mark.asyncio


def move_clock(wa, hours: float):
    moved = wa.channel.clock() + timedelta(hours=hours)
    wa.channel.clock = lambda: moved
    return moved


async def say_at(wa, text, at):
    await wa.deliver("text", TEXT=text, NOW=str(int(at.timestamp())))


async def advisor_says(wa, text):
    conversation = await wa.conversation()
    message = await wa.channel.conversations.deliver_to_user(conversation, Outgoing(sender="advisor", text=text))
    await wa.settle()
    return message


async def notes(wa):
    return [m.text for m in await wa.transcript() if m.sender == "system" and m.text != RASA_DOWN_TEXT]


async def test_within_the_window_an_advisor_message_goes_out_at_once(wa):
    await wa.say("Ik wil graag met iemand praten")
    move_clock(wa, 23)
    await advisor_says(wa, "Hoi, ik ben Petra, loopbaanadviseur.")
    assert shown_text(wa.phone()[-1]) == "*Adviseur:* Hoi, ik ben Petra, loopbaanadviseur."
    assert await notes(wa) == []


async def test_after_24_hours_only_the_template_goes_out_and_the_message_waits(make_whatsapp, caplog):
    wa = await make_whatsapp(WHATSAPP_TEMPLATE_NAME=TEMPLATE)
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    await wa.say("Ik wil graag met iemand praten")
    before = len(wa.phone())
    later = move_clock(wa, 25)
    await advisor_says(wa, "Ik heb een cursus voor je gevonden.")
    await advisor_says(wa, "Bel je me even?")
    sent = wa.phone()[before:]
    assert [m["type"] for m in sent] == ["template"]  # once, not per held message
    assert sent[0]["template"] == {"name": TEMPLATE, "language": {"code": "nl"}}
    note = (await notes(wa))[-1]
    assert "24 uur" in note and TEMPLATE in note  # what the advisor sees
    assert "24-hour window closed" in caplog.text

    await say_at(wa, "Ja hoor, vertel!", later + timedelta(minutes=5))
    after_reply = [shown_text(m) for m in wa.phone()[before + 1 :]]
    assert after_reply == [
        "*Adviseur:* Ik heb een cursus voor je gevonden.",
        "*Adviseur:* Bel je me even?",
        RASA_DOWN_TEXT,
    ]


async def test_without_a_template_nothing_is_sent_and_the_advisor_knows(wa):
    await wa.say("Hallo")
    before = len(wa.phone())
    move_clock(wa, 30)
    await advisor_says(wa, "Ben je er nog?")
    assert wa.phone()[before:] == []
    assert [r.body.get("type") for r in wa.graph.attempts()][before:] == []  # not even tried
    assert "geen sjabloon" in (await notes(wa))[-1]


async def test_reengagement_error_from_meta_holds_the_message(make_whatsapp):
    """Meta is the judge: if it answers 131047 the message waits just the same."""
    wa = await make_whatsapp(WHATSAPP_TEMPLATE_NAME=TEMPLATE)
    await wa.say("Hallo")
    wa.graph.closed_windows.add(USER)
    before = len(wa.phone())
    await advisor_says(wa, "Hier is de link naar het aanmeldformulier.")
    assert [m["type"] for m in wa.phone()[before:]] == ["template"]
    assert any(r.error_code == 131047 for r in wa.graph.received)
    assert "24 uur" in (await notes(wa))[-1]

    wa.graph.closed_windows.clear()  # the user answers the template
    await wa.say("Ok")
    assert [shown_text(m) for m in wa.phone()[before + 1 :]] == [
        "*Adviseur:* Hier is de link naar het aanmeldformulier.",
        RASA_DOWN_TEXT,
    ]


async def test_reengagement_failure_reported_later_by_webhook_holds_the_message(make_whatsapp):
    """Usually Meta accepts the message and reports 131047 afterwards in a status webhook."""
    wa = await make_whatsapp(WHATSAPP_TEMPLATE_NAME=TEMPLATE)
    await wa.say("Hallo")
    wa.graph.closed_windows.add(USER)
    wa.graph.window_error = "webhook"
    await advisor_says(wa, "Hier is de link naar het aanmeldformulier.")
    assert "24 uur" in (await notes(wa))[-1]
    templates = [m for m in wa.phone() if m["type"] == "template"]
    assert len(templates) == 1

    wa.graph.closed_windows.clear()
    await wa.say("Ok")
    texts = [shown_text(m) for m in wa.phone()]
    assert texts[-2:] == ["*Adviseur:* Hier is de link naar het aanmeldformulier.", RASA_DOWN_TEXT]


async def test_a_template_meta_does_not_know_is_reported(make_whatsapp):
    wa = await make_whatsapp(WHATSAPP_TEMPLATE_NAME="bestaat_niet")
    await wa.say("Hallo")
    move_clock(wa, 48)
    await advisor_says(wa, "Ben je er nog?")
    assert "132001" in (await notes(wa))[-1]
