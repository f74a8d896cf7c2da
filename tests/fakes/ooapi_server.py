"""A local OOAPI v5 server (aiohttp) for sync tests and the sync benchmark.

Serves GET /courses, /programs (pages: pageSize, pageNumber -> {pageSize, pageNumber,
hasPreviousPage, hasNextPage, totalPages, items, ext}), /courses/{id}, /programs/{id} and
/courses/{id}/offerings, /programs/{id}/offerings (offerings carry no courseId: the parent is
in the URL). Scripted trouble (`script`, `slow`, `token`), ETag/Last-Modified and 304s come
from tests/fakes/feed_server.py, keyed by (path, pageNumber).
The server runs on 127.0.0.1 in its own thread: `with FakeOoapi(...) as srv: srv.base_url`.
"""

from __future__ import annotations

import json
import math
from datetime import date, timedelta
from typing import Dict, List, Optional

from aiohttp import web

from tests.fakes.feed_server import FakeFeedServer

MAX_PAGE_SIZE = 250


class FakeOoapi(FakeFeedServer):
    def __init__(
        self,
        courses: Optional[List[dict]] = None,
        programs: Optional[List[dict]] = None,
        offerings: Optional[Dict[str, List[dict]]] = None,
        **options,
    ):
        super().__init__(**options)
        self.courses = list(courses or [])
        self.programs = list(programs or [])
        self.offerings = dict(offerings or {})  # parent id -> offerings (no course/program field)
        self._index: Dict[str, Dict[str, int]] = {}  # collection -> id -> position (checked on use)

    def key(self, request: web.Request):
        return request.path, int(request.query.get("pageNumber", 1))

    # --- data ---------------------------------------------------------------------------------
    def _page(self, request, items: List[dict]) -> dict:
        size = max(1, min(MAX_PAGE_SIZE, int(request.query.get("pageSize", 10))))
        number = max(1, int(request.query.get("pageNumber", 1)))
        pages = max(1, math.ceil(len(items) / size))
        return {
            "pageSize": size,
            "pageNumber": number,
            "hasPreviousPage": number > 1,
            "hasNextPage": number < pages,
            "totalPages": pages,
            "items": items[(number - 1) * size : number * size],
            "ext": {},
        }

    def _lookup(self, name: str, collection: List[dict], id_key: str, wanted: str) -> Optional[dict]:
        pos = self._index.get(name, {}).get(wanted)
        if pos is None or pos >= len(collection) or collection[pos].get(id_key) != wanted:
            self._index[name] = {c.get(id_key): i for i, c in enumerate(collection)}
            pos = self._index[name].get(wanted)
        return collection[pos] if pos is not None else None

    def _json(self, request: web.Request, data) -> web.Response:
        return self.answer(request, json.dumps(data).encode("utf-8"), "application/json")

    async def serve(self, request: web.Request) -> web.Response:
        parts = request.path.strip("/").split("/")
        collection = {"courses": self.courses, "programs": self.programs}.get(parts[0])
        if collection is None:
            return web.json_response({"title": "Not found", "status": 404}, status=404)
        id_key = "courseId" if parts[0] == "courses" else "programId"
        if len(parts) == 1:
            return self._json(request, self._page(request, collection))
        item = self._lookup(parts[0], collection, id_key, parts[1])
        if item is None:
            return web.json_response({"title": "Not found", "status": 404}, status=404)
        if len(parts) == 2:
            return self._json(request, item)
        if parts[2] == "offerings":
            return self._json(request, self._page(request, self.offerings.get(parts[1], [])))
        return web.json_response({"title": "Not found", "status": 404}, status=404)


# --- spec-shaped data ----------------------------------------------------------------------------
def course(cid: str, title: str, *, keywords=None, org="roc-test", lang="nl-NL") -> dict:
    """A v5 Course as GET /courses returns it (organization not expanded, no offerings)."""
    return {
        "courseId": cid,
        "primaryCode": {"codeType": "identifier", "code": cid.upper()},
        "name": [{"language": lang, "value": title}],
        "abbreviation": cid[:8].upper(),
        "description": [{"language": lang, "value": f"{title}: cursus voor vakmensen."}],
        "teachingLanguage": "nld",
        "level": "secondary vocational education 3",
        "studyLoad": {"studyLoadUnit": "hour", "value": 40},
        "duration": "P2M",
        "keywords": keywords if keywords is not None else ["warmtepomp"],
        "organization": org,
        "programs": [],
        "modeOfDelivery": ["on campus"],
    }


def course_offerings(cid: str, n: int = 2, start: Optional[date] = None, city: str = "Tilburg") -> List[dict]:
    start = start or date.today() + timedelta(days=30)
    return [
        {
            "offeringId": f"{cid}-o{k + 1}",
            "offeringType": "course",
            "primaryCode": {"codeType": "identifier", "code": f"{cid}-o{k + 1}"},
            "name": [{"language": "nl-NL", "value": "uitvoering"}],
            "description": [{"language": "nl-NL", "value": "Dinsdagavond"}],
            "teachingLanguage": "nld",
            "startDate": (start + timedelta(days=60 * k)).isoformat(),
            "endDate": (start + timedelta(days=60 * k + 50)).isoformat(),
            "resultExpected": True,
            "modeOfDelivery": ["on campus"],
            "addresses": [{"addressType": "teaching", "city": city}],
            "priceInformation": [{"costType": "total costs", "amount": 750, "currency": "EUR"}],
        }
        for k in range(n)
    ]
