"""HTTP API of the gateway: conversations, messages, history, limits and errors.

Rasa is down in these tests (nothing listens on RASA_URL): the gateway must still keep the
user's message and answer in Dutch. Answers of the real bot: test_with_rasa.py.
"""

import asyncio
import re

import pytest
from aiohttp import WSServerHandshakeError

from bot.http import CONFIG, CONVERSATIONS
from bot.schemas import validator

pytestmark = pytest.mark.asyncio

BRABANT_SITE = "https://www.brabantleert.nl"


def assert_schema(name, data):
    errors = [e.message for e in validator(name).iter_errors(data)]
    assert not errors, f"response does not match {name}: {errors}"


async def start(client, tenant="brabant", **headers):
    response = await client.post("/api/v1/conversations", json={"tenant": tenant}, headers=headers)
    assert response.status == 201, await response.text()
    data = await response.json()
    assert_schema("ConversationStarted", data)
    return data["conversation_id"]


async def say(client, conversation_id, text, **extra):
    return await client.post(f"/api/v1/conversations/{conversation_id}/messages", json={"text": text, **extra})


async def history(client, conversation_id):
    response = await client.get(f"/api/v1/conversations/{conversation_id}/messages")
    assert response.status == 200
    data = await response.json()
    assert_schema("History", data)
    return data["messages"]


# -- conversations ----------------------------------------------------------------------------


async def test_new_conversation_opens_with_the_tenants_dutch_welcome(client):
    response = await client.post("/api/v1/conversations", json={"tenant": "noord"})
    data = await response.json()
    assert response.status == 201
    assert data["mode"] == "bot" and data["tenant"] == "noord"
    welcome = data["messages"][0]
    assert welcome["sender"] == "bot"
    assert "Energietransitie Noord Werkt" in welcome["text"]
    assert {"title": "Een opleiding zoeken", "payload": "/search_course"} in welcome["buttons"]


async def test_conversation_ids_are_unguessable(client):
    ids = {await start(client) for _ in range(20)}
    assert len(ids) == 20
    for conversation_id in ids:
        # token_urlsafe: 6 random bits per character; at least 128 bits means >= 22 characters
        assert re.fullmatch(r"[A-Za-z0-9_-]{22,}", conversation_id)
        assert len(conversation_id) * 6 >= 128


async def test_unknown_tenant_is_404_and_names_the_known_ones(client):
    response = await client.post("/api/v1/conversations", json={"tenant": "limburg"})
    data = await response.json()
    assert response.status == 404
    assert_schema("Error", data)
    assert data["error"] == "unknown_tenant"
    assert "brabant" in data["detail"] and "twente" in data["detail"]


@pytest.mark.parametrize(
    "body, field_name",
    [
        ({}, "tenant"),
        ({"tenant": 7}, "tenant"),
        ({"tenant": "brabant", "admin": True}, "admin"),
        (["brabant"], "object"),
    ],
)
async def test_schema_errors_say_what_is_wrong(client, body, field_name):
    response = await client.post("/api/v1/conversations", json=body)
    data = await response.json()
    assert response.status == 422
    assert_schema("Error", data)
    assert data["error"] == "invalid_request"
    assert field_name in data["detail"]
    assert data["problems"] and all({"field", "problem"} <= set(p) for p in data["problems"])


async def test_malformed_json_non_json_and_non_utf8_bodies_are_4xx(client):
    cid = await start(client)
    url = f"/api/v1/conversations/{cid}/messages"
    broken = await client.post(url, data=b'{"text": "hoi"', headers={"Content-Type": "application/json"})
    assert broken.status == 400 and (await broken.json())["error"] == "invalid_json"
    binary = await client.post(url, data=b"\xff\xfe\x00\x01", headers={"Content-Type": "application/json"})
    assert binary.status == 400 and (await binary.json())["error"] == "invalid_json"
    form = await client.post(url, data={"text": "hoi"})
    assert form.status == 415 and "application/json" in (await form.json())["detail"]
    # and the conversation goes on
    assert (await say(client, cid, "Nog een vraag")).status == 200


# -- messages ---------------------------------------------------------------------------------


