"""Talks to the Rasa server's REST channel (localhost only)."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import List, Optional, Tuple

import aiohttp

from bot.timing import spent

log = logging.getLogger(__name__)

READY_TIMEOUT = aiohttp.ClientTimeout(total=5)
INTENTS_SECONDS = 600  # a newly loaded model's intents are seen after this long


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    def __init__(self, base_url: str, timeout: float, token: str = ""):
        self.session: Optional[aiohttp.ClientSession] = None  # opened by the app (cleanup context)
        self.webhook = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        # Rasa's GET /status answers 200 only with a loaded model (409 without); it needs the
        # token. Without one: GET /, which answers only once Rasa has loaded its model.
        self.status_url = f"{base_url.rstrip('/')}/status" if token else f"{base_url.rstrip('/')}/"
        self.status_params = {"token": token} if token else {}
        self.ready = False  # Rasa answered with its model loaded (since this gateway started)
        self.domain_url = f"{base_url.rstrip('/')}/domain"
        self.token = token
        self._intents: Optional[Tuple[float, List[str]]] = None  # (when asked, intents)

    async def check_ready(self) -> bool:
        """Whether Rasa has its model loaded. Asked until the first yes, then remembered: at
        start-up only, and no cost per turn. (A Rasa that fails later gets "storing".)"""
        if self.ready:
            return True
        if self.session is None:
            return False
        started = time.perf_counter()
        try:
            async with self.session.get(self.status_url, params=self.status_params, timeout=READY_TIMEOUT) as resp:
                self.ready = resp.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError):
            return False  # not listening yet: Rasa binds its port after loading the model
        finally:
            spent("rasa", time.perf_counter() - started)
        if self.ready:
            log.info("Rasa is ready (model loaded)")
        return self.ready

    async def intents(self) -> Optional[List[str]]:
        """The model's intents, with the sub-intents of retrieval intents ("faq/evc", from the
        responses utter_faq/evc), from Rasa's GET /domain (needs the token); kept for
        INTENTS_SECONDS. None when Rasa does not answer."""
        if self._intents is not None and time.monotonic() - self._intents[0] < INTENTS_SECONDS:
            return self._intents[1]
        if self.session is None or not self.token:
            return None
        try:
            async with self.session.get(
                self.domain_url,
                params={"token": self.token},
                headers={"Accept": "application/json"},
                timeout=READY_TIMEOUT,
            ) as resp:
                if resp.status != 200:
                    return None
                domain = await resp.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return None
        names = [next(iter(i)) if isinstance(i, dict) else str(i) for i in domain.get("intents") or []]
        names += [r[len("utter_") :] for r in domain.get("responses") or {} if r.startswith("utter_") and "/" in r]
        self._intents = (time.monotonic(), sorted(set(names)))
        return self._intents[1]

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
