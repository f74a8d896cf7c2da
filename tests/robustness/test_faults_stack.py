"""Faults in the running system: the real processes (action server, Rasa, gateway; own ports
and databases), with parts stopped on purpose, in this order:

1. the gateway restarts in the middle of a conversation: no message lost or duplicated
   (checked in the gateway's history and in Rasa's tracker);
2. the action server is down: the bot apologises and offers an advisor, and that offer works
   without the action server; after a restart the bot answers again;
3. Rasa is down: the gateway keeps the user's message and says so in Dutch.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sqlite3
import time
import urllib.error
import urllib.request

import aiohttp
import pytest

from bot.conversations import BOT_SILENT_TEXT, RASA_DOWN_TEXT
from scripts.stack import Stack
from tests.robustness.harness import FIGURES
from tests.support.gateway import ROOT
from tests.support.network import free_port, public_address

TIMEOUT = 120  # a busy 2-core machine answers slowly


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("No trained model in models/: run `make train` first (make test does).")
    data = tmp_path_factory.mktemp("faults")
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        log_dir=data / "log",
        extra_env={
            "TRACKER_STORE_URL": f"sqlite:///{data / 'tracker.db'}",
            "DATABASE_URL": f"sqlite:///{data / 'leerwijzer.db'}",
            "GATEWAY_RATE_CONVERSATION": "1000/60",
        },
    )
    stack.tracker_db = data / "tracker.db"
    stack.start()
    yield stack
    stack.stop()


def service(stack, name):
    return next(s for s in stack.services if s.name == name)


def call(method, url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read())


def start(stack, tenant="twente"):
    return call("POST", f"{stack.gateway_url}/api/v1/conversations", {"tenant": tenant})["conversation_id"]


def say(stack, cid, text=None, payload=None):
    body = {"text": text or payload, **({"payload": payload} if payload else {})}
    return call("POST", f"{stack.gateway_url}/api/v1/conversations/{cid}/messages", body)


def history(stack, cid, after=0):
    return call("GET", f"{stack.gateway_url}/api/v1/conversations/{cid}/messages?after={after}")


def wait_healthy(svc, seconds=TIMEOUT * 4):
    deadline = time.monotonic() + seconds
    while not svc.healthy():
        assert svc.process.poll() is None, f"{svc.name} stopped; see {svc.log_path}"
        assert time.monotonic() < deadline, f"{svc.name} not healthy in time"
        time.sleep(0.3)


def restart(svc):
    svc.stop()
    svc.start()
    wait_healthy(svc)


def rasa_user_texts(stack, cid):
    with sqlite3.connect(stack.tracker_db) as db:
        rows = db.execute(
            "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' ORDER BY id", (cid,)
        ).fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def test_the_action_server_refuses_calls_without_its_token(stack):
    url = f"http://127.0.0.1:{stack.action_port}/webhook"
    request = urllib.request.Request(
        url, data=b'{"next_action": "action_forget_me"}', headers={"Content-Type": "application/json"}
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=30)
    assert refused.value.code == 401
    token = stack.env["ACTION_SERVER_TOKEN"]
    actions = call("GET", f"http://127.0.0.1:{stack.action_port}/actions?token={token}")
    assert {"name": "action_forget_me"} in actions


def test_rasa_api_needs_its_token_and_nothing_listens_on_the_network_by_default(stack):
    with pytest.raises(urllib.error.HTTPError) as refused:
        call("GET", f"{stack.rasa_url}/conversations/someone/tracker")
    assert refused.value.code == 401
    token = stack.env["RASA_TOKEN"]
    assert call("GET", f"{stack.rasa_url}/conversations/someone/tracker?token={token}")
    address = public_address()
    if address is None:
        pytest.skip("this machine has no address besides 127.0.0.1")
    # All bound to 127.0.0.1 (the gateway too, unless GATEWAY_HOST says otherwise:
    # tests/deploy/test_make_run.py)
    for port in (stack.rasa_port, stack.action_port, stack.gateway_port):
        with pytest.raises(OSError):
            socket.create_connection((address, port), timeout=3).close()


def pause(svc):
    """Freeze a process (SIGSTOP): whoever waits for it waits, as for a slow server."""
    os.killpg(svc.process.pid, signal.SIGSTOP)


def resume(svc):
    os.killpg(svc.process.pid, signal.SIGCONT)


@pytest.mark.asyncio
async def test_a_gateway_restart_mid_conversation_loses_and_duplicates_nothing(stack, capsys):
    """The gateway gets SIGTERM while Rasa is still working on an answer (the action server is
    frozen for a moment): once over the websocket, once during an HTTP request. The answer
    must still be stored (and, over HTTP, returned) before the gateway stops."""
    gateway, actions = service(stack, "gateway"), service(stack, "action server")
    cid = await asyncio.to_thread(start, stack)
    script = [
        ("Hallo", None),
        ("Wat weet je van mij?", "/show_profile"),
        ("Ik woon in Enschede", None),
        ("Wat weet je nu van mij?", "/show_profile"),
        ("Bedankt!", None),
    ]
    seen = 0  # the last message id the client has, like the widget
    echoed = []  # user messages the gateway confirmed over the socket

    async def read(ws):
        """Like the widget: read every frame (so a closing gateway is answered at once)."""
        nonlocal seen
        async for frame in ws:
            event = json.loads(frame.data)
            if event["type"] == "message":
                seen = max(seen, event["message"]["id"])
                if event["message"]["sender"] == "user":
                    echoed.append(event["message"]["text"])

    async def open_socket(session):
        nonlocal seen
        ws = await session.ws_connect(f"{stack.gateway_url}/api/v1/conversations/{cid}/ws?after={seen}")
        first = await ws.receive_json(timeout=TIMEOUT)
        assert first["type"] == "history"
        for message in first["messages"]:
            seen = max(seen, message["id"])
        asyncio.get_running_loop().create_task(read(ws))
        return ws

    async def restart_gateway_while_rasa_waits():
        stopping = asyncio.get_running_loop().run_in_executor(None, gateway.stop)
        await asyncio.sleep(5.0)  # SIGTERM is in; the gateway is shutting down
        resume(actions)
        await stopping
        FIGURES["faults injected: gateway restarts"] += 1
        await asyncio.to_thread(gateway.start)
        await asyncio.to_thread(wait_healthy, gateway)

    async with aiohttp.ClientSession() as session:
        ws = await open_socket(session)
        for number, (text, payload) in enumerate(script):
            frame = {"type": "message", "text": text, **({"payload": payload} if payload else {})}
            if number == 1:  # over the websocket
                pause(actions)
                await ws.send_str(json.dumps(frame))
                while text not in echoed:  # stored, and on its way to Rasa
                    await asyncio.sleep(0.05)
                await restart_gateway_while_rasa_waits()
                ws = await open_socket(session)
            elif number == 3:  # over HTTP, answered during the shutdown
                pause(actions)
                posting = asyncio.get_running_loop().run_in_executor(None, say, stack, cid, text, payload)
                await asyncio.sleep(1.0)
                await ws.close()
                await restart_gateway_while_rasa_waits()
                replies = await posting
                assert replies["messages"] and replies["messages"][0]["sender"] == "bot"
                ws = await open_socket(session)
            else:
                await ws.send_str(json.dumps(frame))
            deadline = time.monotonic() + TIMEOUT
            while True:  # until the answer to this message is in the history
                messages = (await asyncio.to_thread(history, stack, cid))["messages"]
                said = [i for i, m in enumerate(messages) if m["sender"] == "user"]
                if len(said) == number + 1 and any(m["sender"] == "bot" for m in messages[said[-1] + 1 :]):
                    break
                assert time.monotonic() < deadline, f"no answer to {text!r}: {messages[-3:]}"
                await asyncio.sleep(0.3)
        await ws.close()

    messages = (await asyncio.to_thread(history, stack, cid))["messages"]
    user = [m["text"] for m in messages if m["sender"] == "user"]
    expected = [text for text, _ in script]
    assert user == expected  # none lost, none twice, in order
    assert not [m["text"] for m in messages if m["sender"] == "system"]  # no "storing" notice
    assert len({m["id"] for m in messages}) == len(messages)
    rasa_saw = await asyncio.to_thread(rasa_user_texts, stack, cid)
    assert rasa_saw == [payload or text for text, payload in script]  # Rasa got each once
    lost = len([t for t in expected if t not in user])
    duplicated = len(user) - len(set(user))
    FIGURES["messages lost (gateway restarts)"] += lost
    FIGURES["messages duplicated (gateway restarts)"] += duplicated
    with capsys.disabled():
        print(
            f"\n[faults] gateway restarted 2x while Rasa was answering: {len(script)} "
            f"messages, {lost} lost, {duplicated} duplicated"
        )


def test_action_server_down_bot_apologises_and_offers_an_advisor(stack):
    actions = service(stack, "action server")
    cid = start(stack)
    actions.stop()
    FIGURES["faults injected: action server down"] += 1
    try:
        replies = say(stack, cid, "Wat weet je van mij?", payload="/show_profile")
        texts = [m["text"] for m in replies["messages"]]
        assert texts == [BOT_SILENT_TEXT], texts
        offer = replies["messages"][0]
        assert offer["buttons"] == [{"title": "Met een adviseur praten", "payload": "/request_human"}]
        # the offer works although the bot's own handoff (an action) cannot run
        handed = say(stack, cid, "Met een adviseur praten", payload="/request_human")
        assert handed["mode"] == "waiting"
        assert handed["messages"] and "adviseur" in handed["messages"][0]["text"]
        said = [m["text"] for m in history(stack, cid)["messages"] if m["sender"] == "user"]
        assert said == ["Wat weet je van mij?", "Met een adviseur praten"]  # kept
    finally:
        actions.start()
        wait_healthy(actions)
    other = start(stack)
    replies = say(stack, other, "Wat weet je van mij?", payload="/show_profile")
    assert replies["messages"][0]["sender"] == "bot"
    assert replies["messages"][0]["text"] != BOT_SILENT_TEXT


def test_rasa_down_the_gateway_keeps_the_message_and_says_so(stack):
    rasa = service(stack, "Rasa server")
    cid = start(stack)
    rasa.stop()
    FIGURES["faults injected: Rasa down"] += 1
    replies = say(stack, cid, "Ik zoek een cursus warmtepompen")
    assert [(m["sender"], m["text"]) for m in replies["messages"]] == [("system", RASA_DOWN_TEXT)]
    said = [m["text"] for m in history(stack, cid)["messages"] if m["sender"] == "user"]
    assert said == ["Ik zoek een cursus warmtepompen"]
    health = call("GET", f"{stack.gateway_url}/healthz")
    assert health["status"] == "ok"  # the gateway itself stays up
