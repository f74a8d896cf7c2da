"""A message Meta delivers more than once (slow acknowledgement, retries, two gateway
instances) is answered exactly once; a gateway that stopped mid-way picks its work up again."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest

from tests.support.whatsapp import (
    USER,
    delivery,
    new_wamid,
    signed_headers,
)

pytestmark = pytest.mark.asyncio


async def user_messages(wa):
    return [m for m in await wa.transcript() if m.sender == "user"]


async def test_redelivered_message_is_answered_once(wa):
    payload = delivery("text", TEXT="Welke cursus past bij mij?")
    for _ in range(3):
        response = await wa.post(payload)
        assert response.status == 200
        await wa.settle()
    assert len(await user_messages(wa)) == 1
    assert len(wa.phone()) == 1


async def test_concurrent_duplicate_deliveries_are_answered_once(wa):
    payload = delivery("text", TEXT="Welke cursus past bij mij?")
    responses = await asyncio.gather(*(wa.post(payload) for _ in range(8)))
    assert all(r.status == 200 for r in responses)
    await wa.settle()
    assert len(await user_messages(wa)) == 1
    assert len(wa.phone()) == 1


async def test_duplicate_across_two_gateway_instances_is_answered_once(make_whatsapp):
    first, second = await make_whatsapp(), await make_whatsapp()  # one shared database
    payload = delivery("text", TEXT="Welke cursus past bij mij?")
    await asyncio.gather(first.post(payload), second.post(payload), first.post(payload))
    await first.settle()
    await second.settle()
    assert len(await user_messages(first)) == 1
    assert len(first.phone()) == 1


async def test_new_messages_after_a_duplicate_are_still_answered(wa):
    repeated = delivery("text", TEXT="Eerste vraag")
    await wa.post(repeated)
    await wa.settle()
    await wa.post(repeated)
    await wa.say("Tweede vraag")
    assert [m.text for m in await user_messages(wa)] == ["Eerste vraag", "Tweede vraag"]
    assert len(wa.phone()) == 2


async def test_messages_keep_their_order_per_user(wa):
    texts = [f"vraag {n}" for n in range(1, 7)]
    for text in texts:  # acknowledged one after another, handled in the background
        response = await wa.post(delivery("text", TEXT=text))
        assert response.status == 200
    await wa.settle()
    assert [m.text for m in await user_messages(wa)] == texts


async def test_seen_ids_expire(wa):
    payload = delivery("text", TEXT="Hallo")
    await wa.post(payload)
    await wa.settle()
    later = wa.channel.clock() + timedelta(days=8)
    assert await wa.channel.store.purge(later, wa.channel.settings.dedup_days) >= 1
    # After expiry the id is forgotten; within the expiry a redelivery stays ignored (above).
    assert await wa.channel.store.accept(wa.channel.parse(payload).messages, later)


async def test_a_replay_older_than_the_dedup_window_is_acknowledged_but_not_answered(wa):
    """After WHATSAPP_DEDUP_DAYS (7) a message id is forgotten; a signed delivery replayed
    later must not be answered again."""
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    response = await wa.post(delivery("text", TEXT="Welke cursus past bij mij?", NOW=str(eight_days_ago)))
    await wa.settle()
    assert response.status == 200  # Meta gets its acknowledgement and stops retrying
    assert wa.phone() == [] and await wa.conversation() is None
    six_days_ago = int(time.time()) - 6 * 24 * 3600  # late, but within the window: handled
    await wa.deliver("text", TEXT="Welke cursus past bij mij?", NOW=str(six_days_ago))
    assert [m.text for m in await user_messages(wa)] == ["Welke cursus past bij mij?"]


async def test_message_accepted_before_a_stop_is_answered_after_the_restart(make_whatsapp):
    first = await make_whatsapp()
    # The first gateway recorded the message, acknowledged it and stopped before handling it.
    payload = delivery("text", TEXT="Ben ik nog welkom?", WAMID1=new_wamid())
    stopped_at = first.channel.clock() - timedelta(minutes=10)
    await first.channel.store.accept(first.channel.parse(payload).messages, stopped_at)
    second = await make_whatsapp()  # its housekeeping finds the left-over message at start
    for _ in range(100):
        await second.settle()
        if second.phone():
            break
        await asyncio.sleep(0.05)
    assert [m.text for m in await user_messages(second)] == ["Ben ik nog welkom?"]
    assert len(second.phone()) == 1
    await second.post(payload)  # and Meta's late retry of it is still a duplicate
    await second.settle()
    assert len(second.phone()) == 1


async def test_acknowledgement_does_not_wait_for_the_answer(wa):
    """The webhook answers before the bot (here: the fake Graph API) is done: the reply is sent
    after the 200."""
    gate = asyncio.Event()
    original = wa.channel.graph.send

    async def slow_send(to, message):
        await gate.wait()
        return await original(to, message)

    wa.channel.graph.send = slow_send
    raw = json.dumps(delivery("text", TEXT="Hallo")).encode()
    response = await wa.client.post("/webhooks/whatsapp", data=raw, headers=signed_headers(raw))
    assert response.status == 200
    assert wa.phone() == []  # acknowledged while the answer is still on its way
    gate.set()
    await wa.settle()
    assert len(wa.phone(USER)) == 1


async def test_duplicates_and_order_on_both_databases(make_whatsapp, database_env):
    first, second = await make_whatsapp(**database_env), await make_whatsapp(**database_env)
    payloads = [delivery("text", TEXT=f"vraag {n}") for n in range(4)]
    for payload in payloads:
        await asyncio.gather(first.post(payload), second.post(payload), first.post(payload))
        await first.settle()
        await second.settle()
    assert [m.text for m in await user_messages(first)] == [f"vraag {n}" for n in range(4)]
    assert len(first.phone()) == 4
