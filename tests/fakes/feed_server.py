"""What the local catalogue-feed servers (ooapi_server.py, edudex_server.py) share: running
on 127.0.0.1 in their own thread, scripted trouble, a bearer token and conditional answers.

A subclass implements `serve(request) -> web.Response` and may override `key(request)` (what
`hits`, `script` and `slow` are keyed by; default the path). Scripted trouble:
- `script[key] = [500, 429, ...]`: answer these statuses first (429 with Retry-After);
- `slow[key] = seconds`: the first request waits that long before answering;
- `token`: when set, requests without "Authorization: Bearer <token>" get 401.
`auth_seen[key]` is the Authorization header of the last request (None: none was sent).
Bodies sent with `self.answer(request, body, content_type)` carry an ETag and a Last-Modified
(the moment the body of that URL last changed; `validators` picks which) and get a 304 when
If-None-Match matches, or, without If-None-Match, when If-Modified-Since is not older than the
last change. `not_modified[key]` counts the 304s.
"""

from __future__ import annotations

import asyncio
import email.utils
import hashlib
import threading
import time
from collections import Counter
from typing import Dict, Hashable, List, Optional, Tuple

from aiohttp import web


class FakeFeedServer:
    def __init__(
        self,
        *,
        token: Optional[str] = None,
        retry_after: str = "0",
        validators: Tuple[str, ...] = ("etag", "last-modified"),
    ):
        self.token, self.retry_after, self.validators = token, retry_after, validators
        self.script: Dict[Hashable, List[int]] = {}
        self.slow: Dict[Hashable, float] = {}
        self.hits: Counter = Counter()
        self.not_modified: Counter = Counter()
        self.auth_seen: Dict[Hashable, Optional[str]] = {}
        self._versions: Dict[str, Tuple[str, float]] = {}  # URL -> (ETag, when it last changed)
        self.base_url = ""
        self._loop = None
        self._runner = None
        self._thread = None

    def key(self, request: web.Request) -> Hashable:
        return request.path

    async def serve(self, request: web.Request) -> web.Response:
        raise NotImplementedError

    def answer(self, request: web.Request, body: bytes, content_type: str) -> web.Response:
        etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
        url = str(request.rel_url)
        known = self._versions.get(url)
        if known is None or known[0] != etag:
            known = self._versions[url] = (etag, float(int(time.time())))  # HTTP dates have seconds
        headers = {}
        if "etag" in self.validators:
            headers["ETag"] = etag
        if "last-modified" in self.validators:
            headers["Last-Modified"] = email.utils.formatdate(known[1], usegmt=True)
        asked_etag = request.headers.get("If-None-Match")
        since = request.headers.get("If-Modified-Since")
        if "etag" in self.validators and asked_etag is not None:
            unchanged = etag in [t.strip() for t in asked_etag.split(",")]
        elif "last-modified" in self.validators and since:
            try:
                unchanged = email.utils.parsedate_to_datetime(since).timestamp() >= known[1]
            except (TypeError, ValueError):
                unchanged = False
        else:
            unchanged = False
        if unchanged:
            self.not_modified[self.key(request)] += 1
            return web.Response(status=304, headers=headers)
        return web.Response(body=body, content_type=content_type, charset="utf-8", headers=headers)

    async def _handle(self, request: web.Request) -> web.Response:
        key = self.key(request)
        self.hits[key] += 1
        self.auth_seen[key] = request.headers.get("Authorization")
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"title": "Unauthorized", "status": 401}, status=401)
        if self.script.get(key):
            status = self.script[key].pop(0)
            headers = {"Retry-After": self.retry_after} if status == 429 else {}
            return web.json_response({"title": "scripted error", "status": status}, status=status, headers=headers)
        if key in self.slow:
            await asyncio.sleep(self.slow.pop(key))
        return await self.serve(request)

    # --- running ------------------------------------------------------------------------------
    def __enter__(self):
        ready = threading.Event()

        def run():
            self._loop = asyncio.new_event_loop()
            app = web.Application()
            app.router.add_get("/{tail:.*}", self._handle)
            self._runner = web.AppRunner(app, access_log=None)
            self._loop.run_until_complete(self._runner.setup())
            site = web.TCPSite(self._runner, "127.0.0.1", 0)
            self._loop.run_until_complete(site.start())
            port = site._server.sockets[0].getsockname()[1]
            self.base_url = f"http://127.0.0.1:{port}"
            ready.set()
            self._loop.run_forever()

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()
        ready.wait(10)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
