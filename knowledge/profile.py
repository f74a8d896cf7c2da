"""Checking and normalising the profile dict (knowledge/__init__.py, "The profile")."""

from __future__ import annotations

import re
from typing import Optional

from .types import ProfileError
from .vocabulary import FORMATS, REGIONS, THEMES
from .levels import LABELS, canonical_level, nlqf_for

EMPLOYMENT = ("werkend", "werkzoekend", "zzp", "werkgever", "uitkering", "student")
SECTORS = (
    "installatie",
    "bouw_infra",
    "energie",
    "metaal",
    "zorg",
    "kinderopvang",
    "onderwijs",
    "ict",
    "groen",
    "logistiek",
    "overig",
)
BENEFITS = ("ww", "wia", "wajong", "bijstand", "zw")
_YES = {"ja", "yes", "true", "1", "j", "klopt"}
_NO = {"nee", "no", "false", "0", "n"}


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and v.strip().lower() in ("", "none", "null"))


def _number(key: str, v, lo: int, hi: int, what: str) -> int:
    if isinstance(v, bool):
        raise ProfileError(key, f"'{v}' is geen {what}.")
    if isinstance(v, str):
        m = re.fullmatch(r"\s*(\d{1,7})(?:[.,]\d+)?\s*(jaar|uur|euro|eur|€|mensen|werknemers)?\s*", v.lower())
        if not m:
            raise ProfileError(key, f"'{v[:40]}' is geen {what}.")
        v = int(m.group(1))
    if not isinstance(v, (int, float)) or v != v:  # NaN
        raise ProfileError(key, f"'{v}' is geen {what}.")
    v = int(v)
    if not lo <= v <= hi:
        raise ProfileError(key, f"{v} is geen geldige {what} (verwacht {lo} tot {hi}).")
    return v


def _choice(key: str, v, options, what: str) -> str:
    val = str(v).strip().lower()
    if val not in options:
        raise ProfileError(key, f"Ik ken {what} '{str(v)[:40]}' niet. Kies uit: {', '.join(options)}.")
    return val


def normalise_profile(profile: Optional[dict], *, resolve=None) -> dict:
    """A clean copy of the profile with derived facts.

    Adds: nlqf (from education_level), place (Place or None), region (from location when not
    given), subregion, on_benefit (True when employment_status is 'uitkering' or a benefit
    type is given), unknown_location (text of a place we do not know).
    Raises ProfileError for values that cannot be understood.
    """
    if profile is None:
        profile = {}
    if not isinstance(profile, dict):
        raise ProfileError("profile", "Het profiel moet een dict zijn.")
    p = {k: v for k, v in profile.items() if not _blank(v)}
    out = {}
    if "age" in p:
        out["age"] = _number("age", p["age"], 0, 120, "leeftijd")
    if "education_level" in p:
        canon = canonical_level(p["education_level"])
        if canon is None:
            raise ProfileError(
                "education_level",
                f"Ik ken het opleidingsniveau '{str(p['education_level'])[:40]}' niet. Kies uit: {', '.join(LABELS)}.",
            )
        out["education_level"], out["nlqf"] = canon, nlqf_for(canon)
    if "employment_status" in p:
        out["employment_status"] = _choice("employment_status", p["employment_status"], EMPLOYMENT, "de situatie")
    if "sector" in p:
        out["sector"] = _choice("sector", p["sector"], SECTORS, "de sector")
    if "theme" in p:
        out["theme"] = _choice("theme", p["theme"], THEMES, "het thema")
    if "course_format" in p:
        out["course_format"] = _choice("course_format", p["course_format"], FORMATS, "de lesvorm")
    for key in ("region", "tenant"):
        if key in p:
            out[key] = _choice(key, p[key], REGIONS, "de regio")
    if "hours_per_week" in p:
        out["hours_per_week"] = _number("hours_per_week", p["hours_per_week"], 0, 80, "aantal uren per week")
    if "budget" in p:
        out["budget"] = _number("budget", p["budget"], 0, 1_000_000, "budget in euro")
    if "company_size" in p:
        out["company_size"] = _number("company_size", p["company_size"], 0, 1_000_000, "aantal werknemers")
    if "benefit_type" in p:
        out["benefit_type"] = _choice("benefit_type", p["benefit_type"], BENEFITS, "de uitkering")
    if "on_benefit" in p:
        v = p["on_benefit"]
        if isinstance(v, bool):
            out["on_benefit"] = v
        elif str(v).strip().lower() in _YES | _NO:
            out["on_benefit"] = str(v).strip().lower() in _YES
        else:
            raise ProfileError("on_benefit", f"'{str(v)[:40]}' is geen ja of nee.")
    if out.get("employment_status") == "uitkering" or "benefit_type" in out:
        out.setdefault("on_benefit", True)
    elif out.get("employment_status") in ("werkend", "werkgever", "zzp", "student"):
        out.setdefault("on_benefit", False)  # asked about work, not a benefit; an explicit value wins
    if "location" in p:
        if not isinstance(p["location"], str):
            raise ProfileError("location", "De plaats moet tekst zijn.")
        out["location"] = p["location"].strip()[:80]
        place = resolve(out["location"]) if resolve else None
        out["place"] = place
        if place is None:
            out["unknown_location"] = out["location"]
        else:
            out["subregion"] = place.subregion
            if place.region and "region" not in out:
                out["region"] = place.region
    return out
