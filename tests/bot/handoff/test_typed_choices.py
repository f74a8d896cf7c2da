"""Typing a choice during the handoff is clicking it, and a message that is no choice gets an
answer that fits the moment (nobody is online) instead of the bot's.

Rasa is down unless a test uses `fake_rasa`: a message that reached the bot would get the
gateway's "storing" notice."""

import asyncio

import pytest
import pytest_asyncio

from bot.handoff import dialogue
from tests.support.handoff import never_open

pytestmark = pytest.mark.asyncio

RASA_DOWN = "storing"


def texts(answer):
    return [m["text"] for m in answer["messages"]]


async def nobody_online(desk, tenant="twente"):
    """A conversation offered "Terugbelverzoek" / "Verder met de bot" (no advisor online)."""
    cid = await desk.start(tenant)
    [offer] = await desk.bot_hands_over(cid)
    assert offer.text == dialogue.NOBODY_NOW
    return cid


async def last_user_message(desk, cid):
    return [m for m in await desk.conversations.store.messages(cid) if m.sender == "user"][-1]


@pytest_asyncio.fixture
async def closed_desk(make_desk, tmp_path):
    return await make_desk(never_open(tmp_path))


@pytest.mark.parametrize("typed", ["Terugbelverzoek", "terugbelverzoek!"])
async def test_typed_terugbelverzoek_starts_the_callback_questions_as_the_click_does(desk, typed):
    clicked, written = await nobody_online(desk), await nobody_online(desk)
    click = await desk.say(clicked, "Terugbelverzoek", payload="/request_human")
    answer = await desk.say(written, typed)
    assert texts(answer) == texts(click) == [dialogue.ASK_NAME]
    assert answer["mode"] == click["mode"] == "waiting"
    for cid in (clicked, written):
        assert (await desk.handoffs.cases.open_for(cid)).status == "collecting"
    said = await last_user_message(desk, written)  # the click's payload, the typed text
    assert (said.text, said.payload) == (typed, "/request_human")
    assert (await last_user_message(desk, clicked)).payload == "/request_human"


@pytest.mark.parametrize("typed", ["Verder met de bot", "verder met de bot."])
async def test_typed_verder_met_de_bot_returns_to_the_bot_as_the_click_does(desk, typed):
    clicked, written = await nobody_online(desk), await nobody_online(desk)
    click = await desk.say(clicked, "Verder met de bot", payload="/help")
    answer = await desk.say(written, typed)
    assert texts(answer) == texts(click) == [dialogue.CONTINUE_OK]
    assert answer["mode"] == click["mode"] == "bot"
    said = await last_user_message(desk, written)
    assert (said.text, said.payload) == (typed, "/help")
    assert await desk.handoffs.cases.open_for(written) is None


@pytest.mark.parametrize("words", ["hallo, is daar iemand?", "hallo??", "ik wacht al lang"])
async def test_nobody_online_a_message_that_is_no_choice_gets_the_choice_again(desk, words):
    cid = await nobody_online(desk)
    answer = await desk.say(cid, words)
    assert answer["mode"] == "waiting"  # the gateway still waits for the choice
    [reply] = answer["messages"]
    assert reply["text"] == dialogue.NOBODY_STILL
    assert reply["text"].startswith("Sorry, er is nu geen adviseur online.")
    assert reply["buttons"] == [
        {"title": "Terugbelverzoek", "payload": "/request_human"},
        {"title": "Verder met de bot", "payload": "/help"},
    ]
    assert not any(RASA_DOWN in (m["text"] or "") for m in await desk.history(cid))
    # and the choice still works, typed or clicked
    assert texts(await desk.say(cid, "Terugbelverzoek")) == [dialogue.ASK_NAME]


async def test_outside_office_hours_the_choice_again_says_when_advisors_work(closed_desk):
    desk = closed_desk
    cid = await desk.start("noord")
    await desk.bot_hands_over(cid)
    [reply] = (await desk.say(cid, "hallo, is daar iemand?"))["messages"]
    assert reply["text"].startswith(
        "Sorry, er is nu geen adviseur aan het werk. Adviseurs zijn er op werkdagen van 9.00 tot 17.00 uur."
    )
    assert [b["title"] for b in reply["buttons"]] == ["Terugbelverzoek", "Verder met de bot"]


async def test_a_question_during_the_callback_questions_is_not_taken_for_an_answer(closed_desk):
    desk = closed_desk
    anna = await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    cid = await desk.start("brabant")
    await desk.bot_hands_over(cid)
    await desk.say(cid, "Terugbelverzoek")
    asked_name = dialogue.NOBODY_CHATS.format(question=dialogue.WHAT_NAME)
    assert texts(await desk.say(cid, "hallo, is daar iemand?")) == [asked_name]
    assert texts(await desk.say(cid, "ik wacht al lang")) == [asked_name]  # not a name
    assert texts(await desk.say(cid, "Sanne de Vries")) == [dialogue.ASK_CONTACT]
    assert texts(await desk.say(cid, "is daar iemand?")) == [
        dialogue.NOBODY_CHATS.format(question=dialogue.WHAT_CONTACT)
    ]
    saved = await desk.say(cid, "06 12345678")
    assert saved["mode"] == "bot"
    [request] = await desk.listing(anna, "callback")
    assert request["callback"]["name"] == "Sanne de Vries"


async def test_typed_advisor_button_after_a_bot_failure_reaches_the_gateways_handoff(make_desk, fake_rasa):
    """Rasa answers nothing (an action failed): the gateway offers "Met een adviseur praten";
    typing it hands over as the click does, without asking the failing bot again."""
    desk = await make_desk(RASA_URL=fake_rasa.url)
    fake_rasa.answers["ik zoek een cursus"] = []
    cid = await desk.start()
    [failed] = (await desk.say(cid, "ik zoek een cursus"))["messages"]
    assert failed["buttons"] == [{"title": "Met een adviseur praten", "payload": "/request_human"}]
    answer = await desk.say(cid, "met een adviseur praten")
    assert answer["mode"] == "waiting" and texts(answer) == [dialogue.NOBODY_NOW]
    assert fake_rasa.messages == ["ik zoek een cursus"]


async def test_in_the_queue_a_question_always_gets_an_answer(desk):
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    kept = [dialogue.MESSAGE_KEPT.format(position="Je bent de eerste in de rij.")]
    assert texts(await desk.say(cid, "Ik werk nu in de bouw")) == kept
    assert texts(await desk.say(cid, "en ik wil iets met BIM")) == []  # not after every line
    assert texts(await desk.say(cid, "hallo, is daar iemand?")) == kept


async def test_after_the_last_advisor_left_a_question_gets_the_other_ways_again(make_desk):
    desk = await make_desk(HANDOFF_ONLINE_SECONDS="0.3")
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    await asyncio.sleep(0.5)  # no heartbeat any more
    await desk.handoffs.housekeep()  # "Het duurt langer dan we hoopten" with three buttons
    for words in ("ik wacht al lang", "hallo, is daar iemand?"):
        [reply] = (await desk.say(cid, words))["messages"]
        assert reply["text"] == dialogue.LONG_WAIT_AGAIN.format(position="Je bent de eerste in de rij.")
        assert [b["title"] for b in reply["buttons"]] == ["Blijven wachten", "Terugbelverzoek", "Verder met de bot"]
    stay = await desk.say(cid, "blijven wachten")  # typed, as the click
    assert texts(stay) == ["Prima, je blijft in de wachtrij. Je bent de eerste in de rij."]
    assert (await last_user_message(desk, cid)).payload == "/affirm"
