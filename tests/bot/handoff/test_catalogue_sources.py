"""The catalogue feeds in the advisor console (read-only: last sync, counts, last errors) are
for operators only: the API answers a plain advisor 403 and the console hides the panel."""
import asyncio
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from bot.security import CONFIG
from knowledge.db import engine_for
from knowledge.feeds import FeedReport, apply_feed
from tests.bot.conftest import ROOT

pytestmark = pytest.mark.asyncio

HARNESS = Path(__file__).with_name("console_in_node.js")
REFUSED = "crs-9: levelOfQualification '9' is geen NLQF-niveau 1-8"


def a_feed_with_an_error(desk) -> None:
    engine = engine_for(desk.app[CONFIG].database_url)      # the catalogue shares the gateway's database
    report = FeedReport(feed="ROC Test", kind="ooapi", origin="https://ooapi.example/v5")
    report.refused.append(("crs-9", "levelOfQualification '9' is geen NLQF-niveau 1-8"))
    with engine.begin() as conn:
        apply_feed(conn, report, [])


def add_advisor(database_url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.handoff", "add-advisor", *args], cwd=ROOT,
                          env={**os.environ, "DATABASE_URL": database_url}, capture_output=True,
                          text=True, timeout=60)


async def test_operators_see_the_sources_advisors_get_403_and_others_401(desk):
    a_feed_with_an_error(desk)
    assert (await desk.api("GET", "/catalogue/sources")).status == 401
    petra = await desk.advisor()
    response = await desk.api("GET", "/catalogue/sources", petra)
    assert response.status == 403
    assert await response.json() == {
        "error": "operators_only", "detail": "needs an account with the operator role",
        "message": "Alleen een beheerder (operator) kan de catalogusbronnen zien."}
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator")
    response = await desk.api("GET", "/catalogue/sources", olga)
    assert response.status == 200
    (source,) = (await response.json())["sources"]
    assert source["feed"] == "ROC Test" and source["last_run"]["refused"] == 1
    assert source["last_errors"] == [REFUSED]
    roles = [(await (await desk.api("GET", "/me", who)).json())["advisor"]["role"] for who in (petra, olga)]
    assert roles == ["advisor", "operator"]


async def test_add_advisor_makes_an_operator_and_makes_them_an_advisor_again(desk):
    database = desk.app[CONFIG].database_url
    made = await asyncio.to_thread(add_advisor, database, "Olga@Twente.example", "Olga", "twente",
                                   "--role", "operator")
    assert made.returncode == 0, made.stderr
    assert "olga@twente.example (twente; operator)" in made.stdout
    password = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)

    async def sources_status() -> int:
        login = await desk.api("POST", "/login", json={"email": "olga@twente.example", "password": password})
        token = (await login.json())["token"]
        return (await desk.api("GET", "/catalogue/sources", headers={"Authorization": f"Bearer {token}"})).status

    assert await sources_status() == 200
    again = await asyncio.to_thread(add_advisor, database, "olga@twente.example", "Olga", "twente")
    assert again.returncode == 0 and "(twente; advisor)" in again.stdout
    password = re.search(r"wachtwoord: (\S+)", again.stdout).group(1)
    assert await sources_status() == 403


async def test_accounts_of_a_database_from_before_roles_are_advisors(tmp_path, make_desk):
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    desk = await make_desk(DATABASE_URL=database)
    await desk.handoffs.accounts.save_advisor("petra@twente.example", "Petra", "een-lang-test-wachtwoord",
                                              ["twente"], "operator")
    engine = create_engine(database)
    with engine.begin() as db:                                # the table as it was before roles
        db.execute(text("ALTER TABLE gw_advisors DROP COLUMN role"))
    engine.dispose()
    later = await make_desk(DATABASE_URL=database)            # a gateway start adds the column
    petra = await later.advisor(online=False)                 # (save_advisor: still an advisor)
    assert (await later.api("GET", "/catalogue/sources", petra)).status == 403
    engine = create_engine(database)
    with engine.connect() as db:
        assert db.execute(text("SELECT role FROM gw_advisors")).scalar() == "advisor"
    engine.dispose()


async def console_in_node(desk, who) -> dict:
    """The real console.js, started by a logged-in account against this gateway (see the harness)."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: apt-get install nodejs (make test-setup does)")
    base = str(desk.client.make_url("")).rstrip("/")
    process = await asyncio.create_subprocess_exec(node, str(HARNESS), base, who.token,
                                                   stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    result = json.loads(out)
    assert result["errors"] == [] and result["hidden"]["console"] is False, result
    return result


async def test_the_console_shows_the_sources_panel_to_operators_only(desk):
    a_feed_with_an_error(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    seen = await console_in_node(desk, olga)
    assert seen["hidden"]["sources-panel"] is False and seen["items"]["sources"] == 1
    assert "GET /advisor/api/catalogue/sources" in seen["calls"]
    petra = await desk.advisor(online=False)
    seen = await console_in_node(desk, petra)
    assert seen["hidden"]["sources-panel"] is True and seen["items"].get("sources", 0) == 0
    assert "GET /advisor/api/catalogue/sources" not in seen["calls"]
    assert "GET /advisor/api/me" in seen["calls"]
