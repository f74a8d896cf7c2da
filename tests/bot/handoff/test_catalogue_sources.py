"""The catalogue feeds in the advisor console (read-only: last sync, counts, last errors) are
for operators only: the API answers a plain advisor 403 and the console hides the panel (the
console itself in a real browser: Debian chromium via Playwright, against a gateway process)."""

import asyncio
import re

import pytest
from sqlalchemy import create_engine, text

from bot.http import CONFIG
from knowledge.db import engine_for
from knowledge.feeds import FeedReport, apply_feed
from tests.support.browser import dutch_context, watch
from tests.support.gateway import GatewayProcess, gateway_env
from tests.support.handoff import add_advisor

REFUSED = "crs-9: levelOfQualification '9' is geen NLQF-niveau 1-8"
SOURCES = "/advisor/api/catalogue/sources"


def a_feed_with_an_error(database_url: str) -> None:
    engine = engine_for(database_url)  # the catalogue shares the gateway's database
    report = FeedReport(feed="ROC Test", kind="ooapi", origin="https://ooapi.example/v5")
    report.refused.append(("crs-9", "levelOfQualification '9' is geen NLQF-niveau 1-8"))
    with engine.begin() as conn:
        apply_feed(conn, report, [])


@pytest.mark.asyncio
async def test_operators_see_the_sources_advisors_get_403_and_others_401(desk):
    a_feed_with_an_error(desk.app[CONFIG].database_url)
    assert (await desk.api("GET", "/catalogue/sources")).status == 401
    petra = await desk.advisor()
    response = await desk.api("GET", "/catalogue/sources", petra)
    assert response.status == 403
    assert await response.json() == {
        "error": "operators_only",
        "detail": "needs an account with the operator role",
        "message": "Alleen een beheerder (operator) kan de catalogusbronnen zien.",
    }
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator")
    response = await desk.api("GET", "/catalogue/sources", olga)
    assert response.status == 200
    (source,) = (await response.json())["sources"]
    assert source["feed"] == "ROC Test" and source["last_run"]["refused"] == 1
    assert source["last_errors"] == [REFUSED]
    roles = [(await (await desk.api("GET", "/me", who)).json())["advisor"]["role"] for who in (petra, olga)]
    assert roles == ["advisor", "operator"]


@pytest.mark.asyncio
async def test_add_advisor_makes_an_operator_and_makes_them_an_advisor_again(desk):
    database = desk.app[CONFIG].database_url
    made = await asyncio.to_thread(add_advisor, database, "Olga@Twente.example", "Olga", "twente", "--role", "operator")
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


@pytest.mark.asyncio
async def test_accounts_of_a_database_from_before_roles_are_advisors(tmp_path, make_desk):
    database = f"sqlite:///{tmp_path / 'gateway.db'}"
    desk = await make_desk(DATABASE_URL=database)
    await desk.handoffs.accounts.save_advisor(
        "petra@twente.example", "Petra", "een-lang-test-wachtwoord", ["twente"], "operator"
    )
    engine = create_engine(database)
    # The database as it was before roles, and so before Alembic: the catalogue had its own
    # schema_version table.
    with engine.begin() as db:
        db.execute(text("ALTER TABLE gw_advisors DROP COLUMN role"))
        db.execute(text("DROP TABLE alembic_version"))
        db.execute(
            text(
                "CREATE TABLE schema_version (version INTEGER PRIMARY KEY, "
                "applied_at VARCHAR(40) NOT NULL, note VARCHAR(200) NOT NULL)"
            )
        )
        db.execute(text("INSERT INTO schema_version VALUES (5, '2026-11-30', 'feeds')"))
    engine.dispose()
    later = await make_desk(DATABASE_URL=database)  # a gateway start adds the column
    petra = await later.advisor(online=False)  # (save_advisor: still an advisor)
    assert (await later.api("GET", "/catalogue/sources", petra)).status == 403
    engine = create_engine(database)
    with engine.connect() as db:
        assert db.execute(text("SELECT role FROM gw_advisors")).scalar() == "advisor"
    engine.dispose()


# -- the console in a real browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def sources_gateway(tmp_path_factory):
    """A gateway process (Rasa down) whose database holds one feed with a refused record, an
    operator and a plain advisor, both made with the real `add-advisor` command."""
    data = tmp_path_factory.mktemp("sources")
    gateway = GatewayProcess(env=gateway_env(data), log_path=data / "gateway.log")
    gateway.start()
    a_feed_with_an_error(gateway.database_url)
    gateway.passwords = {}
    for email, name, role in [
        ("olga@twente.example", "Olga", ["--role", "operator"]),
        ("petra@twente.example", "Petra", []),
    ]:
        made = add_advisor(gateway.database_url, email, name, "twente", *role)
        assert made.returncode == 0, made.stderr
        gateway.passwords[email] = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)
    yield gateway
    gateway.stop()


def logged_in_console(gateway, context, email: str):
    """The console page after logging in through its form; the requests it made, and its errors.
    Returns once the console has loaded its first list: by then it has asked for /me and chosen
    whether to fetch the sources (both in the same step)."""
    page = context.new_page()
    seen = watch(page)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(f"{gateway.url}/advisor/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(gateway.passwords[email])
    with page.expect_response(lambda r: "/advisor/api/handoffs" in r.url):
        page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Gesprekken").wait_for()
    return page, seen, requests


def test_the_console_shows_the_sources_panel_to_operators_only(sources_gateway, browser):
    contexts = [dutch_context(browser) for _ in range(2)]
    try:
        operator_ctx, advisor_ctx = contexts

        # -- the operator: the panel, its one source and the source's error
        olga, olga_seen, olga_requests = logged_in_console(sources_gateway, operator_ctx, "olga@twente.example")
        assert "Olga" in olga.locator("#who").inner_text()
        panel = olga.get_by_text("Catalogusbronnen", exact=True)
        panel.wait_for()
        panel.click()  # the panel opens (a <details>)
        sources = olga.get_by_role("list", name="Catalogusbronnen: laatste synchronisatie en fouten")
        source = sources.locator(":scope > li")
        source.first.wait_for()
        assert source.count() == 1
        assert "ROC Test (ooapi)" in source.inner_text() and "1 geweigerd" in source.inner_text()
        error = source.locator("li.error")
        assert error.all_inner_texts() == [REFUSED] and error.is_visible()
        assert any(url.endswith(SOURCES) for url in olga_requests)
        assert olga_seen.page_errors == []

        # -- a plain advisor: the console without the panel, and no request for the sources
        petra, petra_seen, petra_requests = logged_in_console(sources_gateway, advisor_ctx, "petra@twente.example")
        assert "Petra" in petra.locator("#who").inner_text()
        assert petra.get_by_text("Catalogusbronnen", exact=True).is_hidden()
        assert not petra.locator("#sources-panel").is_visible()
        assert petra.get_by_text("ROC Test").count() == 0
        assert any(url.endswith("/advisor/api/me") for url in petra_requests)
        assert not any(SOURCES in url for url in petra_requests)
        assert petra_seen.page_errors == []  # (console errors: the 401 of /me before login)
    finally:
        for ctx in contexts:
            ctx.close()
