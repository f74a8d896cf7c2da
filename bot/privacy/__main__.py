"""Privacy commands (for cron and for handling requests by e-mail or phone):

  python -m bot.privacy retention [--days N] [--dry-run]   delete what is older than the
                                                           retention period (default
                                                           PRIVACY_RETENTION_DAYS or 30)
  python -m bot.privacy forget CONVERSATION_ID            delete one conversation everywhere

They use DATABASE_URL (the gateway's database) and TRACKER_STORE_URL (Rasa's tracker store),
as the gateway does. Exit code 0 when done, 1 when a database could not be reached.
Cron example (every night at 03:15):
  15 3 * * * cd /srv/leerwijzer && .venv/bin/python -m bot.privacy retention >> var/log/retention.log
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

from sqlalchemy.exc import SQLAlchemyError

from bot.privacy import logs, retention
from bot.privacy.forget import Forgetter
from bot.privacy.settings import PrivacySettings
from database import engines
from bot.privacy.tracker import RasaTrackerStore, TrackerStoreMissing
from bot.store import Store


async def _run(args, settings: PrivacySettings, database_url: str) -> int:
    store = Store(database_url, threads=1)
    tracker = RasaTrackerStore(settings.tracker_store_url)
    await store.open()
    try:
        forgetter = Forgetter(store, tracker)
        if args.command == "retention":
            days = args.days or settings.retention_days
            report = await retention.apply(forgetter, days, dry_run=args.dry_run)
            if args.dry_run:
                print(
                    f"dry run (before {report.cutoff:%Y-%m-%d %H:%M} UTC): "
                    f"{len(report.conversations)} conversation(s) due; "
                    f"{report.kept_open_handoff} kept because a handoff is open"
                )
            else:
                print(report.summary())
        else:
            gone = await forgetter.conversation(args.conversation_id)
            print(
                f"conversation {args.conversation_id}: {gone.conversations} conversation, "
                f"{gone.messages} message(s), {gone.handoffs} handoff(s), "
                f"{gone.tracker_events} Rasa event(s) deleted"
            )
    finally:
        tracker.close()
        await store.close()
    return 0


def main(argv=None) -> int:

    parser = argparse.ArgumentParser(prog="python -m bot.privacy", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    keep = commands.add_parser("retention", help="delete what is older than the period")
    keep.add_argument("--days", type=float, help="retention period in days")
    keep.add_argument("--dry-run", action="store_true", help="only count what is due")
    forget = commands.add_parser("forget", help="delete one conversation everywhere")
    forget.add_argument("conversation_id")
    args = parser.parse_args(argv)
    if args.command == "retention" and args.days is not None and args.days <= 0:
        parser.error("--days must be more than 0")

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logs.install()
    settings = PrivacySettings.from_env()
    database_url = engines.database_url()
    try:
        return asyncio.run(_run(args, settings, database_url))
    except SQLAlchemyError as error:
        print(
            f"A database could not be reached or used: {type(error).__name__}: {str(error).splitlines()[0]}",
            file=sys.stderr,
        )
        return 1
    except TrackerStoreMissing as error:
        print(
            f"Nothing deleted: {error}. Set TRACKER_STORE_URL to Rasa's tracker "
            "store (endpoints.yml) and run the command again.",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
