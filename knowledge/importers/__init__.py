"""Importers for Dutch catalogue standards: OOAPI v5 JSON and EDU-DEX program XML.

import_file() parses the whole file first, then writes all its modules in ONE transaction
(idempotent upsert by source id). Any malformed record raises CatalogueImportError naming the
file and the record, and nothing of that file is written. Imported modules are real data
(sample=False); only the built-in demo catalogue, or a file imported with --sample, is sample.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import select

from .. import schema as S
from ..catalogue import RecordError, replace_offerings, upsert_modules
from ..connection import engine_or_default
from ..feeds import FeedReport, record_run
from . import edudex, ooapi
from .common import MAX_FILE_BYTES, CatalogueImportError


@dataclass
class ImportReport:
    file: str
    kind: str
    created: List[str] = field(default_factory=list)
    updated: List[str] = field(default_factory=list)
    notes: Dict[str, List[str]] = field(default_factory=dict)  # record id -> Dutch notes

    def __str__(self):
        lines = [f"{self.file}: {len(self.created)} nieuw, {len(self.updated)} bijgewerkt ({self.kind})."]
        for rid, notes in self.notes.items():
            lines += [f"  {rid}: {n}" for n in notes]
        return "\n".join(lines)


def read_text(path: Path) -> str:
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as err:
        raise CatalogueImportError(name, None, f"bestand niet te lezen ({err.strerror})") from None
    if size > MAX_FILE_BYTES:
        raise CatalogueImportError(
            name, None, f"bestand is te groot ({size // 1024} kB, max. {MAX_FILE_BYTES // 1024} kB)"
        )
    data = path.read_bytes()
    if b"\x00" in data:
        raise CatalogueImportError(name, None, "dit is geen tekstbestand")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CatalogueImportError(name, None, "het bestand is geen geldige UTF-8-tekst") from None


def import_file(path, kind: str, *, engine=None, sample: bool = False, parent: Optional[str] = None) -> ImportReport:
    """Import an OOAPI (kind='ooapi') or EDU-DEX (kind='edudex') file. See module docstring.

    A page of OOAPI offerings replaces the offerings of its parent course or program, which
    must have been imported before (`parent` = its courseId/programId when the offerings do
    not name it). `sample` marks the modules as sample data (only for demo files). Every
    import, also a refused one, is stored as a feed run ("bestand NAME") for `sources`."""
    path = Path(path)
    eng = engine_or_default(engine)
    run = FeedReport(feed=f"bestand {path.name}"[:80], kind=kind[:20], origin=str(path))
    try:
        return _import(path, kind, eng, sample, parent, run)
    except CatalogueImportError as err:
        run.refused = [(err.record or path.name, err.message)]
        with eng.begin() as conn:  # the failure is what an operator needs to see
            record_run(conn, run)
        raise


def _import(path: Path, kind: str, eng, sample: bool, parent: Optional[str], run: FeedReport) -> ImportReport:
    if kind not in ("ooapi", "edudex"):
        raise CatalogueImportError(path.name, None, f"onbekend formaat '{kind}' (ooapi of edudex)")
    text = read_text(path)
    if kind == "ooapi":
        parsed = ooapi.parse(text, path.name, parent=parent)
        if parsed.refused:
            rid, reason = parsed.refused[0]
            raise CatalogueImportError(path.name, rid, reason)
        records, offerings = parsed.records, parsed.offerings
    else:
        records, offerings = edudex.parse(text, path.name), {}
    notes = {r["source_id"]: r["notes"] for r in records if r.get("notes")}
    if kind == "ooapi":
        notes.update({pid: n for pid, n in parsed.notes.items() if n})
    if not records and not offerings:
        raise CatalogueImportError(path.name, None, "geen programma's, cursussen of uitvoeringen gevonden")
    for r in records:
        r["sample"] = sample
    report = ImportReport(file=path.name, kind=kind, notes=notes)
    run.notes = notes
    try:
        with eng.begin() as conn:
            existing = {
                row[0]
                for row in conn.execute(
                    select(S.module.c.source_id).where(
                        S.module.c.source == kind, S.module.c.source_id.in_([r["source_id"] for r in records])
                    )
                )
            }
            ids = upsert_modules(conn, records, feed=run.feed)
            for pid, offers in offerings.items():
                report.updated.append(replace_offerings(conn, kind, pid, offers))
            for rec, mid in zip(records, ids, strict=True):
                (report.updated if rec["source_id"] in existing else report.created).append(mid)
            run.new, run.updated = report.created, report.updated
            record_run(conn, run)
    except RecordError as err:
        m = re.match(r"record (\d+)(?: \(id (.*?)\))?: (.*)", str(err), re.S)
        if m:
            raise CatalogueImportError(path.name, m.group(2) or m.group(1), m.group(3)) from None
        raise CatalogueImportError(path.name, None, str(err)) from None
    return report
