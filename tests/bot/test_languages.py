"""The conversation's language (issue 17): chosen by bot/language.py, sticky per conversation,
picked with PUT .../language, sent to Rasa with every message, and the gateway's own texts in it.

The detection table: Dutch with typos, non-native English, mixed messages and single words.
The API tests run the gateway in-process (real HTTP) with the scripted Rasa (`fake_rasa`) or
with Rasa down; WhatsApp with the fake Graph API.
"""

from __future__ import annotations

import pytest
import pytest_asyncio

import locales
from bot import language
from bot.conversations import RASA_DOWN_TEXT, STARTING_TEXT, LANGUAGE_CHOSEN
from bot.schemas import openapi, validator
from tests.support.whatsapp import shown_text

# (message, language until now, first message of the conversation?, language after it)
CASES = [
    # never a switch: short answers, places, course words, titles, emoji, numbers
    ("ok", "nl", False, "nl"),
    ("ok", "en", False, "en"),
    ("ja", "en", False, "en"),
    ("yes", "nl", False, "nl"),
    ("thanks", "nl", False, "nl"),
    ("yes please", "nl", False, "nl"),
    ("oke thanks a lot", "nl", False, "nl"),
    ("ok dank je wel", "en", False, "en"),
    ("Breda", "en", False, "en"),
    ("Enschede", "en", True, "en"),
    ("in Enschede", "en", False, "en"),
    ("BIM", "nl", True, "nl"),
    ("zonnepanelen", "en", True, "en"),
    ("warmtepomp Tilburg", "en", True, "en"),
    ("Warmtepompmonteur (BBL, mbo 3)", "en", False, "en"),
    ("mbo 2", "en", True, "en"),
    ("👍", "en", True, "en"),
    ("06 12345678", "en", True, "en"),
    ("34", "en", False, "en"),
    ("Ik heet Ömer Kaya, mail me op Omer.Kaya@Example.NL", "nl", False, "nl"),
    ("hello", "nl", False, "nl"),
    ("graag", "en", False, "en"),
    # English, also non-native, switches a Dutch conversation
    ("i work in greenhouse, want learn electric", "nl", False, "en"),
    ("Hi, I work in a greenhouse and want to learn about solar panels", "nl", False, "en"),
    ("warehouse worker polish diploma", "nl", False, "en"),
    ("i want to become electrician", "nl", False, "en"),
    ("I want to follow a cursus zonnepanelen in Breda please", "nl", True, "en"),
    ("what is bim", "nl", True, "en"),
    # Dutch, also with typos, switches an English one
    ("ik zoek een cusus zonnepanelen in breda", "en", False, "nl"),
    ("ik wil iets met warmtepompen doen", "en", False, "nl"),
    ("hoeveel kost dat", "en", False, "nl"),
    ("ik werk in de kas", "en", False, "nl"),
    ("wie betaald mijn oplijding", "en", False, "nl"),
    ("heb geen diploma", "en", True, "nl"),
    ("Ik wil elektricien worden", "en", False, "nl"),
    # but a short Dutch phrase does not switch an English conversation after the first message
    ("ik ben 34 en heb mbo 2", "en", False, "en"),
    # asking for a language always switches
    ("english please", "nl", False, "en"),
    ("can we speak english?", "nl", False, "en"),
    ("Can we speak English please?", "nl", False, "en"),
    ("kan het in het nederlands?", "en", False, "nl"),
    ("Kan het in het Nederlands alsjeblieft", "en", False, "nl"),
    ("Nederlands", "en", False, "nl"),
    ("Ik spreek geen engels", "nl", False, "nl"),
]


@pytest.mark.parametrize("text, before, first, after", CASES)
def test_the_language_of_a_message(text, before, first, after):
    assert language.choose(text, before, first).language == after


