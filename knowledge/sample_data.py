"""The SAMPLE catalogue: templates (data/sample_modules.yaml) x regions -> module records.

Deterministic: each module has its own seeded RNG, and start dates are offsets from the seed
date, so tests are stable and a demo never shows only past starts. `count` makes a larger
catalogue for the benchmark by adding numbered variants.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path
from typing import List, Optional

import yaml

from .catalogue import default_prepare
from .vocabulary import REGIONS

DATA = Path(__file__).parent / "data"
ALL_REGIONS = list(REGIONS)
PROVIDER_KIND = {
    "mbo": "roc",
    "hbo": "hogeschool",
    "post-hbo": "hogeschool",
    "wo": "universiteit",
    "branche": "opleider",
}
HUB_BY_CITY = {
    "Breda": "th-breda",
    "'s-Hertogenbosch": "th-den-bosch",
    "Eindhoven": "th-eindhoven",
    "Enschede": "tw-enschede",
    "Hengelo": "tw-hengelo",
    "Almelo": "tw-almelo",
    "Oldenzaal": "tw-oldenzaal",
    "Rijssen": "tw-rijssen",
    "Groningen": "nw-groningen",
    "Leeuwarden": "nw-leeuwarden",
    "Assen": "nw-assen",
    "Emmen": "nw-emmen",
    "Drachten": "nw-drachten",
}
HUBS_OF_REGION = {
    "brabant": ["Breda", "'s-Hertogenbosch", "Eindhoven"],
    "twente": ["Enschede", "Hengelo", "Almelo", "Oldenzaal", "Rijssen"],
    "noord": ["Groningen", "Leeuwarden", "Assen", "Emmen", "Drachten"],
}


def load_templates() -> List[dict]:
    return yaml.safe_load((DATA / "sample_modules.yaml").read_text(encoding="utf-8"))["modules"]


def load_providers() -> List[dict]:
    return yaml.safe_load((DATA / "sample_providers.yaml").read_text(encoding="utf-8"))["providers"]


def _monday_on_or_after(d: date) -> date:
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _school_starts(today: date) -> List[date]:
    """The next two school starts (first Monday from 28 August, first Monday of February)."""
    starts = []
    for year in (today.year, today.year + 1, today.year + 2):
        starts += [_monday_on_or_after(date(year, 2, 1)), _monday_on_or_after(date(year, 8, 28))]
    return [s for s in sorted(starts) if s > today + timedelta(days=7)][:2]


def _start_dates(pattern: str, today: date, rng: random.Random) -> List[Optional[date]]:
    if pattern == "flex":
        return [None]
    if pattern == "schooljaar":
        return _school_starts(today)
    if pattern == "maand":
        first = _monday_on_or_after(today + timedelta(days=rng.randint(5, 40)))
        second = first + timedelta(days=rng.choice([28, 35, 42]))
        return [first, second, second + timedelta(days=rng.choice([28, 35, 42]))]
    first = _monday_on_or_after(today + timedelta(days=rng.randint(14, 90)))  # kwartaal
    return [first, first + timedelta(days=91)]


def _prepare(t: dict) -> List[str]:
    return list(t.get("prepare") or []) + default_prepare(t["type"], t.get("bolbbl"))


def _provider_for(t: dict, region: str, providers: List[dict], k: int) -> dict:
    if region == "online":
        pool = [p for p in providers if p["kind"] == "online"]
    else:
        pool = [p for p in providers if p["region"] == region and p["kind"] == PROVIDER_KIND[t["type"]]]
        pool = pool or [p for p in providers if p["region"] == region]
    return pool[k % len(pool)]


def build_module(t: dict, region: str, today: date, providers: List[dict], variant: int = 0) -> dict:
    """One module record (catalogue.validate format) for a template in a region."""
    mid = f"{t['id']}-{region}" + (f"-v{variant}" if variant else "")
    rng = random.Random(mid)
    prov = _provider_for(t, region, providers, variant + hash_index(t["id"]))
    lo, hi = t["price"]
    price = float(round(rng.uniform(lo, hi) / 5) * 5)
    formats = list(t["formats"]) if region != "online" else ["online"]
    campuses = prov["campuses"] or ["online"]
    offerings = []
    for i, start in enumerate(_start_dates(t["starts"], today, rng)):
        fmt = formats[i % len(formats)]
        city = "online" if fmt == "online" else campuses[(i + variant) % len(campuses)]
        hub_id = None
        # short courses and post-hbo run now and then at a hub of the region
        if fmt != "online" and region in HUBS_OF_REGION and t["type"] in ("branche", "post-hbo") and i == 1:
            city = HUBS_OF_REGION[region][(hash_index(t["id"]) + variant) % len(HUBS_OF_REGION[region])]
            hub_id = HUB_BY_CITY[city]
        end = start + timedelta(days=t["weeks"] * 7 - 3) if start else None
        offerings.append(
            {
                "source_id": str(i + 1),
                "format": fmt,
                "location": city,
                "start_date": start,
                "end_date": end,
                "price_eur": price if fmt != "online" else round(price * 0.95 / 5) * 5.0,
                "schedule": t.get("schedule", ""),
                "hub_id": hub_id,
            }
        )
    title = t["title"] + (f" - groep {variant + 1}" if variant else "")
    tags = list(t.get("tags") or [])
    if t.get("per_year"):
        tags.append("prijs_per_jaar")
    return {
        "id": mid,
        "source": "sample",
        "source_id": mid,
        "title": title,
        "provider": {
            "id": prov["id"],
            "name": prov["name"],
            "kind": prov["kind"],
            "city": prov["campuses"][0] if prov["campuses"] else None,
            "region": prov["region"],
            "url": f"https://example.org/{prov['id']}",
        },
        "description": t["description"],
        "nlqf_level": t.get("nlqf"),
        "education_type": t["type"],
        "credential": t["credential"],
        "study_load_text": t["load"],
        "study_load_hours": t.get("hours"),
        "duration_weeks": t["weeks"],
        "duration_text": t["duration"],
        "hours_per_week": t.get("hpw"),
        "mode": t.get("mode", "deeltijd" if t["type"] != "branche" else ""),
        "bol_bbl": t.get("bolbbl"),
        "recognised": bool(t.get("recognised")),
        "nlqf_registered": bool(t.get("registered")),
        "ontwikkelpad": t.get("ontwikkelpad"),
        "themes": t["themes"],
        "url": f"https://example.org/{prov['id']}/{t['id']}",
        "enroll_url": f"https://example.org/{prov['id']}/{t['id']}/aanmelden",
        "enroll_prepare": _prepare(t),
        "tags": tags,
        "keywords": t.get("keywords", ""),
        "sample": True,
        "offerings": offerings,
    }


def hash_index(text: str) -> int:
    """Small stable number from a text (Python's hash() changes per process)."""
    return sum(ord(c) for c in text)


def sample_modules(today: date, count: Optional[int] = None) -> List[dict]:
    """The sample catalogue (about 190 modules), or `count` modules with numbered variants."""
    templates, providers = load_templates(), load_providers()
    base = [(t, r) for t in templates for r in (t.get("regions") or ALL_REGIONS)]
    if count is None:
        return [build_module(t, r, today, providers) for t, r in base]
    return [build_module(*base[i % len(base)], today, providers, variant=i // len(base)) for i in range(count)]
