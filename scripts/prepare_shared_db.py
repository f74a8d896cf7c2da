"""Migrate a shared database once, before several instances start.

Used by ScaledStack (scripts/stack.py). Two processes creating the same PostgreSQL tables at
the same moment collide, so every table of the project (Alembic, database/migrations), the
knowledge base's reference data and sample catalogue, and Rasa's tracker table are made here,
one after the other. Idempotent: an existing database is left as it is.

  .venv/bin/python scripts/prepare_shared_db.py postgresql://postgres@127.0.0.1:5432/leerwijzer_scaled
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import knowledge


def main(url: str) -> None:
    from rasa.core.tracker_store import SQLTrackerStore  # Rasa takes seconds to import

    knowledge.init_db(url)  # every table migrated, then reference data + sample catalogue when empty
    logging.getLogger("rasa").setLevel(logging.WARNING)
    SQLTrackerStore(host=url)  # Rasa's own `events` table, as the Rasa servers will use it
    print(f"shared database ready: {url.rsplit('/', 1)[-1]}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
