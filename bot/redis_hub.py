"""The hub over Redis pub/sub, for several gateway instances (HUB_REDIS_URL; README "Scale-out").

Same interface as bot.hub.Hub. `publish` sends the event to Redis on the channel
<prefix><key>; every gateway holds one pattern subscription (PSUBSCRIBE <prefix>*) and hands
what arrives to its own watchers. So an advisor's reply sent on gateway A reaches the user's
websocket on gateway B, and a user's message on B reaches the console on A.

Why one pattern subscription instead of SUBSCRIBE per conversation: `subscribe` stays
synchronous and is live the moment it returns (the websocket reads the history right after
it; nothing may fall in between). The cost is that each gateway sees every event and drops
those nobody watches locally before decoding them; fine for a handful of gateways.

Redis going away: publishing falls back to this gateway's own watchers (logged), and the
listener reconnects with back-off. Events of other gateways in that gap are not pushed live;
they are in the database, and clients see them in the history when they reconnect.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import AsyncIterator, Optional

import redis.asyncio as redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisError

from bot.hub import Hub

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "leerwijzer:hub:"
FIRST_CONNECT_SECONDS = 5.0  # start-up waits this long for Redis, then goes on without it
MAX_BACKOFF_SECONDS = 10.0


class RedisHub(Hub):
    def __init__(
        self,
        url: str,
        prefix: str = DEFAULT_PREFIX,
        name: str = "leerwijzer-hub",
        first_connect_seconds: float = FIRST_CONNECT_SECONDS,
    ) -> None:
        super().__init__()
        self.url = url
        self.prefix = prefix
        self.name = name  # shown by Redis' CLIENT LIST
        self.first_connect_seconds = first_connect_seconds
        self._redis: Optional[redis.Redis] = None
        self._listening = asyncio.Event()  # set while the pattern subscription is live

    @property
    def listening(self) -> bool:
        return self._listening.is_set()

    async def lifecycle(self, _app) -> AsyncIterator[None]:
        # socket_timeout: a hanging Redis must not hold a user's answer for long. One retry
        # on a broken connection: after a Redis restart the pooled connections are stale.
        self._redis = redis.Redis.from_url(
            self.url,
            client_name=self.name,
            socket_connect_timeout=2,
            socket_timeout=2,
            health_check_interval=15,
            retry=Retry(NoBackoff(), 1),
            retry_on_error=[RedisConnectionError],
        )
        listener = asyncio.get_running_loop().create_task(self._listen())
        try:
            await asyncio.wait_for(self._listening.wait(), self.first_connect_seconds)
        except asyncio.TimeoutError:
            log.warning("event hub: Redis not reachable yet; events stay on this gateway until it is")
        yield
        listener.cancel()
        await asyncio.gather(listener, return_exceptions=True)
        await self._redis.close()

    async def publish(self, conversation_id: str, event: dict) -> None:
        published = False
        try:
            await self._redis.publish(self.prefix + conversation_id, json.dumps(event, ensure_ascii=False))
            published = True
        except (RedisError, OSError) as error:
            log.warning(
                "event hub: publishing to Redis failed (%s); only this gateway's watchers get the event",
                type(error).__name__,
            )
        # Our own watchers hear the event back through the subscription; without one (Redis
        # was away) they get it directly.
        if not (published and self.listening):
            self.deliver(conversation_id, event)

    async def _listen(self) -> None:
        """Keep the pattern subscription, reconnecting with back-off; deliver what arrives."""
        backoff = 0.5
        while True:
            pubsub = self._redis.pubsub()
            try:
                await pubsub.psubscribe(self.prefix + "*")
                while True:
                    # A timeout (not a blocking read) lets the health check ping a quiet link.
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        continue
                    if message["type"] == "psubscribe":
                        self._listening.set()
                        backoff = 0.5
                        log.info("event hub: listening on Redis")
                    elif message["type"] == "pmessage":
                        self._on_message(message["channel"], message["data"])
            except asyncio.CancelledError:
                raise
            except (RedisError, OSError) as error:
                if self.listening:
                    log.warning("event hub: lost Redis (%s); reconnecting", type(error).__name__)
                self._listening.clear()
            finally:
                self._listening.clear()
                try:
                    await pubsub.reset()
                except Exception:  # the connection may already be gone
                    pass
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)

    def _on_message(self, channel: bytes, data: bytes) -> None:
        key = channel.decode("utf-8")[len(self.prefix) :]
        if not self.watchers(key):
            return  # nobody here watches this conversation (most events, with many gateways)
        try:
            event = json.loads(data)
        except ValueError:
            log.warning("event hub: dropped an event that is not JSON")
            return
        self.deliver(key, event)
