"""Users rate the bot's answers (bot/feedback.py): thumbs up/down on answers with substance
(module cards; funding and FAQ answers the actions mark), a "Wat miste je?" comment stored
masked, a WhatsApp 👍/👎 reaction, and all of it deleted with the conversation."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, select

from bot.feedback import feedback
from bot.replies import from_rasa
from tests.support.whatsapp import empty_tracker_store, shown_text

pytestmark = pytest.mark.asyncio

CARD = {"module_id": "m1", "title": "Warmtepompen installeren", "provider": "Da Vinci College"}
FUNDING_ANSWER = [
    {"text": "Wie kan je opleiding betalen? Het STAP-budget is gestopt; het Levenlanglerenkrediet kan."},
    {"custom": {"type": "rateable", "topic": "funding"}},
    {"text": "Hoe oud ben je?", "buttons": [{"title": "Onder de 30", "payload": "/inform"}]},
]


def test_rasa_marks_which_answer_may_be_rated():
    outgoing, requests = from_rasa(FUNDING_ANSWER)
    assert [m.feedback_topic for m in outgoing] == ["funding", None]  # the answer, not the question
    assert requests == []
    cards, _ = from_rasa([{"custom": {"type": "module_cards", "text": "Dit vond ik:", "cards": [CARD]}}])
    assert cards[0].feedback_topic == "modules"
    plain, _ = from_rasa([{"text": "Hallo! Waar kan ik je mee helpen?"}])
    assert plain[0].feedback_topic is None
    nothing_before, _ = from_rasa([{"custom": {"type": "rateable", "topic": "faq/stap"}}])
    assert nothing_before == []


async def start(client, tenant="brabant") -> str:
    response = await client.post("/api/v1/conversations", json={"tenant": tenant})
    return (await response.json())["conversation_id"]


async def say(client, cid, text) -> list:
    response = await client.post(f"/api/v1/conversations/{cid}/messages", json={"text": text})
    assert response.status == 200, await response.text()
    return (await response.json())["messages"]


async def rate(client, cid, message_id, rating, comment=None):
    body = {"message_id": message_id, "rating": rating, **({"comment": comment} if comment is not None else {})}
    return await client.post(f"/api/v1/conversations/{cid}/feedback", json=body)


def rows(database_url: str) -> list:
    engine = create_engine(database_url)
    with engine.connect() as db:
        found = db.execute(select(feedback).order_by(feedback.c.id)).all()
    engine.dispose()
    return found


@pytest.fixture
def gateway(make_config, make_client, fake_rasa, tmp_path):
    async def _make():
        fake_rasa.answers["wie betaalt dat"] = FUNDING_ANSWER
        fake_rasa.answers["cursus warmtepomp"] = [
            {"custom": {"type": "module_cards", "text": "Dit vond ik:", "cards": [CARD]}}
        ]
        # a Rasa tracker store: deleting a conversation deletes there too
        config = make_config(RASA_URL=fake_rasa.url, TRACKER_STORE_URL=empty_tracker_store(tmp_path / "tracker.db"))
        return await make_client(config), config.database_url

    return _make


async def test_thumbs_down_with_what_was_missing(gateway):
    client, database = await gateway()
    cid = await start(client)
    answer, question = await say(client, cid, "wie betaalt dat")
    assert answer["rateable"] is True and question["rateable"] is False

    down = await rate(client, cid, answer["id"], "down")
    assert down.status == 200
    assert await down.json() == {"message_id": answer["id"], "rating": "down", "comment_saved": False}
    missing = "Ik wil weten of mijn werkgever meebetaalt, bel me op 0612345678"
    commented = await rate(client, cid, answer["id"], "down", missing)
    assert (await commented.json())["comment_saved"] is True

    [row] = rows(database)  # one rating per answer: the second post completed the first
    assert (row.rating, row.topic, row.tenant, row.channel) == (-1, "funding", "brabant", "web")
    assert row.comment.startswith("Ik wil weten of mijn werkgever meebetaalt")
    assert "0612345678" not in row.comment  # masked like every stored text

    history = await client.get(f"/api/v1/conversations/{cid}/messages")
    assert [m["rateable"] for m in (await history.json())["messages"] if m["sender"] == "bot"][-2:] == [True, False]


async def test_changing_your_mind_replaces_the_rating(gateway):
    client, database = await gateway()
    cid = await start(client)
    [cards] = await say(client, cid, "cursus warmtepomp")
    assert cards["rateable"] is True
    assert (await rate(client, cid, cards["id"], "up")).status == 200
    assert (await rate(client, cid, cards["id"], "down")).status == 200
    assert [(r.rating, r.topic) for r in rows(database)] == [(-1, "modules")]


async def test_only_rateable_answers_of_your_own_conversation(gateway):
    client, database = await gateway()
    cid, other = await start(client), await start(client)
    answer, question = await say(client, cid, "wie betaalt dat")
    [mine] = [m for m in await say(client, other, "hallo") if m["sender"] == "bot"]

    refused = await rate(client, cid, question["id"], "up")  # a question, not an answer
    assert refused.status == 404 and (await refused.json())["error"] == "not_rateable"
    assert "niet beoordelen" in (await refused.json())["message"]
    assert (await rate(client, other, answer["id"], "up")).status == 404  # someone else's answer
    assert (await rate(client, other, mine["id"], "up")).status == 404  # plain text
    assert (await rate(client, "x" * 30, answer["id"], "up")).status == 404
    for body in ({"message_id": answer["id"], "rating": "meh"}, {"rating": "up"}, {"message_id": "1", "rating": "up"}):
        bad = await client.post(f"/api/v1/conversations/{cid}/feedback", json=body)
        assert bad.status == 422
    garbage = await client.post(
        f"/api/v1/conversations/{cid}/feedback", data=b"\x00\xff{", headers={"Content-Type": "application/json"}
    )
    assert garbage.status == 400
    assert rows(database) == []


async def test_feedback_goes_with_the_conversation(gateway):
    client, database = await gateway()
    cid = await start(client)
    answer, _ = await say(client, cid, "wie betaalt dat")
    await rate(client, cid, answer["id"], "down", "Te lang")
    assert len(rows(database)) == 1
    deleted = await client.delete(f"/api/v1/conversations/{cid}")
    assert deleted.status == 200
    assert rows(database) == []


async def test_a_thumbs_reaction_on_whatsapp_is_feedback(make_whatsapp, fake_rasa):
    fake_rasa.answers["wie betaalt dat"] = FUNDING_ANSWER
    wa = await make_whatsapp(RASA_URL=fake_rasa.url)
    await wa.say("wie betaalt dat")
    answer = [r for r in wa.graph.attempts() if r.ok and "STAP" in shown_text(r.body)][0]
    question = [r for r in wa.graph.attempts() if r.ok and "Hoe oud" in shown_text(r.body)][0]
    sent_before = len(wa.phone())

    await wa.deliver("reaction", REACTED_TO=answer.wamid, EMOJI="\U0001f44e\U0001f3fd")  # 👎🏽
    await wa.deliver("reaction", REACTED_TO=question.wamid, EMOJI="\U0001f44d")  # not an answer
    await wa.deliver("reaction", REACTED_TO=answer.wamid, EMOJI="\u2764\ufe0f")  # a heart: no rating

    assert len(wa.phone()) == sent_before  # a reaction is not answered
    found = rows(wa.channel.conversations.store.url)
    assert [(r.rating, r.topic, r.channel) for r in found] == [(-1, "funding", "whatsapp")]
