"""Retention: conversations, closed handoffs and Rasa trackers unused for the retention period
are deleted (by the command for cron, and by the gateway at start-up); newer ones and open
handoffs stay. Checked in both databases afterwards."""

import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from sqlalchemy import create_engine, update

from bot.handoff.tables import handoffs
from bot.privacy.gateway import PRIVACY
from bot.store import conversations, messages
from tests.privacy.helpers import add_handoff, count_rows, say, start

pytestmark = pytest.mark.asyncio
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DAY = 24 * 3600


def age(database_url, cid, days):
    """Make a conversation look unused for `days` days."""
    then = datetime.utcnow() - timedelta(days=days)
    engine = create_engine(database_url)
    with engine.begin() as db:
        db.execute(update(conversations).where(conversations.c.id == cid).values(updated_at=then, created_at=then))
        db.execute(update(handoffs).where(handoffs.c.conversation_id == cid).values(closed_at=then, created_at=then))
    engine.dispose()


async def setup_conversations(client, env, rasa_tracker):
    """old (31 days), recent (29 days), old with an open handoff, recent with a handoff closed
    long ago, and a Rasa tracker the gateway never knew (40 days idle)."""
    ids = {name: await start(client) for name in ("old", "recent", "old_open", "ongoing")}
    for name, cid in ids.items():
        await say(client, cid, f"Ik ben 45 ({name})")
    add_handoff(env["DATABASE_URL"], ids["old"], status="closed")
    add_handoff(env["DATABASE_URL"], ids["old_open"], status="callback")
    add_handoff(env["DATABASE_URL"], ids["ongoing"], status="closed")
    age(env["DATABASE_URL"], ids["old"], 31)
    age(env["DATABASE_URL"], ids["recent"], 29)
    age(env["DATABASE_URL"], ids["old_open"], 60)
    engine = create_engine(env["DATABASE_URL"])
    with engine.begin() as db:  # the handoff of "ongoing" closed 45 days ago; it went on
        db.execute(
            update(handoffs)
            .where(handoffs.c.conversation_id == ids["ongoing"])
            .values(closed_at=datetime.utcnow() - timedelta(days=45))
        )
    engine.dispose()
    now = time.time()
    await rasa_tracker.save(ids["old"], [now - 31 * DAY])
    await rasa_tracker.save(ids["recent"], [now - 40 * DAY, now - 29 * DAY])  # last one counts
    await rasa_tracker.save("rest-only-sender", [now - 40 * DAY])
    return ids


def assert_retention_applied(env, rasa_tracker, ids):
    db = env["DATABASE_URL"]
    assert count_rows(db, conversations, id=ids["old"]) == 0
    assert count_rows(db, messages, conversation_id=ids["old"]) == 0
    assert count_rows(db, handoffs, conversation_id=ids["old"]) == 0
    assert rasa_tracker.events(ids["old"]) == 0
    assert rasa_tracker.events("rest-only-sender") == 0
    # kept: used within 30 days; an open callback request
    assert count_rows(db, messages, conversation_id=ids["recent"]) >= 2
    assert rasa_tracker.events(ids["recent"]) == 4
    assert count_rows(db, conversations, id=ids["old_open"]) == 1
    assert count_rows(db, handoffs, conversation_id=ids["old_open"]) == 1
    # the ongoing conversation stays, its long-closed handoff (with callback number) does not
    assert count_rows(db, conversations, id=ids["ongoing"]) == 1
    assert count_rows(db, handoffs, conversation_id=ids["ongoing"]) == 0


async def test_retention_at_start_up(make_gateway, privacy_env, rasa_tracker):
    env = privacy_env()
    first = await make_gateway(env)
    ids = await setup_conversations(first, env, rasa_tracker)
    await first.close()

    restarted = await make_gateway(env)
    privacy = restarted.app[PRIVACY]
    await privacy.retention_ran()
    assert_retention_applied(env, rasa_tracker, ids)
    report = privacy.last_retention
    assert report.conversations == [ids["old"]]
    assert report.kept_open_handoff == 1 and report.closed_handoffs == 1
    assert report.idle_trackers == 1  # the REST-only sender ("old" went with its conversation)


async def test_retention_period_is_configurable(make_gateway, privacy_env, rasa_tracker):
    env = privacy_env(PRIVACY_RETENTION_DAYS="7")
    client = await make_gateway(env)
    cid = await start(client)
    age(env["DATABASE_URL"], cid, 8)
    await client.app[PRIVACY].run_retention()
    assert count_rows(env["DATABASE_URL"], conversations, id=cid) == 0


async def test_retention_command_for_cron(make_gateway, privacy_env, rasa_tracker):
    env = privacy_env()
    client = await make_gateway(env)
    ids = await setup_conversations(client, env, rasa_tracker)
    await client.close()
    run_env = {**os.environ, **env}

    dry = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "retention", "--dry-run"],
        cwd=ROOT,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert dry.returncode == 0, dry.stderr
    assert "1 conversation(s) due" in dry.stdout
    assert count_rows(env["DATABASE_URL"], conversations, id=ids["old"]) == 1

    done = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "retention"],
        cwd=ROOT,
        env=run_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "1 conversation(s) deleted" in done.stdout
    assert_retention_applied(env, rasa_tracker, ids)


async def test_the_command_says_clearly_when_the_database_is_unreachable(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",
        "TRACKER_STORE_URL": f"sqlite:///{tmp_path / 'none.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot.privacy", "retention"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "database" in result.stderr.lower() and "Traceback" not in result.stderr
