"""Hubs (TransitieHubs, Twente hubs, Noord locations): nearest to a place, or per region."""

from __future__ import annotations

from typing import List, Optional

from sqlalchemy import select

from .types import ProfileError
from .vocabulary import REGIONS
from . import schema as S
from .connection import engine_or_default
from .places import haversine_km
from .types import Hub, Place


def nearest_hubs(
    place: Optional[Place] = None, region: Optional[str] = None, limit: int = 1, *, engine=None
) -> List[Hub]:
    """See knowledge.nearest_hubs. With a place: nearest first (any region, or only `region`
    when given). Without a place: the hubs of `region` alphabetically, or all hubs."""
    if region is not None and region not in REGIONS:
        raise ProfileError("region", f"Ik ken de regio '{str(region)[:40]}' niet. Kies uit: {', '.join(REGIONS)}.")
    if place is not None and not isinstance(place, Place):
        raise ProfileError("place", "Geef een plaats mee als Place (zie resolve_place).")
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise ProfileError("limit", "limit moet een positief geheel getal zijn.")
    q = select(S.hub).order_by(S.hub.c.name)
    if region:
        q = q.where(S.hub.c.region == region)
    with engine_or_default(engine).connect() as conn:
        rows = conn.execute(q).mappings().all()
    hubs = [
        Hub(
            hub_id=r["id"],
            name=r["name"],
            region=r["region"],
            address=r["address"],
            city=r["city"],
            what_you_can_do=r["what_you_can_do"],
            url=r["url"],
            opening_hours=r["opening_hours"],
            sample=bool(r["sample"]),
            lat=r["lat"],
            lon=r["lon"],
        )
        for r in rows
    ]
    if place is not None:
        for h in hubs:
            h.distance_km = round(haversine_km(place.lat, place.lon, h.lat, h.lon), 1)
        hubs.sort(key=lambda h: (h.distance_km, h.name))
    return hubs[:limit]
