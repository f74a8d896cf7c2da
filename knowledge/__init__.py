"""Leerwijzer knowledge: module catalogue, funding rules, places, hubs and shortage occupations.

Public API (stable; the action server codes against these names):

    init_db(url=None) -> Engine
    search_modules(profile, query=None, filters=None, limit=3, offset=0) -> SearchResult
    get_module(module_id, include_withdrawn=False) -> ModuleDetail | None
    evaluate_funding(profile, module_id=None, as_of=None) -> list[FundingAdvice]
    resolve_place(text) -> Place | None
    nearest_hubs(place=None, region=None, limit=1) -> list[Hub]
    shortage_occupations(region=None, theme=None) -> list[Occupation]
    explain_term(text) -> str | None   ("wat is BIM eigenlijk?": a short explanation)
    nlqf_for(education_level) -> int | None ; level_label(value, education_type=None) -> str

Every function that needs the database uses the engine of the last init_db() call and calls
init_db() itself when none was made yet. All accept a keyword-only `engine=` to use another one.

The profile (all keys optional, None when unknown; closed values: knowledge/vocabulary.yaml):
theme, education_level, location, region, employment_status, age, sector, course_format,
hours_per_week, budget, on_benefit, benefit_type, company_size, tenant.
Unknown keys are ignored; a value that cannot be understood (age "oud", education_level "xyz")
raises ProfileError (a ValueError) with a Dutch message that names the key.

Catalogue content is SAMPLE data (every hit has sample=True) unless imported from a real feed.
"""

from __future__ import annotations

from datetime import date
from typing import List, Optional

from . import db as _db
from . import funding as _funding
from . import glossary as _glossary
from . import hubs as _hubs
from . import occupations as _occupations
from . import places as _places
from . import search as _search
from .levels import EDUCATION_LEVELS, canonical_level, level_label, nlqf_for
from .types import FundingAdvice, Hub, ModuleDetail, ModuleHit, Occupation, Offering, Place, ProfileError, SearchResult
from .vocabulary import FORMATS, REGIONS, THEMES


def init_db(url: Optional[str] = None):
    """Create or upgrade the schema and load the sample data when the catalogue is empty.

    Idempotent. url defaults to $DATABASE_URL, else sqlite file var/leerwijzer.db under the
    repository root. An existing database is upgraded in place, never dropped. Returns the
    SQLAlchemy Engine and makes it the default for the other functions.
    """
    return _db.init_db(url)


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
    """Ranked modules for a profile, an optional free-text Dutch query and hard filters.

    filters keys: theme, level (canonical education_level or NLQF int: the module's level),
    region, location (place name; offerings within 30 km, online always counts), format,
    max_price, start_within_days, hours_per_week. Each hit carries Dutch `reasons`.
    When the filters leave nothing, filters are relaxed one by one and `relaxed` says in
    Dutch which wish was let go. Empty or over-long queries never crash: the result is
    empty or profile-ranked with a `message`.
    """
    return _search.search_modules(profile, query, filters, limit, offset, engine=_db.get_engine(engine), today=today)


def get_module(
    module_id: str, *, engine=None, today: Optional[date] = None, include_withdrawn: bool = False
) -> Optional[ModuleDetail]:
    """All about one module (with its upcoming offerings), or None when it does not exist or
    its feed withdrew it (no longer offered). include_withdrawn=True also returns a withdrawn
    module, with `withdrawn_at` set, so a caller can say it is no longer offered."""
    return _search.get_module(
        module_id, engine=_db.get_engine(engine), today=today, include_withdrawn=include_withdrawn
    )


def evaluate_funding(
    profile: Optional[dict],
    module_id: Optional[str] = None,
    as_of: Optional[date] = None,
    *,
    engine=None,
    schemes: Optional[List[str]] = None,
) -> List[FundingAdvice]:
    """Evaluate every funding scheme (YAML rules in knowledge/funding/rules/) as of a date.

    Returns one FundingAdvice per scheme, best outcome first (eligible, maybe, not_eligible,
    ended). Without module_id only the conditions on the person and employer decide; the
    conditions on the course are listed in the reasons. STAP is always `ended` from
    2024-01-01. `missing_facts` lists profile keys that would settle a `maybe`.
    """
    return _funding.evaluate_funding(profile, module_id, as_of, engine=_db.get_engine(engine), schemes=schemes)


def resolve_place(text: Optional[str], *, engine=None) -> Optional[Place]:
    """A Dutch place name ("den bosch", "Hengelo (O)", "Ljouwert", "Twente") -> Place.

    region is brabant/twente/noord, or None elsewhere in the Netherlands. Returns None for
    unknown or foreign places and for empty input.
    """
    return _places.resolve_place(text, engine=_db.get_engine(engine))


def nearest_hubs(
    place: Optional[Place] = None, region: Optional[str] = None, limit: int = 1, *, engine=None
) -> List[Hub]:
    """Hubs nearest to a place (distance_km filled), or the hubs of a region (alphabetical)."""
    return _hubs.nearest_hubs(place, region, limit, engine=_db.get_engine(engine))


def shortage_occupations(region: Optional[str] = None, theme: Optional[str] = None, *, engine=None) -> List[Occupation]:
    """Energy-transition shortage occupations for a region and/or theme (indicative sample)."""
    return _occupations.shortage_occupations(region, theme, engine=_db.get_engine(engine))


def explain_term(text: Optional[str]) -> Optional[str]:
    """The short Dutch explanation of the word a "wat is …" question asks about
    (knowledge/data/glossary.yaml), or None."""
    return _glossary.explain(text or "")


__all__ = [
    "explain_term",
    "init_db",
    "search_modules",
    "get_module",
    "evaluate_funding",
    "resolve_place",
    "nearest_hubs",
    "shortage_occupations",
    "nlqf_for",
    "level_label",
    "canonical_level",
    "EDUCATION_LEVELS",
    "THEMES",
    "REGIONS",
    "FORMATS",
    "ProfileError",
    "SearchResult",
    "ModuleHit",
    "ModuleDetail",
    "Offering",
    "FundingAdvice",
    "Place",
    "Hub",
    "Occupation",
]
