"""The insights panel's chart, top lists and not-understood messages in a real browser (Debian
chromium): the course of the period as a uPlot chart (vendored, served from our own origin under
the console's strict CSP) with the same numbers in a table, top lists as bars in tables with a
CSV each, and an operator labelling a miss and downloading the labelled ones as NLU data."""

from __future__ import annotations

import json
import re
import urllib.request

from playwright.sync_api import expect
from sqlalchemy import insert

from bot.usage import events, group_key, misses
from database.engines import make_engine
from database.types import utcnow
from tests.support.browser import watch
from tests.support.handoff import add_advisor
from tests.bot.handoff.test_insights_browser import log_in

MISSED = "Waar kan ik parkeren bij de cursuslocatie?"  # this test's own miss, twice


def post(url: str, body: dict) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def a_conversation(url: str, tenant: str) -> str:
    """A conversation with one user message, through the widget's API (Rasa is down here)."""
    cid = post(f"{url}/api/v1/conversations", {"tenant": tenant})["conversation_id"]
    post(f"{url}/api/v1/conversations/{cid}/messages", {"text": "Ik zoek een cursus in de zorg"})
    return cid


def seed(database_url: str, cid: str, tenant: str) -> None:
    """What the actions would have told the gateway about this conversation (bot/usage.py):
    two turns of one intent, a theme, place, level, scheme and module, and one message the
    assistant did not understand, sent twice."""
    now = utcnow()
    rows = [
        ("intent", "search_course", None),
        ("intent", "search_course", None),
        ("theme", "zorg", "Zorg en welzijn"),
        ("place", "enschede", "Enschede"),
        ("level", "mbo4", "mbo 4"),
        ("scheme", "levenlanglerenkrediet", "Levenlanglerenkrediet"),
        ("module_shown", "zorg-101", "Basiscursus zorg"),
        ("module_details", "zorg-101", "Basiscursus zorg"),
        ("signup", "zorg-101", "Basiscursus zorg"),
    ]
    miss = {
        "conversation_id": cid,
        "tenant": tenant,
        "nlu_intent": "nlu_fallback",
        "text": MISSED,
        "group_key": group_key(MISSED),
    }
    engine = make_engine(database_url)
    try:
        with engine.begin() as db:
            db.execute(
                insert(events),
                [
                    {"conversation_id": cid, "tenant": tenant, "kind": k, "key": key, "label": label, "created_at": now}
                    for k, key, label in rows
                ],
            )
            db.execute(insert(misses), [{**miss, "created_at": now}, {**miss, "created_at": now}])
    finally:
        engine.dispose()


def downloaded(page, link) -> str:
    with page.expect_download() as download:
        link.click()
    return open(download.value.path(), encoding="utf-8").read()


def test_an_operator_sees_charts_and_top_lists_and_labels_a_miss(gateway, context):
    made = add_advisor(gateway.database_url, "otto@twente.example", "Otto", "twente", "--role", "operator")
    assert made.returncode == 0, made.stderr
    password = re.search(r"wachtwoord: (\S+)", made.stdout).group(1)
    seed(gateway.database_url, a_conversation(gateway.url, "twente"), "twente")

    page = context.new_page()
    seen = watch(page)
    log_in(page, gateway.url, "otto@twente.example", password)
    assert page.evaluate("typeof uPlot") == "function"  # the vendored library, from our own origin
    page.get_by_text("Inzichten", exact=True).click()
    panel = page.locator("#insights-panel")

    # The course of the week: a chart for the eye, the same numbers in a table for everyone.
    chart = page.get_by_role("figure", name=re.compile("Per dag"))
    canvas = panel.locator(".chart-box canvas").first
    canvas.wait_for()
    assert canvas.evaluate("c => c.width") > 0 and canvas.bounding_box()["width"] > 200
    assert canvas.get_attribute("aria-hidden") == "true"
    per_day = chart.get_by_role("table", name="Per dag")
    days = per_day.locator("tbody tr")
    expect(days.first).to_be_visible()
    assert days.count() >= 7  # a week, a row per day
    conversations = [int(t) for t in per_day.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    missed = [int(t) for t in per_day.locator("tbody tr td:nth-child(4)").all_inner_texts()]
    assert sum(conversations) >= 1 and sum(missed) >= 2
    assert "table=series" in chart.get_by_role("link", name="Per dag als CSV").get_attribute("href")

    # The new figures.
    figures = page.get_by_role("table", name="Cijfers van deze periode en de periode ervoor")
    rate = figures.get_by_role("row", name=re.compile(r"^Niet begrepen \(deel"))
    assert rate.locator("td").nth(0).inner_text().endswith("%")
    assert figures.get_by_role("row", name=re.compile("^Doorgeklikt naar aanmelden")).locator("td").nth(0).inner_text()
    assert figures.get_by_role("row", name=re.compile("^Buiten kantooruren gevraagd")).is_visible()

    # A top list: the seeded theme with its bar, and its own CSV.
    themes = page.get_by_role("table", name="Meest gekozen thema's")
    zorg = themes.get_by_role("row", name=re.compile("^Zorg en welzijn"))
    expect(zorg).to_be_visible()
    assert zorg.locator(".bar").evaluate("b => b.getBoundingClientRect().width") > 0
    text = downloaded(page, page.get_by_role("link", name="Thema's als CSV"))
    assert text.splitlines()[0] == "key,label,count" and "zorg,Zorg en welzijn,1" in text.splitlines()
    modules = page.get_by_role("table", name="Meest getoonde modules")
    expect(modules.get_by_role("row", name=re.compile("^Basiscursus zorg"))).to_be_visible()

    # The miss: listed once with "×2"; the operator says what the user meant.
    item = page.get_by_role("list", name="Niet begrepen berichten").get_by_role("listitem").filter(has_text=MISSED)
    expect(item).to_have_count(1)
    expect(item).to_contain_text("×2")
    item.get_by_label("Wat bedoelde de gebruiker?").select_option("search_course")
    with page.expect_response(lambda r: r.url.endswith("/advisor/api/insights/misses")) as answer:
        item.get_by_role("button", name="Bewaar").click()
    assert answer.value.status == 200 and answer.value.request.method == "POST"
    assert answer.value.request.post_data_json["intent"] == "search_course"
    expect(item.get_by_role("status")).to_have_text("Bewaard")

    yaml_text = downloaded(page, page.get_by_role("link", name="Download NLU-voorbeelden (YAML)"))
    assert yaml_text.startswith("version:")
    assert "search_course" in yaml_text and MISSED in yaml_text

    assert seen.page_errors == []  # no script error
    assert not [e for e in seen.console_errors if "Content Security Policy" in e]  # the strict CSP holds
