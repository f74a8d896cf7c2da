"""Writing one run of a catalogue feed and reading what operators need to know about feeds.

apply_feed() takes the records a sync fetched and:
- refuses a bad record with its reason (the others go on);
- leaves a record whose content did not change untouched (unchanged), writes the others
  (new / updated; a withdrawn module that is back counts as updated);
- withdraws the feed's modules that are no longer in the source, but only when the walk of the
  source was complete (a failed page must never withdraw what was on it);
- stores the run with its counts and report in feed_run.
sources() lists each feed with its last run, for `python -m knowledge sources` and the advisor
console. load_http_cache()/save_http_cache() keep, per feed and URL, the validators (ETag,
Last-Modified) and body of the last run, for conditional requests (importers/http.py).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Dict, List, Optional, Tuple

from sqlalchemy import delete, func, insert, select, update

from . import schema as S
from .catalogue import RecordError, bump_catalogue_version, content_hash, upsert_modules, validate
from .indexing import reindex_modules

CHUNK = 500
MAX_REPORTED = 200  # refused/notes lines kept in feed_run.report
MAX_NOTES_SHOWN = 50  # notes printed after a run (refused records are always all printed)


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class FeedReport:
    feed: str
    kind: str
    origin: str
    started_at: str = field(default_factory=now_iso)
    new: List[str] = field(default_factory=list)
    updated: List[str] = field(default_factory=list)
    unchanged: List[str] = field(default_factory=list)
    withdrawn: List[str] = field(default_factory=list)
    refused: List[Tuple[str, str]] = field(default_factory=list)  # (source id, reason)
    errors: List[str] = field(default_factory=list)  # pages that could not be fetched
    notes: Dict[str, List[str]] = field(default_factory=dict)  # source id -> notes
    complete: bool = True
    requests: int = 0  # HTTP requests of a sync
    not_modified: int = 0  # of which answered 304

    @property
    def status(self) -> str:
        if not self.complete:
            return "onvolledig"
        return "fouten" if self.refused else "ok"

    def counts(self) -> dict:
        return {
            "nieuw": len(self.new),
            "bijgewerkt": len(self.updated),
            "ongewijzigd": len(self.unchanged),
            "ingetrokken": len(self.withdrawn),
            "geweigerd": len(self.refused),
        }

    def __str__(self):
        c = self.counts()
        lines = [
            f"Bron {self.feed} ({self.kind}, {self.origin}): {c['nieuw']} nieuw, {c['bijgewerkt']} bijgewerkt, "
            f"{c['ongewijzigd']} ongewijzigd, {c['ingetrokken']} ingetrokken, {c['geweigerd']} geweigerd."
        ]
        if self.requests:
            lines.append(f"HTTP: {self.requests} verzoeken, waarvan {self.not_modified} niet gewijzigd (304).")
        if not self.complete:
            lines.append("Let op: de bron is niet helemaal gelezen; er is daarom niets ingetrokken.")
        lines += [f"  fout: {e}" for e in self.errors]
        lines += [f"  geweigerd {rid}: {reason}" for rid, reason in self.refused]
        notes = [f"  {rid}: {n}" for rid, ns in self.notes.items() for n in ns]
        lines += notes[:MAX_NOTES_SHOWN]
        if len(notes) > MAX_NOTES_SHOWN:
            lines.append(
                f"  ... en nog {len(notes) - MAX_NOTES_SHOWN} opmerkingen; de eerste 200 worden bij de run bewaard"
            )
        return "\n".join(lines)


def apply_feed(conn, report: FeedReport, records: List[dict]) -> FeedReport:
    """Write one run's records for report.feed (see module docstring). The caller owns the transaction."""
    source = report.kind
    cleaned: Dict[str, Tuple[dict, dict]] = {}
    seen = {rid for rid, _ in report.refused}  # refused but still in the source: not withdrawn
    for rec in records:
        rid = str(rec.get("source_id") or "?")
        seen.add(rid)
        if rec.get("notes"):
            report.notes[rid] = rec["notes"]
        rec["sample"] = False
        try:
            c = validate(rec)
        except RecordError as err:
            report.refused.append((rid, str(err)))
            continue
        if rid in cleaned:
            report.refused.append((rid, "komt twee keer voor in de bron"))
            continue
        cleaned[rid] = (rec, c)

    existing = {}
    ids = list(cleaned)
    for i in range(0, len(ids), CHUNK):
        for r in conn.execute(
            select(
                S.module.c.id, S.module.c.source_id, S.module.c.content_hash, S.module.c.withdrawn_at, S.module.c.feed
            ).where(S.module.c.source == source, S.module.c.source_id.in_(ids[i : i + CHUNK]))
        ):
            existing[r.source_id] = r
    to_write = []
    for rid, (rec, c) in cleaned.items():
        old = existing.get(rid)
        if (
            old is not None
            and old.content_hash == content_hash(c)
            and old.withdrawn_at is None
            and old.feed == report.feed
        ):
            report.unchanged.append(old.id)
        else:
            to_write.append(rec)
    for i in range(0, len(to_write), CHUNK):
        _write(conn, report, to_write[i : i + CHUNK], existing)

    if report.complete:
        gone = [
            r
            for r in conn.execute(
                select(S.module.c.id, S.module.c.source_id).where(
                    S.module.c.feed == report.feed, S.module.c.withdrawn_at.is_(None)
                )
            )
            if r.source_id not in seen
        ]
        if gone:
            ids = [r.id for r in gone]
            for i in range(0, len(ids), CHUNK):
                conn.execute(
                    update(S.module).where(S.module.c.id.in_(ids[i : i + CHUNK])).values(withdrawn_at=now_iso())
                )
            reindex_modules(conn, ids)
            bump_catalogue_version(conn)
            report.withdrawn = ids
    record_run(conn, report)
    return report


