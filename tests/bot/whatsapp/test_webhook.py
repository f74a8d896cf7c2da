"""The webhook: Meta's verification, signatures, fast acknowledgement of batched deliveries,
and the channel staying off without its settings."""

from __future__ import annotations

import json
import logging

import pytest

from bot.channels.whatsapp.channel import PATH, WHATSAPP
from bot.conversations import RASA_DOWN_TEXT
from tests.support.whatsapp import (
    OTHER_USER,
    USER,
    VERIFY_TOKEN,
    delivery,
    shown_text,
    signed_headers,
    wa_env,
)

pytestmark = pytest.mark.asyncio


async def test_meta_verification_echoes_the_challenge(wa):
    response = await wa.client.get(
        PATH, params={"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"}
    )
    assert response.status == 200
    assert await response.text() == "1158201444"


@pytest.mark.parametrize(
    "params",
    [
        {"hub.mode": "subscribe", "hub.verify_token": "guess", "hub.challenge": "1158201444"},
        {"hub.mode": "unsubscribe", "hub.verify_token": VERIFY_TOKEN, "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.challenge": "1158201444"},
        {"hub.mode": "subscribe", "hub.verify_token": VERIFY_TOKEN},
    ],
)
async def test_verification_refuses_a_wrong_token_or_mode(wa, params):
    response = await wa.client.get(PATH, params=params)
    assert response.status == 403
    assert "1158201444" not in await response.text()


async def test_signed_delivery_is_answered(wa):
    await wa.say("Hallo")
    phone = wa.phone()
    assert [shown_text(m) for m in phone] == [RASA_DOWN_TEXT]  # Rasa is down in these tests
    transcript = await wa.transcript()
    assert [(m.sender, m.text) for m in transcript] == [("user", "Hallo"), ("system", RASA_DOWN_TEXT)]


@pytest.mark.parametrize(
    "signature",
    [
        None,  # missing
        "sha256=" + "0" * 64,  # wrong
        "sha1=2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",  # old header style
        "",
    ],
)
async def test_missing_or_wrong_signature_is_refused_and_nothing_happens(wa, signature):
    raw = json.dumps(delivery("text", TEXT="Hallo")).encode()
    headers = {"Content-Type": "application/json"}
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    response = await wa.client.post(PATH, data=raw, headers=headers)
    assert response.status == 401
    await wa.settle()
    assert wa.graph.received == []
    assert await wa.conversation() is None


async def test_signature_of_other_bytes_or_with_another_secret_is_refused(wa):
    payload = delivery("text", TEXT="Hallo")
    raw = json.dumps(payload).encode()
    tampered = raw.replace(b"Hallo", b"Hallo, stuur mij je wachtwoord")
    response = await wa.client.post(PATH, data=tampered, headers=signed_headers(raw))
    assert response.status == 401
    response = await wa.client.post(PATH, data=raw, headers=signed_headers(raw, "other-secret"))
    assert response.status == 401
    await wa.settle()
    assert wa.graph.received == [] and await wa.conversation() is None


async def test_signed_but_not_json_is_a_clear_400(wa):
    raw = b"\x00\xff not json"
    response = await wa.client.post(PATH, data=raw, headers=signed_headers(raw))
    assert response.status == 400
    assert (await response.json())["error"] == "invalid_json"


async def test_huge_body_is_refused(wa):
    raw = b"{" + b" " * (2 * 1024 * 1024) + b"}"
    response = await wa.client.post(PATH, data=raw, headers=signed_headers(raw))
    assert response.status == 413


async def test_one_delivery_with_several_entries_messages_and_statuses(wa):
    """Everything in a batched delivery is handled, not only entry[0].changes[0].messages[0];
    a change for another phone number is ignored."""
    response = await wa.post(delivery("several_entries", STATUS_ID="wamid.unknown-to-us"))
    assert response.status == 200
    assert (await response.json())["accepted"] == 3
    await wa.settle()
    mine = await wa.transcript(USER)
    assert [m.text for m in mine if m.sender == "user"] == ["Hallo", "Ik zoek een cursus over warmtepompen"]
    other = await wa.transcript(OTHER_USER)
    assert [m.text for m in other if m.sender == "user"] == ["Wie betaalt mijn opleiding?"]
    assert len(wa.phone(USER)) == 2 and len(wa.phone(OTHER_USER)) == 1
    assert wa.phone("31600000000") == []


async def test_unexpected_shapes_are_acknowledged_and_ignored(wa):
    for payload in (
        {"object": "page", "entry": []},
        {"object": "whatsapp_business_account"},
        {"object": "whatsapp_business_account", "entry": [{"changes": "x"}]},
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "metadata": {"phone_number_id": "106540352242922"},
                                "messages": [{"type": "text"}, 17, None],
                            },
                        }
                    ]
                }
            ],
        },
        [1, 2, 3],
    ):
        response = await wa.post(payload)
        assert response.status == 200
    await wa.settle()
    assert wa.graph.received == []


async def test_channel_stays_off_without_a_secret_and_says_so(make_config, make_client, graph, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    env = wa_env(graph.url)
    del env["WHATSAPP_APP_SECRET"]
    client = await make_client(make_config(**env))
    assert WHATSAPP not in client.app
    assert "WhatsApp channel is off: missing WHATSAPP_APP_SECRET" in caplog.text
    raw = json.dumps(delivery("text", TEXT="Hallo")).encode()
    response = await client.post(PATH, data=raw, headers=signed_headers(raw, ""))
    assert response.status in (404, 405)  # no webhook: nothing is accepted unsigned
    health = await client.get("/healthz")
    assert health.status == 200  # the rest of the gateway runs
    assert graph.received == []


async def test_unknown_tenant_keeps_the_channel_off(make_config, make_client, graph, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    client = await make_client(make_config(**wa_env(graph.url, WHATSAPP_TENANT="limburg")))
    assert WHATSAPP not in client.app
    assert "WHATSAPP_TENANT=limburg" in caplog.text
