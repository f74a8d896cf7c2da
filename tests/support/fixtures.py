"""Fixtures that tests in several folders use, registered for every test by tests/conftest.py
(`pytest_plugins`): the gateway in-process with Rasa down, the scripted Rasa (`fake_rasa`), and
the gateway with the WhatsApp channel on next to the fake Graph API (`make_whatsapp`)."""

from __future__ import annotations

from typing import List

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.channels.whatsapp.channel import PATH, WHATSAPP
from bot.config import GatewayConfig
from tests.fakes.graph_api import FakeGraphAPI
from tests.fakes.rasa import FakeRasa
from tests.support.gateway import gateway_env
from tests.support.whatsapp import (
    ACCESS_TOKEN,
    PHONE_NUMBER_ID,
    SECRET,
    WhatsApp,
    empty_tracker_store,
    wa_env,
)


# -- the gateway in-process (Rasa down: a closed port) ----------------------------------------


@pytest.fixture
def make_config(tmp_path):
    def _make(**overrides: str) -> GatewayConfig:
        return GatewayConfig.from_env(gateway_env(tmp_path, **overrides))

    return _make


@pytest_asyncio.fixture
async def make_client():
    """Start the app in-process with a config; several apps may share one database."""
    clients: List[TestClient] = []

    async def _make(config: GatewayConfig) -> TestClient:
        client = TestClient(TestServer(create_app(config)))
        await client.start_server()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.close()


@pytest_asyncio.fixture
async def client(make_config, make_client):
    return await make_client(make_config())


@pytest_asyncio.fixture
async def fake_rasa():
    """A scripted stand-in for Rasa's REST channel; start a gateway with RASA_URL=fake_rasa.url."""
    fake = FakeRasa()
    await fake.start()
    yield fake
    await fake.close()


# -- WhatsApp --------------------------------------------------------------------------------


@pytest_asyncio.fixture
async def graph():
    fake = FakeGraphAPI(ACCESS_TOKEN, PHONE_NUMBER_ID)
    await fake.start()
    yield fake
    await fake.close()


@pytest_asyncio.fixture
async def make_whatsapp(make_config, make_client, graph, tmp_path):
    """Start a gateway with the WhatsApp channel; several may share one database."""

    async def _make(**env: str) -> WhatsApp:
        env = {"TRACKER_STORE_URL": empty_tracker_store(tmp_path / "tracker.db"), **env}
        client = await make_client(make_config(**wa_env(graph.url, **env)))
        graph.send_webhooks_to(str(client.make_url(PATH)), SECRET)
        return WhatsApp(client, client.app[WHATSAPP], graph)

    return _make
