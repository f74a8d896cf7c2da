"""The scale-out profile for real: 2 gateways, 2 Rasa servers and 2 action servers behind
nginx, with PostgreSQL and Redis on 127.0.0.1 (scripts/stack.py ScaledStack).

Started once for tests/scale (module scope: its six processes are gone before later tests
run). Without nginx, PostgreSQL or Redis the tests fail with the reason: CI has all three.
"""

from __future__ import annotations

import shutil

import pytest

from scripts.stack import ROOT, ScaledStack, SharedServicesMissing
from tests.support.handoff import always_open
from tests.support.network import free_port

# A database and a Redis database of their own, emptied at the start: nothing collides with
# `make run-scaled` (leerwijzer_scaled, Redis db 5) or other tests.
DATABASE = "leerwijzer_scaled_test"
REDIS_URL = "redis://127.0.0.1:6379/6"


@pytest.fixture(scope="module")
def scaled(tmp_path_factory):
    if not any((ROOT / "models").glob("*.tar.gz")):
        pytest.fail("No trained model in models/: run `make train` first (make test does).")
    data = tmp_path_factory.mktemp("scaled")
    # Logs in var/ (not pytest's temporary directory, which other runs clean away), so a
    # failure can be read afterwards; emptied at every start.
    logs = ROOT / "var" / "log" / "scaled-test"
    shutil.rmtree(logs, ignore_errors=True)
    stack = ScaledStack(
        instances=2,
        gateway_port=free_port(),
        rasa_port=free_port(),
        action_port=free_port(),
        database=DATABASE,
        redis_url=REDIS_URL,
        fresh=True,
        log_dir=logs,
        nginx_dir=logs / "nginx",
        extra_env={
            "GATEWAY_TENANTS_FILE": always_open(data),  # an advisor can take a case any time
            # Rate limits count per gateway process and per client address; every test
            # request comes from 127.0.0.1.
            "GATEWAY_RATE_CLIENT": "1000/60",
            "GATEWAY_RATE_NEW_CONVERSATIONS": "1000/600",
            "GATEWAY_RATE_READS_CLIENT": "1000/60",
            # The conversation whose Rasa server is killed mid-turn waits this long for the
            # dead server's lock (the profile's 20 s would only make the test slower).
            "TICKET_LOCK_LIFETIME": "8",
        },
    )
    try:
        stack.start(timeout=300)
    except SharedServicesMissing as missing:
        pytest.fail(f"The scale-out tests need nginx, PostgreSQL and Redis: {missing}")
    yield stack
    stack.stop()
