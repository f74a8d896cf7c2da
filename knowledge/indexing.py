"""The derived search index: search_entry (one row per offering, all ranking inputs, no joins)
and the full-text documents (module_text; SQLite module_fts / PostgreSQL tsvector).

Rebuilt from module/offering rows whenever a module is written, so it never drifts.
Withdrawn modules (gone from their feed, kept for history) get no index rows: search never
shows them.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Iterable, List

from sqlalchemy import delete, insert, select, text

from . import schema as S
from .places import to_xy
from .textnl import compound_parts_text, index_terms
from .vocabulary import THEMES

CHUNK = 500
THEME_NAMES = {
    "installatietechniek": "installatietechniek installatie",
    "circulair_bouwen": "circulair bouwen circulaire bouw",
    "batterijtechnologie": "batterijtechnologie batterij batterijen energieopslag",
    "digitalisering_bouw": "digitalisering bouw digitaal bouwen",
    "infra_netwerken": "infra netwerken energienetwerk",
    "verduurzaming_woningen": "verduurzaming woningen duurzaam wonen",
}


def theme_bit(theme_code: str) -> int:
    return 1 << THEMES.index(theme_code)


def reindex_all(conn) -> int:
    ids = [r[0] for r in conn.execute(select(S.module.c.id))]
    reindex_modules(conn, ids)
    return len(ids)


def _chunks(items: List[str], n: int = CHUNK) -> Iterable[List[str]]:
    for i in range(0, len(items), n):
        yield items[i : i + n]


def reindex_modules(conn, module_ids: List[str]) -> None:
    for chunk in _chunks(list(module_ids)):
        _reindex_chunk(conn, chunk)


def _reindex_chunk(conn, ids: List[str]) -> None:
    sqlite = conn.dialect.name == "sqlite"
    # remove old index rows
    conn.execute(delete(S.search_entry).where(S.search_entry.c.module_id.in_(ids)))
    if sqlite:
        old_docs = [
            r[0] for r in conn.execute(select(S.module_text.c.doc_id).where(S.module_text.c.module_id.in_(ids)))
        ]
        if old_docs:
            conn.execute(text("DELETE FROM module_fts WHERE rowid = :d"), [{"d": d} for d in old_docs])
    conn.execute(delete(S.module_text).where(S.module_text.c.module_id.in_(ids)))

    themes = defaultdict(list)
    for r in conn.execute(select(S.module_theme).where(S.module_theme.c.module_id.in_(ids))):
        themes[r.module_id].append(r.theme)
    mods = (
        conn.execute(
            select(S.module, S.provider.c.name.label("provider_name"))
            .join(S.provider, S.provider.c.id == S.module.c.provider_id)
            .where(S.module.c.id.in_(ids), S.module.c.withdrawn_at.is_(None))
        )
        .mappings()
        .all()
    )
    if not mods:
        return
    by_id = {m["id"]: m for m in mods}

    entries = []
    for o in conn.execute(select(S.offering).where(S.offering.c.module_id.in_(list(by_id)))).mappings():
        m = by_id[o["module_id"]]
        x, y = to_xy(o["lat"], o["lon"]) if o["lat"] is not None and o["format"] != "online" else (None, None)
        entries.append(
            {
                "offering_id": o["id"],
                "module_id": o["module_id"],
                "theme_mask": sum(theme_bit(t) for t in themes[o["module_id"]]),
                "nlqf": m["nlqf_level"],
                "fmt": o["format"],
                "region": o["region"],
                "x_km": x,
                "y_km": y,
                "start_date": o["start_date"],
                "price": o["price_eur"],
                "hours_pw": m["hours_per_week"],
            }
        )
    if entries:
        conn.execute(insert(S.search_entry), entries)

    docs = []
    for m in mods:
        theme_words = " ".join(THEME_NAMES[t] for t in themes[m["id"]])
        body = " ".join(
            [m["description"], m["keywords"], m["provider_name"], theme_words, m["level_label"], m["credential"]]
        )
        docs.append({"module_id": m["id"], "title": m["title"], "body": body})
    if sqlite:
        for d in docs:
            doc_id = conn.execute(insert(S.module_text).values(**d)).inserted_primary_key[0]
            conn.execute(
                text("INSERT INTO module_fts(rowid, title, body) VALUES (:r, :t, :b)"),
                {"r": doc_id, "t": index_terms(d["title"]), "b": index_terms(d["body"])},
            )
    else:
        # PostgreSQL stems with its 'dutch' configuration; we only add the compound parts
        for d in docs:
            d["body"] = d["body"] + " " + compound_parts_text(d["title"] + " " + d["body"])
        conn.execute(insert(S.module_text), docs)
