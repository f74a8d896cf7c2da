"""In-memory ranking index: the search_entry table as numpy arrays, scored vectorised.

Scoring every upcoming offering in SQL took ~230 ms at 10,000 modules on SQLite; the same sums
over arrays take a few milliseconds. The database stays the source of truth: the index is
rebuilt whenever meta.catalogue_version changes (every catalogue write bumps it), so several
processes stay consistent. Full-text matching still runs in the database (FTS5 / tsvector).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Dict, List, Optional, Tuple

import numpy as np
from sqlalchemy import select

from . import schema as S
from .vocabulary import FORMATS, REGIONS

FORMAT_CODE = {value: code for code, value in enumerate(FORMATS)}
REGION_CODE = {None: 0, **{value: code for code, value in enumerate(REGIONS, start=1)}}
FLEX = -1  # start "whenever you like"; sorts before dated starts


class RankIndex:
    def __init__(self, rows, docs, titles, version: str):
        self.version = version
        self.module_ids: List[str] = []
        self.module_pos: Dict[str, int] = {}
        mod_idx, offering_ids = [], []
        cols = {k: [] for k in ("theme", "nlqf", "fmt", "region", "x", "y", "start", "price", "hours")}
        for r in rows:  # ordered by module_id, offering_id
            if r.module_id not in self.module_pos:
                self.module_pos[r.module_id] = len(self.module_ids)
                self.module_ids.append(r.module_id)
            mod_idx.append(self.module_pos[r.module_id])
            offering_ids.append(r.offering_id)
            cols["theme"].append(r.theme_mask)
            cols["nlqf"].append(np.nan if r.nlqf is None else r.nlqf)
            cols["fmt"].append(FORMAT_CODE.get(r.fmt, 1))
            cols["region"].append(REGION_CODE.get(r.region, 0))
            cols["x"].append(np.nan if r.x_km is None else r.x_km)
            cols["y"].append(np.nan if r.y_km is None else r.y_km)
            cols["start"].append(FLEX if r.start_date is None else r.start_date.toordinal())
            cols["price"].append(np.nan if r.price is None else r.price)
            cols["hours"].append(np.nan if r.hours_pw is None else r.hours_pw)
        self.mod = np.array(mod_idx, dtype=np.int64)
        self.offering_ids = offering_ids
        self.theme = np.array(cols["theme"], dtype=np.int64)
        self.fmt = np.array(cols["fmt"], dtype=np.int8)
        self.region = np.array(cols["region"], dtype=np.int8)
        self.start = np.array(cols["start"], dtype=np.int64)
        for k in ("nlqf", "x", "y", "price", "hours"):
            setattr(self, k, np.array(cols[k], dtype=np.float64))
        self.online = self.fmt == 0
        self.flex = self.start == FLEX
        self.row = np.arange(len(offering_ids))
        # same title (the same course from another provider or place) -> same number
        title_ids: Dict[str, int] = {}
        self.title = np.array(
            [title_ids.setdefault(titles.get(m, m).strip().lower(), len(title_ids)) for m in self.module_ids],
            dtype=np.int64,
        )
        # full-text doc_id -> module position (-1: no upcoming offering, so not searchable)
        top = max((d for d, _ in docs), default=0)
        self.doc_pos = np.full(top + 1, -1, dtype=np.int64)
        for doc_id, module_id in docs:
            self.doc_pos[doc_id] = self.module_pos.get(module_id, -1)

    def __len__(self):
        return len(self.offering_ids)


_CACHE: Dict[str, RankIndex] = {}
_LOCK = threading.Lock()


def rank_index(conn) -> RankIndex:
    """The index for this database, rebuilt when the catalogue changed."""
    cur = conn.connection.cursor()  # raw cursor: this runs for every search
    try:
        cur.execute("SELECT value FROM meta WHERE key = 'catalogue_version'")
        found = cur.fetchone()
    finally:
        cur.close()
    version = found[0] if found else "0"
    key = str(conn.engine.url)
    idx = _CACHE.get(key)
    if idx is None or idx.version != version:
        with _LOCK:
            idx = _CACHE.get(key)
            if idx is None or idx.version != version:
                se = S.search_entry.c
                rows = conn.execute(
                    select(
                        se.module_id,
                        se.offering_id,
                        se.theme_mask,
                        se.nlqf,
                        se.fmt,
                        se.region,
                        se.x_km,
                        se.y_km,
                        se.start_date,
                        se.price,
                        se.hours_pw,
                    ).order_by(se.module_id, se.offering_id)
                ).all()
                docs = conn.execute(select(S.module_text.c.doc_id, S.module_text.c.module_id)).all()
                titles = dict(conn.execute(select(S.module.c.id, S.module.c.title)).all())
                idx = RankIndex(rows, docs, titles, version)
                _CACHE[key] = idx
    return idx


def _case(default: float, *pairs) -> np.ndarray:
    """np.select with the first matching condition winning, like SQL CASE."""
    conds = [c for c, _ in pairs]
    vals = [v for _, v in pairs]
    return np.select(conds, vals, default=default)


def _repeat_count(keys: np.ndarray) -> np.ndarray:
    """For each position, how many earlier positions have the same key (0, 0, 1, 0, 2, ...)."""
    n = keys.size
    if n == 0:
        return keys
    by_key = np.argsort(keys, kind="stable")
    sorted_keys = keys[by_key]
    pos = np.arange(n)
    group_start = np.maximum.accumulate(np.where(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]], pos, 0))
    out = np.empty(n, dtype=np.int64)
    out[by_key] = pos - group_start
    return out


@dataclass
class Ranked:
    total: int
    page: List[Tuple[str, float, str]]  # (module_id, score, offering_id)


def rank(
    idx: RankIndex,
    *,
    weights: dict,
    today: date,
    soon_days: int,
    filters: dict,
    soft: dict,
    text: Optional[List[Tuple[np.ndarray, np.ndarray]]],
    limit: int,
    offset: int,
) -> Ranked:
    """Filter, score and page. filters/soft hold already-checked values (see search.py)."""
    if len(idx) == 0:
        return Ranked(0, [])
    t = today.toordinal()
    mask = idx.flex | (idx.start >= t)
    if "theme_bit" in filters:
        mask &= (idx.theme & filters["theme_bit"]) != 0
    if "level" in filters:
        mask &= idx.nlqf == filters["level"]
    if "region" in filters:
        mask &= idx.online | (idx.region == REGION_CODE[filters["region"]])
    if "xy" in filters:
        x, y, r = filters["xy"]
        with np.errstate(invalid="ignore"):
            mask &= idx.online | (((idx.x - x) ** 2 + (idx.y - y) ** 2) <= r * r)
    if "format" in filters:
        mask &= idx.fmt == FORMAT_CODE[filters["format"]]
    if "max_price" in filters:
        with np.errstate(invalid="ignore"):
            mask &= idx.price <= filters["max_price"]
    if "start_until" in filters:
        mask &= idx.flex | (idx.start <= filters["start_until"].toordinal())
    if "hours" in filters:
        with np.errstate(invalid="ignore"):
            mask &= np.isnan(idx.hours) | (idx.hours <= filters["hours"])
    rel = None
    if text is not None:
        matched = np.zeros(len(idx.module_ids), dtype=bool)
        rel = np.zeros(len(idx.module_ids), dtype=np.float64)
        for docs, vals in text:  # (doc_ids, relevance) arrays; later pairs win
            ok = docs < idx.doc_pos.size
            pos = idx.doc_pos[docs[ok]]
            keep = pos >= 0
            matched[pos[keep]] = True
            rel[pos[keep]] = vals[ok][keep]
        mask &= matched[idx.mod]
    rows = idx.row[mask]
    if rows.size == 0:
        return Ranked(0, [])

    def col(a):
        return a[rows]

    start, online = col(idx.start), col(idx.online)
    score = weights["start"] * _case(
        0.2, (col(idx.flex), 0.8), (start <= t + soon_days, 1.0), (start <= t + 90, 0.7), (start <= t + 180, 0.4)
    )
    if rel is not None:
        score = score + weights["text"] * rel[col(idx.mod)]
    if "theme_bit" in soft:
        score = score + weights["theme"] * ((col(idx.theme) & soft["theme_bit"]) != 0)
    if "nlqf" in soft:
        n = col(idx.nlqf)
        d = n - soft["nlqf"]
        score = score + weights["level"] * _case(
            0.1, (np.isnan(n), 0.4), ((d >= 0) & (d <= 1), 1.0), (d == -1, 0.6), (d == 2, 0.5)
        )
    if "xy" in soft:
        x, y = soft["xy"]
        xs = col(idx.x)
        with np.errstate(invalid="ignore"):
            d2 = (xs - x) ** 2 + (col(idx.y) - y) ** 2
            score = score + weights["place"] * _case(
                0.0,
                (online, 0.7),
                (np.isnan(xs), 0.2),
                (d2 <= 225, 1.0),
                (d2 <= 900, 0.8),
                (d2 <= 3600, 0.5),
                (d2 <= 10000, 0.1),
            )
    elif "region" in soft:
        score = score + weights["place"] * _case(
            0.1, (col(idx.region) == REGION_CODE[soft["region"]], 1.0), (online, 0.7)
        )
    if "format" in soft:
        f = col(idx.fmt)
        score = score + weights["format"] * _case(
            0.0, (f == FORMAT_CODE[soft["format"]], 1.0), (f == FORMAT_CODE["hybride"], 0.5)
        )
    if "budget" in soft:
        p, b = col(idx.price), soft["budget"]
        with np.errstate(invalid="ignore"):
            score = score + weights["price"] * _case(0.0, (np.isnan(p), 0.5), (p <= b, 1.0), (p <= b * 1.25, 0.4))
    if "hours" in soft:
        h = col(idx.hours)
        with np.errstate(invalid="ignore"):
            score = score + weights["hours"] * _case(0.2, (np.isnan(h), 0.5), (h <= soft["hours"], 1.0))
    score = np.round(score, 9)  # stable ties across platforms
    mods_all = col(idx.mod)
    total = int(np.count_nonzero(np.bincount(mods_all)))
    # Candidates: only rows scoring at least the k-th best can hold the best offering of a top
    # module. The window depends on the page only in steps of 50, so pages stay consistent.
    need = -(-(offset + limit) // 50) * 50
    cand = np.arange(rows.size)
    k = need * 8
    if rows.size > 4 * k:
        kth = np.partition(score, rows.size - k)[rows.size - k]
        narrowed = np.flatnonzero(score >= kth)
        if np.unique(mods_all[narrowed]).size >= need:
            cand = narrowed
    # best offering per module: highest score, then earliest start, then row order
    order = cand[np.lexsort((rows[cand], start[cand], -score[cand]))]
    _, first = np.unique(mods_all[order], return_index=True)
    best = order[first]  # one row (position in `rows`) per module
    best = best[np.lexsort((mods_all[best], -score[best]))]  # score desc, then module id
    # variety: the same course title from another provider comes after the other titles
    dup = _repeat_count(idx.title[mods_all[best]])
    page_order = np.lexsort((np.arange(best.size), dup))
    chosen = best[page_order][offset : offset + limit]
    page = [(idx.module_ids[idx.mod[rows[i]]], float(score[i]), idx.offering_ids[rows[i]]) for i in chosen]
    return Ranked(total, page)
