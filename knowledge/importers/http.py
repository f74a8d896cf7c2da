"""The HTTP side of catalogue feeds (aiohttp): FeedClient, and sync_over_http() for one run.

Each request has a timeout; 429 and 5xx answers, timeouts and dropped connections are retried
with exponential back-off, and a Retry-After header (seconds or an HTTP date) is honoured, up
to MAX_RETRY_AFTER. An optional bearer token is sent, but only to the origin of the feed's own
URL (an EDU-DEX directory may list documents on other hosts). Only http(s) URLs are fetched;
an answer larger than MAX_FILE_BYTES is refused.

Conditional requests: the client gets the validators (ETag, Last-Modified) and bodies of the
feed's previous run (`cache`, URL -> Cached, stored in feed_http_cache by feeds.py). For those
URLs it sends If-None-Match / If-Modified-Since; a 304 gives the stored body back (counted in
`not_modified`), so an unchanged source yields the same records and every one is "unchanged".
`validators` collects what this run saw, for the next run.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import os
import random
import time
from typing import Any, Awaitable, Callable, Dict, List, Optional

import aiohttp
from yarl import URL

from ..connection import engine_or_default
from ..feeds import Cached, FeedReport, apply_feed, load_http_cache, save_http_cache
from .common import MAX_FILE_BYTES

MAX_RETRY_AFTER = 60.0
DEFAULT_TIMEOUT = 20.0  # seconds per request


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


def _origin(url: URL) -> tuple:
    return url.scheme, url.host, url.port


class FeedClient:
    def __init__(
        self,
        base_url: str,
        *,
        token: Optional[str] = None,
        timeout: float = DEFAULT_TIMEOUT,
        retries: int = 4,
        backoff: float = 0.5,
        concurrency: int = 8,
        accept: str = "application/json",
        cache: Optional[Dict[str, Cached]] = None,
    ):
        self.base_url = base_url.rstrip("/")
        self.token, self.timeout, self.retries, self.backoff = token, timeout, retries, backoff
        self.accept = accept
        self.home = _origin(URL(base_url))
        self.cache = cache or {}
        self.validators: Dict[str, Cached] = {}
        self.limit = asyncio.Semaphore(concurrency)
        self.session: Optional[aiohttp.ClientSession] = None
        self.requests = 0
        self.retried = 0
        self.not_modified = 0

    async def __aenter__(self):
        headers = {"Accept": self.accept, "User-Agent": "leerwijzer-catalogus-sync"}
        self.session = aiohttp.ClientSession(headers=headers, timeout=aiohttp.ClientTimeout(total=self.timeout))
        return self

    async def __aexit__(self, *exc):
        await self.session.close()

    def url(self, path: str, params: Optional[dict] = None) -> URL:
        """An absolute URL as it is, else the base URL + path; with the query parameters."""
        url = URL(path) if "://" in path else URL(self.base_url + path)
        if url.scheme not in ("http", "https") or not url.host:
            raise FetchError(f"alleen http- en https-adressen worden opgehaald, niet '{str(url)[:80]}'")
        return url.update_query(params) if params else url

    def _headers(self, url: URL, key: str) -> dict:
        headers = {}
        if self.token and _origin(url) == self.home:
            headers["Authorization"] = f"Bearer {self.token}"
        earlier = self.cache.get(key)
        if earlier is not None:
            if earlier.etag:
                headers["If-None-Match"] = earlier.etag
            if earlier.last_modified:
                headers["If-Modified-Since"] = earlier.last_modified
        return headers

    async def _body(self, resp) -> str:
        if (resp.content_length or 0) > MAX_FILE_BYTES:
            raise FetchError(f"antwoord is te groot (max. {MAX_FILE_BYTES // 1024} kB)", resp.status)
        data = bytearray()
        async for chunk in resp.content.iter_chunked(65536):
            data += chunk
            if len(data) > MAX_FILE_BYTES:
                raise FetchError(f"antwoord is te groot (max. {MAX_FILE_BYTES // 1024} kB)", resp.status)
        charset = (resp.charset or "utf-8").lower()
        try:
            return bytes(data).decode("utf-8-sig" if charset in ("utf-8", "utf8") else charset)
        except (LookupError, UnicodeDecodeError):
            raise FetchError(f"antwoord is geen geldige tekst in {charset}", resp.status) from None

    async def get_text(self, path: str, params: Optional[dict] = None) -> str:
        url = self.url(path, params)
        key = str(url)
        headers = self._headers(url, key)
        for attempt in range(self.retries + 1):
            wait = self.backoff * (2**attempt) * (1 + random.random() / 4)
            try:
                async with self.limit:
                    self.requests += 1
                    async with self.session.get(url, headers=headers) as resp:
                        if resp.status == 304 and key in self.cache:
                            self.not_modified += 1
                            self.validators[key] = self.cache[key]
                            return self.cache[key].body
                        if resp.status == 200:
                            body = await self._body(resp)
                            etag, modified = resp.headers.get("ETag"), resp.headers.get("Last-Modified")
                            if etag or modified:
                                self.validators[key] = Cached(etag, modified, body)
                            return body
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

    async def get_json(self, path: str, params: Optional[dict] = None) -> Any:
        text = await self.get_text(path, params)
        try:
            return json.loads(text)
        except ValueError:
            raise FetchError("antwoord is geen geldige JSON", 200) from None


Fetch = Callable[[FeedClient, FeedReport], Awaitable[List[dict]]]


def sync_over_http(report: FeedReport, fetch: Fetch, *, engine=None, token_env: str, **client_options) -> FeedReport:
    """One run of a feed: `fetch(client, report)` reads the source at report.origin with a
    FeedClient that knows the validators of the feed's previous run, then the records
    (feeds.apply_feed) and this run's validators are written in one transaction. The bearer
    token comes from the environment variable `token_env`. Returns the report."""
    eng = engine_or_default(engine)
    with eng.connect() as conn:
        cache = load_http_cache(conn, report.feed)

    async def run():
        async with FeedClient(
            report.origin, token=os.environ.get(token_env) or None, cache=cache, **client_options
        ) as client:
            records = await fetch(client, report)
        report.requests, report.not_modified = client.requests, client.not_modified
        return records, client.validators

    records, validators = asyncio.run(run())
    with eng.begin() as conn:
        apply_feed(conn, report, records)
        save_http_cache(conn, report.feed, validators, prune=report.complete)
    return report
