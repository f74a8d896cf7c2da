"""`make run`, the local demo: the gateway listens on this machine only unless GATEWAY_HOST says
otherwise, and the demo advisor (a known e-mail address with every region) exists only in demo
mode (LEERWIJZER_DEMO=1, which `make run` sets)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select

from scripts import stack
from tests.support.network import public_address

ROOT = Path(__file__).resolve().parents[2]
DEMO_EMAIL = "adviseur@demo.leerwijzer.nl"


def reachable(address: str, port: int) -> bool:
    try:
        socket.create_connection((address, port), timeout=3).close()
        return True
    except OSError:
        return False


def start_gateway(tmp_path, **env) -> stack.Service:
    services = stack.Stack(
        rasa_port=stack.free_port(),
        action_port=stack.free_port(),
        gateway_port=stack.free_port(),
        log_dir=tmp_path,
        extra_env={"DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}", **env},
    ).services
    gateway = next(s for s in services if s.name == "gateway")
    # No Rasa here: the gateway is healthy (/healthz) but never ready (/readyz).
    gateway.health_url = gateway.health_url.replace("/readyz", "/healthz")
    gateway.start()
    deadline = time.monotonic() + 60
    while not gateway.healthy():
        assert gateway.process.poll() is None, stack._tail(gateway.log_path)
        assert time.monotonic() < deadline, "the gateway did not answer"
        time.sleep(0.3)
    return gateway


@pytest.mark.parametrize("setting, public", [({}, False), ({"GATEWAY_HOST": "0.0.0.0"}, True)])
def test_the_gateway_of_make_run_listens_on_this_machine_only_unless_told(tmp_path, monkeypatch, setting, public):
    address = public_address()
    if address is None:
        pytest.skip("this machine has no address besides 127.0.0.1")
    monkeypatch.delenv("GATEWAY_HOST", raising=False)  # Stack starts from this environment
    gateway = start_gateway(tmp_path, **setting)
    try:
        port = int(gateway.health_url.split(":")[2].split("/")[0])
        assert reachable("127.0.0.1", port)
        assert reachable(address, port) is public
    finally:
        gateway.stop()


def demo_advisor_command(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k != "LEERWIJZER_DEMO"}
    environment.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
            "ADVISOR_PASSWORD_FILE": str(tmp_path / "advisor_password"),
            **env,
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "bot.handoff", "create-demo-advisor"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def demo_accounts(tmp_path) -> list:
    engine = create_engine(f"sqlite:///{tmp_path / 'gateway.db'}")
    try:
        if not inspect(engine).has_table("gw_advisors"):
            return []
        from bot.handoff.tables import advisors

        with engine.connect() as db:
            return db.execute(select(advisors.c.email).where(advisors.c.email == DEMO_EMAIL)).scalars().all()
    finally:
        engine.dispose()


def test_the_demo_advisor_is_made_only_in_demo_mode(tmp_path):
    refused = demo_advisor_command(tmp_path)
    assert refused.returncode != 0 and "LEERWIJZER_DEMO=1" in refused.stderr
    assert "add-advisor" in refused.stderr  # what to do instead
    assert demo_accounts(tmp_path) == [] and not (tmp_path / "advisor_password").exists()
    made = demo_advisor_command(tmp_path, LEERWIJZER_DEMO="1")
    assert made.returncode == 0, made.stderr
    assert demo_accounts(tmp_path) == [DEMO_EMAIL] and "wachtwoord:" in made.stdout


def test_make_run_is_the_demo_and_says_so():
    makefile = (ROOT / "Makefile").read_text()
    run = re.search(r"^run: .*?\n((?:\t.*\n)+)", makefile, re.M).group(1)
    # make run sets demo mode explicitly (LEERWIJZER_DEMO=0 make run: without the demo advisor)
    assert re.search(r"^LEERWIJZER_DEMO \?= 1$", makefile, re.M)
    assert "LEERWIJZER_DEMO=$(LEERWIJZER_DEMO)" in run and "scripts/stack.py" in run
    assert "create-demo-advisor" not in run  # scripts/stack.py asks for it, in demo mode only
    readme = (ROOT / "README.md").read_text()
    assert "LEERWIJZER_DEMO" in readme and "GATEWAY_HOST=0.0.0.0" in readme
