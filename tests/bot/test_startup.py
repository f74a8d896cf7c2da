"""Start-up: while Rasa is still loading its model the gateway is not ready (GET /readyz 503, so
Kubernetes sends it no users), a user who writes anyway hears that the assistant is starting
(not "er ging iets mis"), the message is kept and is answered once Rasa is ready: live over the
websocket and in the history. Rasa is the scripted stand-in (`fake_rasa`) over real HTTP."""

import asyncio

import pytest

from bot.conversations import BOT_SILENT_TEXT, RASA_DOWN_TEXT, STARTING_TEXT

pytestmark = pytest.mark.asyncio


async def start(client):
    response = await client.post("/api/v1/conversations", json={"tenant": "twente"})
    assert response.status == 201
    return (await response.json())["conversation_id"]


async def say(client, cid, text):
    response = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    assert response.status == 200, await response.text()
    return [(m["sender"], m["text"]) for m in (await response.json())["messages"]]


async def history(client, cid):
    response = await client.get(f"/api/v1/conversations/{cid}/messages")
    return [(m["sender"], m["text"]) for m in (await response.json())["messages"]]


async def readyz(client):
    response = await client.get("/readyz")
    return response.status, await response.json()


@pytest.fixture
def starting_gateway(make_config, make_client, fake_rasa):
    """A gateway just started, its Rasa still loading the model."""
    fake_rasa.model_loaded = False

    async def _make(startup_seconds="300"):
        return await make_client(
            make_config(RASA_URL=fake_rasa.url, RASA_TOKEN=fake_rasa.token, RASA_STARTUP_SECONDS=startup_seconds)
        )

    return _make


async def test_readyz_is_503_until_rasa_has_its_model_then_200(starting_gateway, fake_rasa):
    client = await starting_gateway()
    assert await readyz(client) == (503, {"status": "not ready", "database": True, "rasa": False})
    health = await client.get("/healthz")
    assert health.status == 200  # alive and healthy all along: only not ready for users
    fake_rasa.model_loaded = True
    assert await readyz(client) == (200, {"status": "ready", "database": True, "rasa": True})


async def test_readyz_without_the_token_waits_until_rasa_listens(make_config, make_client):
    # Nothing listens on RASA_URL: Rasa binds its port only after loading the model.
    client = await make_client(make_config(RASA_STARTUP_SECONDS="300"))
    assert (await readyz(client))[0] == 503


async def test_a_message_during_start_up_is_kept_and_answered_once_rasa_is_ready(starting_gateway, fake_rasa):
    client = await starting_gateway()
    cid = await start(client)
    ws = await client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    assert (await ws.receive_json())["type"] == "history"

    assert await say(client, cid, "ik zoek een cursus lassen") == [("system", STARTING_TEXT)]
    assert await say(client, cid, "in Enschede") == [("system", STARTING_TEXT)]
    said = await history(client, cid)
    assert said[1:] == [
        ("user", "ik zoek een cursus lassen"),
        ("system", STARTING_TEXT),
        ("user", "in Enschede"),
        ("system", STARTING_TEXT),
    ]
    assert not {BOT_SILENT_TEXT, RASA_DOWN_TEXT} & {text for _, text in said}
    assert fake_rasa.messages == []  # nothing went to a Rasa without its model

    fake_rasa.model_loaded = True  # Rasa is ready: the kept messages are answered, in order
    answers = []
    while len(answers) < 2:
        event = await ws.receive_json(timeout=10)
        if event["type"] == "message" and event["message"]["sender"] == "bot":
            answers.append(event["message"]["text"])
    assert answers == ["Je zei: ik zoek een cursus lassen", "Je zei: in Enschede"]
    assert (await history(client, cid))[-2:] == [("bot", answers[0]), ("bot", answers[1])]
    assert fake_rasa.messages == ["ik zoek een cursus lassen", "in Enschede"]
    # after that, the conversation goes on as usual
    assert await say(client, cid, "dank je") == [("bot", "Je zei: dank je")]
    await ws.close()


async def test_rasa_that_does_not_come_up_in_the_start_up_time_is_a_storing(starting_gateway, fake_rasa):
    client = await starting_gateway(startup_seconds="3")
    cid = await start(client)
    assert await say(client, cid, "hallo") == [("system", STARTING_TEXT)]
    for _ in range(50):  # the start-up time ends; Rasa still has no model
        await asyncio.sleep(0.2)
        if (await history(client, cid))[-1] != ("system", STARTING_TEXT):
            break
    assert (await history(client, cid))[-1] == ("system", RASA_DOWN_TEXT)
    assert (await readyz(client))[0] == 503
