"""Dutch education levels and NLQF (domain-facts.md, section 3, Nuffic table).

Canonical education_level values and their Dutch labels are in knowledge/vocabulary.yaml.
`nlqf_for` also accepts common spellings ("mbo 3", "mbo-III", "niveau 3", "havo", "MTS") so a
slot value that skipped synonym mapping still works.
"""

from __future__ import annotations

import re
from typing import Optional, Union

from .vocabulary import EDUCATION_LEVEL_VALUES, LEVEL_LABELS

# canonical education_level -> NLQF. vwo is "4+" in the Nuffic table; we use 4 for arithmetic.
# "geen" (no diploma) is 0: below NLQF 1, so mbo 1-2 modules count as a step up.
# "vmbo" without track is taken as kb/gl/tl (NLQF 2), the most common case; vmbo-bb is 1.
EDUCATION_LEVELS = {
    "geen": 0,
    "vmbo": 2,
    "mbo1": 1,
    "mbo2": 2,
    "mbo3": 3,
    "mbo4": 4,
    "havo": 4,
    "vwo": 4,
    "associate_degree": 5,
    "hbo_bachelor": 6,
    "wo_bachelor": 6,
    "master": 7,
    "doctoraat": 8,
}

LABELS = LEVEL_LABELS  # Dutch, from knowledge/vocabulary.yaml
assert tuple(EDUCATION_LEVELS) == EDUCATION_LEVEL_VALUES == tuple(LABELS), "levels and vocabulary differ"

# free spellings -> canonical value (keys are normalised: lower case, no punctuation/spaces)
_ALIASES = {
    "geendiploma": "geen",
    "geen": "geen",
    "basisschool": "geen",
    "vmbo": "vmbo",
    "mavo": "vmbo",
    "vmbot": "vmbo",
    "vmbotl": "vmbo",
    "vmbogl": "vmbo",
    "vmbokb": "vmbo",
    "theoretischeleerweg": "vmbo",
    "lbo": "vmbo",
    "vbo": "vmbo",
    "vmbobb": "mbo1",
    "basisberoeps": "mbo1",
    "basisberoepsgerichteleerweg": "mbo1",
    "entree": "mbo1",
    "mbo1": "mbo1",
    "mboi": "mbo1",
    "mboniveau1": "mbo1",
    "niveau1": "mbo1",
    "mbo2": "mbo2",
    "mboii": "mbo2",
    "mboniveau2": "mbo2",
    "niveau2": "mbo2",
    "mbo3": "mbo3",
    "mboiii": "mbo3",
    "mboniveau3": "mbo3",
    "niveau3": "mbo3",
    "mbo4": "mbo4",
    "mboiv": "mbo4",
    "mboniveau4": "mbo4",
    "mts": "mbo4",
    "meao": "mbo4",
    "havo": "havo",
    "vwo": "vwo",
    "gymnasium": "vwo",
    "atheneum": "vwo",
    "ad": "associate_degree",
    "associatedegree": "associate_degree",
    "hbo": "hbo_bachelor",
    "hbobachelor": "hbo_bachelor",
    "hts": "hbo_bachelor",
    "heao": "hbo_bachelor",
    "bachelor": "hbo_bachelor",
    "bsc": "hbo_bachelor",
    "ba": "hbo_bachelor",
    "wo": "wo_bachelor",
    "wobachelor": "wo_bachelor",
    "universiteit": "wo_bachelor",
    "master": "master",
    "msc": "master",
    "ma": "master",
    "womaster": "master",
    "hbomaster": "master",
    "drs": "master",
    "ir": "master",
    "mr": "master",
    "doctoraat": "doctoraat",
    "phd": "doctoraat",
    "gepromoveerd": "doctoraat",
    "dr": "doctoraat",
}


def canonical_level(value: object) -> Optional[str]:
    """Canonical education_level for a free spelling, or None when unknown.

    Bare "niveau 4" is ambiguous (mbo 4 or havo) and gives None, so the bot asks.
    """
    if value is None:
        return None
    key = re.sub(r"[^a-z0-9]", "", str(value).lower())
    if key in ("niveau4", "4"):
        return None
    return _ALIASES.get(key)


def nlqf_for(education_level: Union[str, int, None]) -> Optional[int]:
    """NLQF level (0-8) for an education level (canonical or common spelling); None if unknown.

    An int 1-8 is returned as is. "geen" gives 0 (below NLQF 1).
    """
    if isinstance(education_level, bool):
        return None
    if isinstance(education_level, int):
        return education_level if 0 <= education_level <= 8 else None
    canon = canonical_level(education_level)
    return EDUCATION_LEVELS.get(canon) if canon else None


def level_label(value: Union[str, int, None], education_type: Optional[str] = None) -> str:
    """Short Dutch label: a canonical education level ("mbo3" -> "mbo 3") or a module's
    NLQF level plus its kind of education (4, "mbo" -> "mbo 4"; 6, "hbo" -> "hbo")."""
    if isinstance(value, str) and not value.isdigit():
        canon = canonical_level(value)
        return LABELS.get(canon, value) if canon else value
    n = int(value) if value is not None else None
    kind = (education_type or "").lower()
    if kind == "mbo" and n:
        return f"mbo {n}"
    if kind in ("hbo", "wo", "post-hbo", "post-wo"):
        return "associate degree" if (kind == "hbo" and n == 5) else kind
    if kind == "branche":
        return f"vakcursus (niveau {n})" if n else "vakcursus (geen niveau)"
    if n is None:
        return "geen niveau"
    return {
        1: "mbo 1",
        2: "mbo 2",
        3: "mbo 3",
        4: "mbo 4",
        5: "associate degree",
        6: "bachelor",
        7: "master",
        8: "doctoraat",
    }.get(n, f"niveau {n}")
