"""Rasa's Redis lock store with one fix, for several Rasa servers (endpoints-scaled.yml).

Rasa 3.6 orders the turns of a conversation with tickets in Redis, each valid for
TICKET_LOCK_LIFETIME seconds (a server that dies leaves its ticket behind until then). A
waiting turn checks once a second whether its ticket is first in line. When the ticket ahead
of it and its own ticket expire within the same second, which is what happens to the turn
right after one that died with its Rasa server, Rasa's check compares with "no ticket" and
waits for ever (until the gateway gives up after RASA_TIMEOUT). Here a waiting turn goes as
soon as no live ticket is ahead of it.
"""

from __future__ import annotations

import asyncio

from rasa.core.lock import TicketLock
from rasa.core.lock_store import RedisLockStore as RasaRedisLockStore
from rasa.utils.endpoints import EndpointConfig


class RedisLockStore(RasaRedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # The same settings as Rasa's `type: redis` (url = host, port, db, key_prefix, ...).
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if lock is None:  # every ticket expired and the lock was cleaned up
                return self.create_lock(conversation_id)
            ahead = [t for t in lock.tickets if t.number < ticket and not t.has_expired()]
            if not ahead:
                return lock
            await asyncio.sleep(wait_time_in_seconds)
            self.update_lock(conversation_id)
