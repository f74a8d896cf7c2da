"""Fixtures for the handoff: `desk`, the gateway in-process (API tests) with office hours that
are always open unless told otherwise. `Desk` (advisors that log in through the API, helpers
that speak for the user and for the bot's handoff request) is in tests/support/handoff.py.

Rasa is down in the in-process tests (nothing listens on RASA_URL), so the bot's request is
what `action_handoff` sends over REST, handed to the gateway's handler as Rasa's answer would
be. The real bot drives the browser test (test_handoff_browser.py, `rasa_stack`).
"""

from __future__ import annotations

from typing import Optional

import pytest
import pytest_asyncio

from tests.support.handoff import FAST_SCRYPT_N, Desk, always_open


@pytest.fixture
def open_tenants(tmp_path):
    return always_open(tmp_path)


@pytest_asyncio.fixture
async def make_desk(make_config, make_client, tmp_path):
    """A gateway with always-open office hours unless told otherwise; several may share one
    database (a restart is a second app on the same database)."""

    async def _make(tenants_path: Optional[str] = None, **env: str) -> Desk:
        env.setdefault("GATEWAY_TENANTS_FILE", tenants_path or always_open(tmp_path))
        desk = Desk(await make_client(make_config(**env)))
        desk.handoffs.accounts.scrypt_n = FAST_SCRYPT_N
        return desk

    return _make


@pytest_asyncio.fixture
async def desk(make_desk):
    return await make_desk()
