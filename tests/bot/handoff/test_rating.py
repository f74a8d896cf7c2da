"""At the end of a conversation with an advisor the user rates the help in one tap (1-5):
stored with the conversation (bot/feedback.py), thanked, and not asked when no advisor talked."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from bot.feedback import feedback
from bot.handoff import dialogue

pytestmark = pytest.mark.asyncio


def ratings(desk) -> list:
    engine = create_engine(desk.conversations.store.url)
    with engine.connect() as db:
        found = db.execute(select(feedback.c.topic, feedback.c.rating, feedback.c.tenant)).all()
    engine.dispose()
    return [tuple(r) for r in found]


async def talked_and_closed(desk) -> str:
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    assert (await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)).status == 200
    await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Hoi! Waar woon je?"})
    await desk.say(cid, "In Hengelo")
    assert (await desk.api("POST", f"/handoffs/{handoff_id}/close", petra, json={})).status == 200
    return cid


async def test_one_tap_rates_the_advisors_help(desk):
    cid = await talked_and_closed(desk)
    welcome_back, question = (await desk.history(cid))[-2:]
    assert question["text"] == dialogue.RATE_HANDOFF
    assert [b["title"] for b in question["buttons"]] == ["1", "2", "3", "4", "5"]
    assert welcome_back["text"] == dialogue.WELCOME_BACK  # the bot is back as before

    answer = await desk.say(cid, "4", payload='/rate_handoff{"score":4}')
    assert [m["text"] for m in answer["messages"]] == [dialogue.RATED]
    assert answer["mode"] == "bot"
    assert ratings(desk) == [("handoff", 4, "twente")]
    await desk.say(cid, "5", payload='/rate_handoff{"score":5}')  # a second tap replaces it
    assert ratings(desk) == [("handoff", 5, "twente")]


async def test_typing_the_number_is_tapping_it(desk):
    cid = await talked_and_closed(desk)
    answer = await desk.say(cid, "3")
    assert [m["text"] for m in answer["messages"]] == [dialogue.RATED]
    assert ratings(desk) == [("handoff", 3, "twente")]


async def test_no_rating_question_when_no_advisor_talked(desk):
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    await desk.say(cid, "laat maar", payload="/stop")
    assert dialogue.RATE_HANDOFF not in [m["text"] for m in await desk.history(cid)]


async def test_a_rating_nobody_asked_for_goes_to_the_bot(desk):
    cid = await desk.start()
    answer = await desk.say(cid, "5", payload='/rate_handoff{"score":5}')
    assert dialogue.RATED not in [m["text"] for m in answer["messages"]]
    assert ratings(desk) == []
