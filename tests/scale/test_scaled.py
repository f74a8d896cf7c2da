"""The scale-out profile with the real bot: what users and advisors notice when their
conversations are spread over two gateways and two Rasa servers (fixture `scaled`).

- many conversations at once keep their order and lose nothing;
- an advisor on one gateway reaches a user whose websocket is on the other one;
- a Rasa server that dies mid-run: its conversations go on on the other one.
The last test kills a Rasa server, so it stays last in this module.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from typing import Dict, List

import aiohttp

from bot.conversations import RASA_DOWN_TEXT
from bot.handoff.accounts import AccountStore
from bot.store import Store

# A Dutch advice conversation, one user turn after another.
SCRIPT = ["Hallo!", "Ik zoek een cursus over BIM", "Ik woon in Enschede", "Dank je wel"]
PASSWORD = "een-lang-test-wachtwoord"


async def start(http: aiohttp.ClientSession, url: str, tenant: str = "twente") -> str:
    async with http.post(f"{url}/api/v1/conversations", json={"tenant": tenant}) as response:
        assert response.status == 201, await response.text()
        return (await response.json())["conversation_id"]


async def say(http: aiohttp.ClientSession, url: str, cid: str, text: str, payload: str = None) -> dict:
    body = {"text": text, **({"payload": payload} if payload else {})}
    async with http.post(f"{url}/api/v1/conversations/{cid}/messages", json=body) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def history(http: aiohttp.ClientSession, url: str, cid: str) -> List[dict]:
    async with http.get(f"{url}/api/v1/conversations/{cid}/messages") as response:
        assert response.status == 200, await response.text()
        return (await response.json())["messages"]


def turns(messages: List[dict]) -> List[List[dict]]:
    """The history as turns: each user message with the answers after it."""
    result: List[List[dict]] = []
    for message in messages:
        if message["sender"] == "user":
            result.append([message])
        elif result:
            result[-1].append(message)
    return result


def upstreams(stack, kind: str) -> Dict[int, int]:
    """How many requests nginx passed to each instance of a kind (its upstream log)."""
    ports = {port: 0 for port in stack.instance_ports[kind]}
    for line in (stack.nginx_prefix / "upstream.log").read_text().splitlines():
        tried = line.split(" ", 5)[-1]  # "a:1, b:2" when nginx tried a, then b
        for address in tried.split(","):
            port = address.strip().rpartition(":")[2]
            if port.isdigit() and int(port) in ports:
                ports[int(port)] += 1
    return ports


async def live_ids(ws, wanted: List[int], already: List[int]) -> List[int]:
    """Message ids as a websocket shows them (history first, then live; each id once)."""
    seen = list(already)

    async def read():
        while set(wanted) - set(seen):
            event = await ws.receive_json()
            if event["type"] == "message" and event["message"]["id"] not in seen:
                seen.append(event["message"]["id"])

    await asyncio.wait_for(read(), 15)
    return seen


def test_conversations_spread_over_the_instances_keep_their_order(scaled):
    """12 users at once, 4 turns each, through nginx: every question has the bot's answers
    right after it, in the order asked; what each user got is what the history keeps, and
    the user's websocket (also through nginx) showed the same messages in the same order."""

    async def scenario():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            cids = await asyncio.gather(*(start(http, scaled.gateway_url) for _ in range(12)))
            sockets = [await http.ws_connect(f"{scaled.gateway_url}/api/v1/conversations/{c}/ws") for c in cids]
            first = [await ws.receive_json() for ws in sockets]
            assert all(event["type"] == "history" for event in first)

            async def converse(cid):
                return [await say(http, scaled.gateway_url, cid, text) for text in SCRIPT]

            answered = await asyncio.gather(*(converse(cid) for cid in cids))
            kept = await asyncio.gather(*(history(http, scaled.gateway_url, c) for c in cids))
            shown = await asyncio.gather(
                *(
                    live_ids(ws, [m["id"] for m in messages], [m["id"] for m in event["messages"]])
                    for ws, messages, event in zip(sockets, kept, first, strict=True)
                )
            )
            for ws in sockets:
                await ws.close()
            return cids, answered, kept, shown

    cids, answered, kept, shown = asyncio.run(scenario())
    for cid, replies, messages, live in zip(cids, answered, kept, shown, strict=True):
        assert live == [m["id"] for m in messages], f"{cid}: the websocket showed another order"
        asked = turns(messages)
        assert [t[0]["text"] for t in asked] == SCRIPT, f"{cid}: questions lost or reordered"
        for turn, reply in zip(asked, replies, strict=False):
            answers = turn[1:]
            assert answers, f"{cid}: no answer to {turn[0]['text']!r}"
            assert all(m["sender"] == "bot" for m in answers), f"{cid}: {answers}"
            assert [m["id"] for m in answers] == [m["id"] for m in reply["messages"]]
    # Both gateways and both Rasa servers did part of the work.
    assert all(count > 0 for count in upstreams(scaled, "gateway").values())
    assert all(count > 0 for count in upstreams(scaled, "rasa").values())


