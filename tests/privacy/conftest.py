"""Fixtures: the gateway in-process (Rasa down: closed port) with its own gateway database and
a Rasa tracker store made by Rasa's own SQLTrackerStore, so deletions can be checked in both
databases."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import create_engine, text

from bot.app import create_app
from bot.config import GatewayConfig
from tests.support.gateway import gateway_env


class RasaTracker:
    """Rasa's SQL tracker store on a file, written with Rasa's own code (no Rasa server)."""

    def __init__(self, path: Path):
        from rasa.core.tracker_store import SQLTrackerStore

        self.path = path
        self.url = f"sqlite:///{path}"
        self.store = SQLTrackerStore(dialect="sqlite", db=str(path))

    async def save(self, sender_id: str, timestamps: List[float]) -> None:
        from rasa.shared.core.events import BotUttered, UserUttered
        from rasa.shared.core.trackers import DialogueStateTracker

        events = []
        for ts in timestamps:
            events += [UserUttered("ik ben 45", timestamp=ts), BotUttered("Dank je", timestamp=ts)]
        await self.store.save(DialogueStateTracker.from_events(sender_id, events))

    def events(self, sender_id: str) -> int:
        engine = create_engine(self.url)
        with engine.connect() as db:
            count = db.execute(text("SELECT COUNT(*) FROM events WHERE sender_id = :s"), {"s": sender_id}).scalar()
        engine.dispose()
        return count


@pytest.fixture
def rasa_tracker(tmp_path) -> RasaTracker:
    return RasaTracker(tmp_path / "tracker.db")


@pytest.fixture
def privacy_env(tmp_path, rasa_tracker):
    def _env(**overrides: str) -> dict:
        return gateway_env(tmp_path, **{"TRACKER_STORE_URL": rasa_tracker.url, **overrides})

    return _env


@pytest_asyncio.fixture
async def make_gateway():
    clients: List[TestClient] = []

    async def _make(env: dict) -> TestClient:
        client = TestClient(TestServer(create_app(GatewayConfig.from_env(env))))
        await client.start_server()
        clients.append(client)
        return client

    yield _make
    for client in clients:
        await client.close()
