"""The handoff from the user's side and the advisor's: queue, relay, claim, reply, close.

Rasa is down in these tests: a message that reaches the bot gets the gateway's "storing"
notice, so its absence shows the bot was not asked.
"""

import asyncio

import pytest

from bot.handoff import dialogue
from bot.replies import Outgoing
from tests.support.handoff import PROFILE, never_open

pytestmark = pytest.mark.asyncio

RASA_DOWN = "storing"


def texts(messages):
    return [m["text"] if isinstance(m, dict) else m.text for m in messages]


async def test_handoff_queues_the_case_with_reason_transcript_profile_and_shown_modules(desk):
    petra = await desk.advisor()
    cid = await desk.start("twente")
    await desk.say(cid, "Ik zoek een cursus BIM")  # Rasa is down: the gateway's notice answers
    conversation = await desk.conversations.store.get_conversation(cid)
    await desk.conversations.deliver_to_user(
        conversation,
        Outgoing(
            text="Dit vond ik:",
            cards=[
                {
                    "module_id": "tw-bim-01",
                    "title": "BIM-modelleur basis",
                    "provider": "ROC van Twente",
                    "sample": True,
                    "buttons": [],
                }
            ],
        ),
    )
    said = await desk.bot_hands_over(cid, reason="uitkering_uwv_scholing", shown_modules=["tw-bim-01"])

    assert await desk.mode(cid) == "waiting"
    assert "Je staat in de wachtrij" in said[0].text and "de eerste" in said[0].text
    assert {"title": "Stop met wachten", "payload": "/stop"} in said[0].buttons
    [queued] = await desk.listing(petra, "waiting")
    assert queued["reason_text"] == "Heeft een uitkering en vraagt naar scholing via UWV"
    assert queued["tenant_name"] == "Twente Hubs" and queued["position"] == 1
    detail = await desk.detail(petra, queued["id"])
    assert detail["profile"]["location"] == "Enschede" and detail["profile"]["age"] == 44
    assert detail["shown_modules"] == [
        {"module_id": "tw-bim-01", "title": "BIM-modelleur basis", "provider": "ROC van Twente", "url": None}
    ]
    transcript = texts(detail["messages"])
    assert "Ik zoek een cursus BIM" in transcript and "Dit vond ik:" in transcript
    # the console marks where the advisor came in: after the bot's last message before the queue
    assert detail["handed_over_after"] == detail["messages"][-2]["id"]


async def test_queue_order_and_positions(desk):
    petra = await desk.advisor()
    first, second, third = [await desk.start("twente") for _ in range(3)]
    told = {}
    for cid in (first, second, third):
        told[cid] = (await desk.bot_hands_over(cid))[0].text
    assert "Je bent de eerste in de rij" in told[first]
    assert "Er is 1 persoon voor je" in told[second]
    assert "Er zijn 2 mensen voor je" in told[third]
    queue = await desk.listing(petra, "waiting")
    assert [item["id"] for item in queue] == sorted(item["id"] for item in queue)
    assert [item["position"] for item in queue] == [1, 2, 3]

    # the first leaves the queue: the others move up
    await desk.say(first, "laat maar")
    assert [item["position"] for item in await desk.listing(petra, "waiting")] == [1, 2]
    answer = await desk.say(third, "Hallo, is er al iemand?")
    assert "Er is 1 persoon voor je" in answer["messages"][0]["text"]


async def test_while_waiting_the_bot_is_quiet_and_the_user_hears_the_message_was_kept(desk):
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    first = await desk.say(cid, "Ik werk nu in de bouw")
    second = await desk.say(cid, "en ik wil iets met BIM")
    assert first["mode"] == "waiting"
    assert texts(first["messages"]) == [dialogue.MESSAGE_KEPT.format(position="Je bent de eerste in de rij.")]
    assert second["messages"] == []  # not a notice after every line
    assert not any(RASA_DOWN in (m["text"] or "") for m in await desk.history(cid))


@pytest.mark.parametrize("words", ["laat maar", "Stop", "annuleren", "Nee, laat maar zitten"])
async def test_the_user_can_stop_waiting(desk, words):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    answer = await desk.say(cid, words)
    assert answer["mode"] == "bot"
    assert texts(answer["messages"]) == [dialogue.CANCELLED]
    assert await desk.listing(petra, "waiting") == []
    assert (await desk.detail(petra, handoff_id))["outcome"] == "cancelled"
    # and the bot answers again (here: Rasa is down, so its notice)
    again = await desk.say(cid, "Welke cursussen zijn er?")
    assert RASA_DOWN in again["messages"][0]["text"]


