"""What the WhatsApp channel keeps and logs of a user: no phone number or message id where a
pseudonym will do (docs/PRIVACY.md, "WhatsApp inbox")."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from tests.bot.whatsapp.support import USER, delivery

pytestmark = pytest.mark.asyncio


async def test_a_delivery_that_cannot_be_stored_is_logged_without_number_or_message_id(
        wa, caplog):
    with wa.channel.store.engine.begin() as db:  # the inbox is gone: storing fails
        db.execute(text("DROP TABLE gw_wa_inbox"))
    payload = delivery("text", TEXT="Hallo")
    wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
    with caplog.at_level(logging.INFO):
        response = await wa.post(payload)
    assert response.status == 503  # Meta delivers it again later
    logged = "\n".join(logging.Formatter().format(r) for r in caplog.records)
    assert "no such table: gw_wa_inbox" in logged  # the operator still sees what failed
    assert USER not in logged
    assert wamid.split(".", 1)[1] not in logged
