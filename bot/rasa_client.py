"""Talks to the Rasa server's REST channel (localhost only)."""
from __future__ import annotations

import asyncio
import logging
import time
from typing import List, Optional

import aiohttp

from bot.timing import spent

log = logging.getLogger(__name__)


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float):
        self.session: Optional[aiohttp.ClientSession] = None  # opened by the app (cleanup context)
        self.webhook = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        self.timeout = aiohttp.ClientTimeout(total=timeout)

    async def send(self, sender: str, message: str, metadata: Optional[dict] = None) -> List[dict]:
        """Send one user message; return Rasa's responses (dicts with text/buttons/custom)."""
        if self.session is None:
            raise RasaUnavailable("the gateway has no HTTP client session (app not started)")
        body = {"sender": sender, "message": message, "metadata": metadata or {}}
        started = time.perf_counter()
        try:
            async with self.session.post(self.webhook, json=body, timeout=self.timeout) as resp:
                if resp.status != 200:
                    raise RasaUnavailable(f"Rasa answered HTTP {resp.status}")
                responses = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            raise RasaUnavailable(f"{type(error).__name__}: {error}") from error
        finally:  # the gateway's own time per turn is what is left (bot/timing.py)
            spent("rasa", time.perf_counter() - started)
        if not isinstance(responses, list):
            raise RasaUnavailable("Rasa answered something other than a list")
        return [r for r in responses if isinstance(r, dict)]
