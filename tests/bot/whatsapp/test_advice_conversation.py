"""A whole advice conversation over WhatsApp with the real bot (Rasa + action server from the
`rasa_stack` fixture), a gateway in-process with the WhatsApp channel on, and the fake Graph
API as the phone. The user taps buttons and list rows the way WhatsApp sends them back."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.channel import PATH, WHATSAPP
from bot.conversations import RASA_DOWN_TEXT
from tests.support.whatsapp import SECRET, WhatsApp, shown_text, wa_env

pytestmark = pytest.mark.asyncio

# Answers for open questions the intake may ask; closed questions are answered by tapping.
ANSWERS = [
    ("oud", "45"),
    ("leeftijd", "45"),
    ("woon", "Enschede"),
    ("plaats", "Enschede"),
    ("waar", "Enschede"),
    ("uur", "8 uur per week"),
    ("betalen", "Niets"),
    ("sector", "installatie"),
]


def open_answer(question: str) -> str:
    lowered = question.lower()
    return next((answer for key, answer in ANSWERS if key in lowered), "Weet ik niet")


async def answer(wa: WhatsApp, last: dict) -> str:
    """Reply to the bot's last message like a user would; returns what the user 'said'."""
    if last["type"] == "interactive":
        interactive = last["interactive"]
        if interactive["type"] == "button":
            choice = interactive["action"]["buttons"][0]["reply"]
            await wa.deliver("button_reply", REPLY_ID=choice["id"], REPLY_TITLE=choice["title"])
        else:
            choice = interactive["action"]["sections"][0]["rows"][0]
            await wa.deliver(
                "list_reply",
                REPLY_ID=choice["id"],
                REPLY_TITLE=choice["title"],
                REPLY_DESCRIPTION=choice.get("description", ""),
            )
        return choice["title"]
    text = last["text"]["body"]
    reply = "1" if "Stuur het nummer van je keuze." in text else open_answer(text)
    await wa.say(reply)
    return reply


@pytest.fixture
def advice_whatsapp(rasa_stack, make_config, make_client, graph):
    async def _make() -> WhatsApp:
        config = make_config(**wa_env(graph.url), RASA_URL=rasa_stack.rasa_url, RASA_TIMEOUT="60")
        client = await make_client(config)
        graph.send_webhooks_to(str(client.make_url(PATH)), SECRET)
        return WhatsApp(client, client.app[WHATSAPP], graph)

    return _make


async def test_a_whole_advice_conversation(advice_whatsapp):
    wa = await advice_whatsapp()
    seen = 0

    async def turn(say=None, last=None) -> list:
        nonlocal seen
        if say is not None:
            await wa.say(say)
        else:
            await answer(wa, last)
        replies = wa.phone()[seen:]
        seen = len(wa.phone())
        assert replies, f"no answer on the phone after {say or 'a tap'}"
        assert RASA_DOWN_TEXT not in [shown_text(r) for r in replies]
        assert all(a.ok for a in wa.graph.attempts()), "Meta would refuse a message"
        return replies

    replies = await turn("Hallo")
    replies = await turn("Ik zoek een cursus over warmtepompen")
    cards = None
    for _ in range(12):  # the intake: taps and short answers until courses are shown
        shown = "\n".join(shown_text(r) for r in replies)
        if "Meer info: http" in shown:
            cards = shown
            break
        replies = await turn(last=replies[-1])
    assert cards is not None, "the bot never showed courses"
    assert "(voorbeeld)" in cards  # sample catalogue data is marked

    user_messages = [m for m in await wa.transcript() if m.sender == "user"]
    tapped = [m for m in user_messages if m.payload]
    assert tapped, "no button or row was tapped"
    assert all(m.payload.startswith("/") for m in tapped)  # payloads, not titles, went to the bot

    await turn("Wie betaalt die eerste cursus?")
    conversation = await wa.conversation()
    assert conversation.channel == "whatsapp" and conversation.tenant == "twente"
