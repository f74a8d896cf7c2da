"""Rasa's lock on a conversation in the real Redis (scaleout/lock_store.py): turns of one
conversation on two Rasa servers wait for each other, and a turn behind a server that died
mid-turn goes on once the dead server's ticket expires (Rasa 3.6's own store waits for ever)."""

import asyncio
import time
import uuid

from rasa.utils.endpoints import EndpointConfig

from scaleout.lock_store import RedisLockStore
from tests.scale.conftest import REDIS_URL

DB = int(REDIS_URL.rsplit("/", 1)[1])


def two_servers():
    config = EndpointConfig(url="127.0.0.1", port=6379, db=DB, key_prefix="locktest")
    return RedisLockStore(config), RedisLockStore(config)


def test_turns_of_one_conversation_on_two_servers_wait_for_each_other():
    first, second = two_servers()
    cid, order = uuid.uuid4().hex, []

    async def turn(store, name, seconds):
        async with store.lock(cid, lock_lifetime=10, wait_time_in_seconds=0.05):
            order.append(f"{name} starts")
            await asyncio.sleep(seconds)
            order.append(f"{name} ends")

    async def scenario():
        await asyncio.gather(turn(first, "a", 0.5), turn(second, "b", 0))

    asyncio.run(scenario())
    assert order == ["a starts", "a ends", "b starts", "b ends"]
    assert first.get_lock(cid) is None  # nothing left behind in Redis


def test_a_turn_behind_a_dead_server_goes_on_after_the_lifetime():
    dead, alive = two_servers()
    cid = uuid.uuid4().hex
    dead.issue_ticket(cid, lock_lifetime=1)  # the server died while holding the lock

    async def scenario():
        started = time.monotonic()
        async with alive.lock(cid, lock_lifetime=1, wait_time_in_seconds=0.2):
            return time.monotonic() - started

    waited = asyncio.run(asyncio.wait_for(scenario(), 10))
    assert 0.8 <= waited < 3
