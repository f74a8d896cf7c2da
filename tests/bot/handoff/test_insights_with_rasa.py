"""The insights equal what happened with the real bot (Rasa + action server: `rasa_stack`):
conversations over the web API and the WhatsApp webhook (the fake Graph API as the phone) on a
gateway with its own database. The truth is Rasa's own tracker (each user turn and its intent)
and what the gateway showed (cards); a miss labelled by an operator comes out as NLU data that
`rasa data validate` accepts (its code, run in this process)."""

from __future__ import annotations

from pathlib import Path

import aiohttp
import pytest

from bot.channels.whatsapp.channel import PATH, WHATSAPP
from bot.conversations import RASA_DOWN_TEXT
from bot.usage import MISSED_INTENTS
from rasa.cli.utils import validate_files
from rasa.shared.importers.importer import TrainingDataImporter
from tests.support.whatsapp import SECRET, WhatsApp, wa_env

pytestmark = pytest.mark.asyncio
ROOT = Path(__file__).resolve().parents[3]

WEB_TEXTS = [
    "Hallo",
    "Ik ben 45, woon in Enschede, heb mbo 3 en werk in de installatie. Ik zoek een cursus over warmtepompen",
    "zet de verwarming op 20 graden",
]
PHONE_TEXTS = ["hoi", "kan ik het levenlanglerenkrediet krijgen?", "hoe laat gaat de bus naar hengelo"]


async def rasa_turns(rasa_stack, cid: str) -> list:
    """(intent, text) of every user turn in Rasa's tracker of the conversation."""
    url = f"{rasa_stack.rasa_url}/conversations/{cid}/tracker"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, params={"token": rasa_stack.env["RASA_TOKEN"]}) as response:
            assert response.status == 200
            tracker = await response.json()
    return [(e["parse_data"]["intent"]["name"], e["text"]) for e in tracker["events"] if e["event"] == "user"]


async def test_the_insights_are_what_the_bot_did(rasa_stack, make_desk, graph, tmp_path):
    desk = await make_desk(
        **wa_env(
            graph.url,
            RASA_URL=rasa_stack.rasa_url,
            RASA_TIMEOUT="60",
            RASA_TOKEN=rasa_stack.env["RASA_TOKEN"],
            TRACKER_STORE_URL=rasa_stack.env["TRACKER_STORE_URL"],
        )
    )
    graph.send_webhooks_to(str(desk.client.make_url(PATH)), SECRET)
    phone = WhatsApp(desk.client, desk.client.app[WHATSAPP], graph)

    web = await desk.start("twente")
    for text in WEB_TEXTS:
        said = await desk.say(web, text)
        assert RASA_DOWN_TEXT not in str(said)
    # Until modules are shown: tap the first offered button (the intake's questions)
    for _ in range(8):
        history = await desk.history(web)
        if any(m["cards"] for m in history):
            break
        last = history[-1]
        if last["buttons"]:
            await desk.say(web, last["buttons"][0]["title"], payload=last["buttons"][0]["payload"])
        else:
            await desk.say(web, "weet ik niet")
    cards = [card for m in await desk.history(web) for card in m["cards"]]
    assert cards, "the bot never showed modules"
    details, enroll = (next(b for b in cards[0]["buttons"] if b["title"] == t) for t in ("Details", "Aanmelden"))
    await desk.say(web, details["title"], payload=details["payload"])
    await desk.say(web, enroll["title"], payload=enroll["payload"])
    for text in PHONE_TEXTS:
        await phone.say(text)
    on_phone = (await phone.conversation()).id

    olga = await desk.advisor("olga@twente.example", "Olga", role="operator", online=False)
    response = await desk.api("GET", "/insights?tenant=twente&period=day", olga)
    assert response.status == 200, await response.text()
    report = await response.json()
    now = report["current"]
    turns = await rasa_turns(rasa_stack, web) + await rasa_turns(rasa_stack, on_phone)
    missed = [text for intent, text in turns if intent in MISSED_INTENTS and not text.startswith("/")]
    assert now["turns"] == len(turns)
    assert now["missed_turns"] == len(missed) >= 1
    assert sorted(m["text"] for m in report["misses"]) == sorted(set(missed))
    intents = {item["key"]: item["count"] for item in now["top"]["intents"]}
    assert intents["search_course"] >= 1
    assert now["channels"] == {"web": 1, "whatsapp": 1}
    assert {item["key"] for item in now["top"]["places"]} == {"Enschede"}
    assert {item["key"] for item in now["top"]["levels"]} == {"mbo3"}
    assert [item["key"] for item in now["top"]["schemes"]] == ["levenlanglerenkrediet"]
    modules = now["modules"]
    assert modules["shown"] == len(cards)
    assert (modules["details"], modules["signups"]) == (1, 1)
    assert modules["top"][0]["key"] == cards[0]["module_id"] and modules["top"][0]["signups"] == 1
    assert sum(point["turns"] for point in report["series"]["points"]) == len(turns)
    assert "search_course" in report["intents"] and "faq/evc" in report["intents"]  # the model's own
    assert report["intent_labels"]["search_course"] == "Een cursus zoeken"  # as the actions name it

    # an operator labels a miss; the export is training data Rasa accepts
    miss = report["misses"][0]
    labelled = await desk.api(
        "POST", "/insights/misses", olga, json={"tenant": "twente", "ids": miss["ids"], "intent": "out_of_scope"}
    )
    assert labelled.status == 200, await labelled.text()
    exported = await desk.api("GET", "/insights/nlu?tenant=twente", olga)
    nlu = tmp_path / "nlu.yml"
    nlu.write_text(await exported.text(), encoding="utf-8")
    assert miss["text"] in nlu.read_text(encoding="utf-8")
    # what `rasa data validate --domain domain --data nlu.yml` runs, in this process
    importer = TrainingDataImporter.load_from_config(
        config_path=str(ROOT / "config.yml"), domain_path=str(ROOT / "domain"), training_data_paths=[str(nlu)]
    )
    assert importer.get_nlu_data().intent_examples, "the export holds no examples"
    try:
        validate_files(fail_on_warnings=False, max_history=None, importer=importer)
    except SystemExit as refused:  # Rasa prints the problems and exits
        pytest.fail(f"rasa data validate refused the export (exit {refused.code})")
