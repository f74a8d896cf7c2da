"""Buttons and typing are the same: a typed button title of the last reply ("meer opties") is
a click on that button, over the HTTP API and the websocket (WhatsApp: whatsapp/test_choices.py).
The bot is a scripted stand-in for Rasa's REST channel (`fake_rasa`), so each test sees what
reached the bot."""

import pytest

from bot.choices import normalise, typed_choice
from bot.store import Message

pytestmark = pytest.mark.asyncio

MORE = {"title": "Meer opties", "payload": "/more_results"}
FUNDING = {"title": "Wie betaalt dit?", "payload": "/ask_funding"}
ADVISOR = {"title": "Met een adviseur praten", "payload": "/request_human"}
# A results page as action_search_courses sends it: the plain list, the cards, the buttons.
RESULTS = [
    {"text": "Dit vond ik:\n1. BIM-modelleur basis — ROC van Twente"},
    {
        "custom": {
            "type": "module_cards",
            "text": "Dit vond ik:",
            "replaces_text": "Dit vond ik:\n1. BIM-modelleur basis — ROC van Twente",
            "cards": [
                {
                    "module_id": "tw-bim-01",
                    "title": "BIM-modelleur basis",
                    "provider": "ROC van Twente",
                    "sample": True,
                    "buttons": [],
                }
            ],
        }
    },
    {
        "text": "Wil je meer weten? Zeg bijvoorbeeld 'vertel meer over de tweede', of kies een knop.",
        "buttons": [MORE, FUNDING, ADVISOR],
    },
]


async def start(client, tenant="twente"):
    response = await client.post("/api/v1/conversations", json={"tenant": tenant})
    assert response.status == 201
    return (await response.json())["conversation_id"]


async def say(client, cid, text, payload=None):
    body = {"text": text, **({"payload": payload} if payload else {})}
    response = await client.post(f"/api/v1/conversations/{cid}/messages", json=body)
    assert response.status == 200, await response.text()
    return await response.json()


async def user_texts(client, cid):
    response = await client.get(f"/api/v1/conversations/{cid}/messages")
    return [m["text"] for m in (await response.json())["messages"] if m["sender"] == "user"]


@pytest.fixture
def gateway(make_config, make_client, fake_rasa):
    async def _make(**env):
        return await make_client(make_config(RASA_URL=fake_rasa.url, **env))

    return _make


@pytest.mark.parametrize("typed", ["meer opties", "Meer opties", "MEER OPTIES!", ' "Meer   opties" '])
async def test_typed_meer_opties_after_results_sends_the_more_results_payload(gateway, fake_rasa, typed):
    client = await gateway()
    fake_rasa.answers["ik zoek een cursus BIM"] = RESULTS
    cid = await start(client)
    await say(client, cid, "ik zoek een cursus BIM")
    await say(client, cid, typed)
    assert fake_rasa.messages[-1] == "/more_results"  # as a click on "Meer opties" sends
    assert (await user_texts(client, cid))[-1] == typed.strip()  # what the user typed is shown
    # only the last reply counts: its answer ("Je zei: …") has no buttons
    await say(client, cid, typed)
    assert fake_rasa.messages[-1] == typed.strip()


async def test_typed_welcome_button_is_a_click_and_other_text_stays_text(gateway, fake_rasa):
    client = await gateway()
    cid = await start(client)  # the welcome offers "Een opleiding zoeken" (/search_course)
    await say(client, cid, "een opleiding zoeken.")
    fake_rasa.answers["/search_course"] = [{"text": "Waar heb je interesse in?", "buttons": [FUNDING]}]
    cid2 = await start(client)
    await say(client, cid2, "Een opleiding zoeken")
    await say(client, cid2, "wie betaalt dit")  # a title without its question mark
    await say(client, cid2, "wie betaalt dit eigenlijk?")  # not a title: text
    assert fake_rasa.messages == ["/search_course", "/search_course", "/ask_funding", "wie betaalt dit eigenlijk?"]


async def test_typed_title_over_the_websocket_is_a_click(gateway, fake_rasa):
    client = await gateway()
    fake_rasa.answers["ik zoek een cursus BIM"] = RESULTS
    cid = await start(client)
    async with client.ws_connect(f"/api/v1/conversations/{cid}/ws") as ws:
        assert (await ws.receive_json())["type"] == "history"
        await ws.send_json({"type": "message", "text": "ik zoek een cursus BIM"})
        await ws.send_json({"type": "message", "text": "Meer opties"})
        seen = []
        while len(seen) < 2:  # the user's own two messages come back live
            event = await ws.receive_json(timeout=10)
            if event["type"] == "message" and event["message"]["sender"] == "user":
                seen.append(event["message"]["text"])
        while len(fake_rasa.messages) < 2:
            await ws.receive_json(timeout=10)
    assert seen == ["ik zoek een cursus BIM", "Meer opties"]
    assert fake_rasa.messages == ["ik zoek een cursus BIM", "/more_results"]


async def test_normalise_and_choose():
    assert normalise('  „Meer   Opties!” ') == "meer opties"
    assert normalise("Wie betaalt mijn opleiding?") == "wie betaalt mijn opleiding"
    reply = Message(
        id=1,
        conversation_id="c",
        sender="bot",
        text="?",
        created_at=None,
        buttons=[MORE, {"title": "Details", "payload": "/a"}, {"title": "details", "payload": "/b"}],
    )
    assert typed_choice("meer opties...", reply) == "/more_results"
    assert typed_choice("details", reply) is None  # two buttons, two meanings: no guess
    assert typed_choice("meer", reply) is None and typed_choice("meer opties", None) is None
