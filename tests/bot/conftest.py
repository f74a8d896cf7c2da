"""Fixtures for the gateway as its own process (`gateway`) and a real Chromium (browser tests).

Without `rasa_stack` the gateway points at a closed port, i.e. Rasa is down: the gateway then
answers with its own Dutch notice, which is what those tests check. Tests that need the bot's
answers use the `rasa_stack` fixture from tests/conftest.py; `fake_rasa` (scripted answers, and
a record of what reached the bot) sits in between. The in-process gateway (`client`,
`make_client`, `make_config`) and `fake_rasa` are in tests/support/fixtures.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, dutch_context
from tests.support.gateway import GatewayProcess, gateway_env
from tests.support.network import free_port


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


@pytest.fixture
def context(browser):
    ctx = dutch_context(browser)
    yield ctx
    ctx.close()
