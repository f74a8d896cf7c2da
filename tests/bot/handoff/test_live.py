"""Real time: the advisor's console socket and the user's socket (web), the user's phone
(WhatsApp, fake Graph API), and the atomic claim on both databases."""

import asyncio

import pytest

from bot.handoff.cases import CaseStore
from bot.store import Store
from database.types import utcnow
from tests.support.handoff import Desk, always_open
from tests.support.whatsapp import shown_text

pytestmark = pytest.mark.asyncio


async def next_event(ws, wanted, timeout=5.0):
    """The next event of type `wanted` (others are skipped)."""

    async def _read():
        while True:
            event = await ws.receive_json()
            if event.get("type") == wanted:
                return event

    return await asyncio.wait_for(_read(), timeout)


async def console(desk, advisor):
    ws = await desk.client.ws_connect("/advisor/api/ws", headers=advisor.headers)
    assert (await ws.receive_json())["type"] == "hello"
    return ws


async def test_the_console_and_the_user_talk_live(desk):
    petra = await desk.advisor(online=False)
    advisor_ws = await console(desk, petra)  # an open console counts as online
    cid = await desk.start()
    user_ws = await desk.client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    assert (await user_ws.receive_json())["type"] == "history"

    said = await desk.bot_hands_over(cid)
    assert "Je staat in de wachtrij" in said[0].text  # not "nobody available"
    queued = await next_event(advisor_ws, "queued")
    handoff_id = queued["handoff_id"]
    await advisor_ws.send_json({"type": "watch", "handoff_id": handoff_id})
    assert (await next_event(advisor_ws, "watching"))["handoff_id"] == handoff_id

    await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    modes = [(await next_event(user_ws, "mode"))["mode"] for _ in range(2)]
    assert modes == ["waiting", "advisor"]

    # the advisor types and answers: the user sees both at once
    await advisor_ws.send_json({"type": "typing", "on": True})
    typing = await next_event(user_ws, "typing")
    assert (typing["sender"], typing["on"]) == ("advisor", True)
    await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Hoi, ik ben Petra."})
    message = (await next_event(user_ws, "message"))["message"]
    while message["sender"] != "advisor":
        message = (await next_event(user_ws, "message"))["message"]
    assert message["text"] == "Hoi, ik ben Petra."

    # the user types and answers: the advisor sees both
    response = await desk.client.post(f"/api/v1/conversations/{cid}/typing", json={"on": True})
    assert response.status == 204
    typing = await next_event(advisor_ws, "typing")
    while typing["sender"] != "user":
        typing = await next_event(advisor_ws, "typing")
    assert typing["handoff_id"] == handoff_id and typing["on"] is True
    await user_ws.send_json({"type": "message", "text": "Ik zoek een BIM-cursus in Enschede"})
    seen = await next_event(advisor_ws, "message")
    while seen["message"]["sender"] != "user":
        seen = await next_event(advisor_ws, "message")
    assert seen["message"]["text"] == "Ik zoek een BIM-cursus in Enschede"
    assert seen["handoff_id"] == handoff_id

    await desk.api("POST", f"/handoffs/{handoff_id}/close", petra)
    assert (await next_event(user_ws, "mode"))["mode"] == "bot"
    assert (await next_event(advisor_ws, "closed"))["handoff_id"] == handoff_id
    await user_ws.close()
    await advisor_ws.close()


async def test_closing_the_console_makes_the_advisor_offline(desk):
    petra = await desk.advisor(online=False)
    advisor_ws = await console(desk, petra)
    assert await desk.handoffs.unavailable("twente") is None
    await advisor_ws.close()
    for _ in range(200):  # up to 10 s: the server notices the closed socket asynchronously
        if await desk.handoffs.unavailable("twente") == "nobody":
            break
        await asyncio.sleep(0.05)
    assert await desk.handoffs.unavailable("twente") == "nobody"