def test_an_advisor_on_one_gateway_reaches_a_user_on_the_other(scaled):
    """The user's websocket is on gateway 1, the advisor's console on gateway 2: the case
    appears in the console, the advisor's reply appears for the user, and back."""
    user_gw, advisor_gw = scaled.gateway_urls

    async def add_advisor():
        store = Store(scaled.database_url)
        await store.open()
        try:
            await AccountStore(store).save_advisor("petra@twente.example", "Petra", PASSWORD, ["twente"])
        finally:
            await store.close()

    async def next_event(ws, wanted, match=lambda e: True):
        async def read():
            while True:
                event = await ws.receive_json()
                if event.get("type") == wanted and match(event):
                    return event

        return await asyncio.wait_for(read(), 15)

    async def scenario():
        await add_advisor()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            async with http.post(
                f"{advisor_gw}/advisor/api/login", json={"email": "petra@twente.example", "password": PASSWORD}
            ) as response:
                assert response.status == 200, await response.text()
                auth = {"Authorization": f"Bearer {(await response.json())['token']}"}
            console = await http.ws_connect(f"{advisor_gw}/advisor/api/ws", headers=auth)
            assert (await console.receive_json())["type"] == "hello"  # and online

            cid = await start(http, user_gw)
            user = await http.ws_connect(f"{user_gw}/api/v1/conversations/{cid}/ws")
            assert (await user.receive_json())["type"] == "history"
            asked = await say(http, user_gw, cid, "Praten met een adviseur", "/request_human")
            assert asked["messages"][-1]["text"].startswith("Mag ik je gesprek")
            agreed = await say(http, user_gw, cid, "Ja", "/affirm")
            assert agreed["mode"] == "waiting", agreed

            queued = await next_event(console, "queued")  # published on gateway 1
            case = queued["handoff_id"]
            await console.send_json({"type": "watch", "handoff_id": case})
            await next_event(console, "watching")
            async with http.post(f"{advisor_gw}/advisor/api/handoffs/{case}/claim", headers=auth) as response:
                assert response.status == 200, await response.text()
            assert await next_event(user, "mode", lambda e: e["mode"] == "advisor")
            async with http.post(
                f"{advisor_gw}/advisor/api/handoffs/{case}/messages", headers=auth, json={"text": "Hoi, ik ben Petra."}
            ) as response:
                assert response.status == 201, await response.text()
            reply = await next_event(user, "message", lambda e: e["message"]["sender"] == "advisor")
            assert reply["message"]["text"] == "Hoi, ik ben Petra."

            await user.send_json({"type": "message", "text": "Ik zoek een BIM-cursus"})
            seen = await next_event(console, "message", lambda e: e["message"]["sender"] == "user")
            assert seen["message"]["text"] == "Ik zoek een BIM-cursus"
            assert seen["handoff_id"] == case
            await user.close()
            await console.close()

    asyncio.run(scenario())


def test_a_rasa_server_killed_mid_run_loses_no_conversation(scaled):
    """6 users talk at once; after everybody's first answer one Rasa server is killed. Every
    question stays in the history with an answer; questions asked after the kill get the
    bot's answer from the other server; no turn reached Rasa twice."""
    rasa_1 = scaled.service("rasa-1")
    port_1 = scaled.instance_ports["rasa"][0]
    before = upstreams(scaled, "rasa")[port_1]
    served_by_rasa_1: List[int] = []  # requests in this test, counted at the kill

    async def scenario():
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as http:
            cids = await asyncio.gather(*(start(http, scaled.gateway_url) for _ in range(6)))
            first_done = 0
            killed_at: List[float] = []

            async def kill_when_all_answered_once():
                while first_done < len(cids):
                    await asyncio.sleep(0.05)
                served_by_rasa_1.append(upstreams(scaled, "rasa")[port_1] - before)
                os.killpg(rasa_1.process.pid, signal.SIGKILL)  # no goodbye: a crash
                await asyncio.get_running_loop().run_in_executor(None, rasa_1.process.wait)
                killed_at.append(time.monotonic())

            async def converse(cid):
                nonlocal first_done
                asked_at = []
                for number, text in enumerate(SCRIPT):
                    asked_at.append(time.monotonic())
                    await say(http, scaled.gateway_url, cid, text)
                    if number == 0:
                        first_done += 1
                return asked_at

            killer = asyncio.create_task(kill_when_all_answered_once())
            asked = await asyncio.gather(*(converse(cid) for cid in cids))
            await killer
            kept = await asyncio.gather(*(history(http, scaled.gateway_url, c) for c in cids))
            trackers = []
            for cid in cids:
                async with http.get(
                    f"{scaled.rasa_url}/conversations/{cid}/tracker", params={"token": scaled.env["RASA_TOKEN"]}
                ) as response:
                    assert response.status == 200, await response.text()
                    trackers.append(await response.json())
            return cids, asked, kept, trackers, killed_at[0]

    cids, asked, kept, trackers, killed_at = asyncio.run(scenario())
    assert rasa_1.process.poll() is not None, "rasa-1 was not killed"
    assert served_by_rasa_1[0] > 0, "rasa-1 never had work before it was killed"
    after_kill = 0
    for cid, asked_at, messages, tracker in zip(cids, asked, kept, trackers, strict=True):
        history_turns = turns(messages)
        assert [t[0]["text"] for t in history_turns] == SCRIPT, f"{cid}: questions lost"
        for turn, when in zip(history_turns, asked_at, strict=False):
            answers = turn[1:]
            assert answers, f"{cid}: {turn[0]['text']!r} got no answer"
            if when > killed_at:  # asked after the kill: the other server answers
                after_kill += 1
                assert all(m["sender"] == "bot" for m in answers), f"{cid}: {answers}"
            else:  # in flight at the kill: the bot's answer or the Dutch "try again"
                assert all(m["sender"] == "bot" or m["text"] == RASA_DOWN_TEXT for m in answers), f"{cid}: {answers}"
        said = [e["text"] for e in tracker["events"] if e["event"] == "user"]
        assert len(said) == len(set(said)), f"{cid}: a turn reached Rasa twice: {said}"
    assert after_kill >= len(cids), "no conversation went on after the kill"
