"""Shortage occupations (indicative sample) and their links to modules."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import List, Optional

import yaml
from sqlalchemy import delete, insert, or_, select

from .types import ProfileError
from .vocabulary import REGIONS, THEMES
from . import schema as S
from .connection import engine_or_default
from .types import Occupation

DATA = Path(__file__).parent / "data" / "occupations.yaml"


def seed_occupations(conn) -> None:
    """Reload occupations and link each to modules whose title or keywords mention one of its
    module_keywords, in its region (or anywhere for national ones, online modules always)."""
    occs = yaml.safe_load(DATA.read_text(encoding="utf-8"))["occupations"]
    conn.execute(delete(S.occupation_module))
    conn.execute(delete(S.occupation))
    conn.execute(
        insert(S.occupation),
        [
            {
                "id": o["id"],
                "name": o["name"],
                "theme": o["theme"],
                "region": o["region"],
                "why": o["why"],
                "typical_level": o["level"],
                "nlqf_level": o.get("nlqf"),
                "keywords": "|".join(o["module_keywords"]),
                "sample": True,
            }
            for o in occs
        ],
    )
    modules = conn.execute(select(S.module.c.id, S.module.c.title, S.module.c.keywords)).all()
    regions = defaultdict(set)
    for r in conn.execute(select(S.offering.c.module_id, S.offering.c.region, S.offering.c.format)):
        regions[r.module_id].add("online" if r.format == "online" else r.region)
    links = []
    for o in occs:
        for m in modules:
            text = f"{m.title} {m.keywords}".lower()
            if not any(k.lower() in text for k in o["module_keywords"]):
                continue
            if o["region"] and not ({o["region"], "online"} & regions[m.id]):
                continue
            links.append({"occupation_id": o["id"], "module_id": m.id})
    if links:
        conn.execute(insert(S.occupation_module), links)


def shortage_occupations(region: Optional[str] = None, theme: Optional[str] = None, *, engine=None) -> List[Occupation]:
    """See knowledge.shortage_occupations. National occupations count for every region."""
    if region is not None and region not in REGIONS:
        raise ProfileError("region", f"Ik ken de regio '{region}' niet. Kies uit: {', '.join(REGIONS)}.")
    if theme is not None and theme not in THEMES:
        raise ProfileError("theme", f"Ik ken het thema '{theme}' niet. Kies uit: {', '.join(THEMES)}.")
    q = select(S.occupation).order_by(S.occupation.c.name)
    if region:
        q = q.where(or_(S.occupation.c.region == region, S.occupation.c.region.is_(None)))
    if theme:
        q = q.where(S.occupation.c.theme == theme)
    with engine_or_default(engine).connect() as conn:
        rows = conn.execute(q).mappings().all()
        links = defaultdict(list)
        if rows:
            for r in conn.execute(
                select(S.occupation_module)
                .where(S.occupation_module.c.occupation_id.in_([r["id"] for r in rows]))
                .order_by(S.occupation_module.c.module_id)
            ):
                links[r.occupation_id].append(r.module_id)
        in_region = None
        if region and links:  # only modules someone in the region can follow: offered there or online
            all_ids = sorted({m for ids in links.values() for m in ids})
            in_region = {
                r[0]
                for r in conn.execute(
                    select(S.offering.c.module_id).where(
                        S.offering.c.module_id.in_(all_ids),
                        or_(S.offering.c.region == region, S.offering.c.format == "online"),
                    )
                )
            }
    out = []
    for r in rows:
        mids = [m for m in links[r["id"]] if in_region is None or m in in_region]
        out.append(
            Occupation(
                name=r["name"],
                theme=r["theme"],
                region=r["region"],
                why=r["why"],
                typical_level=r["typical_level"],
                module_ids=mids,
                nlqf_level=r["nlqf_level"],
                sample=r["sample"],
            )
        )
    return out
