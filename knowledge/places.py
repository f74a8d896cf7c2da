"""Dutch places: name -> Place (region, approximate centre), and distances.

The data comes from knowledge/data/places.csv (seeded into the `place` and `place_alias`
tables); lookups use an in-memory index built once per database.
"""

from __future__ import annotations

import csv
import difflib
import math
import re
from pathlib import Path
from typing import Dict, Optional, Tuple

from sqlalchemy import delete, insert, select

from . import schema as S
from .connection import engine_or_default
from .textnl import strip_accents
from .types import Place

DATA = Path(__file__).parent / "data" / "places.csv"
EARTH_RADIUS_KM = 6371.0
MAX_PLACE_TEXT = 80
# words people put around a place name ("in Eindhoven", "regio Twente", "gemeente Oss")
_FILLERS = (
    "in de buurt van ",
    "omgeving ",
    "in ",
    "bij ",
    "rond ",
    "rondom ",
    "regio ",
    "gemeente ",
    "de ",
    "het ",
    "stad ",
    "uit ",
    "te ",
)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def to_xy(lat: float, lon: float) -> Tuple[float, float]:
    """Flat km coordinates for the Netherlands (equirectangular at 52°N, error < 4 %), so SQL can
    rank by squared distance with plain arithmetic on SQLite and PostgreSQL alike."""
    return lon * 111.32 * math.cos(math.radians(52.0)), lat * 110.57


def alias_key(text: str) -> str:
    """Normalised spelling used as lookup key: 'Den Bosch' -> 'den bosch', "'s-Hertogenbosch"
    -> 's hertogenbosch', 'Hengelo (O)' -> 'hengelo o'."""
    t = strip_accents(text).lower().replace("’", "'").replace("`", "'")
    t = re.sub(r"[^a-z0-9]+", " ", t)
    return " ".join(t.split())


def read_places_file(path: Path = DATA):
    """Rows of places.csv (comment lines skipped) as dicts, aliases as a list."""
    with open(path, encoding="utf-8") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    for row in csv.DictReader(lines):
        yield {
            "name": row["name"],
            "kind": row["kind"],
            "municipality": row["municipality"] or None,
            "province": row["province"] or None,
            "region": row["region"] or None,
            "subregion": row["subregion"] or None,
            "lat": float(row["lat"]),
            "lon": float(row["lon"]),
            "aliases": [a.strip() for a in (row["aliases"] or "").split("|") if a.strip()],
        }


def seed_places(conn) -> int:
    """(Re)load places and aliases from the CSV. Reference data, so it is replaced as a whole."""
    rows = list(read_places_file())
    conn.execute(delete(S.place_alias))
    conn.execute(delete(S.place))
    conn.execute(insert(S.place), [{k: v for k, v in r.items() if k != "aliases"} for r in rows])
    aliases = {}
    for r in rows:
        for spelling in [r["name"], r["municipality"] or ""] + r["aliases"]:
            key = alias_key(spelling)
            if key and key not in aliases:  # first row wins: Hengelo (O) before Hengelo (Gld)
                aliases[key] = r["name"]
    conn.execute(insert(S.place_alias), [{"alias": k, "place_name": v} for k, v in aliases.items()])
    _INDEX.clear()
    return len(rows)


class _PlaceIndex:
    def __init__(self, conn):
        self.places: Dict[str, Place] = {}
        for r in conn.execute(select(S.place)).mappings():
            self.places[r["name"]] = Place(
                name=r["name"],
                municipality=r["municipality"],
                region=r["region"],
                lat=r["lat"],
                lon=r["lon"],
                province=r["province"],
                subregion=r["subregion"],
            )
        self.aliases = {r.alias: r.place_name for r in conn.execute(select(S.place_alias))}

    def lookup(self, text: str) -> Optional[Place]:
        key = alias_key(text)
        if not key:
            return None
        candidates = [key]
        for filler in _FILLERS:  # "in de buurt van Breda" -> "breda"
            if key.startswith(filler):
                candidates.append(key[len(filler) :])
                key = key[len(filler) :]
        for k in candidates:
            if k in self.aliases:
                return self.places[self.aliases[k]]
        if len(key) >= 5:  # small typos: "eindhovn", "enschde"
            close = difflib.get_close_matches(key, list(self.aliases), n=1, cutoff=0.88)
            if close:
                return self.places[self.aliases[close[0]]]
            for swapped in _swaps(key):  # two letters swapped: "tilbrug" (difflib: 0.86)
                if swapped in self.aliases:
                    return self.places[self.aliases[swapped]]
        return None


def _swaps(word: str):
    """The word with two neighbouring letters swapped, at each place."""
    for i in range(len(word) - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]


_INDEX: Dict[str, _PlaceIndex] = {}


def place_index(conn) -> _PlaceIndex:
    key = str(conn.engine.url)
    if key not in _INDEX:
        _INDEX[key] = _PlaceIndex(conn)
    return _INDEX[key]


def resolve_place(text: Optional[str], *, engine=None, conn=None) -> Optional[Place]:
    """See knowledge.resolve_place."""
    if not isinstance(text, str) or not text.strip() or len(text) > MAX_PLACE_TEXT:
        return None
    if conn is not None:
        return place_index(conn).lookup(text)
    with engine_or_default(engine).connect() as c:
        return place_index(c).lookup(text)
