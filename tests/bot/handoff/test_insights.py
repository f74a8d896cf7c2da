"""Insights for a region's operators (bot/insights.py, GET /advisor/api/insights): the figures
equal what was done through the real API, only for operators of that region, also as CSV."""

from __future__ import annotations

import csv
import io

import pytest

pytestmark = pytest.mark.asyncio


async def rateable_answer(desk, cid: str, topic: str) -> int:
    [answer] = await desk.conversations.store.add_messages(
        cid, [dict(sender="bot", text="Het Levenlanglerenkrediet kan.", feedback_topic=topic)]
    )
    return answer.id


async def rate(desk, cid, message_id, rating, comment=None):
    body = {"message_id": message_id, "rating": rating, **({"comment": comment} if comment else {})}
    response = await desk.client.post(f"/api/v1/conversations/{cid}/feedback", json=body)
    assert response.status == 200, await response.text()


async def a_week_in_twente(desk):
    """What happened, through the API: 3 conversations (5 user messages), a handoff served and
    rated 4, one given up, three rated answers; and one conversation in Brabant."""
    petra = await desk.advisor()
    first, second, quiet = [await desk.start("twente") for _ in range(3)]
    for text in ("Ik zoek een cursus BIM", "in Hengelo"):
        await desk.say(first, text)
    await desk.say(second, "Wie betaalt mijn opleiding?")
    await rate(desk, first, await rateable_answer(desk, first, "modules"), "up")
    await rate(desk, first, await rateable_answer(desk, first, "funding"), "down", "Wat het kost, bel 0612345678")
    await rate(desk, second, await rateable_answer(desk, second, "funding"), "up")

    await desk.bot_hands_over(first)
    case = await desk.case_id(first)
    assert (await desk.api("POST", f"/handoffs/{case}/claim", petra)).status == 200
    await desk.say(first, "Hoi")
    assert (await desk.api("POST", f"/handoffs/{case}/close", petra, json={})).status == 200
    await desk.say(first, "4", payload='/rate_handoff{"score":4}')
    await desk.bot_hands_over(second)
    await desk.say(second, "laat maar", payload="/stop")

    brabant = await desk.start("brabant")
    await desk.say(brabant, "Hallo")


async def test_the_figures_are_what_happened(make_desk, empty_url):
    """On SQLite and on PostgreSQL (the same SQL)."""
    desk = await make_desk(DATABASE_URL=empty_url)
    await a_week_in_twente(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    response = await desk.api("GET", "/insights?tenant=twente&period=week", olga)
    assert response.status == 200, await response.text()
    report = await response.json()
    now = report["current"]
    assert (report["tenant"], report["period"]) == ("twente", "week")
    assert now["conversations_started"] == 3
    assert now["conversations_active"] == 2 and now["conversations_returning"] == 0
    assert now["user_messages"] == 6  # first: 2 + "Hoi" + "4"; second: 1 + "laat maar"
    assert now["channels"] == {"web": 2}
    handoffs = now["handoffs"]
    assert (handoffs["requests"], handoffs["served"], handoffs["given_up"], handoffs["callbacks"]) == (2, 1, 1, 0)
    assert handoffs["wait_seconds_p50"] is not None and handoffs["wait_seconds_p50"] >= 0
    feedback = now["feedback"]
    assert (feedback["up"], feedback["down"]) == (2, 1)
    assert feedback["per_topic"] == [{"topic": "funding", "up": 1, "down": 1}, {"topic": "modules", "up": 1, "down": 0}]
    assert (feedback["handoff_ratings"], feedback["handoff_score_mean"]) == (1, 4.0)
    [comment] = feedback["comments"]
    assert comment["topic"] == "funding" and "0612345678" not in comment["comment"]  # masked, as stored
    # nothing in the week before
    assert report["previous"]["conversations_started"] == 0 and report["previous"]["feedback"]["up"] == 0


async def test_csv_has_the_same_figures(desk):
    await a_week_in_twente(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    response = await desk.api("GET", "/insights?tenant=twente&period=week&format=csv", olga)
    assert response.status == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(await response.text()))}
    assert rows["figure"] == ["current", "previous"]
    assert rows["conversations_started"] == ["3", "0"]
    assert rows["handoffs.served"] == ["1", "0"]
    assert rows["feedback.handoff_score_mean"] == ["4.0", ""]


async def test_only_operators_of_the_region(desk):
    petra = await desk.advisor()  # an advisor of twente, not an operator
    refused = await desk.api("GET", "/insights?tenant=twente", petra)
    assert refused.status == 403 and (await refused.json())["error"] == "operators_only"
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    other = await desk.api("GET", "/insights?tenant=brabant", olga)
    assert other.status == 403 and (await other.json())["error"] == "other_tenant"
    desk.client.session.cookie_jar.clear()  # no login cookie either: nobody
    assert (await desk.api("GET", "/insights?tenant=twente")).status == 401
    for query in ("period=year", "end=gisteren", "end=2026-13-40"):
        bad = await desk.api("GET", f"/insights?tenant=twente&{query}", olga)
        assert bad.status == 422, query
    day = await desk.api("GET", "/insights?tenant=twente&period=day&end=2026-12-01", olga)
    body = await day.json()
    assert (body["from"], body["to"]) == ("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z")
