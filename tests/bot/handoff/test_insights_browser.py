"""The insights panel of the advisor console in a real browser (Debian chromium): an operator
sees the region's figures in tables and downloads them as CSV; an advisor does not see it."""

from __future__ import annotations

import json
import re
import urllib.request

from tests.support.browser import watch
from tests.support.handoff import add_advisor


def new_conversation_with_a_question(url: str, tenant: str) -> None:
    def post(path, body):
        request = urllib.request.Request(
            url + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    cid = post("/api/v1/conversations", {"tenant": tenant})["conversation_id"]
    post(f"/api/v1/conversations/{cid}/messages", {"text": "Ik zoek een cursus BIM"})  # Rasa is down here


def log_in(page, url, email, password, path="/advisor/"):
    page.goto(f"{url}{path}")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.get_by_role("heading", name="Gesprekken").wait_for()


def test_an_operator_sees_the_figures_and_downloads_them(gateway, context):
    made = add_advisor(gateway.database_url, "olga@overijssel.example", "Olga", "twente", "--role", "operator")
    assert made.returncode == 0, made.stderr
    password = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)
    new_conversation_with_a_question(gateway.url, "twente")

    page = context.new_page()
    seen = watch(page)
    log_in(page, gateway.url, "olga@overijssel.example", password)
    page.get_by_text("Inzichten", exact=True).click()
    figures = page.get_by_role("table", name="Cijfers van deze periode en de periode ervoor")
    started = figures.get_by_role("row", name=re.compile("^Gesprekken gestart"))
    started.wait_for()
    current = int(started.locator("td").nth(0).inner_text())
    assert current >= 1  # this test's conversation (the session's gateway may hold others)
    assert started.locator("td").nth(1).inner_text() == "0"
    assert figures.get_by_role("row", name=re.compile("^Berichten van gebruikers")).is_visible()
    # one row per language, named by the data (a third language needs no console change)
    dutch = figures.get_by_role("row", name=re.compile(r"^Taal: Nederlands \(NL\)"))
    assert int(dutch.locator("td").nth(0).inner_text()) >= 1
    assert figures.get_by_role("row", name=re.compile(r"^Taal: English \(EN\)")).is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Download als CSV").click()
    text = open(download.value.path(), encoding="utf-8").read()
    assert text.splitlines()[0] == "figure,current,previous"
    assert f"conversations_started,{current},0" in text.splitlines()
    assert seen.page_errors == []  # no script error
    assert not [e for e in seen.console_errors if "Content Security Policy" in e]  # the strict CSP holds


def test_an_advisor_does_not_see_the_insights(gateway, context):
    made = add_advisor(gateway.database_url, "piet@overijssel.example", "Piet", "twente")
    password = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)
    page = context.new_page()
    log_in(page, gateway.url, "piet@overijssel.example", password)
    assert page.locator("#insights-panel").is_hidden()


def test_an_operator_opens_the_insights_page_directly(gateway, context):
    """/advisor/insights: the console with the insights open (the page an operator bookmarks)."""
    made = add_advisor(gateway.database_url, "olga.direct@overijssel.example", "Olga", "twente", "--role", "operator")
    assert made.returncode == 0, made.stderr
    password = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)
    page = context.new_page()
    seen = watch(page)
    log_in(page, gateway.url, "olga.direct@overijssel.example", password, path="/advisor/insights")
    figures = page.get_by_role("table", name="Cijfers van deze periode en de periode ervoor")
    figures.get_by_role("row", name=re.compile("^Gesprekken gestart")).wait_for()
    assert figures.is_visible()  # open without a click on "Inzichten"
    assert seen.page_errors == []