def test_every_language_of_locales_is_known_to_the_detector_and_the_api():
    detector, by_name = language._detector()
    assert detector is not None and sorted(by_name.values()) == sorted(locales.languages())
    enum = openapi()["components"]["schemas"]["LanguageChoice"]["properties"]["language"]["enum"]
    assert sorted(enum) == sorted(locales.languages())


# -- over the API --------------------------------------------------------------------------------


async def start(client, **body):
    response = await client.post("/api/v1/conversations", json={"tenant": "brabant", **body})
    assert response.status == 201, await response.text()
    data = await response.json()
    assert not list(validator("ConversationStarted").iter_errors(data))
    return data


async def say(client, cid, text, **extra):
    response = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text, **extra})
    assert response.status == 200, await response.text()
    data = await response.json()
    assert not list(validator("Replies").iter_errors(data))
    return data


@pytest_asyncio.fixture
async def bot(make_config, make_client, fake_rasa):
    return await make_client(make_config(RASA_URL=fake_rasa.url))


@pytest.mark.asyncio
async def test_a_dutch_conversation_stays_dutch_until_the_user_clearly_writes_english(bot, fake_rasa):
    cid = (await start(bot))["conversation_id"]
    assert (await say(bot, cid, "Ik zoek een cursus"))["language"] == "nl"
    assert (await say(bot, cid, "ok"))["language"] == "nl"
    assert (await say(bot, cid, "Breda"))["language"] == "nl"
    switched = await say(bot, cid, "Hi, I work in a greenhouse and want to learn about solar panels")
    assert switched["language"] == "en"
    assert (await say(bot, cid, "ja"))["language"] == "en"
    back = await say(bot, cid, "kan het in het nederlands?")
    assert back["language"] == "nl"
    # a request for a language is confirmed by the gateway in that language, with the menu
    assert back["messages"][-1]["text"].startswith("Goed, we praten verder in het Nederlands.")
    assert back["messages"][-1]["buttons"]
    # every other message reached Rasa with the language it was answered in
    assert [body["metadata"] for body in fake_rasa.received] == [
        {"tenant": "brabant", "channel": "web", "language": language} for language in ("nl", "nl", "nl", "en", "en")
    ]
    history = await bot.get(f"/api/v1/conversations/{cid}/messages")
    assert (await history.json())["language"] == "nl"


@pytest.mark.asyncio
async def test_asking_for_english_is_answered_in_english_without_asking_the_bot(bot, fake_rasa):
    cid = (await start(bot))["conversation_id"]
    data = await say(bot, cid, "can we speak english?")
    assert data["language"] == "en"
    reply = data["messages"][-1]
    assert reply["text"] == "OK, we will go on in English. What can I help you with?"
    assert "Find a training" in [b["title"] for b in reply["buttons"]]
    assert fake_rasa.received == []


@pytest.mark.asyncio
async def test_a_button_click_never_changes_the_language(bot, fake_rasa):
    cid = (await start(bot, language="en"))["conversation_id"]
    data = await say(bot, cid, "Ik zoek een opleiding in de techniek", payload="/search_course")
    assert data["language"] == "en"
    assert fake_rasa.received[-1]["metadata"]["language"] == "en"


@pytest.mark.asyncio
async def test_the_hint_opens_the_conversation_in_english_with_an_english_welcome(client):
    data = await start(client, language="en-GB")
    assert data["language"] == "en"
    welcome = data["messages"][0]
    assert welcome["text"].startswith("Hi! I am Leerwijzer from Brabant Leert.")
    assert {"title": "Find a training", "payload": "/search_course"} in welcome["buttons"]
    # Rasa is down here: the gateway's own notice is English too
    answer = await say(client, data["conversation_id"], "hello")
    assert answer["messages"][0]["text"] == locales.translate(RASA_DOWN_TEXT, "en")
    assert answer["messages"][0]["text"].startswith("Sorry, I can't answer")


