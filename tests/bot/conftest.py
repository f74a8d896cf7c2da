"""Fixtures for the gateway: the app in-process (API tests), the gateway as its own process and a
real Chromium (browser tests).

Without `rasa_stack` the gateway points at a closed port, i.e. Rasa is down: the gateway then
answers with its own Dutch notice, which is what those tests check. Tests that need the bot's
answers use the `rasa_stack` fixture from tests/conftest.py; `fake_rasa` (scripted answers, and
a record of what reached the bot) sits in between.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from bot.app import create_app
from bot.config import GatewayConfig
from tests.bot.fake_rasa import FakeRasa

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def gateway_env(tmp_path: Path, **overrides: str) -> Dict[str, str]:
    env = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}",
        "RASA_URL": f"http://127.0.0.1:{free_port()}",  # nothing listens: Rasa is down
        "RASA_TIMEOUT": "5",
        # Rasa down means down, not "still starting" (that is tests/bot/test_startup.py).
        "RASA_STARTUP_SECONDS": "0",
        "GATEWAY_RATE_CONVERSATION": "1000/60",
        "GATEWAY_RATE_CLIENT": "1000/60",
        "GATEWAY_RATE_NEW_CONVERSATIONS": "1000/60",
        "GATEWAY_RATE_READS_CONVERSATION": "1000/60",
        "GATEWAY_RATE_READS_CLIENT": "1000/60",
    }
    env.update(overrides)
    return env


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


# -- the gateway as a process (browser tests) ---------------------------------------------------

@dataclass
class GatewayProcess:
    env: Dict[str, str]
    log_path: Path
    port: int = field(default_factory=free_port)
    host_port: int = 0  # a second local origin, allowed for tenant twente
    process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"http://localhost:{self.port}"

    @property
    def database_url(self) -> str:
        return self.env["DATABASE_URL"]

    def start(self, timeout: float = 30) -> None:
        env = {**os.environ, **self.env, "GATEWAY_PORT": str(self.port)}
        log = open(self.log_path, "ab")
        self.process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env,
                                        stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gateway stopped at start-up:\n" + self.log_path.read_text())
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gateway not healthy in time:\n" + self.log_path.read_text())

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="session")
def gateway(tmp_path_factory):
    """A gateway process (Rasa down) for the browser tests; TENANT_TWENTE_ORIGINS lets the
    'foreign site' test embed the widget cross-origin."""
    data = tmp_path_factory.mktemp("gateway")
    host_port = free_port()
    env = gateway_env(data, TENANT_TWENTE_ORIGINS=f"http://127.0.0.1:{host_port}")
    process = GatewayProcess(env=env, log_path=data / "gateway.log", host_port=host_port)
    process.start()
    yield process
    process.stop()


def pytest_collection_modifyitems(items):
    """Browser tests run last. Playwright's sync API keeps an event loop running in the main
    thread until the session ends; an async test after it fails with "Runner.run() cannot be
    called from a running event loop". (A stable sort: the order stays otherwise the same.)"""
    items.sort(key=lambda item: "browser" in getattr(item, "fixturenames", ()))


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is missing: apt-get install chromium (make test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class PageWatch:
    """What a page did that a user (or attacker) would care about."""

    console_errors: List[str] = field(default_factory=list)
    dialogs: List[str] = field(default_factory=list)
    page_errors: List[str] = field(default_factory=list)


def dutch_context(browser, height: int = 800, timeout_ms: int = 15_000):
    """A desktop browser as a Dutch user has it: nl-NL, Amsterdam time."""
    ctx = browser.new_context(viewport={"width": 1280, "height": height}, locale="nl-NL",
                              timezone_id="Europe/Amsterdam")
    ctx.set_default_timeout(timeout_ms)
    return ctx


@pytest.fixture
def context(browser):
    ctx = dutch_context(browser)
    yield ctx
    ctx.close()


def watch(page) -> PageWatch:
    seen = PageWatch()
    page.on("console", lambda m: m.type == "error" and seen.console_errors.append(m.text))
    page.on("pageerror", lambda e: seen.page_errors.append(str(e)))

    def _dialog(dialog):
        seen.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", _dialog)
    return seen
