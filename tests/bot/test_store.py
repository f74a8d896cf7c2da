"""The gateway's storage on both databases it supports: SQLite (default) and PostgreSQL (each
test runs on both: `empty_url`, tests/conftest.py)."""

import pytest
from sqlalchemy import create_engine, text

from bot.store import Store

pytestmark = pytest.mark.asyncio


async def test_conversations_and_messages_round_trip(empty_url):
    store = Store(empty_url)
    await store.open()
    conversation = await store.create_conversation("twente", "web")
    await store.add_message(conversation.id, "bot", "Welkom!", buttons=[{"title": "Ja", "payload": "/affirm"}])
    await store.add_message(conversation.id, "user", "Ja", payload="/affirm")
    await store.add_message(conversation.id, "bot", None, cards=[{"title": "BIM", "sample": True, "buttons": []}])
    await store.set_mode(conversation.id, "waiting")
    await store.close()

    again = Store(empty_url)  # another process would see the same
    await again.open()
    loaded = await again.get_conversation(conversation.id)
    messages = await again.messages(conversation.id)
    later = await again.messages(conversation.id, after_id=messages[0].id)
    await again.close()
    assert loaded.mode == "waiting" and loaded.tenant == "twente"
    assert [(m.sender, m.text) for m in messages] == [("bot", "Welkom!"), ("user", "Ja"), ("bot", None)]
    assert messages[0].buttons == [{"title": "Ja", "payload": "/affirm"}]
    assert messages[1].payload == "/affirm"
    assert messages[2].cards[0]["title"] == "BIM"
    assert [m.id for m in later] == [m.id for m in messages[1:]]
    assert messages[0].created_at.tzinfo is not None


async def test_unknown_mode_or_sender_is_refused(empty_url):
    store = Store(empty_url)
    await store.open()
    conversation = await store.create_conversation("brabant", "web")
    with pytest.raises(ValueError):
        await store.set_mode(conversation.id, "asleep")
    with pytest.raises(ValueError):
        await store.add_message(conversation.id, "hacker", "hoi")
    assert await store.get_conversation("does-not-exist") is None
    await store.close()


async def test_a_database_of_an_older_version_gets_the_new_columns(empty_url):
    """gw_wa_inbox got user_key (forget me deletes a user's inbox rows): a gateway started on
    a database made before that adds it instead of failing on the first WhatsApp message.
    (The WhatsApp tables are in the schema without importing them here: database/tables.py.)"""
    engine = create_engine(empty_url, future=True)
    with engine.begin() as db:  # gw_wa_inbox as the previous version created it
        db.execute(
            text(
                "CREATE TABLE gw_wa_inbox (wamid_hash VARCHAR(64) PRIMARY KEY, "
                "received_at TIMESTAMP NOT NULL, claimed_at TIMESTAMP, "
                "processed_at TIMESTAMP, event JSON)"
            )
        )
        db.execute(text("INSERT INTO gw_wa_inbox (wamid_hash, received_at) VALUES ('a', CURRENT_TIMESTAMP)"))
    store = Store(empty_url)
    await store.open()
    await store.close()
    with engine.connect() as db:
        rows = db.execute(text("SELECT wamid_hash, user_key FROM gw_wa_inbox")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [("a", None)]  # the old row is kept
