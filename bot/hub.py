"""Live events per conversation (messages, typing, mode changes) for whoever watches it.

In-process fan-out to the user's open websockets (several tabs) and the advisor consoles
(keys "advisors:<tenant>"). bot/redis_hub.py is the same interface over Redis pub/sub, so
several gateway instances share conversations (HUB_REDIS_URL; README "Scale-out").
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from typing import AsyncIterator, Dict, Set

log = logging.getLogger(__name__)

QUEUE_SIZE = 500  # a watcher this far behind reloads the history on reconnect


class Hub:
    def __init__(self) -> None:
        self._watchers: Dict[str, Set[asyncio.Queue]] = defaultdict(set)

    def subscribe(self, conversation_id: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._watchers[conversation_id].add(queue)
        return queue

    def unsubscribe(self, conversation_id: str, queue: asyncio.Queue) -> None:
        watchers = self._watchers.get(conversation_id)
        if watchers is not None:
            watchers.discard(queue)
            if not watchers:
                del self._watchers[conversation_id]

    def watchers(self, conversation_id: str) -> int:
        return len(self._watchers.get(conversation_id, ()))

    async def lifecycle(self, _app) -> AsyncIterator[None]:
        """aiohttp cleanup_ctx: nothing to open in-process (the Redis hub connects here)."""
        yield

    async def publish(self, conversation_id: str, event: dict) -> None:
        self.deliver(conversation_id, event)

    def deliver(self, conversation_id: str, event: dict) -> None:
        """Hand an event to this process's watchers of the key."""
        for queue in list(self._watchers.get(conversation_id, ())):
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:
                log.warning("dropping event for a watcher that is %d events behind", QUEUE_SIZE)
