"""Plain result types of the knowledge API (stable contract, see knowledge/__init__.py).

They are dataclasses so actions can read attributes and turn them into dicts with
dataclasses.asdict(); `ModuleHit.to_card()` gives the module card of the REST contract.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import List, Optional

from locales import _


class ProfileError(ValueError):
    """A profile or filter value that cannot be understood. str(err) is a Dutch sentence;
    `key` names the profile/filter key."""

    def __init__(self, key: str, message: str):
        super().__init__(message)
        self.key = key


@dataclass
class ModuleHit:
    """One module (course or micro-credential) with the offering that fits best."""

    module_id: str
    offering_id: Optional[str]
    title: str
    provider: str
    nlqf_level: Optional[int]
    level_label: str  # "mbo 4", "hbo", "post-hbo", "vakcursus (geen niveau)"
    format: str  # online | klassikaal | hybride
    location: str  # city, or "online"
    duration_text: str  # "10 weken", "2 jaar"
    study_load_text: str  # "5 EC", "ca. 40 uur"
    price_eur: Optional[float]  # incl. btw
    price_text: str  # "€ 1.250 incl. btw"
    next_start: Optional[date]  # None = start whenever you like (self-paced)
    credential: str  # diploma | certificaat | microcredential | bewijs van deelname
    url: str  # information page (sample: example.org)
    enroll_url: str
    reasons: List[str] = field(default_factory=list)  # Dutch "waarom past dit"
    sample: bool = True  # True = sample data, not a real course
    score: float = 0.0
    themes: List[str] = field(default_factory=list)
    distance_km: Optional[float] = None
    hours_per_week: Optional[int] = None

    def to_card(self) -> dict:
        """The module card of the REST output contract (without buttons), its texts in the
        active language (knowledge/display.py); title, provider and place stay as the
        catalogue has them. In another language than the module's teaching language the
        card's "why" starts with it ("Taught in Dutch.")."""
        from . import display

        why = "; ".join(self.reasons[:3])
        taught = display.taught_in(self)
        return {
            "module_id": self.module_id,
            "title": self.title,
            "provider": self.provider,
            "level": display.phrase(self.level_label),
            "format": display.label(self.format),
            "location": _("online") if self.location == "online" else self.location,
            "duration": display.phrase(self.duration_text),
            "study_load": display.phrase(self.study_load_text),
            "price": self.price_text,
            "next_start": display.date_text(self.next_start) if self.next_start else _("je kunt altijd starten"),
            "why": f"{taught} {why}".strip() if taught else why,
            "url": self.url,
            "sample": self.sample,
        }


@dataclass
class Offering:
    """One run of a module: when, where, how, and the price."""

    offering_id: str
    start_date: Optional[date]
    end_date: Optional[date]
    location: str
    region: Optional[str]
    format: str
    price_eur: Optional[float]
    price_text: str
    schedule: str  # Dutch, e.g. "dinsdagavond 18.30-21.30"
    hub_id: Optional[str] = None


@dataclass
class ModuleDetail(ModuleHit):
    """Everything about one module (get_module)."""

    description: str = ""
    offerings: List[Offering] = field(default_factory=list)
    enroll_prepare: List[str] = field(default_factory=list)  # "wat heb je nodig bij aanmelden"
    funding_tags: List[str] = field(default_factory=list)  # schemes whose COURSE conditions this module
    # meets (the person is not checked here)
    education_type: str = ""  # mbo | hbo | wo | post-hbo | branche
    mode: str = ""  # voltijd | deeltijd | duaal | zelfstudie
    bol_bbl: Optional[str] = None  # bol | bbl | None
    recognised: bool = False  # OCW-erkend / geaccrediteerd
    nlqf_registered: bool = False  # formally NLQF-ingeschaald
    source: str = "sample"
    withdrawn_at: Optional[str] = None  # set only with get_module(..., include_withdrawn=True)


@dataclass
class SearchResult:
    """Ranked hits; `relaxed` says in Dutch which wish was let go when nothing matched."""

    hits: List[ModuleHit]
    total: int
    relaxed: List[str] = field(default_factory=list)
    relaxed_filters: List[str] = field(default_factory=list)  # filter keys that were dropped
    message: Optional[str] = None  # Dutch note for bad input (e.g. empty query after cleaning)


@dataclass
class FundingAdvice:
    """Outcome of one funding scheme for one profile (and optionally one module)."""

    scheme_id: str
    name: str
    outcome: str  # eligible | maybe | not_eligible | ended
    reasons: List[str]  # Dutch
    amount_text: str
    applicant: str  # person | employer
    source_url: str
    source_date: str  # ISO date of the source
    replaced_by: Optional[str] = None
    missing_facts: List[str] = field(default_factory=list)
    summary: str = ""  # one or two Dutch sentences: what the scheme is
    amount_short: str = ""  # the amount in a few words, for a short answer
    apply_at: str = ""  # where to ask for it ("bij je werkcoach van UWV"); else the source's site


@dataclass
class Place:
    """A Dutch place (municipality, town or region) with an approximate centre."""

    name: str  # official spelling, e.g. "'s-Hertogenbosch"
    municipality: Optional[str]  # None for a region such as "Twente"
    region: Optional[str]  # brabant | twente | noord | None (elsewhere in NL)
    lat: float
    lon: float
    province: Optional[str] = None
    subregion: Optional[str] = None  # e.g. "west-brabant"


@dataclass
class Hub:
    """A physical place to visit (TransitieHub, leerwerkloket)."""

    hub_id: str
    name: str
    region: str
    address: str
    city: str
    what_you_can_do: str  # Dutch
    url: str
    opening_hours: str
    distance_km: Optional[float] = None
    sample: bool = True  # True = sample address, not verified
    lat: Optional[float] = None
    lon: Optional[float] = None


@dataclass
class Occupation:
    """An energy-transition shortage occupation (indicative sample data)."""

    name: str
    theme: str
    region: Optional[str]  # None = everywhere in NL
    why: str  # Dutch, about demand
    typical_level: str  # label, e.g. "mbo 3"
    module_ids: List[str] = field(default_factory=list)
    nlqf_level: Optional[int] = None
    sample: bool = True