def _write(conn, report: FeedReport, records: List[dict], existing: dict) -> None:
    """Upsert a chunk; when one record in it fails, write them one by one so only it is refused."""
    try:
        with conn.begin_nested():
            ids = upsert_modules(conn, records, feed=report.feed)
        for rec, mid in zip(records, ids, strict=True):
            (report.updated if rec["source_id"] in existing else report.new).append(mid)
        return
    except RecordError:
        if len(records) == 1:
            raise
    for rec in records:
        try:
            _write(conn, report, [rec], existing)
        except RecordError as err:
            report.refused.append((rec["source_id"], str(err).split(": ", 1)[-1]))


def record_run(conn, report: FeedReport) -> None:
    c = report.counts()
    body = {
        "errors": report.errors[:MAX_REPORTED],
        "refused": report.refused[:MAX_REPORTED],
        "notes": dict(list(report.notes.items())[:MAX_REPORTED]),
        "withdrawn": report.withdrawn[:MAX_REPORTED],
        "http": {"requests": report.requests, "not_modified": report.not_modified},
    }
    conn.execute(
        insert(S.feed_run).values(
            feed=report.feed,
            kind=report.kind,
            origin=report.origin[:400],
            started_at=report.started_at,
            finished_at=now_iso(),
            status=report.status,
            n_new=c["nieuw"],
            n_updated=c["bijgewerkt"],
            n_unchanged=c["ongewijzigd"],
            n_withdrawn=c["ingetrokken"],
            n_refused=c["geweigerd"],
            report=json.dumps(body, ensure_ascii=False),
        )
    )


def _url_hash(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Cached:
    """What a URL answered with in an earlier run: its validators and its body."""

    etag: Optional[str]
    last_modified: Optional[str]
    body: str


def load_http_cache(conn, feed: str) -> dict:
    """URL -> Cached of the feed's last run."""
    return {
        r.url: Cached(r.etag, r.last_modified, r.body)
        for r in conn.execute(
            select(
                S.feed_http_cache.c.url,
                S.feed_http_cache.c.etag,
                S.feed_http_cache.c.last_modified,
                S.feed_http_cache.c.body,
            ).where(S.feed_http_cache.c.feed == feed)
        )
    }


def save_http_cache(conn, feed: str, validators: dict, prune: bool) -> None:
    """Store this run's validators (URL -> Cached); rows that did not change are not written.
    `prune` (a complete run): forget the URLs this run did not use or got no validators for."""
    t = S.feed_http_cache
    stored = {
        r.url_hash: (r.etag, r.last_modified)
        for r in conn.execute(select(t.c.url_hash, t.c.etag, t.c.last_modified).where(t.c.feed == feed))
    }
    keep = set()
    for url, cached in validators.items():
        if cached.last_modified and len(cached.last_modified) > 60:
            continue  # not an HTTP date: no use asking with it
        key = _url_hash(url)
        keep.add(key)
        if stored.get(key) == (cached.etag, cached.last_modified):
            continue
        if key in stored:
            conn.execute(delete(t).where(t.c.feed == feed, t.c.url_hash == key))
        conn.execute(
            insert(t).values(
                feed=feed,
                url_hash=key,
                url=url,
                etag=cached.etag,
                last_modified=cached.last_modified,
                body=cached.body,
                fetched_at=now_iso(),
            )
        )
    gone = [key for key in stored if key not in keep] if prune else []
    for i in range(0, len(gone), CHUNK):
        conn.execute(delete(t).where(t.c.feed == feed, t.c.url_hash.in_(gone[i : i + CHUNK])))


def sources(conn, max_errors: int = 5) -> List[dict]:
    """Each feed with its last run: time, status, counts, the last errors, and module counts now."""
    last = select(S.feed_run.c.feed, func.max(S.feed_run.c.id).label("id")).group_by(S.feed_run.c.feed).subquery()
    runs = (
        conn.execute(select(S.feed_run).join(last, last.c.id == S.feed_run.c.id).order_by(S.feed_run.c.feed))
        .mappings()
        .all()
    )
    active = dict(
        conn.execute(
            select(S.module.c.feed, func.count())
            .where(S.module.c.withdrawn_at.is_(None), S.module.c.feed.isnot(None))
            .group_by(S.module.c.feed)
        ).all()
    )
    withdrawn = dict(
        conn.execute(
            select(S.module.c.feed, func.count()).where(S.module.c.withdrawn_at.isnot(None)).group_by(S.module.c.feed)
        ).all()
    )
    out = []
    for r in runs:
        body = json.loads(r["report"] or "{}")
        errors = list(body.get("errors") or []) + [f"{rid}: {why}" for rid, why in body.get("refused") or []]
        out.append(
            {
                "feed": r["feed"],
                "kind": r["kind"],
                "origin": r["origin"],
                "last_sync": r["finished_at"],
                "status": r["status"],
                "last_run": {
                    "new": r["n_new"],
                    "updated": r["n_updated"],
                    "unchanged": r["n_unchanged"],
                    "withdrawn": r["n_withdrawn"],
                    "refused": r["n_refused"],
                },
                "modules": {"active": active.get(r["feed"], 0), "withdrawn": withdrawn.get(r["feed"], 0)},
                "last_errors": errors[:max_errors],
            }
        )
    return out


def last_run(conn, feed: str) -> Optional[dict]:
    row = (
        conn.execute(select(S.feed_run).where(S.feed_run.c.feed == feed).order_by(S.feed_run.c.id.desc()).limit(1))
        .mappings()
        .first()
    )
    return dict(row) if row else None
