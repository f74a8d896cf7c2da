"""Insights for a region's operators (bot/insights.py, GET /advisor/api/insights): the figures
equal what was done through the real API, only for operators of that region, also as CSV."""

from __future__ import annotations

from zoneinfo import ZoneInfo

import csv
import io

import pytest
import yaml

from bot import insights
from bot.replies import BotRequest
from tests.support.handoff import never_open
from tests.support.whatsapp import empty_tracker_store

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
    assert now["languages"] == {"nl": 2}
    assert report["language_names"] == {"nl": "Nederlands", "en": "English"}
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
    # a day in the region's time zone (Europe/Amsterdam: UTC+1 in winter, +2 in summer)
    assert (body["from"], body["to"]) == ("2026-11-30T23:00:00Z", "2026-12-01T23:00:00Z")
    assert body["series"]["points"][0]["at"] == "2026-12-01T00:00" and len(body["series"]["points"]) == 24
    summer = await (await desk.api("GET", "/insights?tenant=twente&period=day&end=2026-07-01", olga)).json()
    assert (summer["from"], summer["to"]) == ("2026-06-30T22:00:00Z", "2026-07-01T22:00:00Z")


async def test_series_are_in_local_hours_and_days():
    """Counted per UTC hour, shown per hour or day of the region: an event at 23:30 UTC on
    1 December is on 2 December in the Netherlands; the day summer time starts has 23 hours."""
    amsterdam = ZoneInfo("Europe/Amsterdam")
    assert insights._local("2026-12-01T23:00", amsterdam, "day") == "2026-12-02"
    assert insights._local("2026-12-01T23:00", amsterdam, "hour") == "2026-12-02T00:00"
    spring = insights.period_of("day", "2026-03-29", zone=amsterdam)
    hours = insights._buckets(spring, "hour", amsterdam)
    assert len(hours) == 23 and hours[0] == "2026-03-29T00:00" and "2026-03-29T02:00" not in hours
    week = insights.period_of("week", "2026-12-07", zone=amsterdam)
    assert insights._buckets(week, "day", amsterdam) == [f"2026-12-{d:02d}" for d in range(1, 8)]


# -- what the turns meant (bot/usage.py): the actions' "insight" requests ---------------------


async def bot_says(desk, cid: str, events, missed=None):
    """What the gateway does with an action's json_message {"type": "insight"} (bot/usage.py)."""
    conversation = await desk.conversations.store.get_conversation(cid)
    data = {"type": "insight", "events": events, **({"missed": missed} if missed else {})}
    assert await desk.conversations.bot_request_handlers["insight"](conversation, BotRequest("insight", data)) == []


def turn(intent, **facts):
    return [{"kind": "intent", "key": intent}] + [
        {"kind": kind, "key": key, "label": label} for kind, (key, label) in facts.items()
    ]


async def asked_in_twente(desk):
    """Eight turns: two searching heat pumps in Enschede, one module shown twice, opened
    once and signed up for once, a scheme named; three misses, two of them alike."""
    one, two = await desk.start("twente"), await desk.start("twente")
    await bot_says(desk, one, turn("search_course", theme=("warmtepompen", "Warmtepompen"), place=("Enschede", None)))
    await bot_says(
        desk,
        one,
        [{"kind": "module_shown", "key": "M1", "label": "Warmtepomp monteur"}, {"kind": "module_shown", "key": "M2"}],
    )
    await bot_says(
        desk, one, turn("course_details") + [{"kind": "module_details", "key": "M1", "label": "Warmtepomp monteur"}]
    )
    await bot_says(desk, one, turn("how_to_enroll") + [{"kind": "signup", "key": "M1", "label": "Warmtepomp monteur"}])
    await bot_says(desk, one, turn("nlu_fallback"), missed="Hoe laat is het?")
    await bot_says(desk, two, turn("search_course", theme=("warmtepompen", "Warmtepompen"), place=("Enschede", None)))
    await bot_says(desk, two, [{"kind": "module_shown", "key": "M1", "label": "Warmtepomp monteur"}])
    await bot_says(desk, two, turn("ask_funding", scheme=("levenlanglerenkrediet", "Levenlanglerenkrediet")))
    await bot_says(desk, two, turn("nlu_fallback"), missed="hoe laat is het")
    await bot_says(desk, two, turn("out_of_scope"), missed="mail me op jan@example.nl")
    await bot_says(desk, two, [{"kind": "nonsense", "key": "x"}, {"kind": "theme", "key": ""}, "not an event"])
    return one, two


