"""A local OOAPI v5 server (aiohttp) for sync tests and the sync benchmark.

Serves GET /courses, /programs (pages: pageSize, pageNumber -> {pageSize, pageNumber,
hasPreviousPage, hasNextPage, totalPages, items, ext}), /courses/{id}, /programs/{id} and
/courses/{id}/offerings, /programs/{id}/offerings (offerings carry no courseId: the parent is
in the URL). Scripted trouble, keyed by (path, pageNumber):
- `script[(path, page)] = [500, 429, ...]`: answer these statuses first (429 with Retry-After);
- `slow[(path, page)] = seconds`: the first request waits that long before answering;
- `token`: when set, requests without "Authorization: Bearer <token>" get 401.
The server runs on 127.0.0.1 in its own thread: `with FakeOoapi(...) as srv: srv.base_url`.
"""
from __future__ import annotations

import asyncio
import math
import threading
from collections import Counter
from datetime import date, timedelta
from typing import Dict, List, Optional, Tuple

from aiohttp import web

MAX_PAGE_SIZE = 250


class FakeOoapi:
    def __init__(self, courses: Optional[List[dict]] = None, programs: Optional[List[dict]] = None,
                 offerings: Optional[Dict[str, List[dict]]] = None, *, token: Optional[str] = None,
                 retry_after: str = "0"):
        self.courses = list(courses or [])
        self.programs = list(programs or [])
        self.offerings = dict(offerings or {})      # parent id -> offerings (no course/program field)
        self.token, self.retry_after = token, retry_after
        self.script: Dict[Tuple[str, int], List[int]] = {}
        self.slow: Dict[Tuple[str, int], float] = {}
        self.hits: Counter = Counter()
        self._index: Dict[str, Dict[str, int]] = {}  # collection -> id -> position (checked on use)
        self.base_url = ""
        self._loop = None
        self._runner = None
        self._thread = None

    # --- data ---------------------------------------------------------------------------------
    def _page(self, request, items: List[dict]) -> dict:
        size = max(1, min(MAX_PAGE_SIZE, int(request.query.get("pageSize", 10))))
        number = max(1, int(request.query.get("pageNumber", 1)))
        pages = max(1, math.ceil(len(items) / size))
        return {"pageSize": size, "pageNumber": number, "hasPreviousPage": number > 1,
                "hasNextPage": number < pages, "totalPages": pages,
                "items": items[(number - 1) * size:number * size], "ext": {}}

    def _lookup(self, name: str, collection: List[dict], id_key: str, wanted: str) -> Optional[dict]:
        pos = self._index.get(name, {}).get(wanted)
        if pos is None or pos >= len(collection) or collection[pos].get(id_key) != wanted:
            self._index[name] = {c.get(id_key): i for i, c in enumerate(collection)}
            pos = self._index[name].get(wanted)
        return collection[pos] if pos is not None else None

    async def _handle(self, request: web.Request) -> web.Response:
        path = request.path
        key = (path, int(request.query.get("pageNumber", 1)))
        self.hits[key] += 1
        if self.token and request.headers.get("Authorization") != f"Bearer {self.token}":
            return web.json_response({"title": "Unauthorized", "status": 401}, status=401)
        if self.script.get(key):
            status = self.script[key].pop(0)
            headers = {"Retry-After": self.retry_after} if status == 429 else {}
            return web.json_response({"title": "scripted error", "status": status}, status=status, headers=headers)
        if key in self.slow:
            await asyncio.sleep(self.slow.pop(key))
        parts = path.strip("/").split("/")
        collection = {"courses": self.courses, "programs": self.programs}.get(parts[0])
        if collection is None:
            return web.json_response({"title": "Not found", "status": 404}, status=404)
        id_key = "courseId" if parts[0] == "courses" else "programId"
        if len(parts) == 1:
            return web.json_response(self._page(request, collection))
        item = self._lookup(parts[0], collection, id_key, parts[1])
        if item is None:
            return web.json_response({"title": "Not found", "status": 404}, status=404)
        if len(parts) == 2:
            return web.json_response(item)
        if parts[2] == "offerings":
            return web.json_response(self._page(request, self.offerings.get(parts[1], [])))
        return web.json_response({"title": "Not found", "status": 404}, status=404)

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


# --- spec-shaped data ----------------------------------------------------------------------------
def course(cid: str, title: str, *, keywords=None, org="roc-test", lang="nl-NL") -> dict:
    """A v5 Course as GET /courses returns it (organization not expanded, no offerings)."""
    return {"courseId": cid, "primaryCode": {"codeType": "identifier", "code": cid.upper()},
            "name": [{"language": lang, "value": title}], "abbreviation": cid[:8].upper(),
            "description": [{"language": lang, "value": f"{title}: cursus voor vakmensen."}],
            "teachingLanguage": "nld", "level": "secondary vocational education 3",
            "studyLoad": {"studyLoadUnit": "hour", "value": 40}, "duration": "P2M",
            "keywords": keywords if keywords is not None else ["warmtepomp"], "organization": org,
            "programs": [], "modeOfDelivery": ["on campus"]}


def course_offerings(cid: str, n: int = 2, start: Optional[date] = None, city: str = "Tilburg") -> List[dict]:
    start = start or date.today() + timedelta(days=30)
    return [{"offeringId": f"{cid}-o{k + 1}", "offeringType": "course", "primaryCode": {"codeType": "identifier",
             "code": f"{cid}-o{k + 1}"}, "name": [{"language": "nl-NL", "value": "uitvoering"}],
             "description": [{"language": "nl-NL", "value": "Dinsdagavond"}], "teachingLanguage": "nld",
             "startDate": (start + timedelta(days=60 * k)).isoformat(),
             "endDate": (start + timedelta(days=60 * k + 50)).isoformat(), "resultExpected": True,
             "modeOfDelivery": ["on campus"], "addresses": [{"addressType": "teaching", "city": city}],
             "priceInformation": [{"costType": "total costs", "amount": 750, "currency": "EUR"}]}
            for k in range(n)]
