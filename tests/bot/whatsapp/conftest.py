"""Fixtures: the gateway (in-process) with the WhatsApp channel on (`wa`), and DATABASE_URL for
each database the gateway supports (`database_env`). The fake Graph API (`graph`) and
`make_whatsapp` are in tests/support/fixtures.py.

Without `rasa_stack` Rasa is down (closed port), so every user text gets the gateway's outage
notice as the bot's answer: enough to see what reaches the phone and what reaches the core.
"""

from __future__ import annotations

import pytest
import pytest_asyncio


@pytest_asyncio.fixture
async def wa(make_whatsapp):
    return await make_whatsapp()


@pytest.fixture
def database_env(empty_url):
    """DATABASE_URL for both databases the gateway supports (PostgreSQL skipped when absent)."""
    return {"DATABASE_URL": empty_url}