async def test_the_stop_button_stops_waiting(desk):
    await desk.advisor()
    cid = await desk.start()
    [queued] = await desk.bot_hands_over(cid)
    button = queued.buttons[0]
    answer = await desk.say(cid, button["title"], payload=button["payload"])
    assert answer["mode"] == "bot" and texts(answer["messages"]) == [dialogue.CANCELLED]


async def test_with_an_advisor_typed_stop_is_for_the_advisor_but_the_button_ends_it(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    [queued] = await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    typed = await desk.say(cid, "stop")
    assert typed == {"messages": [], "mode": "advisor", "language": "nl"}
    button = queued.buttons[0]
    answer = await desk.say(cid, button["title"], payload=button["payload"])
    assert answer["mode"] == "bot" and texts(answer["messages"]) == [dialogue.LEFT_ADVISOR]
    detail = await desk.detail(petra, handoff_id)
    assert (detail["status"], detail["outcome"]) == ("closed", "cancelled")
    refused = await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Hoi?"})
    assert refused.status == 409


async def test_a_sentence_with_stop_in_it_is_for_the_advisor(desk):
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    answer = await desk.say(cid, "Ik wil stoppen met mijn baan in de zorg")
    assert answer["mode"] == "waiting"


async def test_advisor_claims_replies_sees_the_user_and_hands_back(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)

    response = await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    assert response.status == 200
    assert (await response.json())["status"] == "active"
    assert await desk.mode(cid) == "advisor"
    assert "Petra is adviseur en neemt het gesprek nu over" in (await desk.history(cid))[-1]["text"]

    response = await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Hoi! Waar woon je?"})
    assert response.status == 201
    last = (await desk.history(cid))[-1]
    assert (last["sender"], last["text"]) == ("advisor", "Hoi! Waar woon je?")

    answer = await desk.say(cid, "In Hengelo")
    assert answer == {"messages": [], "mode": "advisor", "language": "nl"}  # the advisor answers, not the bot
    detail = await desk.detail(petra, handoff_id)
    assert texts(detail["messages"])[-1] == "In Hengelo" and detail["mine"] is True

    response = await desk.api(
        "POST", f"/handoffs/{handoff_id}/close", petra, json={"note": "Wil BIM in Hengelo; terugbellen in januari."}
    )
    closed = await response.json()
    assert response.status == 200 and closed["status"] == "closed"
    assert closed["outcome"] == "handed_back"
    assert [n["text"] for n in closed["notes"]] == ["Wil BIM in Hengelo; terugbellen in januari."]
    assert await desk.mode(cid) == "bot"
    welcome_back, rate = (await desk.history(cid))[-2:]  # then one tap rates the help (test_rating.py)
    assert welcome_back["sender"] == "bot" and welcome_back["text"] == dialogue.WELCOME_BACK
    assert rate["text"] == dialogue.RATE_HANDOFF
    assert {"title": "Wat weet je van mij?", "payload": "/show_profile"} in welcome_back["buttons"]
    # the internal note never reaches the user
    assert not any("januari" in (m["text"] or "") for m in await desk.history(cid))
    # the bot is asked again (Rasa is down here: its notice)
    assert RASA_DOWN in (await desk.say(cid, "Wat weet je van mij?"))["messages"][0]["text"]


async def test_two_advisors_claim_the_same_case_and_exactly_one_wins(desk):
    petra = await desk.advisor("petra@twente.example", "Petra")
    joris = await desk.advisor("joris@twente.example", "Joris")
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)

    responses = await asyncio.gather(
        *[desk.api("POST", f"/handoffs/{handoff_id}/claim", who) for who in (petra, joris) * 3]
    )
    statuses = sorted(r.status for r in responses)
    assert statuses == [200, 409, 409, 409, 409, 409]
    bodies = [await r.json() for r in responses]
    winner = next(b for b in bodies if "status" in b)["advisor"]
    assert {b["error"] for b in bodies if "error" in b} == {"already_claimed"}
    assert any(f"{winner} heeft dit gesprek al overgenomen" in b["message"] for b in bodies if "error" in b)
    told = [m["text"] for m in await desk.history(cid) if "neemt het gesprek nu over" in (m["text"] or "")]
    assert told == [f"{winner} is adviseur en neemt het gesprek nu over. Je kunt hier gewoon typen."]
    loser = joris if winner == "Petra" else petra
    refused = await desk.api("POST", f"/handoffs/{handoff_id}/messages", loser, json={"text": "Hoi"})
    assert refused.status == 409


async def test_a_claim_racing_the_users_stop_has_one_outcome(desk):
    petra = await desk.advisor()
    for _ in range(5):
        cid = await desk.start()
        await desk.bot_hands_over(cid)
        handoff_id = await desk.case_id(cid)
        claim, stop = await asyncio.gather(
            desk.api("POST", f"/handoffs/{handoff_id}/claim", petra), desk.say(cid, "laat maar")
        )
        detail = await desk.detail(petra, handoff_id)
        if claim.status == 200:  # the advisor was first: "laat maar" reached the advisor
            assert detail["status"] == "active" and await desk.mode(cid) == "advisor"
        else:
            assert detail["status"] == "closed" and detail["outcome"] == "cancelled"
            assert await desk.mode(cid) == "bot"


