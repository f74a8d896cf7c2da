"""The load benchmark's own measuring: lost-message check, percentiles, process memory,
the conversations it plays, and the gateway's Server-Timing header it reads.

Cheap (seconds); the benchmark itself runs with `make bench`, not in `make test`.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import pytest
from aiohttp.test_utils import TestClient, TestServer

from benchmarks import load_bench as lb
from bot.app import create_app
from bot.config import GatewayConfig, load_tenants
from tests.support.network import free_port


def msg(sender, text="x"):
    return {"sender": sender, "text": text}


def test_every_answered_message_counts_and_nothing_is_lost():
    history = [msg("bot", "Welkom"), msg("user", "hoi"), msg("bot"), msg("bot"), msg("user", "meer"), msg("system")]
    check = lb.check_history(["hoi", "meer"], history)
    assert (check.sent, check.stored, check.answered, check.lost, check.out_of_order) == (2, 2, 2, 0, 0)


def test_a_message_without_answer_is_lost():
    history = [msg("bot", "Welkom"), msg("user", "hoi"), msg("user", "meer"), msg("bot")]
    assert lb.check_history(["hoi", "meer"], history).lost == 1


def test_a_message_that_was_never_stored_is_lost():
    # The benchmark sent three messages; the history knows only the first.
    history = [msg("user", "hoi"), msg("bot")]
    check = lb.check_history(["hoi", "meer", "doei"], history)
    assert check.stored == 1 and check.lost == 2


def test_the_welcome_message_is_not_an_answer():
    check = lb.check_history(["hoi"], [msg("bot", "Welkom"), msg("user", "hoi")])
    assert check.lost == 1


def test_messages_stored_in_another_order_are_reported():
    history = [msg("user", "meer"), msg("bot"), msg("user", "hoi"), msg("bot")]
    check = lb.check_history(["hoi", "meer"], history)
    assert check.lost == 0 and check.out_of_order == 2


def test_rasa_tracker_events_read_as_a_history():
    events = [
        {"event": "action", "name": "action_session_start"},
        {"event": "user", "text": "hoi"},
        {"event": "bot", "text": "Hallo!"},
        {"event": "slot", "name": "x"},
        {"event": "user", "text": "doei"},
    ]
    history = lb.tracker_history(events)
    assert [m["sender"] for m in history] == ["user", "bot", "user"]
    assert lb.check_history(["hoi", "doei"], history).lost == 1


def test_percentiles_interpolate_like_numpy():
    values = list(range(1, 101))  # 1 .. 100
    assert lb.percentile(values, 50) == pytest.approx(50.5)
    assert lb.percentile(values, 95) == pytest.approx(95.05)
    assert lb.percentile(values, 99) == pytest.approx(99.01)
    assert lb.percentile([7.0], 95) == 7.0
    assert lb.percentile([], 50) is None


def test_errors_are_not_in_the_latency_figures():
    turns = [lb.Turn(100.0, True), lb.Turn(200.0, True), lb.Turn(90000.0, False, "TimeoutError")]
    level = lb.summarise(5, 10.0, turns, [lb.HistoryCheck(3, 2, 2, 0)], {})
    assert level["errors"] == 1 and level["error_kinds"] == {"TimeoutError": 1}
    assert level["p99_ms"] < 200.1  # the timeout's 90 s is an error, not a latency
    assert level["lost"] == 1 and level["turns_per_s"] == 0.3


def test_server_timing_header_is_read():
    assert lb.parse_server_timing("total;dur=12.5, db;dur=1.5, rasa;dur=10.1, gw;dur=0.9") == {
        "total": 12.5,
        "db": 1.5,
        "rasa": 10.1,
        "gw": 0.9,
    }
    assert lb.parse_server_timing(None) == {}
    assert lb.parse_server_timing("cache;desc=hit, rasa;dur=abc") == {}


def test_the_conversations_are_varied_and_for_known_tenants():
    scripts = lb.load_scripts()
    assert 6 <= len(scripts) <= 10
    assert {s.tenant for s in scripts} <= set(load_tenants())
    assert len({s.name for s in scripts}) == len(scripts)
    texts = [t.lower() for s in scripts for t in s.turns]
    for asked in ("meer", "betal", "hub", "bedankt", "doei"):  # what the brief asks for
        assert any(asked in t for t in texts), asked


def test_memory_of_a_process_and_its_children_is_measured():
    # A parent that starts a child holding about 60 MB, as Sanic starts workers.
    code = (
        "import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', "
        "'import time; b = bytearray(60 * 1024 * 1024); b[::4096] = b\"x\" * len(b[::4096]); "
        "time.sleep(30)']); time.sleep(30)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], start_new_session=True)
    try:

        async def measure():
            watch = lb.ProcessWatch({"service": parent.pid}, every=0.1)
            watch.start()
            await asyncio.sleep(1.5)
            return await watch.stop()

        report = asyncio.run(measure())["service"]
    finally:
        os.killpg(parent.pid, signal.SIGKILL)  # the child too
        parent.wait()
    assert report["processes"] == 2
    assert report["peak_rss_mb"] >= 60
    assert report["vmhwm_mb"] >= 60


@pytest.mark.asyncio
async def test_gateway_reports_its_own_time_per_turn(tmp_path):
    """The gateway's Server-Timing header splits a turn into Rasa, database and its own
    work (here Rasa is down: the gateway answers with its notice and still reports)."""
    config = GatewayConfig.from_env(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
            "RASA_URL": f"http://127.0.0.1:{free_port()}",
            "RASA_TIMEOUT": "5",
            "RASA_STARTUP_SECONDS": "0",
        }
    )  # down, not still starting
    client = TestClient(TestServer(create_app(config)))
    await client.start_server()
    try:
        created = await (await client.post("/api/v1/conversations", json={"tenant": "brabant"})).json()
        started = time.perf_counter()
        response = await client.post(
            f"/api/v1/conversations/{created['conversation_id']}/messages", json={"text": "hoi"}
        )
        wall_ms = (time.perf_counter() - started) * 1000
        assert response.status == 200
        timing = lb.parse_server_timing(response.headers["Server-Timing"])
    finally:
        await client.close()
    assert set(timing) == {"total", "rasa", "db", "gw"}
    assert all(v >= 0 for v in timing.values())
    assert timing["total"] <= wall_ms
    assert timing["rasa"] + timing["db"] + timing["gw"] == pytest.approx(timing["total"], abs=0.3)