@pytest.mark.asyncio
@pytest.mark.parametrize("hint", [None, "pl", "xx-YY", ""])
async def test_no_or_an_unsupported_hint_is_dutch(client, hint):
    body = {} if hint is None else {"language": hint}
    data = await start(client, **body)
    assert data["language"] == "nl"
    assert data["messages"][0]["text"].startswith("Hoi! Ik ben Leerwijzer")


@pytest.mark.asyncio
async def test_the_first_message_may_set_the_language_with_fewer_words(bot):
    cid = (await start(bot))["conversation_id"]
    assert (await say(bot, cid, "what is bim"))["language"] == "en"


@pytest.mark.asyncio
async def test_put_language_picks_it_and_the_bot_hears_it(bot, fake_rasa):
    cid = (await start(bot))["conversation_id"]
    response = await bot.put(f"/api/v1/conversations/{cid}/language", json={"language": "en"})
    assert response.status == 200
    assert await response.json() == {"conversation_id": cid, "language": "en"}
    assert (await say(bot, cid, "ok"))["language"] == "en"
    assert fake_rasa.received[-1]["metadata"] == {"tenant": "brabant", "channel": "web", "language": "en"}
    # errors of this conversation are English now
    empty = await bot.post(f"/api/v1/conversations/{cid}/messages", json={"text": "   "})
    assert empty.status == 422
    assert (await empty.json())["message"] == "Your message is empty. Type your question and send it again."


@pytest.mark.asyncio
@pytest.mark.parametrize("body", [{"language": "pl"}, {"language": "EN-gb"}, {}, {"language": 1}])
async def test_put_language_refuses_what_is_not_spoken(client, body):
    cid = (await start(client))["conversation_id"]
    response = await client.put(f"/api/v1/conversations/{cid}/language", json=body)
    assert response.status == 422
    assert (await response.json())["error"] == "invalid_request"


@pytest.mark.asyncio
async def test_put_language_is_allowed_only_from_the_tenants_sites(client):
    cid = (await start(client))["conversation_id"]
    response = await client.put(
        f"/api/v1/conversations/{cid}/language", json={"language": "en"}, headers={"Origin": "https://evil.example"}
    )
    assert response.status == 403
    missing = await client.put("/api/v1/conversations/" + "x" * 32 + "/language", json={"language": "en"})
    assert missing.status == 404


@pytest.mark.asyncio
async def test_the_websocket_tells_the_widget_when_the_language_changes(bot):
    cid = (await start(bot))["conversation_id"]
    async with bot.ws_connect(f"/api/v1/conversations/{cid}/ws") as ws:
        history = await ws.receive_json()
        assert history["type"] == "history" and history["language"] == "nl"
        await ws.send_json({"type": "message", "text": "I would like to learn about heat pumps please"})
        events = []
        while not any(e.get("type") == "message" and e["message"]["sender"] == "bot" for e in events):
            events.append(await ws.receive_json(timeout=10))
        assert {"type": "language", "language": "en"} in events


# -- WhatsApp ------------------------------------------------------------------------------------


@pytest.mark.asyncio
async def test_whatsapp_detects_english_and_the_gateway_speaks_it(make_whatsapp):
    """Rasa is still starting (nothing answers on RASA_URL within the start-up time): the
    gateway's own "just started" notice reaches the phone in the user's language."""
    wa = await make_whatsapp(RASA_STARTUP_SECONDS="300")
    await wa.say("Hello, I work in a warehouse and I want to learn a technical job")
    conversation = await wa.conversation()
    assert conversation.language == "en"
    assert shown_text(wa.phone()[-1]) == locales.translate(STARTING_TEXT, "en")
    await wa.say("Ok")
    assert (await wa.conversation()).language == "en"
    await wa.say("Kan het in het Nederlands?")
    assert (await wa.conversation()).language == "nl"
    # the gateway answers a request for a language itself, even while Rasa starts
    assert shown_text(wa.phone()[-1]).startswith(LANGUAGE_CHOSEN)
