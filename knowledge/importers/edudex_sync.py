"""`python -m knowledge sync edudex URL --provider NAME`: EDU-DEX program XML over HTTP.

URL is either a program document (one <program>, or several under any root, as `import
edudex` reads them) or an EDU-DEX directory: <edudexDirectory> in the namespace
http://studieData.nl/schema/edudex/directory, whose <programResource> elements each give a
<programId> and the <resourceUrl> of that program's document (a relative URL is taken from
the directory's). Each document is fetched and read on its own (FeedClient: timeout, retries,
Retry-After, bearer token, conditional requests), with defusedxml: a document with a DTD,
entities or external references is refused with its reason and the other programs go on.
A program whose document cannot be fetched is refused and kept as it was. A directory or
program document at URL itself that cannot be fetched or read makes the run incomplete, so
nothing is withdrawn. <subDirectory> elements are not followed (the report notes them).
Then feeds.apply_feed writes the run (importers/http.py: sync_over_http).
"""

from __future__ import annotations

import asyncio
from typing import List, Tuple
from urllib.parse import urljoin

from ..catalogue import RecordError
from ..feeds import FeedReport
from . import edudex
from .http import FeedClient, FetchError, sync_over_http

DIRECTORY = "{http://studieData.nl/schema/edudex/directory}"
ACCEPT = "application/xml, text/xml"


def directory_entries(root, base_url: str) -> List[Tuple[str, str]]:
    """(programId, absolute resource URL) of each <programResource> of a directory."""
    entries = []
    for i, resource in enumerate(root.iter(DIRECTORY + "programResource")):
        pid = (resource.findtext(DIRECTORY + "programId") or "").strip()
        url = (resource.findtext(DIRECTORY + "resourceUrl") or "").strip()
        entries.append((pid or url or f"programResource {i + 1}", urljoin(base_url, url) if url else ""))
    return entries


async def _program(client: FeedClient, pid: str, url: str, report: FeedReport) -> List[dict]:
    """The records of one program's document; what cannot be had is refused (kept as it was)."""
    if not url:
        report.refused.append((pid, "resourceUrl ontbreekt in de directory"))
        return []
    try:
        root = edudex.document(await client.get_text(url))
    except FetchError as err:
        report.refused.append((pid, f"programma niet op te halen: {err}"))
        return []
    except RecordError as err:
        report.refused.append((pid, str(err)))
        return []
    records, refused = edudex.read_programs(root)
    if refused and len(records) + len(refused) == 1:
        refused = [(pid, refused[0][1])]  # the usual one-program document: the directory's id
    report.refused += refused
    if not records and not refused:
        report.refused.append((pid, f"geen <program> in het document ({url[:200]})"))
    for rec in records:
        if rec["source_id"] != pid:
            rec["notes"].append(f"de directory noemt dit programma '{pid}'")
    return records


async def fetch_programs(client: FeedClient, report: FeedReport) -> List[dict]:
    """The records of the directory or program document at report.origin."""
    try:
        root = edudex.document(await client.get_text(report.origin))
    except (FetchError, RecordError) as err:
        report.errors.append(f"{report.origin[:200]}: {err}")
        report.complete = False
        return []
    if root.tag != DIRECTORY + "edudexDirectory":
        records, refused = edudex.read_programs(root)
        report.refused += refused
        if not records and not refused:
            report.errors.append(f"geen EDU-DEX-directory en geen <program> in namespace {edudex.NS[1:-1]}")
            report.complete = False
        return records
    subdirectories = list(root.iter(DIRECTORY + "subDirectory"))
    if subdirectories:
        report.notes.setdefault("bron", []).append(
            f"{len(subdirectories)} subDirectory-verwijzing(en) niet gevolgd; synchroniseer die als eigen bron"
        )
    results = await asyncio.gather(
        *(_program(client, pid, url, report) for pid, url in directory_entries(root, report.origin))
    )
    return [rec for records in results for rec in records]


def sync_edudex(
    url: str, provider: str, *, engine=None, token_env: str = "EDUDEX_TOKEN", **client_options
) -> FeedReport:
    """Fetch the directory (or document) and its programs, then write them in one transaction."""
    report = FeedReport(feed=provider, kind="edudex", origin=url)
    return sync_over_http(
        report, fetch_programs, engine=engine, token_env=token_env, **{"accept": ACCEPT, **client_options}
    )
