"""Fixtures: the fake Graph API and the gateway (in-process) with the WhatsApp channel on.

Without `rasa_stack` Rasa is down (closed port), so every user text gets the gateway's outage
notice as the bot's answer: enough to see what reaches the phone and what reaches the core.
"""
from __future__ import annotations

import sqlite3

import pytest
import pytest_asyncio

from bot.channels.whatsapp.channel import PATH, WHATSAPP
from tests.bot.whatsapp.support import (
    ACCESS_TOKEN, PHONE_NUMBER_ID, SECRET, WhatsApp, wa_env,
)
from tests.fakes.graph_api import FakeGraphAPI


@pytest_asyncio.fixture
async def graph():
    fake = FakeGraphAPI(ACCESS_TOKEN, PHONE_NUMBER_ID)
    await fake.start()
    yield fake
    await fake.close()


def empty_tracker_store(path) -> str:
    """An (empty) Rasa tracker store: forget me deletes from it, and refuses without one."""
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, sender_id TEXT, "
                   "type_name TEXT, timestamp REAL, data TEXT)")
    return f"sqlite:///{path}"


@pytest_asyncio.fixture
async def make_whatsapp(make_config, make_client, graph, tmp_path):
    """Start a gateway with the WhatsApp channel; several may share one database."""
    async def _make(**env: str) -> WhatsApp:
        env = {"TRACKER_STORE_URL": empty_tracker_store(tmp_path / "tracker.db"), **env}
        client = await make_client(make_config(**wa_env(graph.url, **env)))
        graph.send_webhooks_to(str(client.make_url(PATH)), SECRET)
        return WhatsApp(client, client.app[WHATSAPP], graph)

    return _make


@pytest_asyncio.fixture
async def wa(make_whatsapp):
    return await make_whatsapp()


@pytest_asyncio.fixture(params=["sqlite", "postgresql"])
async def database_env(request, tmp_path):
    """DATABASE_URL for both databases the gateway supports (PostgreSQL skipped when absent)."""
    if request.param == "sqlite":
        yield {"DATABASE_URL": f"sqlite:///{tmp_path / 'wa.db'}"}
        return
    from sqlalchemy import text

    from tests.bot.test_store import postgres_database

    created = postgres_database()
    if created is None:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    admin, name = created
    yield {"DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}"}
    with admin.connect() as db:
        db.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()
