"""Shared fixtures: the real stack (action server + Rasa, and the gateway when bot/
exists) on free ports, with its own tracker and knowledge databases; an empty database on
SQLite and PostgreSQL (`empty_url`); and, as a plugin, tests/support/fixtures.py.

`make test` trains the model before pytest runs; without a model the fixture fails
with a clear message rather than testing a stub.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
# The helpers in tests/support assert as tests do: pytest rewrites them for its messages.
pytest.register_assert_rewrite("tests.support")

from scripts.stack import Stack
from database import engines
from tests.support.databases import PG, create_pg_db, drop_pg_db
from tests.support.network import free_port

# Fixtures that tests in several folders use (pytest takes pytest_plugins only from here).
pytest_plugins = ["tests.support.fixtures"]


@pytest.fixture(scope="session")
def rasa_stack(tmp_path_factory):
    """Running action server, Rasa server and gateway. Attributes: rasa_url,
    gateway_url (None without bot/), env (the environment they run with)."""
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("No trained model in models/: run `make train` first (make test does).")
    data = tmp_path_factory.mktemp("stack")
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        log_dir=data / "log",
        extra_env={
            "TRACKER_STORE_URL": f"sqlite:///{data / 'tracker.db'}",
            "DATABASE_URL": f"sqlite:///{data / 'leerwijzer.db'}",
            # One client address plays every test conversation (tests/conversations alone
            # starts dozens): the default per-address limits would answer 429. The limits
            # themselves are tested in tests/bot with their own settings.
            "GATEWAY_RATE_CONVERSATION": "1000/60",
            "GATEWAY_RATE_CLIENT": "10000/60",
            "GATEWAY_RATE_NEW_CONVERSATIONS": "10000/600",
            "GATEWAY_RATE_READS_CONVERSATION": "10000/60",
            "GATEWAY_RATE_READS_CLIENT": "10000/60",
        },
    )
    stack.start()
    yield stack
    stack.stop()


def pytest_configure(config):
    config.addinivalue_line("markers", "postgres: runs against PostgreSQL on 127.0.0.1 (skipped when unreachable)")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request, tmp_path):
    """URL of a new, empty database (SQLite file, or a temporary PostgreSQL database)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fresh.db'}"
        return
    if not PG:
        pytest.skip("PostgreSQL on 127.0.0.1:5432 not reachable")
    name = create_pg_db()
    url = f"postgresql://postgres@127.0.0.1:5432/{name}"
    yield url
    drop_pg_db(name, engines._engines.pop(url, None))
