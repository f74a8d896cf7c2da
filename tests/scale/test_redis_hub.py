"""The gateways' event hub over the real Redis (bot/redis_hub.py): what one gateway publishes
reaches the watchers on another, in order; when Redis drops a gateway's subscription it comes
back by itself; without Redis a gateway still serves its own watchers."""

from __future__ import annotations

import asyncio
import contextlib
import uuid

import redis

from bot.redis_hub import RedisHub
from tests.scale.conftest import REDIS_URL
from tests.support.network import free_port


@contextlib.asynccontextmanager
async def running(hub: RedisHub):
    lifecycle = hub.lifecycle(None)
    await lifecycle.__anext__()
    try:
        yield hub
    finally:
        with contextlib.suppress(StopAsyncIteration):
            await lifecycle.__anext__()


async def received(queue: asyncio.Queue, count: int):
    return [await asyncio.wait_for(queue.get(), 5) for _ in range(count)]


def two_gateways():
    prefix = f"test-{uuid.uuid4().hex[:8]}:hub:"  # channels are shared by all Redis databases
    return (RedisHub(REDIS_URL, prefix, name=f"{prefix}a"), RedisHub(REDIS_URL, prefix, name=f"{prefix}b"))


def test_events_reach_the_other_gateway_in_order():
    async def scenario():
        a, b = two_gateways()
        async with running(a), running(b):
            user_on_b, console_on_a = b.subscribe("cid1"), a.subscribe("advisors:twente")
            other = b.subscribe("cid2")
            for number in range(50):
                await a.publish("cid1", {"type": "message", "n": number, "text": "één"})
            await b.publish("advisors:twente", {"type": "queued", "handoff_id": 7})
            assert [e["n"] for e in await received(user_on_b, 50)] == list(range(50))
            assert await received(console_on_a, 1) == [{"type": "queued", "handoff_id": 7}]
            assert other.empty()  # another conversation's watcher hears nothing
            b.unsubscribe("cid1", user_on_b)
            await a.publish("cid1", {"type": "typing"})
            await asyncio.sleep(0.2)
            assert user_on_b.empty()

    asyncio.run(scenario())


def test_a_dropped_subscription_comes_back():
    async def scenario():
        a, b = two_gateways()
        async with running(a), running(b):
            queue = b.subscribe("cid")
            admin = redis.Redis.from_url(REDIS_URL)
            killed = admin.client_kill_filter(
                _id=next(c["id"] for c in admin.client_list() if c["name"] == b.name and c["psub"] != "0")
            )
            assert killed == 1
            for _ in range(100):  # reconnects with back-off (first retry after 0.5 s)
                await a.publish("cid", {"type": "ping"})
                if not queue.empty():
                    break
                await asyncio.sleep(0.1)
            assert b.listening
            await a.publish("cid", {"type": "message", "n": 1})
            event = await asyncio.wait_for(queue.get(), 5)
            while event["type"] == "ping":  # late pings from the loop above
                event = await asyncio.wait_for(queue.get(), 5)
            assert event == {"type": "message", "n": 1}

    asyncio.run(scenario())


def test_without_redis_a_gateway_still_serves_its_own_watchers():
    async def scenario():
        hub = RedisHub(f"redis://127.0.0.1:{free_port()}/6", name="nobody-listens", first_connect_seconds=0.5)
        async with running(hub):
            queue = hub.subscribe("cid")
            await hub.publish("cid", {"type": "message", "n": 1})  # logged, not raised
            assert not hub.listening
            assert await received(queue, 1) == [{"type": "message", "n": 1}]

    asyncio.run(scenario())
