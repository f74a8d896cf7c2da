"""The WhatsApp channel in tests: webhook fixtures (tests/fixtures/whatsapp), signing, an empty
Rasa tracker store, and the gateway with the channel on next to the fake Graph API."""

from __future__ import annotations

import json
import re
import secrets
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Optional

from aiohttp.test_utils import TestClient

from bot.channels.whatsapp.channel import PATH, WhatsAppChannel
from bot.channels.whatsapp.signature import sign, user_key
from bot.store import Conversation, Message
from tests.fakes.graph_api import FakeGraphAPI

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"
PHONE_NUMBER_ID = "106540352242922"
USER = "31612345678"
OTHER_USER = "31687654321"
SECRET = "test-app-secret-" + "x" * 16
VERIFY_TOKEN = "test-verify-token"
ACCESS_TOKEN = "test-access-token"
TEMPLATE = "leerwijzer_reactie_gevraagd"
PLACEHOLDER = re.compile(r"\$([A-Z_0-9]+)")


def wa_env(graph_url: str, **overrides: str) -> Dict[str, str]:
    env = {
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": VERIFY_TOKEN,
        "WHATSAPP_ACCESS_TOKEN": ACCESS_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_TENANT": "twente",
        "WHATSAPP_GRAPH_URL": graph_url,
        "WHATSAPP_RETRY_BACKOFF": "0.01",  # retries back off, but tests need not wait long
    }
    env.update(overrides)
    return env


def empty_tracker_store(path) -> str:
    """An (empty) Rasa tracker store: forget me deletes from it, and refuses without one."""
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
            "type_name TEXT, timestamp REAL, data TEXT)"
        )
    return f"sqlite:///{path}"


def new_wamid() -> str:
    return "wamid.HBgLMzE2MTIzNDU2NzgVAgASGBQ" + secrets.token_urlsafe(18)


def delivery(name: str, **values: Any) -> dict:
    """A webhook fixture with its $PLACEHOLDERS filled: $NOW is now, $WAMIDn fresh ids,
    $FROM the test user; a value that is a whole placeholder may be any JSON type."""
    values = {
        "NOW": str(int(time.time())),
        "FROM": USER,
        "OTHER": OTHER_USER,
        "REPLY_DESCRIPTION": "",
        # a reaction: to a message we never sent, unless a test names one of ours
        "REACTED_TO": "wamid.HBgLMzE4NTAwMDEyMzQVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA",
        "EMOJI": "\U0001f44d",
        **values,
    }
    for n in range(1, 6):
        values.setdefault(f"WAMID{n}", new_wamid())

    def fill(node):
        if isinstance(node, dict):
            return {k: fill(v) for k, v in node.items()}
        if isinstance(node, list):
            return [fill(v) for v in node]
        if isinstance(node, str):
            whole = PLACEHOLDER.fullmatch(node)
            if whole and whole.group(1) in values:
                return values[whole.group(1)]
            return PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), m.group(0))), node)
        return node

    return fill(json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8")))


def signed_headers(raw: bytes, secret: str = SECRET) -> Dict[str, str]:
    return {"Content-Type": "application/json", "X-Hub-Signature-256": sign(secret, raw)}


@dataclass
class WhatsApp:
    """The gateway (in-process) with the WhatsApp channel on, and the fake Graph API."""

    client: TestClient
    channel: WhatsAppChannel
    graph: FakeGraphAPI

    async def post(self, payload: dict, headers: Optional[Dict[str, str]] = None):
        raw = json.dumps(payload).encode()
        response = await self.client.post(PATH, data=raw, headers=headers or signed_headers(raw))
        await response.read()
        return response

    async def deliver(self, name: str, **values: Any):
        """Post a signed fixture delivery and wait until it has been handled."""
        response = await self.post(delivery(name, **values))
        assert response.status == 200, await response.text()
        await self.settle()
        return response

    async def say(self, text: str, user: str = USER):
        return await self.deliver("text", TEXT=text, FROM=user)

    async def settle(self) -> None:
        """Until the channel and the fake have nothing left to do (callbacks may cause work)."""
        while True:
            await self.channel.drain()
            await self.graph.settle()
            if not self.channel._tasks and not self.graph._callbacks:
                return

    async def conversation(self, user: str = USER) -> Optional[Conversation]:
        contact = await self.channel.store.contact(user_key(SECRET, user))
        if contact is None:
            return None
        return await self.channel.conversations.store.get_conversation(contact.conversation_id)

    async def transcript(self, user: str = USER) -> List[Message]:
        conversation = await self.conversation(user)
        return await self.channel.conversations.store.messages(conversation.id)

    def phone(self, user: str = USER) -> List[dict]:
        """What reached the user's phone, in order."""
        return self.graph.delivered(user)


def shown_text(body: dict) -> str:
    """The text a user sees in one Graph API message body."""
    kind = body.get("type")
    if kind == "text":
        return body["text"]["body"]
    if kind == "interactive":
        interactive = body["interactive"]
        options = [b["reply"]["title"] for b in interactive["action"].get("buttons", [])]
        options += [row["title"] for s in interactive["action"].get("sections", []) for row in s["rows"]]
        return interactive["body"]["text"] + "\n" + "\n".join(options)
    if kind == "template":
        return f"[template {body['template']['name']}]"
    return json.dumps(body)