async def test_rasa_down_gives_a_dutch_notice_and_keeps_the_users_message(client):
    cid = await start(client, "twente")
    response = await say(client, cid, "Ik zoek een cursus BIM in Enschede")
    data = await response.json()
    assert response.status == 200
    assert_schema("Replies", data)
    assert data["mode"] == "bot"
    [notice] = data["messages"]
    assert notice["sender"] == "system"
    assert "storing" in notice["text"] and "bewaard" in notice["text"]
    senders_texts = [(m["sender"], m["text"]) for m in await history(client, cid)]
    assert ("user", "Ik zoek een cursus BIM in Enschede") in senders_texts


async def test_history_has_everything_in_order_and_after_filters(client):
    cid = await start(client)
    for text in ("eerste", "tweede", "derde"):
        await say(client, cid, text)
    messages = await history(client, cid)
    assert [m["sender"] for m in messages] == ["bot", "user", "system", "user", "system", "user", "system"]
    assert [m["text"] for m in messages if m["sender"] == "user"] == ["eerste", "tweede", "derde"]
    ids = [m["id"] for m in messages]
    assert ids == sorted(ids)
    later = await client.get(f"/api/v1/conversations/{cid}/messages?after={ids[3]}")
    assert [m["id"] for m in (await later.json())["messages"]] == ids[4:]
    bad = await client.get(f"/api/v1/conversations/{cid}/messages?after=-1")
    assert bad.status == 422


async def test_button_click_stores_the_title_as_the_users_words(client):
    cid = await start(client)
    response = await say(client, cid, "Een opleiding zoeken", payload="/search_course")
    assert response.status == 200
    user = [m for m in await history(client, cid) if m["sender"] == "user"]
    assert user[-1]["text"] == "Een opleiding zoeken"
    bad = await say(client, cid, "klik", payload="geen slash")
    assert bad.status == 422 and "payload" in (await bad.json())["detail"]


async def test_too_long_message_gets_a_dutch_explanation_and_the_conversation_goes_on(client):
    cid = await start(client)
    response = await say(client, cid, "a" * 2001)
    data = await response.json()
    assert response.status == 413
    assert data["error"] == "message_too_long"
    assert "2.001" in data["message"] and "2.000" in data["message"]
    assert "te lang" in data["message"]
    assert (await say(client, cid, "b" * 2000)).status == 200
    texts = [m["text"] for m in await history(client, cid) if m["sender"] == "user"]
    assert texts == ["b" * 2000]


async def test_huge_body_is_refused_with_json(client):
    cid = await start(client)
    response = await say(client, cid, "x" * 200_000)
    data = await response.json()
    assert response.status == 413
    assert data["error"] == "body_too_large" and "te lang" in data["message"]


@pytest.mark.parametrize("text", ["", "   \n\t ", "\x00\x01\x02", "\x1b"])
async def test_empty_or_control_only_messages_are_refused_politely(client, text):
    cid = await start(client)
    response = await say(client, cid, text)
    data = await response.json()
    assert response.status == 422
    assert data["error"] == "empty_message" and "leeg" in data["message"]


async def test_emoji_and_markup_are_stored_as_given(client):
    cid = await start(client)
    for text in ("🙂👍", "<img src=x onerror=alert(1)>", "Robert'); DROP TABLE gw_messages;--"):
        assert (await say(client, cid, text)).status == 200
    texts = [m["text"] for m in await history(client, cid) if m["sender"] == "user"]
    assert texts == ["🙂👍", "<img src=x onerror=alert(1)>", "Robert'); DROP TABLE gw_messages;--"]


async def test_unknown_or_malformed_conversation_ids_are_404(client):
    for cid in ("A" * 32, "../../etc/passwd", "x"):
        response = await say(client, cid, "hoi")
        assert response.status == 404
        assert (await response.json())["error"] in ("conversation_not_found", "not_found")
    missing = await client.get("/api/v1/conversations/" + "B" * 32 + "/messages")
    assert missing.status == 404 and "nieuw gesprek" in (await missing.json())["message"]


async def test_unknown_api_route_is_json_404(client):
    response = await client.get("/api/v1/nope")
    assert response.status == 404
    assert_schema("Error", await response.json())


