"""What the WhatsApp channel keeps and logs of a user: no phone number or message id where a
pseudonym will do (docs/PRIVACY.md, "WhatsApp inbox")."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text, update

from bot.channels.whatsapp.signature import user_key
from bot.channels.whatsapp.tables import inbox
from bot.replies import BotRequest
from tests.support.whatsapp import OTHER_USER, SECRET, USER, delivery

pytestmark = pytest.mark.asyncio


async def test_a_delivery_that_cannot_be_stored_is_logged_without_number_or_message_id(wa, caplog):
    with wa.channel.store.engine.begin() as db:  # the inbox is gone: storing fails
        db.execute(text("DROP TABLE gw_wa_inbox"))
    payload = delivery("text", TEXT="Hallo")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    with caplog.at_level(logging.INFO):
        response = await wa.post(payload)
    assert response.status == 503  # Meta delivers it again later
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "no such table: gw_wa_inbox" in logged  # the operator still sees what failed
    assert USER not in logged
    assert wamid.split(".", 1)[1] not in logged


def inbox_rows(wa):
    with wa.channel.store.engine.connect() as db:
        return [dict(r._mapping) for r in db.execute(select(inbox))]


async def test_the_inbox_keeps_no_message_id_and_a_known_users_number_not_at_all(wa):
    await wa.say("Hallo")  # the user has a contact now (the one place for the number)
    wa.channel._spawn = lambda coroutine: coroutine.close()  # the gateway stops before handling
    payload = delivery("text", TEXT="Bel me op 06 12345678")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    assert (await wa.post(payload)).status == 200
    stored = json.dumps([row["event"] for row in inbox_rows(wa)])
    assert USER not in stored and wamid not in stored
    assert "06 12345678" not in stored and "[TELEFOON]" in stored
    assert {row["user_key"] for row in inbox_rows(wa)} == {user_key(SECRET, USER)}


async def test_a_message_left_in_the_inbox_is_still_answered_after_a_restart(make_whatsapp):
    """The first message of a new user keeps the number until handled: the contact needs it."""
    first = await make_whatsapp()
    first.channel._spawn = lambda coroutine: coroutine.close()  # stops before handling
    assert (await first.post(delivery("text", TEXT="Hallo", FROM=OTHER_USER))).status == 200
    with first.channel.store.engine.begin() as db:
        db.execute(update(inbox).values(claimed_at=datetime.utcnow() - timedelta(minutes=10)))
    second = await make_whatsapp()  # its housekeeping recovers the message at start
    for _ in range(100):
        await second.settle()
        if second.phone(OTHER_USER):
            break
        await asyncio.sleep(0.05)
    assert len(second.phone(OTHER_USER)) == 1
    assert all(row["event"] is None for row in inbox_rows(second))


async def test_forget_me_deletes_the_users_inbox_rows(wa):
    await wa.say("Hallo")
    await wa.say("Nog een vraag")
    assert len(inbox_rows(wa)) == 2
    conversation = await wa.conversation()
    await wa.channel.conversations.confirmed_request_handlers["forget_me"](
        conversation, BotRequest("forget_me", {}), []
    )
    assert inbox_rows(wa) == []
