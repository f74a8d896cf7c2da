"""Forgetting a conversation: `DELETE /api/v1/conversations/{id}` and the bot's forget_me,
checked by looking in the gateway's database and in Rasa's tracker store afterwards.
(The whole dialogue with the real bot: test_privacy_with_rasa.py.)"""

import time

import pytest
from sqlalchemy import create_engine, insert

from bot.channels.whatsapp.tables import contacts
from bot.handoff.tables import handoffs, notes
from bot.http import CONVERSATIONS
from bot.replies import BotRequest
from bot.schemas import validator
from bot.store import conversations, messages
from tests.privacy.helpers import add_handoff, count_rows, say, start

pytestmark = pytest.mark.asyncio


async def test_delete_call_removes_history_handoff_and_rasa_tracker(make_gateway, privacy_env, rasa_tracker):
    env = privacy_env()
    client = await make_gateway(env)
    cid, other = await start(client), await start(client)
    await say(client, cid, "Ik ben 45 en woon in Enschede")
    await say(client, other, "Hallo")
    await rasa_tracker.save(cid, [time.time()])
    await rasa_tracker.save(other, [time.time()])
    add_handoff(env["DATABASE_URL"], cid)

    response = await client.delete(f"/api/v1/conversations/{cid}")
    body = await response.json()
    assert response.status == 200
    assert body["deleted"] is True and "gewist" in body["message"]
    assert not list(validator("Deleted").iter_errors(body))  # as documented in openapi.yaml

    db = env["DATABASE_URL"]
    assert count_rows(db, messages, conversation_id=cid) == 0
    assert count_rows(db, conversations, id=cid) == 0
    assert count_rows(db, handoffs, conversation_id=cid) == 0
    assert count_rows(db, notes) == 0
    assert rasa_tracker.events(cid) == 0
    # the other conversation is untouched
    assert count_rows(db, messages, conversation_id=other) >= 2
    assert rasa_tracker.events(other) == 2
    gone = await client.get(f"/api/v1/conversations/{cid}/messages")
    assert gone.status == 404
    again = await client.delete(f"/api/v1/conversations/{cid}")
    assert again.status == 404 and (await again.json())["error"] == "conversation_not_found"


async def test_delete_from_a_foreign_site_is_refused_and_deletes_nothing(make_gateway, privacy_env, rasa_tracker):
    env = privacy_env()
    client = await make_gateway(env)
    cid = await start(client)
    await rasa_tracker.save(cid, [time.time()])
    response = await client.delete(f"/api/v1/conversations/{cid}", headers={"Origin": "https://evil.example"})
    assert response.status == 403
    assert count_rows(env["DATABASE_URL"], conversations, id=cid) == 1
    assert rasa_tracker.events(cid) == 2


async def test_a_browser_may_send_delete_from_the_tenants_site(make_gateway, privacy_env):
    client = await make_gateway(privacy_env(TENANT_TWENTE_ORIGINS="https://twente.example"))
    response = await client.options(
        "/api/v1/conversations/abc",
        headers={"Origin": "https://twente.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert response.status == 204
    assert "DELETE" in response.headers["Access-Control-Allow-Methods"]


CONFIRMATION = "Klaar: ik ben vergeten wat je me in dit gesprek over jezelf vertelde."


def answer_forget_me(fake_rasa):
    """The bot's answer to "vergeet mij" (actions/privacy.py): its confirmation and the request."""
    fake_rasa.answers["vergeet mij"] = [{"text": CONFIRMATION}, {"custom": {"type": "forget_me"}}]


async def test_forget_me_on_the_web_keeps_only_the_confirmation(make_gateway, privacy_env, rasa_tracker, fake_rasa):
    env = privacy_env(RASA_URL=fake_rasa.url)
    answer_forget_me(fake_rasa)
    client = await make_gateway(env)
    cid = await start(client)
    await say(client, cid, "Mijn telefoon is 06 12345678, ik ben 45")
    await rasa_tracker.save(cid, [time.time()])
    add_handoff(env["DATABASE_URL"], cid)

    answer = await say(client, cid, "vergeet mij")

    assert [m["text"] for m in answer["messages"]] == [CONFIRMATION]
    history = await client.get(f"/api/v1/conversations/{cid}/messages")
    assert [m["text"] for m in (await history.json())["messages"]] == [CONFIRMATION]
    assert rasa_tracker.events(cid) == 0
    assert count_rows(env["DATABASE_URL"], handoffs, conversation_id=cid) == 0
    # the conversation goes on with the same id
    answer = await say(client, cid, "Ik zoek een cursus")
    assert answer["messages"], "the gateway answered"


async def test_forget_me_without_the_tracker_store_says_it_did_not_work(
    make_gateway, privacy_env, fake_rasa, tmp_path, caplog
):
    """TRACKER_STORE_URL points elsewhere than Rasa's store: nothing may be confirmed."""
    env = privacy_env(RASA_URL=fake_rasa.url, TRACKER_STORE_URL=f"sqlite:///{tmp_path / 'not-rasas-store.db'}")
    answer_forget_me(fake_rasa)
    client = await make_gateway(env)
    cid = await start(client)
    await say(client, cid, "Ik ben 45 en woon in Enschede")

    answer = await say(client, cid, "vergeet mij")

    texts = [m["text"] for m in answer["messages"]]
    assert CONFIRMATION not in texts
    assert len(texts) == 1 and "niet gelukt" in texts[0] and "opnieuw" in texts[0]
    assert "no Rasa tracker store" in caplog.text  # the operator sees why
    history = await client.get(f"/api/v1/conversations/{cid}/messages")
    assert "Ik ben 45 en woon in Enschede" in [m["text"] for m in (await history.json())["messages"]]

    response = await client.delete(f"/api/v1/conversations/{cid}")
    body = await response.json()
    assert response.status == 503 and body["error"] == "not_deleted"
    assert "niet gelukt" in body["message"]
    assert count_rows(env["DATABASE_URL"], conversations, id=cid) == 1


async def test_forget_me_on_whatsapp_deletes_the_phone_number_too(make_gateway, privacy_env, rasa_tracker):
    from datetime import datetime

    env = privacy_env()
    client = await make_gateway(env)
    core = client.app[CONVERSATIONS]
    conversation = await core.store.create_conversation("twente", "whatsapp", external_id="k" * 64)
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as db:
        db.execute(
            insert(contacts).values(
                user_key="k" * 64, conversation_id=conversation.id, wa_id="31612345678", created_at=datetime.utcnow()
            )
        )
    engine.dispose()
    await core.store.add_message(conversation.id, "user", "vergeet mij")
    await rasa_tracker.save(conversation.id, [time.time()])

    await core.confirmed_request_handlers["forget_me"](conversation, BotRequest("forget_me", {}), [])

    assert count_rows(env["DATABASE_URL"], contacts, conversation_id=conversation.id) == 0
    assert count_rows(env["DATABASE_URL"], conversations, id=conversation.id) == 0
    assert rasa_tracker.events(conversation.id) == 0
