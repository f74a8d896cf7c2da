"""Advisor accounts from the command line.

  LEERWIJZER_DEMO=1 python -m bot.handoff create-demo-advisor
      The demo account adviseur@demo.leerwijzer.nl for every tenant in tenants.yml, with a
      generated password in var/advisor_password (mode 0600). Idempotent: an existing account
      whose password matches the file is left alone. Prints how to log in. Only in demo mode
      (LEERWIJZER_DEMO=1, as `make run` sets it); otherwise it says so and exits with 1.
  python -m bot.handoff add-advisor EMAIL "NAME" TENANT[,TENANT...] [--role operator]
      Creates or updates an account with a new generated password and prints it once
      (an account that was deactivated is active again). --role operator: the account also
      sees the catalogue feeds and the insights of its tenants (console panels
      "Catalogusbronnen" and "Inzichten"); without it, an advisor.
  python -m bot.handoff deactivate-advisor EMAIL
      Switches the account off and ends its logins at once (an advisor who left, a lost
      laptop). Exits with 1 when there is no such account.

Uses DATABASE_URL like the gateway.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Optional

from bot.config import GatewayConfig
from bot.handoff.accounts import ADVISOR, ROLES, AccountStore, generate_password
from bot.store import Store

DEMO_EMAIL = "adviseur@demo.leerwijzer.nl"
DEMO_NAME = "Demo-adviseur"


def write_secret(path: Path, secret: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # also when the file was there before with other rights
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")


async def create_demo_advisor(config: GatewayConfig) -> str:
    path = config.handoff.password_file
    tenants = sorted(config.tenants)
    store = Store(config.database_url)
    await store.open()
    try:
        accounts = AccountStore(store)
        known = path.read_text(encoding="utf-8").strip() if path.exists() else ""
        existing = await accounts.find(DEMO_EMAIL)
        if known and existing and sorted(existing.tenants) == tenants and await accounts.check(DEMO_EMAIL, known):
            return known
        password = known if len(known) >= 12 else generate_password()
        await accounts.save_advisor(DEMO_EMAIL, DEMO_NAME, password, tenants)
        write_secret(path, password)
        return password
    finally:
        await store.close()


async def add_advisor(config: GatewayConfig, email: str, name: str, tenants: list, role: str = ADVISOR) -> str:
    unknown = [t for t in tenants if t not in config.tenants]
    if unknown:
        raise SystemExit(f"unknown tenant(s): {', '.join(unknown)}; known: {', '.join(sorted(config.tenants))}")
    store = Store(config.database_url)
    await store.open()
    try:
        password = generate_password()
        await AccountStore(store).save_advisor(email, name, password, tenants, role)
        return password
    finally:
        await store.close()


async def deactivate_advisor(config: GatewayConfig, email: str) -> Optional[int]:
    store = Store(config.database_url)
    await store.open()
    try:
        return await AccountStore(store).deactivate(email)
    finally:
        await store.close()


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bot.handoff", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("create-demo-advisor", help="the demo advisor account (idempotent)")
    add = commands.add_parser("add-advisor", help="create or update an advisor account")
    add.add_argument("email")
    add.add_argument("name")
    add.add_argument("tenants", help="comma-separated, e.g. brabant,twente")
    add.add_argument(
        "--role",
        choices=ROLES,
        default=ADVISOR,
        help="operator: also sees the catalogue feeds and the insights (default: advisor)",
    )
    deactivate = commands.add_parser("deactivate-advisor", help="switch an advisor account off and end its logins")
    deactivate.add_argument("email")
    args = parser.parse_args(argv)
    config = GatewayConfig.from_env()
    console = f"http://localhost:{config.port}/advisor/"
    if args.command == "create-demo-advisor":
        if not config.handoff.demo:
            print(
                "Geen demo-adviseur: dat kan alleen in de demo (LEERWIJZER_DEMO=1, zoals "
                "`make run` doet). Maak echte accounts met: python -m bot.handoff add-advisor "
                'EMAIL "NAAM" REGIO',
                file=sys.stderr,
            )
            raise SystemExit(1)
        password = asyncio.run(create_demo_advisor(config))
        print(
            f"Adviseursconsole: {console}  e-mail: {DEMO_EMAIL}  wachtwoord: {password}  "
            f"(bewaard in {config.handoff.password_file})",
            flush=True,
        )
    elif args.command == "deactivate-advisor":
        email = args.email.strip().lower()
        ended = asyncio.run(deactivate_advisor(config, email))
        if ended is None:
            print(f"Er is geen account {email}.", file=sys.stderr)
            raise SystemExit(1)
        print(
            f"Account {email} is gedeactiveerd; {ended} login(s) beëindigd. Opnieuw activeren: "
            f"add-advisor (met een nieuw wachtwoord)."
        )
    else:
        tenants = [t.strip() for t in args.tenants.split(",") if t.strip()]
        password = asyncio.run(add_advisor(config, args.email, args.name, tenants, args.role))
        print(
            f"Account {args.email.strip().lower()} ({', '.join(tenants)}; {args.role}) – wachtwoord: "
            f"{password}  (nu noteren; het wordt nergens bewaard). Console: {console}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
