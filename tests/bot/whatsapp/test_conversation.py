"""A WhatsApp user's conversation in the gateway: media, bad input, privacy, statuses, and the
handoff path (advisor messages delivered through the core reach the phone)."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from bot.channels.whatsapp.channel import MEDIA_TEXT
from bot.channels.whatsapp.tables import contacts, inbox, sent
from bot.conversations import RASA_DOWN_TEXT
from bot.replies import BotRequest, Outgoing
from tests.support.whatsapp import USER, shown_text

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    "fixture,label", [("image", "foto"), ("audio", "spraakbericht"), ("location", "bericht dat geen tekst is")]
)
async def test_media_gets_a_polite_text_only_answer_and_does_not_reach_the_bot(wa, fixture, label):
    await wa.deliver(fixture)
    assert [shown_text(m) for m in wa.phone()] == [MEDIA_TEXT]
    assert "alleen tekst" in MEDIA_TEXT
    transcript = [(m.sender, m.text) for m in await wa.transcript()]
    assert transcript == [("user", f"[{label}]"), ("system", MEDIA_TEXT)]  # no Rasa round trip


async def test_a_reaction_is_not_answered(wa):
    await wa.deliver("reaction")
    assert wa.phone() == [] and await wa.conversation() is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("", "Je bericht is leeg"),
        ("\u0000\u0007 ", "Je bericht is leeg"),
        ("a" * 3000, "Je bericht is te lang"),
    ],
)
async def test_bad_text_gets_a_clear_answer_and_the_conversation_goes_on(wa, text, expected):
    await wa.say(text)
    assert expected in shown_text(wa.phone()[-1])
    await wa.say("Welke cursussen zijn er?")
    assert shown_text(wa.phone()[-1]) == RASA_DOWN_TEXT  # answered by the bot path again
    assert [m.text for m in await wa.transcript() if m.sender == "user"] == ["Welke cursussen zijn er?"]


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "🙂🙂🙂", "/restart", "' OR 1=1 --"])
async def test_odd_but_valid_text_reaches_the_bot_as_text(wa, text):
    await wa.say(text)
    assert [m.text for m in await wa.transcript() if m.sender == "user"] == [text]
    assert shown_text(wa.phone()[-1]) == RASA_DOWN_TEXT


async def test_too_many_messages_get_one_slow_down_notice(make_whatsapp):
    wa = await make_whatsapp(GATEWAY_RATE_CONVERSATION="3/60")
    for n in range(6):
        await wa.say(f"vraag {n}")
    texts = [shown_text(m) for m in wa.phone()]
    assert texts.count(RASA_DOWN_TEXT) == 3
    assert len([t for t in texts if "veel berichten" in t]) == 1


async def test_the_phone_number_is_kept_in_one_place_only(wa, caplog):
    caplog.set_level(logging.DEBUG)
    await wa.say("Hallo, bel me op 0612345678")
    conversation = await wa.conversation()
    assert USER not in conversation.id and USER not in (conversation.external_id or "")
    engine = wa.channel.store.engine
    with engine.connect() as db:
        assert [r.wa_id for r in db.execute(contacts.select())] == [USER]  # for sending
        for table in (inbox, sent):
            assert USER not in str(db.execute(table.select()).all())
        assert USER not in str(db.execute(text("select * from gw_conversations")).all())
    assert USER not in caplog.text


async def test_status_updates_are_followed_and_a_failure_is_shown_to_the_advisor(wa):
    await wa.say("Hallo")
    wamid = [r.wamid for r in wa.graph.received if r.wamid][-1]
    await wa.deliver("statuses", STATUS_ID=wamid)  # sent, read, late "delivered"
    with wa.channel.store.engine.connect() as db:
        assert [r.status for r in db.execute(sent.select())] == ["read"]
    await wa.deliver(
        "status_failed",
        STATUS_ID=wamid,
        ERROR_CODE=131026,
        ERROR_TITLE="Message undeliverable",
        ERROR_DETAILS="Unable to deliver message.",
    )
    notes = [m.text for m in await wa.transcript() if m.sender == "system"]
    assert "foutcode 131026" in notes[-1]
    assert len(wa.phone()) == 1  # statuses are never answered


# -- handoff: whatever the core delivers reaches the phone -----------------------------------


async def test_advisor_message_through_the_core_reaches_the_phone(wa):
    await wa.say("Ik wil met een adviseur praten")
    conversation = await wa.conversation()
    await wa.channel.conversations.set_mode(conversation, "advisor")
    await wa.channel.conversations.deliver_to_user(
        conversation, Outgoing(sender="advisor", text="Hoi! Ik ben Petra van de Twentse hubs.")
    )
    await wa.settle()
    assert shown_text(wa.phone()[-1]) == "*Adviseur:* Hoi! Ik ben Petra van de Twentse hubs."


async def test_in_advisor_mode_the_users_messages_go_to_the_advisor_not_the_bot(wa):
    await wa.say("Ik wil met een adviseur praten")
    conversation = await wa.conversation()
    relayed = []

    async def relay(conv, message):
        relayed.append((conv.id, message.text))

    wa.channel.conversations.advisor_relay = relay
    await wa.channel.conversations.set_mode(conversation, "advisor")
    answers_before = len(wa.phone())
    await wa.say("Kan ik ook in de avond leren?")
    assert relayed == [(conversation.id, "Kan ik ook in de avond leren?")]
    assert len(wa.phone()) == answers_before  # the bot stays quiet
    typing = [r.body for r in wa.graph.received if r.is_read_receipt]
    assert "typing_indicator" not in typing[-1]  # no "typing..." while a human is in charge
    assert "typing_indicator" in typing[0]  # the bot did show it


async def test_advisor_buttons_work_like_the_bots(wa):
    await wa.say("Hallo")
    conversation = await wa.conversation()
    await wa.channel.conversations.deliver_to_user(
        conversation,
        Outgoing(
            sender="advisor",
            text="Zal ik je aanmelden?",
            buttons=[{"title": "Ja graag", "payload": "/affirm"}, {"title": "Nee", "payload": "/deny"}],
        ),
    )
    await wa.settle()
    sent_message = wa.phone()[-1]
    assert sent_message["interactive"]["body"]["text"] == "*Adviseur:* Zal ik je aanmelden?"
    button = sent_message["interactive"]["action"]["buttons"][0]["reply"]
    await wa.deliver("button_reply", REPLY_ID=button["id"], REPLY_TITLE=button["title"])
    assert [m.payload for m in await wa.transcript() if m.sender == "user"][-1] == "/affirm"


async def test_forget_me_removes_the_phone_number_and_the_next_message_starts_afresh(wa):
    await wa.say("Ik ben 45 en woon in Enschede")
    old = await wa.conversation()
    forget = wa.channel.conversations.confirmed_request_handlers["forget_me"]
    await forget(old, BotRequest("forget_me", {"type": "forget_me"}), [Outgoing(text="Klaar")])
    assert shown_text(wa.phone()[-1]) == "Klaar"  # to the number, after it was deleted
    with wa.channel.store.engine.connect() as db:
        assert db.execute(contacts.select()).all() == []  # the phone number is gone
    assert await wa.channel.conversations.store.get_conversation(old.id) is None

    await wa.say("Hallo")
    new = await wa.conversation()
    assert new is not None and new.id != old.id
    assert [m.text for m in await wa.transcript() if m.sender == "user"] == ["Hallo"]
    assert shown_text(wa.phone()[-1]) == RASA_DOWN_TEXT
