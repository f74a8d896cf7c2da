"""`python -m knowledge sync ooapi BASE_URL --provider NAME`: read a whole OOAPI v5 catalogue.

Walks /courses and /programs page by page (pageNumber, pageSize, until hasNextPage is false)
and each one's /offerings (unless the item already carries them, as with expand=offerings),
then hands the records to feeds.apply_feed (importers/http.py: sync_over_http, with conditional
requests). A collection the server does not offer (404/501)
is skipped with a note; any other failed page makes the walk incomplete, so nothing is
withdrawn in that run. A course whose offerings cannot be fetched is refused and kept as it
was. The bearer token comes from the environment (OOAPI_TOKEN, or the variable named).
"""

from __future__ import annotations

import asyncio
import functools
from typing import List, Optional, Tuple

from ..feeds import FeedReport
from .http import FeedClient, FetchError, sync_over_http
from .ooapi import record

COLLECTIONS = (("courses", "courseId"), ("programs", "programId"))
PAGE_SIZE = 100
MAX_PAGES = 10_000  # a server that always says hasNextPage must not keep us forever


async def _all_pages(client: FeedClient, path: str, page_size: int, items: Optional[List[dict]] = None) -> List[dict]:
    """All items of a collection; `items` collects them as they come, so a caller keeps the
    pages before a failed one."""
    items = [] if items is None else items
    for number in range(1, MAX_PAGES + 1):
        page = await client.get_json(path, {"pageSize": page_size, "pageNumber": number})
        if isinstance(page, dict) and "items" not in page and ("courseId" in page or "programId" in page):
            return [page]  # a server that answers with one object
        batch = page.get("items") if isinstance(page, dict) else page
        if not isinstance(batch, list):
            raise FetchError("antwoord is geen OOAPI-pagina (items ontbreekt)")
        items += batch
        more = isinstance(page, dict) and (
            page.get("hasNextPage") if "hasNextPage" in page else number < (page.get("totalPages") or 0)
        )
        if not more or not batch:
            return items
    raise FetchError(f"meer dan {MAX_PAGES} pagina's")


async def _with_offerings(
    client, collection, id_key, item, provider, page_size
) -> Tuple[Optional[dict], Optional[tuple]]:
    """(record, None) or (None, (id, reason))."""
    rid = item.get(id_key) if isinstance(item, dict) else None
    if not isinstance(rid, str) or not rid.strip():
        return None, (str(rid or "?"), f"{id_key} ontbreekt")
    offerings = item.get("offerings")
    if not isinstance(offerings, list):
        try:
            offerings = await _all_pages(client, f"/{collection}/{rid}/offerings", page_size)
        except FetchError as err:
            return None, (rid, f"uitvoeringen niet op te halen: {err}")
    try:
        return record(item, offerings, provider), None
    except ValueError as err:  # RecordError
        return None, (rid, str(err))


async def fetch_catalogue(client: FeedClient, report: FeedReport, *, page_size: int = PAGE_SIZE) -> List[dict]:
    """The records of the whole catalogue at client.base_url, for the feed report.feed."""
    records: List[dict] = []
    for collection, id_key in COLLECTIONS:
        items: List[dict] = []
        try:
            await _all_pages(client, f"/{collection}", page_size, items)
        except FetchError as err:
            if err.status in (404, 501) and not items:
                report.notes.setdefault("bron", []).append(f"/{collection} wordt niet aangeboden (HTTP {err.status})")
                continue
            report.errors.append(f"/{collection} na {len(items)} items: {err}")
            report.complete = False
        results = await asyncio.gather(
            *(_with_offerings(client, collection, id_key, item, report.feed, page_size) for item in items)
        )
        for rec, refused in results:
            if rec is not None:
                records.append(rec)
            else:
                report.refused.append(refused)
    return records


def sync_ooapi(
    base_url: str,
    provider: str,
    *,
    engine=None,
    token_env: str = "OOAPI_TOKEN",
    page_size: int = PAGE_SIZE,
    **client_options,
) -> FeedReport:
    """Fetch the whole catalogue, then write it in one transaction. Returns the run's report."""
    report = FeedReport(feed=provider, kind="ooapi", origin=base_url)
    return sync_over_http(
        report,
        functools.partial(fetch_catalogue, page_size=page_size),
        engine=engine,
        token_env=token_env,
        **client_options,
    )
