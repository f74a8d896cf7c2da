"""Create every table of a shared database once, before several instances start.

Used by ScaledStack (scripts/stack.py). Two processes creating the same PostgreSQL tables at
the same moment collide, so the knowledge catalogue, the gateway's tables and Rasa's tracker
table are made here, one after the other. Idempotent: an existing database is left as it is.

  .venv/bin/python scripts/prepare_shared_db.py postgresql://postgres@127.0.0.1:5432/leerwijzer_scaled
"""
from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


async def gateway_tables(url: str) -> None:
    import bot.app  # noqa: F401  (imports every module that registers a gateway table)
    from bot.store import Store

    store = Store(url)
    await store.open()  # creates the tables that are missing
    await store.close()


def main(url: str) -> None:
    import knowledge
    from rasa.core.tracker_store import SQLTrackerStore

    knowledge.init_db(url)  # schema + sample catalogue when empty
    asyncio.run(gateway_tables(url))
    logging.getLogger("rasa").setLevel(logging.WARNING)
    SQLTrackerStore(host=url)  # Rasa's own `events` table, as the Rasa servers will use it
    print(f"shared database ready: {url.rsplit('/', 1)[-1]}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