async def test_a_restart_while_an_advisor_has_the_conversation_loses_nothing(make_desk, tmp_path):
    first = await make_desk()
    petra = await first.advisor()
    cid = await first.start()
    await first.bot_hands_over(cid)
    handoff_id = await first.case_id(cid)
    await first.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    await first.say(cid, "Ik heb een WW-uitkering")
    await first.client.close()  # the gateway stops

    second = await make_desk()  # same database, nothing in memory
    assert await second.mode(cid) == "advisor"
    answer = await second.say(cid, "Ben je er nog?")
    assert answer == {"messages": [], "mode": "advisor", "language": "nl"}  # not sent to the bot
    detail = await second.detail(petra, handoff_id)  # the login survived too
    assert detail["status"] == "active" and detail["mine"]
    assert texts(detail["messages"])[-2:] == ["Ik heb een WW-uitkering", "Ben je er nog?"]
    assert detail["profile"] == PROFILE
    response = await second.api(
        "POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Ja, ik ben er. Hoe lang heb je de WW al?"}
    )
    assert response.status == 201
    assert (await second.history(cid))[-1]["text"] == "Ja, ik ben er. Hoe lang heb je de WW al?"


async def test_a_restart_while_waiting_keeps_the_queue(make_desk):
    first = await make_desk()
    petra = await first.advisor()
    cid = await first.start()
    await first.bot_hands_over(cid)
    await first.client.close()
    second = await make_desk()
    assert [item["position"] for item in await second.listing(petra, "waiting")] == [1]
    assert texts((await second.say(cid, "laat maar"))["messages"]) == [dialogue.CANCELLED]


