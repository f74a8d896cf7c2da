"""A small JSON-over-HTTP client for catalogue feeds (aiohttp).

Each request has a timeout; 429 and 5xx answers, timeouts and dropped connections are retried
with exponential back-off, and a Retry-After header (seconds or an HTTP date) is honoured, up
to MAX_RETRY_AFTER. An optional bearer token is sent with every request.
"""
from __future__ import annotations

import asyncio
import email.utils
import random
import time
from typing import Any, Optional

import aiohttp

MAX_RETRY_AFTER = 60.0


class FetchError(RuntimeError):
    """A request that failed for good; str() is a short Dutch reason."""

    def __init__(self, message: str, status: Optional[int] = None):
        super().__init__(message)
        self.status = status


def retry_after_seconds(value: Optional[str]) -> Optional[float]:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class JsonClient:
    def __init__(self, base_url: str, *, token: Optional[str] = None, timeout: float = 20.0, retries: int = 4,
                 backoff: float = 0.5, concurrency: int = 8):
        self.base_url = base_url.rstrip("/")
        self.token, self.timeout, self.retries, self.backoff = token, timeout, retries, backoff
        self.limit = asyncio.Semaphore(concurrency)
        self.session: Optional[aiohttp.ClientSession] = None
        self.requests = 0
        self.retried = 0

    async def __aenter__(self):
        headers = {"Accept": "application/json", "User-Agent": "leerwijzer-catalogus-sync"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        self.session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self

    async def __aexit__(self, *exc):
        await self.session.close()

    async def get_json(self, path: str, params: Optional[dict] = None) -> Any:
        url = self.base_url + path
        for attempt in range(self.retries + 1):
            wait = self.backoff * (2 ** attempt) * (1 + random.random() / 4)
            try:
                async with self.limit:
                    self.requests += 1
                    async with self.session.get(url, params=params) as resp:
                        if resp.status == 200:
                            try:
                                return await resp.json(content_type=None)
                            except ValueError:
                                raise FetchError("antwoord is geen geldige JSON", 200) from None
                        if resp.status != 429 and resp.status < 500:
                            raise FetchError(f"HTTP {resp.status}", resp.status)
                        problem = f"HTTP {resp.status}"
                        wait = min(MAX_RETRY_AFTER, retry_after_seconds(resp.headers.get("Retry-After")) or wait)
            except asyncio.TimeoutError:
                problem = f"geen antwoord binnen {self.timeout:g} s"
            except aiohttp.ClientError as err:
                problem = f"verbinding mislukt ({type(err).__name__})"
            if attempt < self.retries:
                self.retried += 1
                await asyncio.sleep(wait)
        raise FetchError(f"{problem}, ook na {self.retries} nieuwe pogingen")