async def test_what_people_asked_and_what_it_led_to(make_desk, empty_url):
    """On SQLite and PostgreSQL."""
    desk = await make_desk(DATABASE_URL=empty_url)
    await asked_in_twente(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    report = await (await desk.api("GET", "/insights?tenant=twente&period=week", olga)).json()
    now = report["current"]
    assert now["turns"] == 8 and now["missed_turns"] == 3
    assert (now["missed_rate"], now["fallback_rate"], now["out_of_scope_rate"]) == (0.375, 0.25, 0.125)
    top = now["top"]
    assert top["intents"][0] == {"key": "nlu_fallback", "label": "nlu_fallback", "count": 2}  # no label sent
    assert report["intent_labels"] == {}
    assert top["themes"] == [{"key": "warmtepompen", "label": "Warmtepompen", "count": 2}]
    assert top["places"] == [{"key": "Enschede", "label": "Enschede", "count": 2}]
    assert top["schemes"] == [{"key": "levenlanglerenkrediet", "label": "Levenlanglerenkrediet", "count": 1}]
    assert top["levels"] == []
    modules = now["modules"]
    assert (modules["shown"], modules["details"], modules["signups"]) == (3, 1, 1)
    assert modules["top"][0] == {"key": "M1", "label": "Warmtepomp monteur", "shown": 2, "details": 1, "signups": 1}
    # the misses, newest first, alike ones grouped, masked
    first, second = report["misses"]
    assert "jan@example.nl" not in first["text"] and first["count"] == 1
    assert (second["text"], second["count"], len(second["ids"])) == ("hoe laat is het", 2, 2)
    # per hour of the day (UTC): everything happened in the last hour
    day = await (await desk.api("GET", "/insights?tenant=twente&period=day", olga)).json()
    assert day["series"]["unit"] == "hour" and len(day["series"]["points"]) in (24, 25)
    assert sum(p["turns"] for p in day["series"]["points"]) == 8
    assert sum(p["missed"] for p in day["series"]["points"]) == 3
    assert sum(p["conversations"] for p in day["series"]["points"]) == 2
    assert report["series"]["unit"] == "day" and sum(p["missed"] for p in report["series"]["points"]) == 3
    # another region sees none of it
    brabant = await desk.advisor("bram@brabant.example", "Bram", tenants=("brabant",), role="operator", online=False)
    other = await (await desk.api("GET", "/insights?tenant=brabant&period=week", brabant)).json()
    assert other["current"]["turns"] == 0 and other["misses"] == []


async def test_a_miss_labelled_becomes_rasa_training_data(desk):
    await asked_in_twente(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    report = await (await desk.api("GET", "/insights?tenant=twente&period=week", olga)).json()
    assert "out_of_scope" in report["intents"] and "nlu_fallback" not in report["intents"]  # Rasa is down here:
    alike = report["misses"][1]  # the intents seen so far are the choices
    body = {"tenant": "twente", "ids": alike["ids"], "intent": "out_of_scope"}
    saved = await desk.api("POST", "/insights/misses", olga, json=body)
    assert saved.status == 200 and (await saved.json())["labelled"] == 2
    again = await (await desk.api("GET", "/insights?tenant=twente&period=week", olga)).json()
    assert again["misses"][1]["intent"] == "out_of_scope"
    for wrong in ({**body, "intent": "verzin_maar_wat"}, {**body, "ids": []}, {**body, "ids": ["1"]}, {"ids": [1]}):
        assert (await desk.api("POST", "/insights/misses", olga, json=wrong)).status == 422, wrong
    petra = await desk.advisor()
    assert (await desk.api("POST", "/insights/misses", petra, json=body)).status == 403
    exported = await desk.api("GET", "/insights/nlu?tenant=twente", olga)
    assert exported.status == 200 and "attachment" in exported.headers["Content-Disposition"]
    data = yaml.safe_load(await exported.text())
    # the two texts of the group, each once; Rasa's own reader takes it (tests/bot/test_insights_with_rasa.py
    # runs `rasa data validate` on an export)
    assert data == {
        "version": "3.1",
        "nlu": [{"intent": "out_of_scope", "examples": "- Hoe laat is het?\n- hoe laat is het\n"}],
    }


async def test_every_top_list_downloads_as_csv(desk):
    await asked_in_twente(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    themes = await desk.api("GET", "/insights?tenant=twente&period=week&format=csv&table=themes", olga)
    assert list(csv.reader(io.StringIO(await themes.text()))) == [
        ["key", "label", "count"],
        ["warmtepompen", "Warmtepompen", "2"],
    ]
    modules = await desk.api("GET", "/insights?tenant=twente&period=week&format=csv&table=modules", olga)
    assert list(csv.reader(io.StringIO(await modules.text())))[1] == ["M1", "Warmtepomp monteur", "2", "1", "1"]
    for table in ("intents", "places", "levels", "schemes", "series", "misses"):
        response = await desk.api("GET", f"/insights?tenant=twente&period=week&format=csv&table={table}", olga)
        assert response.status == 200, table
    bad = await desk.api("GET", "/insights?tenant=twente&period=week&format=csv&table=users", olga)
    assert bad.status == 422


async def test_handoffs_outside_office_hours_are_counted(make_desk, tmp_path):
    desk = await make_desk(never_open(tmp_path))
    cid = await desk.start("twente")
    await desk.bot_hands_over(cid)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    report = await (await desk.api("GET", "/insights?tenant=twente&period=week", olga)).json()
    assert report["current"]["handoffs"]["requests"] == 1
    assert report["current"]["handoffs"]["outside_office_hours"] == 1


async def test_forget_me_deletes_what_the_turns_meant(make_desk, tmp_path):
    desk = await make_desk(TRACKER_STORE_URL=empty_tracker_store(tmp_path / "tracker.db"))
    talks = await asked_in_twente(desk)
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    report = await (await desk.api("GET", "/insights?tenant=twente&period=week", olga)).json()
    for cid in talks:
        assert (await desk.client.delete(f"/api/v1/conversations/{cid}")).status in (200, 204)
    after = await (await desk.api("GET", "/insights?tenant=twente&period=week", olga)).json()
    assert report["current"]["turns"] == 8
    assert after["current"]["turns"] == 0 and after["misses"] == [] and after["current"]["modules"]["shown"] == 0


async def test_conversations_are_counted_per_language(desk):
    """The language each conversation was in (bot/language.py): chosen from what the user
    wrote, or from the page's hint; a new language needs no code here."""
    dutch, english, hinted = [await desk.start("twente") for _ in range(3)]
    await desk.say(dutch, "Ik zoek een cursus BIM in Hengelo")
    await desk.say(english, "Hello, I work in a warehouse and want to learn about heat pumps")
    response = await desk.client.put(f"/api/v1/conversations/{hinted}/language", json={"language": "en"})
    assert response.status == 200
    await desk.say(hinted, "ok")
    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    now = (await (await desk.api("GET", "/insights?tenant=twente&period=day", olga)).json())["current"]
    assert now["languages"] == {"nl": 1, "en": 2}
    csv_text = await (await desk.api("GET", "/insights?tenant=twente&period=day&format=csv", olga)).text()
    assert "languages.en,2," in csv_text and "languages.nl,1," in csv_text