async def test_the_bot_asking_twice_makes_one_case(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    assert await desk.bot_hands_over(cid) == []
    assert len(await desk.listing(petra, "waiting")) == 1


async def test_a_mode_without_an_open_case_goes_back_to_the_bot(desk):
    cid = await desk.start()
    conversation = await desk.conversations.store.get_conversation(cid)
    await desk.conversations.set_mode(conversation, "waiting")  # e.g. a case deleted by hand
    answer = await desk.say(cid, "Hallo?")
    assert answer["mode"] == "bot" and RASA_DOWN in answer["messages"][0]["text"]


async def test_a_waiting_case_can_be_closed_by_an_advisor(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    response = await desk.api("POST", f"/handoffs/{handoff_id}/close", petra)  # no body
    assert response.status == 200
    assert await desk.mode(cid) == "bot"
    assert (await desk.history(cid))[-1]["text"] == dialogue.WELCOME_BACK
    again = await desk.api("POST", f"/handoffs/{handoff_id}/close", petra, json={})
    assert again.status == 409 and (await again.json())["error"] == "not_open"


async def test_internal_notes_are_for_advisors_only(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    response = await desk.api("POST", f"/handoffs/{handoff_id}/notes", petra, json={"text": "Eerder gebeld over EVC."})
    assert response.status == 201
    detail = await desk.detail(petra, handoff_id)
    assert [(n["advisor"], n["text"]) for n in detail["notes"]] == [("Petra", "Eerder gebeld over EVC.")]
    assert not any("EVC" in (m["text"] or "") for m in await desk.history(cid))


async def test_advisor_messages_are_checked(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    early = await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": "Hoi"})
    assert early.status == 409 and (await early.json())["message"] == "Neem het gesprek eerst over."
    await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    for body, status in [
        ({"text": "   "}, 422),
        ({"text": "x" * 4001}, 413),
        ({}, 422),
        ({"text": 5}, 422),
        ({"text": "Hoi", "extra": 1}, 422),
    ]:
        response = await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json=body)
        assert response.status == status, body
        assert (await response.json())["message"]  # Dutch, for the advisor
    raw = await desk.api(
        "POST",
        f"/handoffs/{handoff_id}/messages",
        petra,
        data=b"\xff\x00",
        headers={"Content-Type": "application/json"},
    )
    assert raw.status == 400
    plain = await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, data="Hoi")
    assert plain.status == 415
    for bad in ("999999", "abc", "1" * 40):
        assert (await desk.api("GET", f"/handoffs/{bad}", petra)).status == 404
    assert (await desk.api("GET", "/handoffs?status=everything", petra)).status == 422
    script = "<script>alert(1)</script> 😀"
    ok = await desk.api("POST", f"/handoffs/{handoff_id}/messages", petra, json={"text": script})
    assert ok.status == 201 and (await desk.history(cid))[-1]["text"] == script


async def test_after_the_advisor_hands_back_the_queue_estimate_uses_real_waits(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    await desk.api("POST", f"/handoffs/{handoff_id}/claim", petra)
    await desk.api("POST", f"/handoffs/{handoff_id}/close", petra)
    [told] = await desk.bot_hands_over(await desk.start())
    assert "De wachttijd is ongeveer 1 minuut" in told.text


async def test_outside_office_hours_the_user_gets_a_callback_or_the_bot(make_desk, tmp_path):
    desk = await make_desk(never_open(tmp_path))
    petra = await desk.advisor()  # online, but the office is closed
    cid = await desk.start("noord")
    [offer] = await desk.bot_hands_over(cid)
    assert "Er is nu geen adviseur aan het werk" in offer.text
    assert "Adviseurs zijn er op werkdagen van 9.00 tot 17.00 uur." in offer.text
    assert [b["title"] for b in offer.buttons] == ["Terugbelverzoek", "Verder met de bot"]
    assert await desk.mode(cid) == "waiting"  # the gateway, not the bot, takes the answer
    assert await desk.listing(petra, "waiting") == []  # nobody queued for a closed office

    answer = await desk.say(cid, "Verder met de bot", payload="/help")
    assert answer["mode"] == "bot" and texts(answer["messages"]) == [dialogue.CONTINUE_OK]


async def test_nobody_online_offers_a_callback_and_other_text_goes_to_the_bot(desk):
    await desk.advisor(online=False)  # logged in, but no console open
    cid = await desk.start()
    [offer] = await desk.bot_hands_over(cid)
    assert offer.text == dialogue.NOBODY_NOW
    answer = await desk.say(cid, "Welke cursussen zijn er in Almelo?")
    assert answer["mode"] == "bot"
    assert RASA_DOWN in answer["messages"][0]["text"]  # the bot was asked, the user not left alone


async def test_an_advisor_of_another_region_online_does_not_count(desk):
    await desk.advisor("anna@brabant.example", "Anna", tenants=("brabant",))
    cid = await desk.start("twente")
    [offer] = await desk.bot_hands_over(cid)
    assert offer.text == dialogue.NOBODY_NOW


async def test_an_advisor_whose_console_went_quiet_is_not_online(make_desk):
    desk = await make_desk(HANDOFF_ONLINE_SECONDS="0.2")
    await desk.advisor()
    await asyncio.sleep(0.4)
    [offer] = await desk.bot_hands_over(await desk.start())
    assert offer.text == dialogue.NOBODY_NOW


async def test_a_long_wait_is_offered_a_callback_once(make_desk):
    desk = await make_desk(HANDOFF_MAX_WAIT_SECONDS="0")
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    await desk.handoffs.housekeep()
    await desk.handoffs.housekeep()
    offers = [m for m in await desk.history(cid) if m["text"] == dialogue.LONG_WAIT]
    assert len(offers) == 1
    assert [b["title"] for b in offers[0]["buttons"]] == ["Blijven wachten", "Terugbelverzoek", "Verder met de bot"]
    stay = await desk.say(cid, "Blijven wachten", payload="/affirm")
    assert texts(stay["messages"]) == ["Prima, je blijft in de wachtrij. Je bent de eerste in de rij."]
    callback = await desk.say(cid, "Terugbelverzoek", payload="/request_human")
    assert texts(callback["messages"]) == [dialogue.ASK_NAME]


async def test_when_the_last_advisor_leaves_waiting_users_are_offered_other_ways(make_desk):
    desk = await make_desk(HANDOFF_ONLINE_SECONDS="0.3")
    await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    await asyncio.sleep(0.5)  # no heartbeat any more
    await desk.handoffs.housekeep()
    assert (await desk.history(cid))[-1]["text"] == dialogue.LONG_WAIT
    answer = await desk.say(cid, "Verder met de bot", payload="/help")
    assert answer["mode"] == "bot" and texts(answer["messages"]) == [dialogue.CONTINUE_OK]


async def test_delete_for_conversation_removes_cases_notes_and_callback_details(desk):
    petra = await desk.advisor()
    cid = await desk.start()
    await desk.bot_hands_over(cid)
    handoff_id = await desk.case_id(cid)
    await desk.api("POST", f"/handoffs/{handoff_id}/notes", petra, json={"text": "Notitie"})
    assert await desk.handoffs.cases.delete_for_conversation(cid) == 1
    assert await desk.handoffs.cases.get(handoff_id) is None
    assert await desk.handoffs.cases.notes(handoff_id) == []
    assert (await desk.api("GET", f"/handoffs/{handoff_id}", petra)).status == 404
