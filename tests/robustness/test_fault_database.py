"""Fault: the database is briefly unavailable (PostgreSQL refusing connections and dropping the
ones it had, as in a restart or fail-over).

A short outage is bridged by retries: the user's message is stored once and answered. A longer
one gives a clear Dutch error (503 database_unavailable, Retry-After) instead of a stack trace,
and the conversation goes on once the database is back."""

import json
import threading
import time

import pytest
from sqlalchemy import create_engine, text

from bot.store import RETRY_PAUSES
from tests.robustness.harness import FIGURES, ThreadedGateway, request
from tests.support.databases import PG, PG_ADMIN, create_pg_db, drop_pg_db
from tests.support.gateway import gateway_env


@pytest.fixture(scope="module")
def postgres_gateway(tmp_path_factory):
    if not PG:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = create_pg_db()
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT", future=True)
    env = gateway_env(tmp_path_factory.mktemp("fault-db"), DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{name}")
    gateway = ThreadedGateway(env).start()
    yield gateway, admin, name
    gateway.stop()
    with admin.connect() as db:
        db.execute(text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"))
    admin.dispose()
    drop_pg_db(name)


def outage(admin, name: str, seconds: float) -> threading.Thread:
    """Refuse new connections and end the open ones; allow them again after `seconds`."""
    with admin.connect() as db:
        db.execute(text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS false"))
        db.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = :name AND pid <> pg_backend_pid()"
            ),
            {"name": name},
        )
    FIGURES["faults injected: database outages"] += 1

    def back():
        time.sleep(seconds)
        with admin.connect() as db:
            db.execute(text(f"ALTER DATABASE {name} ALLOW_CONNECTIONS true"))

    thread = threading.Thread(target=back)
    thread.start()
    return thread


def post(gateway, cid, text_):
    return request(
        gateway.port,
        "POST",
        f"/api/v1/conversations/{cid}/messages",
        json.dumps({"text": text_}).encode(),
        {"Content-Type": "application/json"},
    )


def user_texts(gateway, cid):
    history = request(gateway.port, "GET", f"/api/v1/conversations/{cid}/messages")
    assert history.status == 200
    return [m["text"] for m in history.json()["messages"] if m["sender"] == "user"]


def new_conversation(gateway):
    answer = request(
        gateway.port, "POST", "/api/v1/conversations", b'{"tenant": "brabant"}', {"Content-Type": "application/json"}
    )
    assert answer.status == 201
    return answer.json()["conversation_id"]


def test_a_short_outage_is_bridged_by_retries(postgres_gateway):
    gateway, admin, name = postgres_gateway
    cid = new_conversation(gateway)
    back = outage(admin, name, seconds=sum(RETRY_PAUSES) / 2)
    answer = post(gateway, cid, "Ik ben 45 en zoek een cursus")
    back.join()
    assert answer.status == 200, answer.body
    assert answer.json()["messages"], "the user got an answer"
    assert user_texts(gateway, cid) == ["Ik ben 45 en zoek een cursus"]  # stored once


def test_a_longer_outage_gives_a_clear_error_and_the_conversation_goes_on(postgres_gateway):
    gateway, admin, name = postgres_gateway
    cid = new_conversation(gateway)
    back = outage(admin, name, seconds=sum(RETRY_PAUSES) + 3)
    started = time.monotonic()
    answer = post(gateway, cid, "Hallo?")
    waited = time.monotonic() - started
    assert answer.status == 503
    error = answer.json()
    assert error["error"] == "database_unavailable"
    assert "storing" in error["message"] and "Probeer het" in error["message"]
    assert answer.headers["retry-after"] == "30"
    assert waited >= sum(RETRY_PAUSES)  # it tried again before giving up
    health = request(gateway.port, "GET", "/healthz")
    assert health.status == 503 and health.json()["database"] is False
    back.join()
    answer = post(gateway, cid, "Hallo, ben je er weer?")
    assert answer.status == 200
    assert user_texts(gateway, cid) == ["Hallo, ben je er weer?"]
    unexpected = [t for t in gateway.errors.texts() if not t.startswith("database unavailable")]
    assert not unexpected, unexpected[:2]  # the outage is logged, without a stack trace
