"""A local EDU-DEX server (aiohttp) for `sync edudex` tests: XML documents by path.

`documents[path] = xml text`, e.g. "/directory.xml" (directory_xml) and "/programs/ID.xml"
(program_xml); other paths are 404. Scripted trouble (`script`, `slow`, `token`), ETag /
Last-Modified and 304s come from tests/fakes/feed_server.py, keyed by path.
`with FakeEdudex({...}) as srv: srv.base_url`.

The documents follow EDU-DEX's program and directory schemas as publishers generate them
(namespaces http://studieData.nl/schema/edudex/program and .../directory; a directory lists
<programResource> elements with <programId> and <resourceUrl>), e.g. the generator of
allezmax/vu-for-professionals-edudex-feed (src/edudex_feed/xmlgen.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Dict, List, Optional, Tuple
from xml.sax.saxutils import escape

from aiohttp import web

from tests.fakes.feed_server import FakeFeedServer

PROGRAM_NS = "http://studieData.nl/schema/edudex/program"
DIRECTORY_NS = "http://studieData.nl/schema/edudex/directory"

# Documents defusedxml must refuse before anything is expanded or fetched.
_LAUGHS = "".join(f'<!ENTITY lol{i} "{"&lol%d;" % (i - 1) * 10}">' for i in range(1, 10))
EVIL_DOCUMENTS = {
    "billion_laughs": f'<?xml version="1.0"?><!DOCTYPE program [<!ENTITY lol0 "lol">{_LAUGHS}]>'
    f'<program xmlns="{PROGRAM_NS}">&lol9;</program>',
    "external_entity": '<?xml version="1.0"?><!DOCTYPE p [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    f'<program xmlns="{PROGRAM_NS}">&xxe;</program>',
    "external_dtd": '<?xml version="1.0"?><!DOCTYPE program SYSTEM "http://127.0.0.1:9/x.dtd">'
    f'<program xmlns="{PROGRAM_NS}"/>',
}


class FakeEdudex(FakeFeedServer):
    def __init__(self, documents: Optional[Dict[str, str]] = None, **options):
        super().__init__(**options)
        self.documents = dict(documents or {})

    async def serve(self, request: web.Request) -> web.Response:
        text = self.documents.get(request.path)
        if text is None:
            return web.json_response({"title": "Not found", "status": 404}, status=404)
        return self.answer(request, text.encode("utf-8"), "application/xml")


def program_xml(
    pid: str,
    title: str,
    *,
    city: str = "Zwolle",
    price: float = 750.0,
    start: Optional[date] = None,
    searchword: str = "warmtepomp",
    org: str = "opleider-test",
) -> str:
    """One EDU-DEX <program>: mbo 3, part-time, two runs in `city` at `price` (no btw)."""
    start = start or date.today() + timedelta(days=30)
    runs = "".join(
        f'<programRun id="{pid}-r{k + 1}"><startDate>{(start + timedelta(days=60 * k)).isoformat()}</startDate>'
        f"<programLocation>{escape(city)}</programLocation><cost><amount>{price:.2f}</amount>"
        "<costType>tuition fee</costType><isRequiredCost>true</isRequiredCost><VATCode>0</VATCode></cost>"
        "</programRun>"
        for k in range(2)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><program xmlns="{PROGRAM_NS}">'
        "<editor>catalogus@opleider.example</editor><format>EDU-DEX 1.0</format>"
        f"<programClassification><degree>certificate</degree><orgUnitId>{org}</orgUnitId>"
        '<programDuration unit="month">3</programDuration><programForm>deeltijd</programForm>'
        f"<programId>{escape(pid)}</programId><programLevel>mbo 3</programLevel>"
        f"<programLocation>{escape(city)}</programLocation></programClassification>"
        "<orgUnitName>Opleider Test</orgUnitName>"
        '<programCurriculum><studyLoad period="hour">60</studyLoad></programCurriculum>'
        f'<programDescriptions><programName xml:lang="nl">{escape(title)}</programName>'
        f'<programSummaryText xml:lang="nl">{escape(title)}: cursus voor vakmensen.</programSummaryText>'
        f"<searchword>{escape(searchword)}</searchword></programDescriptions>"
        f"<programSchedule>{runs}</programSchedule></program>"
    )


def directory_xml(resources: List[Tuple[str, str]], org: str = "opleider-test") -> str:
    """An <edudexDirectory> listing (programId, resourceUrl) pairs."""
    entries = "".join(
        f"<programResource><programId>{escape(pid)}</programId>"
        f"<resourceUrl>{escape(url)}</resourceUrl></programResource>"
        for pid, url in resources
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><edudexDirectory xmlns="{DIRECTORY_NS}">'
        "<editor>catalogus@opleider.example</editor><generator>test</generator><version>1.0</version>"
        f"<orgUnitId>{org}</orgUnitId>{entries}</edudexDirectory>"
    )