# -- rate limits --------------------------------------------------------------------------------


async def test_rate_limit_per_conversation(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_CONVERSATION="3/60"))
    cid, other = await start(client), await start(client)
    for _ in range(3):
        assert (await say(client, cid, "hoi")).status == 200
    response = await say(client, cid, "hoi")
    data = await response.json()
    assert response.status == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert data["error"] == "rate_limited" and "Wacht" in data["message"]
    assert (await say(client, other, "hoi")).status == 200  # other conversations go on


async def test_rate_limit_per_client_address(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_CLIENT="4/60"))
    first, second = await start(client), await start(client)
    statuses = [(await say(client, cid, "hoi")).status for cid in (first, second) * 3]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_rate_limit_on_new_conversations(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_NEW_CONVERSATIONS="2/600"))
    await start(client)
    await start(client)
    response = await client.post("/api/v1/conversations", json={"tenant": "brabant"})
    assert response.status == 429 and "Retry-After" in response.headers


async def test_forwarded_address_counts_only_behind_a_trusted_proxy(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_CLIENT="2/60", GATEWAY_TRUSTED_PROXIES="127.0.0.1"))
    cid = await start(client)
    url = f"/api/v1/conversations/{cid}/messages"
    for user in ("203.0.113.1", "203.0.113.2", "203.0.113.3"):
        for _ in range(2):
            response = await client.post(url, json={"text": "hoi"}, headers={"X-Forwarded-For": user})
            assert response.status == 200, user
    response = await client.post(url, json={"text": "hoi"}, headers={"X-Forwarded-For": "203.0.113.1"})
    assert response.status == 429


