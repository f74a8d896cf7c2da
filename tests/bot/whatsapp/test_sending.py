"""Sending through the Graph API: retries with back-off on 429, 5xx and throttling codes, none
on other errors, nothing sent twice after a timeout, and every failure logged with Meta's code
and shown to the advisor."""

from __future__ import annotations

import logging

import pytest

from bot.conversations import RASA_DOWN_TEXT
from bot.replies import Outgoing
from tests.support.whatsapp import ACCESS_TOKEN, shown_text

pytestmark = pytest.mark.asyncio


async def started(wa):
    await wa.say("Hallo")
    return len(wa.graph.attempts())


async def advisor_says(wa, text="Ik kijk even met je mee."):
    conversation = await wa.conversation()
    await wa.channel.conversations.deliver_to_user(conversation, Outgoing(sender="advisor", text=text))
    await wa.settle()


async def notes(wa):
    return [m.text for m in await wa.transcript() if m.sender == "system" and m.text != RASA_DOWN_TEXT]


def send_failures(wa) -> float:
    registry = wa.channel.conversations.metrics.registry
    return registry.get_sample_value("leerwijzer_whatsapp_send_failures_total") or 0.0


@pytest.mark.parametrize(
    "status,code,title",
    [
        (429, 130429, "Rate limit hit"),
        (503, 131016, "Service unavailable"),
        (400, 130429, "Rate limit hit"),  # throttling reported without HTTP 429
        (400, 131056, "(Business Account, Consumer Account) pair rate limit hit"),
    ],
)
async def test_temporary_errors_are_retried_and_the_message_arrives_once(wa, status, code, title):
    before = await started(wa)
    wa.graph.fail_next(status, code, title, times=2)
    await advisor_says(wa)
    attempts = wa.graph.attempts()[before:]
    assert [a.status for a in attempts] == [status, status, 200]
    assert [shown_text(m) for m in wa.phone()].count("*Adviseur:* Ik kijk even met je mee.") == 1
    assert await notes(wa) == []
    assert send_failures(wa) == 0  # retried and sent: not a failure on /metrics


async def test_retries_stop_and_the_advisor_is_told(wa, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    before = await started(wa)
    wa.graph.fail_next(500, 2, "Service temporarily unavailable", times=10)
    await advisor_says(wa)
    assert len(wa.graph.attempts()[before:]) == 1 + wa.channel.settings.send_retries
    assert "*Adviseur:* Ik kijk even met je mee." not in [shown_text(m) for m in wa.phone()]
    assert "Graph API error code 2, HTTP 500" in caplog.text
    assert "foutcode 2" in (await notes(wa))[-1]
    assert send_failures(wa) == 1  # counted on /metrics (bot/metrics.py)


@pytest.mark.parametrize(
    "status,code,title,details",
    [
        (400, 100, "Invalid parameter", "Parameter 'to' is not a valid phone number"),
        (400, 131026, "Message undeliverable", "Receiver is incapable of receiving this message"),
        (403, 200, "Permissions error", ""),
        (404, 133010, "Phone number not registered", ""),
    ],
)
async def test_other_client_errors_are_not_retried(wa, caplog, status, code, title, details):
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    before = await started(wa)
    wa.graph.fail_next(status, code, title, details, times=5)
    await advisor_says(wa)
    assert [a.status for a in wa.graph.attempts()[before:]] == [status]  # one attempt only
    assert f"Graph API error code {code}, HTTP {status}" in caplog.text
    assert f"foutcode {code}" in (await notes(wa))[-1]


async def test_a_wrong_access_token_is_logged_with_metas_code(make_whatsapp, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    wa = await make_whatsapp(WHATSAPP_ACCESS_TOKEN="expired-token")
    await wa.say("Hallo")
    assert [a.status for a in wa.graph.attempts()] == [401]
    assert "code 190" in caplog.text
    assert ACCESS_TOKEN not in caplog.text and "expired-token" not in caplog.text


async def test_no_second_send_after_a_timeout(make_whatsapp):
    """Meta may have taken a message it did not answer in time: sending it again could make
    the user read it twice, so the advisor is told instead."""
    wa = await make_whatsapp(WHATSAPP_SEND_TIMEOUT="0.3")
    before = await started(wa)
    wa.graph.hang_next(2)
    await advisor_says(wa)
    assert len(wa.graph.attempts()[before:]) == 1
    assert "Misschien niet verstuurd" in (await notes(wa))[-1]


async def test_graph_api_down_is_retried_then_reported(make_whatsapp, caplog):
    caplog.set_level(logging.WARNING, logger="bot.channels.whatsapp.channel")
    wa = await make_whatsapp(WHATSAPP_GRAPH_URL="http://127.0.0.1:9/v26.0")  # nothing listens
    await wa.say("Hallo")
    assert "not sent after 4 attempt(s)" in caplog.text
    assert "geen verbinding" in (await notes(wa))[-1]
