"""Catalogue search: hard filters, full-text relevance and profile fit, ranked in SQL.

One query shape for SQLite and PostgreSQL: every ranking input sits in `search_entry` (one row
per upcoming offering), the score is a weighted sum of CASE expressions, and only the
full-text part differs (FTS5 bm25 vs. ts_rank with the 'dutch' configuration). Reasons
("waarom past dit") are written in Python for the few hits shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Dict, List, Optional, Tuple

import numpy as np
from sqlalchemy import Date, bindparam, select, text

from .types import ProfileError
from .vocabulary import FORMATS, REGIONS, THEMES
from . import schema as S
from .display import label
from .connection import engine_or_default
from .indexing import theme_bit
from .levels import LABELS, level_label, nlqf_for
from .meta import json_list
from .places import haversine_km, place_index, resolve_place, to_xy
from .profile import normalise_profile
from locales import _

from .funding import course_facts
from .funding.engine import Facts, evaluate_test
from .funding.rules import facts_in, load_rules
from .ranking import Ranked, rank, rank_index
from .textnl import format_eur, format_price, fts5_query, pg_tsquery, query_words
from .types import ModuleDetail, ModuleHit, Offering, SearchResult
from .vocabulary import REGION_LABELS, THEME_NAMES

MAX_QUERY_CHARS = 300
MAX_LIMIT = 50
DEFAULT_RADIUS_KM = 30
SOON_DAYS = 42  # "start binnen 6 weken"
FAR_KM = 60  # further away is said as a caveat, not as a reason
# weights of the score parts (each part is 0..1)
W = {"text": 4.0, "theme": 3.0, "level": 2.0, "place": 2.5, "format": 1.0, "start": 1.0, "price": 1.0, "hours": 0.5}
RELAX_ORDER = ["start_within_days", "hours_per_week", "max_price", "format", "location", "region", "level", "theme"]
FILTER_KEYS = set(RELAX_ORDER) | {"radius_km"}
# single words that are also Dutch places but usually mean something else in a query
_NOT_PLACES = {
    "best",
    "son",
    "mill",
    "made",
    "enter",
    "haren",
    "grave",
    "vries",
    "goor",
    "nes",
    "balk",
    "leek",
    "gieten",
    "rijen",
    "hoeven",
    "beek",
    "delden",
    "hasselt",
    "leiden",
    "goes",
    "weert",
    "hoorn",
    "ede",
    "noorden",
    "het noorden",
}


@dataclass
class Wish:
    """Everything one search wants, after checking."""

    person: dict
    filters: dict  # checked hard filters (key -> value)
    words: List[str]
    place: Optional[object]  # Place for distance (filter location, else profile/query place)
    theme: Optional[str]  # soft theme from the profile
    today: date
    messages: List[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
def _check_filters(filters: Optional[dict], conn) -> Tuple[dict, List[str]]:
    if filters is None:
        return {}, []
    if not isinstance(filters, dict):
        raise ProfileError("filters", "De filters moeten een dict zijn.")
    out, messages = {}, []
    for key, value in filters.items():
        if key not in FILTER_KEYS:
            raise ProfileError(key, f"Onbekend filter '{str(key)[:30]}'. Gebruik: {', '.join(sorted(FILTER_KEYS))}.")
        if value is None or value == "":
            continue
        if isinstance(value, str) and key in ("theme", "region", "format"):
            value = value.strip().lower()
        if key == "theme":
            if value not in THEMES:
                raise ProfileError(key, f"Ik ken het thema '{str(value)[:40]}' niet. Kies uit: {', '.join(THEMES)}.")
            out[key] = value
        elif key == "level":
            n = value if isinstance(value, int) and not isinstance(value, bool) else nlqf_for(value)
            if n is None or not 1 <= n <= 8:
                raise ProfileError(key, f"Ik ken het niveau '{str(value)[:40]}' niet.")
            out[key] = n
        elif key == "region":
            if value not in REGIONS:
                raise ProfileError(key, f"Ik ken de regio '{str(value)[:40]}' niet. Kies uit: {', '.join(REGIONS)}.")
            out[key] = value
        elif key == "format":
            if value not in FORMATS:
                raise ProfileError(key, f"Ik ken de lesvorm '{str(value)[:40]}' niet. Kies uit: {', '.join(FORMATS)}.")
            out[key] = value
        elif key == "location":
            place = place_index(conn).lookup(value) if isinstance(value, str) and len(value) <= 80 else None
            if place is None:
                messages.append(f"Ik ken de plaats '{str(value)[:40]}' niet, dus ik zoek niet op afstand.")
            else:
                out[key] = place
        else:
            limits = {
                "max_price": (0, 1_000_000),
                "start_within_days": (0, 3650),
                "hours_per_week": (0, 80),
                "radius_km": (1, 400),
            }[key]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not limits[0] <= value <= limits[1]:
                raise ProfileError(key, f"Filter '{key}' moet een getal tussen {limits[0]} en {limits[1]} zijn.")
            out[key] = value
    return out, messages


def _place_from_query(words: List[str], conn) -> Tuple[Optional[object], List[str]]:
    """A place named in the query ('warmtepomp eindhoven'): returned and taken out of the words."""
    index = place_index(conn)
    for n in (3, 2, 1):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i : i + n])
            if phrase in _NOT_PLACES or (n == 1 and len(phrase) < 3):
                continue
            name = index.aliases.get(phrase)
            if name:
                return index.places[name], words[:i] + words[i + n :]
    return None, words


# ---------------------------------------------------------------------------------------------
# Full-text relevance in 0..1. SQLite: 1.0 when the words are in the title, 0.6 when only in the
# text (two rowid-only FTS5 queries: bm25() made a broad word cost 6 ms at 10,000 modules).
# PostgreSQL: ts_rank with the 'dutch' configuration, squashed as r / (r + 0.05).
# Matches come back as one comma-joined string per query: thousands of ids parse in microseconds.
_FTS_SQL = {
    "sqlite": [
        ("SELECT group_concat(rowid), NULL FROM module_fts WHERE module_fts MATCH ?", 0.6),
        ("SELECT group_concat(rowid), NULL FROM module_fts WHERE module_fts MATCH 'title : (' || ? || ')'", 1.0),
    ],
    "postgresql": [
        (
            "SELECT string_agg(doc_id::text, ','), string_agg((r / (r + 0.05))::text, ',') FROM ("
            "SELECT doc_id, ts_rank(tsv, query, 1) AS r FROM module_text, to_tsquery('dutch', %s) AS query "
            "WHERE tsv @@ query) AS m",
            None,
        )
    ],
}


def _text_matches(conn, words: List[str], all_words: bool) -> List[Tuple[np.ndarray, np.ndarray]]:
    """[(doc_ids, relevance 0..1)] for the query words (Dutch-aware: stems, compound parts,
    prefixes); later pairs win for a doc_id that comes twice (text first, then title)."""
    dialect = conn.dialect.name
    q = fts5_query(words, all_words) if dialect == "sqlite" else pg_tsquery(words, all_words)
    cur = conn.connection.cursor()
    out = []
    try:
        for sql, fixed in _FTS_SQL[dialect]:
            cur.execute(sql, (q,))
            ids, rels = cur.fetchone()
            if ids:
                doc_ids = np.array(ids.split(","), dtype=np.int64)
                rel = np.full(doc_ids.size, fixed) if fixed is not None else np.array(rels.split(","), dtype=np.float64)
                out.append((doc_ids, rel))
    finally:
        cur.close()
    return out


def _attempt(conn, idx, w: Wish, f: dict, text_mode: Optional[str], limit: int, offset: int) -> Ranked:
    """One combination of hard filters and text mode, ranked."""
    filters, soft = {}, {}
    if "theme" in f:
        filters["theme_bit"] = theme_bit(f["theme"])
    for key, name in (
        ("level", "level"),
        ("region", "region"),
        ("format", "format"),
        ("max_price", "max_price"),
        ("hours_per_week", "hours"),
    ):
        if key in f:
            filters[name] = f[key]
    if "location" in f:
        filters["xy"] = (*to_xy(f["location"].lat, f["location"].lon), float(f.get("radius_km", DEFAULT_RADIUS_KM)))
    if "start_within_days" in f:
        filters["start_until"] = w.today + timedelta(days=int(f["start_within_days"]))
    p = w.person
    if w.theme:
        soft["theme_bit"] = theme_bit(w.theme)
    if p.get("nlqf") is not None:
        soft["nlqf"] = max(p["nlqf"], 1)  # without a diploma, level 1-2 is the next step
    if w.place is not None:
        soft["xy"] = to_xy(w.place.lat, w.place.lon)
    elif p.get("region") or p.get("tenant"):
        soft["region"] = p.get("region") or p.get("tenant")
    if p.get("course_format"):
        soft["format"] = p["course_format"]
    if p.get("budget") is not None:
        soft["budget"] = p["budget"]
    if p.get("hours_per_week") is not None:
        soft["hours"] = p["hours_per_week"]
    text_rel = _text_matches(conn, w.words, text_mode == "and") if text_mode else None
    return rank(
        idx,
        weights=W,
        today=w.today,
        soon_days=SOON_DAYS,
        filters=filters,
        soft=soft,
        text=text_rel,
        limit=limit,
        offset=offset,
    )


# ---------------------------------------------------------------------------------------------
def _relax_message(key: str, w: Wish, f: dict, hits: List[ModuleHit]) -> str:
    """Which wish was let go, in the active language (locales/)."""
    place_part = ""
    if "location" in f and key != "location":
        place_part = _(" in de buurt van {place}", place=f["location"].name)
    elif "region" in f and key != "region":
        place_part = _(" in {region}", region=label(REGION_LABELS[f["region"]]))
    if key == "format":
        words = {"klassikaal": _("klassikaal"), "online": _("online"), "hybride": _("hybride (deels online)")}
        formats = {h.format for h in hits}
        if len(formats) == 1:
            return _(
                "Ik vond niets {wanted}{where}; dit zijn {found} opties.",
                wanted=words[f["format"]],
                where=place_part,
                found=_(formats.pop()),
            )
        return _(
            "Ik vond niets {wanted}{where}; dit zijn opties in een andere lesvorm.",
            wanted=words[f["format"]],
            where=place_part,
        )
    if key == "region":
        return _(
            "Ik vond niets in {region}; dit zijn opties elders of online.", region=label(REGION_LABELS[f["region"]])
        )
    if key == "location":
        return _(
            "Ik vond niets binnen {km} km van {place}; dit zijn opties verder weg of online.",
            km=f.get("radius_km", DEFAULT_RADIUS_KM),
            place=f["location"].name,
        )
    if key == "start_within_days":
        days = int(f["start_within_days"])
        span = _("{n} weken", n=days // 7) if days % 7 == 0 and days >= 14 else _("{n} dagen", n=days)
        return _(
            "Ik vond niets dat binnen {span} start{where}; dit zijn de eerstvolgende starts.",
            span=span,
            where=place_part,
        )
    if key == "max_price":
        return _(
            "Ik vond niets voor maximaal {price}{where}; deze opties kosten meer.",
            price=format_eur(f["max_price"]),
            where=place_part,
        )
    if key == "hours_per_week":
        return _(
            "Ik vond niets voor maximaal {hours} uur per week{where}; deze vragen meer tijd.",
            hours=f["hours_per_week"],
            where=place_part,
        )
    if key == "level":
        return _(
            "Ik vond niets op niveau {level}{where}; dit zijn opties op een ander niveau.",
            level=f["level"],
            where=place_part,
        )
    if key == "theme":
        return _(
            "Ik vond niets over {theme}{where}; dit zijn andere opties.",
            theme=label(THEME_NAMES[f["theme"]]),
            where=place_part,
        )
    return ""


def _plans(filters: dict, words: List[str]):
    """Attempts in order: all wishes; then one filter let go, then several; the same with only
    some of the words; finally without the words. Each yields (dropped filters, text mode)."""
    modes = (["and", "or"] if len(words) > 1 else ["and"]) if words else [None]
    keys = [k for k in RELAX_ORDER if k in filters]
    steps = [[]] + [[k] for k in keys] + [keys[:n] for n in range(2, len(keys) + 1)]
    for mode in modes:
        for dropped in steps:
            yield dropped, mode
    if words:
        for dropped in steps:
            yield dropped, None


def search_modules(
    profile: Optional[dict],
    query: Optional[str] = None,
    filters: Optional[dict] = None,
    limit: int = 3,
    offset: int = 0,
    *,
    engine=None,
    today: Optional[date] = None,
) -> SearchResult:
    """See knowledge.search_modules."""
    for name, value, _most in (("limit", limit, MAX_LIMIT), ("offset", offset, 10_000)):
        if isinstance(value, bool) or not isinstance(value, int) or value < (1 if name == "limit" else 0):
            raise ProfileError(name, f"{name} moet een geheel getal zijn (limit 1-{MAX_LIMIT}, offset vanaf 0).")
    limit, offset = min(limit, MAX_LIMIT), min(offset, 10_000)
    if query is not None and not isinstance(query, str):
        raise ProfileError("query", "De zoekvraag moet tekst zijn.")
    today = today or date.today()
    with engine_or_default(engine).connect() as conn:
        person = normalise_profile(profile, resolve=lambda t: resolve_place(t, conn=conn))
        f, messages = _check_filters(filters, conn)
        if person.get("unknown_location"):
            messages.append(
                _(
                    "Ik ken de plaats '{place}' niet, dus ik kijk niet naar afstand.",
                    place=person["unknown_location"][:40],
                )
            )
        words = []
        if query and query.strip():
            if len(query) > MAX_QUERY_CHARS:
                messages.append(_("Je vraag is erg lang; ik heb alleen het begin gebruikt."))
            words = query_words(query[:MAX_QUERY_CHARS])
            query_place = None
            if words:
                query_place, words = _place_from_query(words, conn)
            if not words and query_place is None:
                messages.append(_("Ik zag geen zoekwoorden in je vraag. Dit zijn opties die passen bij je profiel."))
        else:
            query_place = None
        if query_place is not None and query_place.municipality is None:  # "twente", "brabant": a region
            if query_place.region:
                person.setdefault("region", query_place.region)
            query_place = None
        place = f.get("location") or person.get("place") or query_place
        if query_place is not None and "location" not in f and person.get("place") is None and query_place.region:
            person.setdefault("region", query_place.region)
        w = Wish(
            person=person,
            filters=f,
            words=words,
            place=place,
            theme=person.get("theme"),
            today=today,
            messages=messages,
        )

        idx = rank_index(conn)
        for dropped, mode in _plans(f, words):
            active = {k: v for k, v in f.items() if k not in dropped}
            result = _attempt(conn, idx, w, active, mode, limit, offset)
            total, ranked = result.total, result.page
            if total:
                hits = _hits(conn, w, ranked, text_used=mode is not None)
                relaxed = [_relax_message(k, w, f, hits) for k in dropped]
                if words and mode == "or":
                    relaxed.insert(
                        0, _("Ik vond niets met al je zoekwoorden samen; dit zijn opties met een deel ervan.")
                    )
                if words and mode is None:
                    relaxed.insert(
                        0,
                        _(
                            "Ik vond niets over '{words}'; dit zijn opties die passen bij je andere wensen.",
                            words=" ".join(words),
                        ),
                    )
                return SearchResult(
                    hits=hits,
                    total=total,
                    relaxed=relaxed,
                    relaxed_filters=list(dropped) + (["query"] if words and mode is None else []),
                    message=" ".join(messages) or None,
                )
        return SearchResult(
            hits=[], total=0, relaxed=[], message=" ".join(messages + [_("Ik vond geen passende modules.")])
        )


# ---------------------------------------------------------------------------------------------
def price_text(price: Optional[float], tags: List[str]) -> str:
    if price and "prijs_per_jaar" in tags:
        return _("{price} per jaar incl. btw", price=format_eur(price))
    return format_price(price)


def _reasons(w: Wish, m: dict, o: dict, themes: List[str], distance: Optional[float], text_used: bool) -> List[str]:
    """Why a module fits ("waarom past dit"), in the active language (locales/)."""
    out = []
    if w.words and text_used:
        out.append(_("past bij je zoekvraag '{words}'", words=" ".join(w.words)))
    wanted = w.filters.get("theme") or w.theme
    if wanted and wanted in themes:
        out.append(_("gaat over {theme}", theme=label(THEME_NAMES[wanted])))
    p, n = w.person.get("nlqf"), m["nlqf_level"]
    if p is not None and n is not None:
        p = max(p, 1)  # as in the ranking: without a diploma, level 1-2 is the next step
        plabel = label(LABELS[w.person["education_level"]])
        d = n - p
        if d in (0, 1):
            out.append(_("past bij je niveau ({mine} → module op niveau {level})", mine=plabel, level=n))
        elif d == -1:
            out.append(_("iets onder je niveau ({mine} → niveau {level}): goed om bij te leren", mine=plabel, level=n))
        elif d >= 2:
            out.append(_("let op: hoger dan je niveau ({mine} → niveau {level})", mine=plabel, level=n))
        else:
            out.append(
                _("onder je niveau ({mine} → niveau {level}): handig als je van vak wisselt", mine=plabel, level=n)
            )
    if o["format"] == "online":
        out.append(_("online, dus overal te volgen"))
    elif distance is not None:
        if distance < 1:
            out.append(_("in {place}, dichtbij", place=o["location"]))
        elif distance <= FAR_KM:
            out.append(_("in {place}, {km} km", place=o["location"], km=round(distance)))
        else:
            out.append(
                _("let op: in {place}, {km} km van {home}", place=o["location"], km=round(distance), home=w.place.name)
            )
    else:
        region = w.filters.get("region") or w.person.get("region") or w.person.get("tenant")
        if region and o["region"] == region:
            out.append(_("in jouw regio ({region})", region=label(REGION_LABELS[region])))
    if o.get("hub_name"):
        out.append(_("les bij {hub}", hub=o["hub_name"]))
    start = o["start_date"]
    if start is None:
        out.append(_("je kunt altijd starten"))
    else:
        days = (start - w.today).days
        if days <= 7:
            out.append(_("start binnen een week"))
        elif days <= SOON_DAYS:
            out.append(_("start binnen {n} weken", n=math.ceil(days / 7)))
    fmt = w.filters.get("format") or w.person.get("course_format")
    if fmt and o["format"] == fmt:
        out.append(_("{format}, zoals je wilt", format=_(fmt)))
    budget = w.person.get("budget")
    if o["price_eur"] == 0:
        out.append(_("gratis voor deelnemers"))
    elif budget is not None and o["price_eur"] is not None and o["price_eur"] <= budget:
        out.append(_("past in je budget ({price})", price=format_eur(o["price_eur"])))
    hours = w.person.get("hours_per_week") or w.filters.get("hours_per_week")
    if hours and m["hours_per_week"] and m["hours_per_week"] <= hours:
        out.append(_("past in je tijd: ongeveer {hours} uur per week", hours=m["hours_per_week"]))
    return out


def _load(conn, module_ids: List[str]):
    mods = {
        r["id"]: r
        for r in conn.execute(
            select(S.module, S.provider.c.name.label("provider_name"))
            .join(S.provider, S.provider.c.id == S.module.c.provider_id)
            .where(S.module.c.id.in_(module_ids))
        ).mappings()
    }
    themes: Dict[str, List[str]] = {}
    for r in conn.execute(select(S.module_theme).where(S.module_theme.c.module_id.in_(module_ids))):
        themes.setdefault(r.module_id, []).append(r.theme)
    return mods, themes


def _make_hit(
    cls,
    m: dict,
    o: Optional[dict],
    themes: List[str],
    reasons: List[str],
    score: float,
    distance: Optional[float],
    **extra,
):
    tags = json_list(m["tags"])
    return cls(
        module_id=m["id"],
        offering_id=o["id"] if o else None,
        title=m["title"],
        provider=m["provider_name"],
        nlqf_level=m["nlqf_level"],
        level_label=m["level_label"] or level_label(m["nlqf_level"], m["education_type"]),
        format=o["format"] if o else "",
        location=o["location"] if o else "",
        duration_text=m["duration_text"],
        study_load_text=m["study_load_text"],
        price_eur=o["price_eur"] if o else None,
        price_text=price_text(o["price_eur"] if o else None, tags),
        next_start=o["start_date"] if o else None,
        credential=m["credential"],
        url=m["url"],
        enroll_url=m["enroll_url"] or m["url"],
        reasons=reasons,
        sample=bool(m["sample"]),
        score=round(score, 3),
        themes=sorted(themes),
        distance_km=round(distance, 1) if distance is not None else None,
        hours_per_week=m["hours_per_week"],
        **extra,
    )


_HITS_SQL = (
    text(
        "SELECT m.*, p.name AS provider_name, o.id AS o_id, o.format AS o_format, o.location AS o_location, "
        "o.region AS o_region, o.lat AS o_lat, o.lon AS o_lon, o.start_date AS o_start_date, "
        "o.price_eur AS o_price_eur, h.name AS o_hub_name, se.theme_mask AS theme_mask "
        "FROM offering o JOIN module m ON m.id = o.module_id JOIN provider p ON p.id = m.provider_id "
        "JOIN search_entry se ON se.offering_id = o.id LEFT JOIN hub h ON h.id = o.hub_id WHERE o.id IN :ids"
    )
    .bindparams(bindparam("ids", expanding=True))
    .columns(o_start_date=Date)
)


def _hits(conn, w: Wish, ranked, text_used: bool) -> List[ModuleHit]:
    """Cards for the ranked (module, score, offering) triples: one prepared, joined query."""
    rows = conn.execute(_HITS_SQL, {"ids": [oid for _, _, oid in ranked]}).mappings().all()
    by_offering = {r["o_id"]: r for r in rows}
    hits = []
    for _mid, score, oid in ranked:
        r = by_offering[oid]
        off = {
            k: r["o_" + k]
            for k in ("id", "format", "location", "region", "lat", "lon", "start_date", "price_eur", "hub_name")
        }
        themes = [t for t in THEMES if r["theme_mask"] & theme_bit(t)]
        distance = None
        if w.place is not None and off["lat"] is not None and off["format"] != "online":
            distance = haversine_km(w.place.lat, w.place.lon, off["lat"], off["lon"])
        hits.append(
            _make_hit(ModuleHit, r, off, themes, _reasons(w, r, off, themes, distance, text_used), score, distance)
        )
    return hits


def get_module(
    module_id: str, *, engine=None, today: Optional[date] = None, include_withdrawn: bool = False
) -> Optional[ModuleDetail]:
    """See knowledge.get_module. Offerings are the upcoming ones (all, when none is upcoming)."""
    if not isinstance(module_id, str) or not module_id or len(module_id) > 120:
        return None
    today = today or date.today()
    with engine_or_default(engine).connect() as conn:
        mods, themes = _load(conn, [module_id])
        if module_id not in mods or (mods[module_id]["withdrawn_at"] and not include_withdrawn):
            return None
        m = mods[module_id]
        rows = (
            conn.execute(
                select(S.offering)
                .where(S.offering.c.module_id == module_id)
                .order_by(S.offering.c.start_date, S.offering.c.id)
            )
            .mappings()
            .all()
        )
        upcoming = [r for r in rows if r["start_date"] is None or r["start_date"] >= today] or list(rows)
        tags = json_list(m["tags"])
        offerings = [
            Offering(
                offering_id=r["id"],
                start_date=r["start_date"],
                end_date=r["end_date"],
                location=r["location"],
                region=r["region"],
                format=r["format"],
                price_eur=r["price_eur"],
                price_text=price_text(r["price_eur"], tags),
                schedule=r["schedule"],
                hub_id=r["hub_id"],
            )
            for r in upcoming
        ]
        facts = Facts({}, course_facts(conn, module_id, today), today)
    first = upcoming[0] if upcoming else None
    funding = json_list(m["funding_tags"])
    for rule in load_rules():  # open schemes with course conditions that this module meets
        if (rule.valid_until and today > rule.valid_until) or (rule.valid_from and today < rule.valid_from):
            continue
        course_conds = [c for c in rule.conditions if any(f.startswith("course.") for f in facts_in(c.test))]
        if (
            course_conds
            and rule.id not in funding
            and all(c.if_fail != "not_eligible" or evaluate_test(c.test, facts, []) is not False for c in course_conds)
        ):
            funding.append(rule.id)
    return _make_hit(
        ModuleDetail,
        m,
        first,
        themes.get(module_id, []),
        [],
        0.0,
        None,
        description=m["description"],
        offerings=offerings,
        enroll_prepare=json_list(m["enroll_prepare"]),
        funding_tags=funding,
        education_type=m["education_type"],
        mode=m["mode"],
        bol_bbl=m["bol_bbl"],
        recognised=bool(m["recognised"]),
        nlqf_registered=bool(m["nlqf_registered"]),
        source=m["source"],
        withdrawn_at=m["withdrawn_at"],
    )
