"""The knowledge database, opened once per action-server process.

The action server runs with the repository root as working directory, so the
`knowledge` package imports directly. DATABASE_URL (or knowledge's default SQLite
file) chooses the database; tests call use_database() with their own URL.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import List, Optional

import knowledge
from knowledge.funding.rules import load_rules

_lock = threading.Lock()
_ready = False


def ensure_db() -> None:
    """Create/upgrade and fill the database the first time an action needs it."""
    global _ready
    if _ready:
        return
    with _lock:
        if not _ready:
            knowledge.init_db()
            _ready = True


def use_database(url: Optional[str]) -> None:
    """Point the actions at another database (tests) and forget cached lookups."""
    global _ready
    with _lock:
        knowledge.init_db(url)
        _ready = True
    place.cache_clear()


@lru_cache(maxsize=2048)
def place(text: str) -> Optional["knowledge.Place"]:
    """resolve_place with a cache: places are asked for on nearly every turn."""
    ensure_db()
    return knowledge.resolve_place(text)


def named_schemes(text: str) -> List[str]:
    """Ids of the funding schemes a message names ("kan ik het levenlanglerenkrediet
    krijgen?", "betaalt uwv dat"), by the aliases in the rule files (no evaluation needed)."""
    low = " ".join((text or "").lower().split())
    return [
        rule.id
        for rule in load_rules()
        if any(re.search(rf"(?<!\w){re.escape(alias)}(?!\w)", low) for alias in rule.aliases)
    ]