async def test_a_console_cannot_watch_another_regions_case_or_be_opened_cross_site(desk):
    anna = await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    cid = await desk.start("twente")
    await desk.bot_hands_over(cid)
    ws = await console(desk, anna)
    await ws.send_json({"type": "watch", "handoff_id": await desk.case_id(cid)})
    assert (await next_event(ws, "error"))["error"] == "handoff_not_found"
    await ws.send_str("geen json")
    assert (await next_event(ws, "error"))["error"] == "invalid_request"
    await ws.close()
    with pytest.raises(Exception) as refused:
        await desk.client.ws_connect("/advisor/api/ws", headers={**anna.headers, "Origin": "https://evil.example"})
    assert refused.value.status == 403


async def test_the_widgets_typing_signal_is_checked(desk):
    cid = await desk.start()
    for body, status in [({"on": "ja"}, 422), ({}, 422), ({"on": True, "x": 1}, 422)]:
        response = await desk.client.post(f"/api/v1/conversations/{cid}/typing", json=body)
        assert response.status == status
    missing = await desk.client.post("/api/v1/conversations/" + "x" * 30 + "/typing", json={"on": True})
    assert missing.status == 404
    other_site = await desk.client.post(
        f"/api/v1/conversations/{cid}/typing", json={"on": True}, headers={"Origin": "https://evil.example"}
    )
    assert other_site.status == 403


async def test_on_whatsapp_the_advisor_reply_reaches_the_phone(make_whatsapp, tmp_path):
    wa = await make_whatsapp(GATEWAY_TENANTS_FILE=always_open(tmp_path))
    desk = Desk(wa.client)
    petra = await desk.advisor()
    await wa.say("Ik wil met een adviseur praten")
    conversation = await wa.conversation()
    [queued] = await desk.bot_hands_over(conversation.id)
    await wa.settle()
    assert "Je staat in de wachtrij" in shown_text(wa.phone()[-1])
    [case] = await desk.listing(petra, "waiting")
    assert case["channel"] == "whatsapp"

    await desk.api("POST", f"/handoffs/{case['id']}/claim", petra)
    await desk.api("POST", f"/handoffs/{case['id']}/messages", petra, json={"text": "Hoi, met Petra!"})
    await wa.settle()
    assert shown_text(wa.phone()[-1]) == "*Adviseur:* Hoi, met Petra!"
    before = len(wa.phone())
    await wa.say("Ik woon in Hengelo")
    assert len(wa.phone()) == before  # the bot stays quiet; the advisor reads it
    detail = await desk.detail(petra, case["id"])
    assert detail["messages"][-1]["text"] == "Ik woon in Hengelo"
    await desk.api("POST", f"/handoffs/{case['id']}/close", petra)
    await wa.settle()
    assert "Je praat weer met Leerwijzer" in shown_text(wa.phone()[-2])
    assert "Hoe goed hielp de adviseur je?" in shown_text(wa.phone()[-1])  # 1-5 as a list


async def test_the_claim_is_atomic_on_both_databases(empty_url):
    store = Store(empty_url, threads=8)
    await store.open()
    try:
        cases = CaseStore(store)
        conversation = await store.create_conversation("twente", "web")
        case, created = await cases.create(
            conversation.id, "twente", "web", "waiting", "gebruiker_vraagt_adviseur", {}, [], None, utcnow()
        )
        assert created
        now = utcnow()
        results = await asyncio.gather(
            *[cases.transition(case.id, ("waiting",), "active", now, mode="advisor", claimed_at=now) for _ in range(8)]
        )
        assert sum(r is not None for r in results) == 1
        assert (await store.get_conversation(conversation.id)).mode == "advisor"
        # the conversation has one open case at most
        again, created = await cases.create(conversation.id, "twente", "web", "waiting", "x", {}, [], None, utcnow())
        assert not created and again.id == case.id
        assert await cases.delete_for_conversation(conversation.id) == 1
    finally:
        await store.close()
