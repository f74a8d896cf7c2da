"""Writing modules: validation and idempotent upsert by (source, source_id).

Used by the sample seeding and by the OOAPI / EDU-DEX importers. The caller owns the
transaction, so a whole file is written or nothing is.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date, datetime, timezone
from typing import List, Optional

from sqlalchemy import delete, insert, select, update

from .vocabulary import FORMATS, REGIONS, THEMES
from . import schema as S
from .indexing import reindex_modules
from .levels import level_label
from .meta import get_meta, set_meta
from .places import place_index
from .textnl import normalise

SOURCES = ("sample", "ooapi", "edudex", "bench")
EDUCATION_TYPES = ("mbo", "hbo", "wo", "post-hbo", "post-wo", "branche", "")
CREDENTIALS = ("diploma", "certificaat", "microcredential", "bewijs van deelname", "")
MODES = ("voltijd", "deeltijd", "duaal", "zelfstudie", "")
MAX_PRICE = 100_000

# words that put a module in a theme when a feed does not say (imports)
THEME_KEYWORDS = {
    "installatietechniek": [
        "warmtepomp",
        "installatie",
        "installateur",
        "elektrotechn",
        "ventilatie",
        "koeltechn",
        "cv",
        "sanitair",
        "klimaattechn",
        "f-gassen",
        "nen 3140",
        "zonnepane",
        "pv-",
        "monteur",
    ],
    "verduurzaming_woningen": [
        "isolatie",
        "isoleren",
        "energielabel",
        "energieadvies",
        "verduurzam",
        "woning",
        "renovatie",
        "epa",
        "energiecoach",
        "aardgasvrij",
    ],
    "circulair_bouwen": ["circulair", "biobased", "hergebruik", "demontage", "houtbouw", "materiaalpaspoort"],
    "batterijtechnologie": ["batterij", "accu", "energieopslag", "thuisbatterij", "battery"],
    "digitalisering_bouw": [
        "bim",
        "revit",
        "digitaal bouwen",
        "digitalisering",
        "3d",
        "drone",
        "puntenwolk",
        "parametrisch",
        "data in de bouw",
    ],
    "infra_netwerken": [
        "netwerk",
        "kabel",
        "leiding",
        "middenspanning",
        "laagspanning",
        "infra",
        "warmtenet",
        "grondwerk",
        "laadinfra",
        "laadpa",
        "netbeheer",
    ],
}


# "wat heb je nodig bij aanmelden" when a feed does not say
PREPARE = {
    "mbo_bbl": [
        "Een leerbedrijf dat erkend is door SBB (de school helpt je zoeken)",
        "Je hoogste diploma of cijferlijst",
        "Een geldig identiteitsbewijs",
    ],
    "mbo_bol": ["Je hoogste diploma of cijferlijst", "Een geldig identiteitsbewijs", "Een intakegesprek met de school"],
    "hbo": [
        "Een eduID-account (daarmee krijg je ook je edubadge of cijfers)",
        "Je hoogste diploma",
        "Een geldig identiteitsbewijs",
    ],
    "wo": ["Een eduID-account", "Je bachelordiploma en cijferlijst"],
    "post-hbo": ["Je cv met werkervaring", "Een korte motivatie"],
    "branche": ["Je naam en contactgegevens", "De naam van je werkgever als die de cursus betaalt"],
}


def default_prepare(education_type: str, bol_bbl: Optional[str]) -> List[str]:
    if education_type == "mbo":
        return list(PREPARE["mbo_bbl" if bol_bbl == "bbl" else "mbo_bol"])
    return list(PREPARE.get(education_type, PREPARE["branche"]))


class RecordError(ValueError):
    """One record that cannot be stored; the message is Dutch and names the field."""


def infer_themes(text: str) -> List[str]:
    t = " " + (text or "").lower() + " "
    return [theme for theme, words in THEME_KEYWORDS.items() if any(w in t for w in words)]


def slug(text: str, max_len: int = 80) -> str:
    return re.sub(r"-+", "-", normalise(text).replace(" ", "-")).strip("-")[:max_len] or "x"


def _str(rec: dict, key: str, required: bool = False, max_len: int = 2000) -> str:
    value = rec.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise RecordError(f"veld '{key}' moet tekst zijn, niet {type(value).__name__}")
    value = value.strip()
    if required and not value:
        raise RecordError(f"veld '{key}' ontbreekt of is leeg")
    if len(value) > max_len:
        raise RecordError(f"veld '{key}' is te lang ({len(value)} tekens, max. {max_len})")
    if "\x00" in value:
        raise RecordError(f"veld '{key}' bevat een nul-teken")
    return value


def _int(rec: dict, key: str, lo: int, hi: int) -> Optional[int]:
    value = rec.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise RecordError(f"veld '{key}' moet een geheel getal zijn, niet {value!r}")
    if not lo <= int(value) <= hi:
        raise RecordError(f"veld '{key}' = {value} ligt niet tussen {lo} en {hi}")
    return int(value)


def _choice(rec: dict, key: str, options, default=""):
    value = rec.get(key, default)
    value = default if value is None else value
    if value not in options:
        raise RecordError(f"veld '{key}' = {value!r} is geen geldige waarde ({', '.join(o for o in options if o)})")
    return value


def _date(value, key: str) -> Optional[date]:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise RecordError(f"veld '{key}' = {value!r} is geen datum (JJJJ-MM-DD)")


def _url(rec: dict, key: str) -> str:
    value = _str(rec, key, max_len=400)
    if value and not re.match(r"^https?://[^\s<>\"']+$", value):
        raise RecordError(f"veld '{key}' is geen geldige http(s)-link")
    return value


def _str_list(rec: dict, key: str) -> List[str]:
    value = rec.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"veld '{key}' moet een lijst met teksten zijn")
    return [v.strip() for v in value if v.strip()][:30]


def validate(rec: dict) -> dict:
    """A cleaned copy of one module record, or RecordError."""
    if not isinstance(rec, dict):
        raise RecordError("record is geen object")
    out = {
        "source": _choice(rec, "source", SOURCES, None),
        "source_id": _str(rec, "source_id", required=True, max_len=200),
        "title": _str(rec, "title", required=True, max_len=300),
        "description": _str(rec, "description", max_len=20000),
        "nlqf_level": _int(rec, "nlqf_level", 1, 8),
        "education_type": _choice(rec, "education_type", EDUCATION_TYPES),
        "credential": _choice(rec, "credential", CREDENTIALS),
        "study_load_text": _str(rec, "study_load_text", max_len=60),
        "study_load_hours": _int(rec, "study_load_hours", 0, 20000),
        "duration_weeks": _int(rec, "duration_weeks", 0, 520),
        "duration_text": _str(rec, "duration_text", max_len=60),
        "hours_per_week": _int(rec, "hours_per_week", 0, 60),
        "mode": _choice(rec, "mode", MODES),
        "bol_bbl": _choice(rec, "bol_bbl", ("bol", "bbl", None), None),
        "recognised": bool(rec.get("recognised", False)),
        "nlqf_registered": bool(rec.get("nlqf_registered", False)),
        "ontwikkelpad": _str(rec, "ontwikkelpad", max_len=40) or None,
        "url": _url(rec, "url"),
        "enroll_url": _url(rec, "enroll_url"),
        "enroll_prepare": _str_list(rec, "enroll_prepare"),
        "funding_tags": _str_list(rec, "funding_tags"),
        "tags": _str_list(rec, "tags"),
        "keywords": _str(rec, "keywords", max_len=2000),
        "sample": bool(rec.get("sample", rec.get("source") == "sample")),
    }
    if rec.get("id") is not None:
        out["id"] = _str(rec, "id", required=True, max_len=120)
    prov = rec.get("provider")
    if not isinstance(prov, dict):
        raise RecordError("veld 'provider' ontbreekt (object met minstens 'name')")
    pname = _str(prov, "name", required=True, max_len=200)
    out["provider"] = {
        "id": _str(prov, "id", max_len=80) or slug(pname),
        "name": pname,
        "kind": _str(prov, "kind", max_len=40),
        "city": _str(prov, "city", max_len=100) or None,
        "region": prov.get("region") if prov.get("region") in REGIONS else None,
        "url": _url(prov, "url"),
        "sample": out["sample"],
    }
    themes = rec.get("themes")
    if themes is None:
        themes = infer_themes(" ".join([out["title"], out["description"], out["keywords"]]))
    if not isinstance(themes, list) or any(t not in THEMES for t in themes):
        raise RecordError(f"veld 'themes' bevat een onbekend thema ({themes!r}); kies uit {', '.join(THEMES)}")
    out["themes"] = sorted(set(themes))
    out["level_label"] = level_label(out["nlqf_level"], out["education_type"])
    out["enroll_prepare"] = out["enroll_prepare"] or default_prepare(out["education_type"], out["bol_bbl"])
    offerings = rec.get("offerings") or []
    if not isinstance(offerings, list):
        raise RecordError("veld 'offerings' moet een lijst zijn")
    out["offerings"] = [_validate_offering(o, i) for i, o in enumerate(offerings)]
    ids = [o["source_id"] for o in out["offerings"]]
    if len(ids) != len(set(ids)):
        raise RecordError("twee uitvoeringen hebben hetzelfde id")
    return out


def _validate_offering(o, i: int) -> dict:
    where = f"uitvoering {i + 1}: "
    try:
        if not isinstance(o, dict):
            raise RecordError("is geen object")
        fmt = _choice(o, "format", FORMATS, None)
        location = _str(o, "location", max_len=100) or ("online" if fmt == "online" else "")
        if not location:
            raise RecordError("veld 'location' ontbreekt (plaats, of 'online')")
        price = o.get("price_eur")
        if price is not None and (
            isinstance(price, bool) or not isinstance(price, (int, float)) or not 0 <= price <= MAX_PRICE
        ):
            raise RecordError(f"veld 'price_eur' = {price!r} is geen prijs tussen 0 en {MAX_PRICE}")
        start, end = _date(o.get("start_date"), "start_date"), _date(o.get("end_date"), "end_date")
        if start and end and end < start:
            raise RecordError("einddatum ligt voor de startdatum")
        lat, lon = o.get("lat"), o.get("lon")
        if (
            not (
                isinstance(lat, (int, float))
                and isinstance(lon, (int, float))
                and -90 <= lat <= 90
                and -180 <= lon <= 180
            )
            or isinstance(lat, bool)
            or isinstance(lon, bool)
        ):
            lat = lon = None
        return {
            "source_id": _str(o, "source_id", max_len=120) or str(i + 1),
            "format": fmt,
            "location": location,
            "start_date": start,
            "end_date": end,
            "price_eur": float(price) if price is not None else None,
            "schedule": _str(o, "schedule", max_len=200),
            "hub_id": o.get("hub_id") or None,
            "lat": lat,
            "lon": lon,
        }
    except RecordError as err:
        raise RecordError(where + str(err)) from None


def content_hash(cleaned: dict) -> str:
    """Fingerprint of a validated record: equal hashes = nothing to write (sync: unchanged)."""
    keep = {k: v for k, v in cleaned.items() if k not in ("id", "existing")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True, default=str).encode()).hexdigest()


def offering_rows(
    conn, module_id: str, offerings: List[dict], sample: bool, provider_region: Optional[str], places=None, hubs=None
) -> List[dict]:
    """Validated offerings of one module -> offering table rows (place, region and coordinates
    from our place list; a feed's own coordinates when the place is not in it)."""
    places = places or place_index(conn)
    if hubs is None:
        hubs = {h.id for h in conn.execute(select(S.hub.c.id))}
    rows = []
    for o in offerings:
        place = None if o["format"] == "online" else places.lookup(o["location"])
        rows.append(
            {
                "id": f"{module_id}@{o['source_id']}",
                "module_id": module_id,
                "start_date": o["start_date"],
                "end_date": o["end_date"],
                "location": place.name if place else o["location"],
                "hub_id": o["hub_id"] if o["hub_id"] in hubs else None,
                "format": o["format"],
                "price_eur": o["price_eur"],
                "schedule": o["schedule"],
                "sample": sample,
                "region": place.region if place else provider_region,
                "lat": place.lat if place else o.get("lat"),
                "lon": place.lon if place else o.get("lon"),
            }
        )
    return rows


def replace_offerings(conn, source: str, source_id: str, offerings: List[dict]) -> str:
    """Replace the offerings of an existing module (a page of offerings for a known parent).
    Returns the module id; RecordError when the module is unknown or an offering is bad."""
    m = conn.execute(
        select(S.module.c.id, S.module.c.sample, S.provider.c.region)
        .join(S.provider, S.provider.c.id == S.module.c.provider_id)
        .where(S.module.c.source == source, S.module.c.source_id == source_id)
    ).first()
    if m is None:
        raise RecordError(f"de cursus of opleiding '{source_id}' is nog niet geïmporteerd; importeer die eerst")
    cleaned = [_validate_offering(o, i) for i, o in enumerate(offerings)]
    conn.execute(delete(S.offering).where(S.offering.c.module_id == m.id))
    rows = offering_rows(conn, m.id, cleaned, bool(m.sample), m.region)
    if rows:
        conn.execute(insert(S.offering), rows)
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    conn.execute(update(S.module).where(S.module.c.id == m.id).values(content_hash=None, updated_at=now))
    reindex_modules(conn, [m.id])
    bump_catalogue_version(conn)
    return m.id


def bump_catalogue_version(conn) -> None:
    """Every catalogue write bumps it, so in-memory search indexes reload."""
    set_meta(conn, "catalogue_version", str(int(get_meta(conn, "catalogue_version") or 0) + 1))


def upsert_modules(conn, records: List[dict], source_name: str = "", feed: Optional[str] = None) -> List[str]:
    """Validate all records, then insert or update them. Returns the module ids.

    Raises RecordError("record N (id X): ...") on the first bad record before writing
    anything; the caller's transaction makes the write all-or-nothing. `feed` names the sync
    source that owns the modules; writing a module also brings a withdrawn one back.
    """
    cleaned = []
    seen = set()
    for i, rec in enumerate(records):
        rid = rec.get("source_id") if isinstance(rec, dict) else None
        try:
            c = validate(rec)
        except RecordError as err:
            raise RecordError(f"record {i + 1}{f' (id {rid})' if rid else ''}: {err}") from None
        key = (c["source"], c["source_id"])
        if key in seen:
            raise RecordError(f"record {i + 1} (id {rid}): komt twee keer voor in hetzelfde bestand")
        seen.add(key)
        cleaned.append(c)
    if not cleaned:
        return []

    places = place_index(conn)
    hubs = {h.id for h in conn.execute(select(S.hub.c.id))}
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")

    # providers
    providers = {c["provider"]["id"]: c["provider"] for c in cleaned}
    existing = {r[0] for r in conn.execute(select(S.provider.c.id).where(S.provider.c.id.in_(list(providers))))}
    for pid, p in providers.items():
        if pid in existing:
            conn.execute(update(S.provider).where(S.provider.c.id == pid).values(**p))
    new_providers = [p for pid, p in providers.items() if pid not in existing]
    if new_providers:
        conn.execute(insert(S.provider), new_providers)

    # module ids: keep the id of an existing (source, source_id)
    id_of = {}
    for src in {c["source"] for c in cleaned}:
        wanted = [c["source_id"] for c in cleaned if c["source"] == src]
        for i in range(0, len(wanted), 500):
            for r in conn.execute(
                select(S.module.c.id, S.module.c.source_id).where(
                    S.module.c.source == src, S.module.c.source_id.in_(wanted[i : i + 500])
                )
            ):
                id_of[(src, r.source_id)] = r.id
    for c in cleaned:
        key = (c["source"], c["source_id"])
        c["existing"] = key in id_of
        sid = slug(c["source_id"])
        c["id"] = (
            id_of.get(key) or c.get("id") or (sid if sid.startswith(c["source"] + "-") else f"{c['source']}-{sid}")
        )
    new_ids = [c["id"] for c in cleaned if not c["existing"]]
    for i in range(0, len(new_ids), 500):
        taken = conn.execute(select(S.module.c.id).where(S.module.c.id.in_(new_ids[i : i + 500]))).first()
        if taken:
            raise RecordError(f"module-id {taken[0]} bestaat al voor een andere bron")
    ids = [c["id"] for c in cleaned]

    # replace children of updated modules
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        conn.execute(delete(S.offering).where(S.offering.c.module_id.in_(chunk)))
        conn.execute(delete(S.module_theme).where(S.module_theme.c.module_id.in_(chunk)))

    module_rows, theme_rows, offering_batch = [], [], []
    for c in cleaned:
        row = {
            k: c[k]
            for k in (
                "id",
                "source",
                "source_id",
                "title",
                "description",
                "nlqf_level",
                "education_type",
                "level_label",
                "credential",
                "study_load_text",
                "study_load_hours",
                "duration_weeks",
                "duration_text",
                "hours_per_week",
                "mode",
                "bol_bbl",
                "recognised",
                "nlqf_registered",
                "ontwikkelpad",
                "url",
                "enroll_url",
                "keywords",
                "sample",
            )
        }
        row.update(
            provider_id=c["provider"]["id"],
            enroll_prepare=json.dumps(c["enroll_prepare"]),
            funding_tags=json.dumps(c["funding_tags"]),
            tags=json.dumps(c["tags"]),
            updated_at=now,
            content_hash=content_hash(c),
            withdrawn_at=None,
        )
        if feed is not None:
            row["feed"] = feed
        if c["existing"]:
            conn.execute(update(S.module).where(S.module.c.id == c["id"]).values(**row))
        else:
            module_rows.append(row)
        theme_rows += [{"module_id": c["id"], "theme": t} for t in c["themes"]]
        offering_batch += offering_rows(
            conn, c["id"], c["offerings"], c["sample"], c["provider"]["region"], places, hubs
        )
    if module_rows:
        conn.execute(insert(S.module), module_rows)
    if theme_rows:
        conn.execute(insert(S.module_theme), theme_rows)
    if offering_batch:
        conn.execute(insert(S.offering), offering_batch)
    reindex_modules(conn, ids)
    bump_catalogue_version(conn)
    return ids
