"""Funding advice: declarative rules (rules/*.yaml) evaluated by engine.py."""

from __future__ import annotations

from datetime import date
from typing import List, Optional

from locales import _
from sqlalchemy import func, select

from .. import schema as S
from ..connection import engine_or_default
from ..meta import json_list
from ..places import resolve_place
from ..profile import normalise_profile
from ..types import FundingAdvice, ProfileError
from .engine import RANK, Facts, evaluate_rule
from .rules import load_rules

__all__ = ["evaluate_funding", "course_facts", "load_rules"]


def course_facts(conn, module_id: str, as_of: date) -> Optional[dict]:
    """The facts funding rules may test about a module, or None when it does not exist."""
    m = conn.execute(select(S.module).where(S.module.c.id == module_id)).mappings().first()
    if m is None:
        return None
    themes = [r[0] for r in conn.execute(select(S.module_theme.c.theme).where(S.module_theme.c.module_id == module_id))]
    # the price people would pay: the cheapest upcoming offering (any offering if none upcoming)
    prices = conn.execute(
        select(func.min(S.offering.c.price_eur)).where(
            S.offering.c.module_id == module_id,
            (S.offering.c.start_date.is_(None)) | (S.offering.c.start_date >= as_of),
        )
    ).scalar()
    if prices is None:
        prices = conn.execute(
            select(func.min(S.offering.c.price_eur)).where(S.offering.c.module_id == module_id)
        ).scalar()
    occ = conn.execute(
        select(S.occupation.c.name)
        .join(S.occupation_module, S.occupation_module.c.occupation_id == S.occupation.c.id)
        .where(S.occupation_module.c.module_id == module_id)
        .order_by(S.occupation.c.name)
    ).first()
    return {
        "known": True,
        "title": m["title"],
        "education_type": m["education_type"] or None,
        "nlqf_level": m["nlqf_level"],
        "bol_bbl": m["bol_bbl"],
        "mode": m["mode"] or None,
        "recognised": m["recognised"],
        "nlqf_registered": m["nlqf_registered"],
        "ontwikkelpad": m["ontwikkelpad"],
        "price_eur": prices,
        "duration_weeks": m["duration_weeks"],
        "themes": themes,
        "tags": json_list(m["tags"]),
        "shortage": occ is not None,
        "occupation": occ[0] if occ else None,
    }


def evaluate_funding(
    profile: Optional[dict],
    module_id: Optional[str] = None,
    as_of: Optional[date] = None,
    *,
    engine=None,
    schemes: Optional[List[str]] = None,
) -> List[FundingAdvice]:
    """See knowledge.evaluate_funding."""
    as_of = as_of or date.today()
    if not isinstance(as_of, date):
        raise ProfileError("as_of", _("as_of moet een datum zijn."))
    rules = load_rules()
    if schemes is not None:
        unknown = set(schemes) - {r.id for r in rules}
        if unknown:
            raise ProfileError("schemes", _("Onbekende regeling(en): {schemes}.", schemes=", ".join(sorted(unknown))))
        rules = [r for r in rules if r.id in schemes]
    needs_db = module_id is not None or (isinstance(profile, dict) and profile.get("location"))
    if needs_db:
        eng = engine_or_default(engine)
        with eng.connect() as conn:
            person = normalise_profile(profile, resolve=lambda t: resolve_place(t, conn=conn))
            course = None
            if module_id is not None:
                if not isinstance(module_id, str) or len(module_id) > 120:
                    raise ProfileError("module_id", _("Dat is geen geldige module."))
                course = course_facts(conn, module_id, as_of)
                if course is None:
                    raise ProfileError("module_id", _("Ik ken de module '{module}' niet.", module=module_id[:60]))
    else:
        person, course = normalise_profile(profile), None
    facts = Facts(person, course, as_of)
    advice = [evaluate_rule(r, facts) for r in rules]
    advice.sort(key=lambda a: (RANK[a.outcome], a.name))
    return advice