async def test_trusted_proxies_may_be_a_network(make_config, make_client):
    """In a cluster the proxies' addresses change; the operator names their network."""
    client = await make_client(
        make_config(GATEWAY_RATE_CLIENT="2/60", GATEWAY_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.0/8")
    )
    cid = await start(client)
    url = f"/api/v1/conversations/{cid}/messages"
    # a second proxy hop inside the network is skipped; the user's own address counts
    for user in ("203.0.113.7", "203.0.113.8"):
        for _ in range(2):
            response = await client.post(url, json={"text": "hoi"}, headers={"X-Forwarded-For": f"{user}, 10.1.2.3"})
            assert response.status == 200, user
    response = await client.post(url, json={"text": "hoi"}, headers={"X-Forwarded-For": "203.0.113.7, 10.1.2.3"})
    assert response.status == 429


# -- origins (CORS and websocket) ---------------------------------------------------------------


async def test_cors_allows_the_tenants_site_and_refuses_others(client):
    preflight = await client.options(
        "/api/v1/conversations",
        headers={
            "Origin": BRABANT_SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == BRABANT_SITE
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    evil = await client.options(
        "/api/v1/conversations", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert evil.status == 403 and "Access-Control-Allow-Origin" not in evil.headers

    cid = await start(client, "brabant", Origin=BRABANT_SITE)
    wrong_tenant = await client.post(
        "/api/v1/conversations", json={"tenant": "twente"}, headers={"Origin": BRABANT_SITE}
    )
    assert wrong_tenant.status == 403
    assert (await wrong_tenant.json())["error"] == "origin_not_allowed"
    stolen = await client.get(f"/api/v1/conversations/{cid}/messages", headers={"Origin": "https://evil.example"})
    assert stolen.status == 403


async def test_websocket_refuses_foreign_origins(client):
    cid = await start(client)
    from aiohttp import WSServerHandshakeError

    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect(f"/api/v1/conversations/{cid}/ws", headers={"Origin": "https://evil.example"})
    assert refused.value.status == 403
    ws = await client.ws_connect(f"/api/v1/conversations/{cid}/ws", headers={"Origin": BRABANT_SITE})
    assert (await ws.receive_json())["type"] == "history"
    await ws.close()


# -- websocket ----------------------------------------------------------------------------------


async def receive_until(ws, predicate, limit=20):
    seen = []
    for _ in range(limit):
        event = await ws.receive_json(timeout=10)
        seen.append(event)
        if predicate(event):
            return seen
    raise AssertionError(f"not seen; got {seen}")


async def test_websocket_replays_history_then_pushes_messages_and_typing(client):
    cid = await start(client)
    await say(client, cid, "eerste vraag")
    tab1 = await client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    tab2 = await client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    replay = await tab1.receive_json()
    assert replay["type"] == "history" and replay["mode"] == "bot"
    assert [m["sender"] for m in replay["messages"]] == ["bot", "user", "system"]
    await tab2.receive_json()

    await tab1.send_json({"type": "message", "text": "Wat kost een cursus?"})
    events = await receive_until(tab1, lambda e: e["type"] == "typing" and not e["on"])
    kinds = [(e["type"], e.get("on"), e.get("message", {}).get("sender")) for e in events]
    assert kinds[:2] == [("message", None, "user"), ("typing", True, None)]
    assert ("message", None, "system") in kinds
    # the other tab sees the same conversation live
    other = await receive_until(tab2, lambda e: e["type"] == "message" and e["message"]["sender"] == "user")
    assert other[-1]["message"]["text"] == "Wat kost een cursus?"
    await tab1.close()
    await tab2.close()


async def test_websocket_after_replays_only_newer_messages(client):
    cid = await start(client)
    await say(client, cid, "hoi")
    last = (await history(client, cid))[-1]["id"]
    await say(client, cid, "nog iets")
    ws = await client.ws_connect(f"/api/v1/conversations/{cid}/ws?after={last}")
    replay = await ws.receive_json()
    assert [m["text"] for m in replay["messages"] if m["sender"] == "user"] == ["nog iets"]
    await ws.close()


async def test_websocket_bad_frames_get_error_frames_and_the_socket_stays_usable(client):
    cid = await start(client)
    ws = await client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    await ws.receive_json()
    await ws.send_str("{niet: json")
    assert (await ws.receive_json())["error"] == "invalid_json"
    await ws.send_json({"type": "message"})
    error = await ws.receive_json()
    assert error["error"] == "invalid_request" and "text" in error["detail"]
    await ws.send_bytes(b"\x00\x01")
    assert (await ws.receive_json())["error"] == "invalid_request"
    await ws.send_json({"type": "message", "text": "x" * 2500})
    too_long = await ws.receive_json()
    assert too_long["error"] == "message_too_long" and "te lang" in too_long["message"]
    await ws.send_json({"type": "ping"})
    assert (await ws.receive_json()) == {"type": "pong"}
    await ws.send_json({"type": "message", "text": "gewoon een vraag"})
    events = await receive_until(ws, lambda e: e["type"] == "message" and e["message"]["sender"] == "user")
    assert events[-1]["message"]["text"] == "gewoon een vraag"
    await ws.close()


async def test_websocket_rate_limit_is_an_error_frame(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_CONVERSATION="2/60"))
    cid = await start(client)
    ws = await client.ws_connect(f"/api/v1/conversations/{cid}/ws")
    await ws.receive_json()
    for text in ("een", "twee", "drie"):
        await ws.send_json({"type": "message", "text": text})
    events = await receive_until(ws, lambda e: e["type"] == "error")
    assert events[-1]["error"] == "rate_limited" and events[-1]["retry_after"] >= 1
    await ws.close()


# -- storage, modes ----------------------------------------------------------------------------


async def test_history_survives_a_gateway_restart(make_config, make_client):
    config = make_config()
    first = await make_client(config)
    cid = await start(first)
    await say(first, cid, "Onthoud dit gesprek")
    before = await history(first, cid)
    await first.close()
    second = await make_client(config)  # a new process-equivalent: same database, no memory
    assert await history(second, cid) == before
    assert (await say(second, cid, "Ben je er nog?")).status == 200


async def test_while_an_advisor_has_the_conversation_the_bot_is_not_asked(client):
    cid = await start(client)
    conversations = client.server.app[CONVERSATIONS]
    relayed = []

    async def relay(conversation, message):
        relayed.append(message.text)

    conversations.advisor_relay = relay
    await conversations.set_mode(await conversations.store.get_conversation(cid), "advisor")
    response = await say(client, cid, "Hallo adviseur")
    data = await response.json()
    assert response.status == 200
    assert data == {"messages": [], "mode": "advisor", "language": "nl"}
    assert relayed == ["Hallo adviseur"]
    # no "storing" notice: the message was not sent to the (unreachable) bot
    assert [m["sender"] for m in await history(client, cid)] == ["bot", "user"]


# -- pages and documents -----------------------------------------------------------------------


async def test_demo_pages_have_a_strict_csp_and_embed_the_widget(client):
    for tenant in ("brabant", "twente", "noord"):
        response = await client.get(f"/demo/{tenant}")
        page = await response.text()
        assert response.status == 200
        csp = response.headers["Content-Security-Policy"]
        script_src = re.search(r"script-src ([^;]+)", csp).group(1)
        assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
        assert "frame-ancestors" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert re.search(rf'<script src="http://[^"]+/widget.js" data-tenant="{tenant}" defer>', page)
        assert "<script>" not in page and not re.search(r"\son[a-z]+=", page)  # no inline code
    index = await client.get("/")
    text = await index.text()
    assert all(f'href="/demo/{t}"' in text for t in ("brabant", "twente", "noord"))
    assert (await client.get("/demo/limburg")).status == 404


async def test_brabant_demo_may_be_framed_only_by_brabant(client):
    csp = (await client.get("/demo/brabant")).headers["Content-Security-Policy"]
    ancestors = re.search(r"frame-ancestors ([^;]+)", csp).group(1).split()
    assert BRABANT_SITE in ancestors and "https://www.twente-hubs.example" not in ancestors


async def test_widget_is_served_gzipped_with_cache_validation(client):
    response = await client.get("/widget.js", headers={"Accept-Encoding": "gzip"})
    assert response.status == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Content-Type"].startswith("text/javascript")
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"
    body = await response.text()
    assert "attachShadow" in body
    assert not re.search(r"\.innerHTML\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function", body)
    again = await client.get("/widget.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304


async def test_openapi_document_is_served_and_lists_the_endpoints(client):
    import yaml

    response = await client.get("/api/v1/openapi.yaml")
    spec = yaml.safe_load(await response.text())
    assert spec["openapi"].startswith("3.1")
    for path in (
        "/api/v1/conversations",
        "/api/v1/conversations/{conversation_id}/messages",
        "/api/v1/conversations/{conversation_id}/ws",
    ):
        assert path in spec["paths"]


async def test_health_reports_the_database(client):
    response = await client.get("/healthz")
    assert response.status == 200 and (await response.json())["database"] is True


async def test_every_answer_reaches_both_live_watchers_and_the_channels_output(client):
    """The road the WhatsApp channel will use: a channel registers an output, and everything
    delivered to its users (welcome, bot answers, notices) goes through it and to watchers."""
    conversations = client.server.app[CONVERSATIONS]
    sent = []

    class Recorder:
        async def send(self, conversation, message):
            sent.append((conversation.id, message.sender, message.text))

    conversations.outputs["whatsapp"] = Recorder()
    tenant = client.server.app[CONFIG].tenants["noord"]
    conversation = await conversations.start(tenant, "whatsapp")
    watcher = conversations.hub.subscribe(conversation.id)
    replies = await conversations.receive(conversation, "Hoi")
    assert [s[1] for s in sent] == ["bot", "system"]  # welcome, then the Rasa-down notice
    assert sent[1] == (conversation.id, "system", replies[0].text)
    live = [watcher.get_nowait() for _ in range(watcher.qsize())]
    assert [e["type"] for e in live] == ["message", "typing", "message", "typing"]
    # the web API does not serve another channel's conversation
    response = await client.get(f"/api/v1/conversations/{conversation.id}/messages")
    assert response.status == 404


# -- limits on reading: history and websockets ------------------------------------------------


def ws_url(cid):
    return f"/api/v1/conversations/{cid}/ws"


async def refused_upgrade(client, cid):
    """The answer to a websocket upgrade the gateway refuses, as the browser gets it."""
    with pytest.raises(WSServerHandshakeError) as refused:
        await client.ws_connect(ws_url(cid))
    upgrade = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    response = await client.get(ws_url(cid), headers=upgrade)
    assert response.status == refused.value.status
    return response


async def test_open_websockets_per_conversation_are_capped(make_config, make_client):
    client = await make_client(make_config(GATEWAY_MAX_SOCKETS_CONVERSATION="2"))
    cid, other = await start(client), await start(client)
    tabs = [await client.ws_connect(ws_url(cid)) for _ in range(2)]
    for tab in tabs:
        assert (await tab.receive_json())["type"] == "history"
    response = await refused_upgrade(client, cid)
    data = await response.json()
    assert response.status == 429 and int(response.headers["Retry-After"]) > 0
    assert data["error"] == "too_many_connections" and "tabbladen" in data["message"]
    other_tab = await client.ws_connect(ws_url(other))  # other conversations are not affected
    assert (await other_tab.receive_json())["type"] == "history"
    await tabs[0].close()  # a closed tab frees its place (once the gateway saw it close)
    for _ in range(50):
        try:
            again = await client.ws_connect(ws_url(cid))
            break
        except WSServerHandshakeError:
            await asyncio.sleep(0.02)
    assert (await again.receive_json())["type"] == "history"
    for ws in (tabs[1], other_tab, again):
        await ws.close()


async def test_open_websockets_per_client_address_are_capped(make_config, make_client):
    client = await make_client(make_config(GATEWAY_MAX_SOCKETS_CLIENT="3"))
    sockets = [await client.ws_connect(ws_url(await start(client))) for _ in range(3)]
    response = await refused_upgrade(client, await start(client))
    data = await response.json()
    assert response.status == 429
    assert data["error"] == "too_many_connections" and "internetverbinding" in data["message"]
    for ws in sockets:
        await ws.close()


async def test_reading_a_conversation_is_rate_limited(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_READS_CONVERSATION="3/60"))
    cid, other = await start(client), await start(client)
    ws = await client.ws_connect(ws_url(cid))  # opening the websocket reads the history too
    await ws.close()
    for _ in range(2):
        assert (await client.get(f"/api/v1/conversations/{cid}/messages")).status == 200
    response = await client.get(f"/api/v1/conversations/{cid}/messages")
    data = await response.json()
    assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
    assert data["error"] == "rate_limited" and "Wacht" in data["message"]
    assert (await refused_upgrade(client, cid)).status == 429
    assert (await client.get(f"/api/v1/conversations/{other}/messages")).status == 200


async def test_reads_per_client_address_are_rate_limited(make_config, make_client):
    client = await make_client(make_config(GATEWAY_RATE_READS_CLIENT="4/60"))
    ids = [await start(client) for _ in range(3)]
    statuses = [(await client.get(f"/api/v1/conversations/{cid}/messages")).status for cid in ids * 2]
    assert statuses == [200, 200, 200, 200, 429, 429]


async def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(make_config, make_client):
    """Without GATEWAY_TRUSTED_PROXIES (the default) nobody can pick their own address."""
    client = await make_client(make_config(GATEWAY_RATE_CLIENT="2/60"))
    cid = await start(client)
    url = f"/api/v1/conversations/{cid}/messages"
    statuses = [
        (await client.post(url, json={"text": "hoi"}, headers={"X-Forwarded-For": f"203.0.113.{n}"})).status
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]


async def test_ipv6_clients_count_per_64(make_config, make_client):
    """A home or phone gets a whole /64: hopping between its addresses does not reset the limit."""
    client = await make_client(make_config(GATEWAY_RATE_CLIENT="2/60", GATEWAY_TRUSTED_PROXIES="127.0.0.1"))
    cid = await start(client)
    url = f"/api/v1/conversations/{cid}/messages"

    async def post_from(address):
        return (await client.post(url, json={"text": "hoi"}, headers={"X-Forwarded-For": address})).status

    assert await post_from("2001:db8:1:2::1") == 200
    assert await post_from("2001:db8:1:2:aaaa::7") == 200
    assert await post_from("2001:db8:1:2:ffff:ffff:ffff:fffe") == 429  # the same /64
    assert await post_from("2001:db8:1:3::1") == 200  # the neighbours' /64
    assert await post_from("::ffff:203.0.113.9") == 200  # IPv4 in IPv6 counts as that IPv4
    assert await post_from("203.0.113.9") == 200
    assert await post_from("203.0.113.9") == 429
