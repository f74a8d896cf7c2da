"""The handoff over WhatsApp, exactly as over the widget: queue notice and buttons on the phone,
the bot quiet while waiting, the advisor's claim and replies reaching the phone, the user's
answers reaching the advisor, the hand-back, and "stop" by tapping the queue's button.

Uses the handoff's own fixtures (always-open office hours, advisors logging in through the
API); Rasa is down, so a bot answer would be the gateway's outage notice."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.channel import PATH, WHATSAPP
from bot.conversations import RASA_DOWN_TEXT
from bot.handoff import dialogue
from bot.replies import BotRequest
from tests.support.handoff import PROFILE, Desk, always_open
from tests.support.whatsapp import SECRET, WhatsApp, shown_text, wa_env

pytestmark = pytest.mark.asyncio


@pytest.fixture
def handoff_whatsapp(make_config, make_client, graph, tmp_path):
    async def _make():
        config = make_config(**wa_env(graph.url), GATEWAY_TENANTS_FILE=always_open(tmp_path))
        client = await make_client(config)
        graph.send_webhooks_to(str(client.make_url(PATH)), SECRET)
        return Desk(client), WhatsApp(client, client.app[WHATSAPP], graph)

    return _make


async def bot_hands_over(desk: Desk, wa: WhatsApp):
    """What the gateway does with action_handoff's json_message after the user's "ja"."""
    conversation = await wa.conversation()
    said = await desk.handoffs.on_bot_request(
        conversation,
        BotRequest(
            "handoff",
            {"type": "handoff", "reason": "gebruiker_vraagt_adviseur", "profile": PROFILE, "shown_modules": []},
        ),
    )
    await wa.settle()
    return said


async def test_handoff_over_whatsapp_from_queue_to_advisor_and_back(handoff_whatsapp):
    desk, wa = await handoff_whatsapp()
    petra = await desk.advisor()
    await wa.say("Ik wil met een adviseur praten")
    cid = (await wa.conversation()).id
    await bot_hands_over(desk, wa)

    queued = wa.phone()[-1]  # the queue notice with its "stop" button, on the phone
    assert "Je staat in de wachtrij" in shown_text(queued)
    assert "Stop met wachten" in shown_text(queued)

    answers = len(wa.phone())
    await wa.say("Ik werk nu in de bouw")  # while waiting: kept for the advisor, bot quiet
    assert shown_text(wa.phone()[-1]).startswith(dialogue.MESSAGE_KEPT.format(position="Je bent de eerste in de rij."))
    assert RASA_DOWN_TEXT not in [shown_text(m) for m in wa.phone()[answers:]]

    handoff_id = await desk.case_id(cid)
    response = await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    assert response.status == 200
    await wa.settle()
    assert "Petra is adviseur en neemt het gesprek nu over" in shown_text(wa.phone()[-1])

    response = await desk.api(
        "POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Hoi! In welke plaats woon je?"}
    )
    assert response.status == 201
    await wa.settle()
    assert shown_text(wa.phone()[-1]) == "*Adviseur:* Hoi! In welke plaats woon je?"

    answers = len(wa.phone())
    await wa.say("In Hengelo")  # reaches the advisor's console, not the bot
    detail = await desk.detail(petra, handoff_id)
    assert [m["text"] for m in detail["messages"]][-1] == "In Hengelo"
    assert wa.phone()[answers:] == []

    response = await desk.api("POST", f"/handoffs/{handoff_id}/close", petra, json={"note": "Wil BIM in Hengelo."})
    assert response.status == 200
    await wa.settle()
    assert dialogue.WELCOME_BACK in shown_text(wa.phone()[-2])
    assert dialogue.RATE_HANDOFF in shown_text(wa.phone()[-1])  # then the 1-5 as a list
    assert "Wil BIM" not in "\n".join(shown_text(m) for m in wa.phone())  # notes stay internal

    await wa.say("Welke cursussen zijn er voor BIM?")  # the bot is back in charge
    assert shown_text(wa.phone()[-1]) == RASA_DOWN_TEXT


async def test_tapping_stop_in_the_queue_leaves_it(handoff_whatsapp):
    desk, wa = await handoff_whatsapp()
    petra = await desk.advisor()
    await wa.say("Ik wil met een adviseur praten")
    await bot_hands_over(desk, wa)
    queued = wa.phone()[-1]["interactive"]
    rows = [b["reply"] for b in queued["action"].get("buttons", [])] + [
        r for s in queued["action"].get("sections", []) for r in s["rows"]
    ]
    stop = next(r for r in rows if r["title"] == "Stop met wachten")
    await wa.deliver(
        "button_reply" if "buttons" in queued["action"] else "list_reply",
        REPLY_ID=stop["id"],
        REPLY_TITLE=stop["title"],
    )
    user = [m for m in await wa.transcript() if m.sender == "user"][-1]
    assert user.payload == "/stop"
    assert (await wa.conversation()).mode == "bot"
    assert await desk.listing(petra, "waiting") == []
