"""The gateway on a real port in its own event-loop thread, a raw HTTP client, and the figures.

Hypothesis drives tests synchronously; the gateway (bot.app.create_app, real SQLite) runs in
a background loop, so every example is a real HTTP request over a socket: a hung connection
shows up as a timeout, a crash as a 5xx or a closed socket without an answer.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import os
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from bot.app import create_app
from bot.config import GatewayConfig
from tests.support.network import free_port

ANSWER_TIMEOUT = 20.0  # seconds; longer means a hung connection
FIGURES: Counter = Counter()  # printed at the end of the run (tests/robustness/conftest.py)


def examples(default: int) -> int:
    """Number of examples per fuzz test; FUZZ_EXAMPLES overrides (e.g. 2000 for a long run)."""
    return int(os.environ.get("FUZZ_EXAMPLES", default))


def fuzz_settings(default_examples: int = 150):
    """A fixed seed, so the suite is repeatable (FUZZ_RANDOM=1 explores new inputs), and no
    shrinking: a failing request is reported as it was sent."""
    from hypothesis import HealthCheck, Phase, settings

    return settings(
        max_examples=examples(default_examples),
        deadline=None,
        database=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


class ErrorLog(logging.Handler):
    """Collects ERROR records (log.exception in the gateway means something unexpected)."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: List[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "aiohttp.server" and record.exc_info and isinstance(record.exc_info[1], HttpProcessingError):
            return  # a malformed request (e.g. an 8 KB request line): aiohttp answered 400
        self.records.append(record)

    def texts(self) -> List[str]:
        return [logging.Formatter().format(r) for r in self.records]


class ThreadedGateway:
    def __init__(self, env: Optional[Dict[str, str]] = None):
        self.env = env
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()  # fakes (e.g. the Graph API) may start in this loop first
        self.app: Optional[web.Application] = None
        self.runner: Optional[web.AppRunner] = None
        self.errors = ErrorLog()

    def run(self, coroutine, timeout: float = 60):
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def start(self, env: Optional[Dict[str, str]] = None) -> "ThreadedGateway":
        self.env = env or self.env
        self.run(self._start(GatewayConfig.from_env(self.env)))
        logging.getLogger().addHandler(self.errors)
        return self

    async def _start(self, config: GatewayConfig) -> None:
        self.app = create_app(config)
        self.runner = web.AppRunner(self.app, handle_signals=False)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", self.port).start()

    def stop(self) -> None:
        logging.getLogger().removeHandler(self.errors)
        try:
            if self.runner is not None:
                self.run(self.runner.cleanup())
        finally:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Answer:
    status: int
    headers: Dict[str, str]
    body: bytes
    send_error: Optional[str] = None  # the server stopped reading (e.g. 413 before the end)

    def json(self):
        return json.loads(self.body.decode("utf-8"))


def request(
    port: int,
    method: str,
    path: str,
    body: bytes = b"",
    headers: Optional[Dict[str, str]] = None,
    timeout: float = ANSWER_TIMEOUT,
) -> Answer:
    """One HTTP/1.1 request over a fresh socket; raises socket.timeout when no answer comes."""
    head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{port}", "Connection: close", f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    raw = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        send_error = None
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError) as error:
            send_error = type(error).__name__
        response = http.client.HTTPResponse(sock, method=method)
        response.begin()
        data = response.read()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, data, send_error)


def check_answer(answer: Answer, path: str, method: str = "POST") -> None:
    """2xx/4xx, and an API error says what is wrong in English and in Dutch."""
    assert answer.status < 500, f"{answer.status} for {path}: {answer.body[:300]!r}"
    if path.startswith("/api/") and answer.status >= 400 and method != "HEAD":  # HEAD: no body
        assert answer.headers.get("content-type", "").startswith("application/json"), answer
        error = answer.json()
        assert error.get("error") and error.get("message") and error.get("detail"), error


@dataclass
class Tally:
    """What one fuzz test sent and got back."""

    name: str
    statuses: Counter = field(default_factory=Counter)

    def add(self, status, answer: Optional["Answer"] = None) -> None:
        if answer is not None and status >= 400 and answer.body.startswith(b"{"):
            status = f"{status} {answer.json().get('error')}"
        self.statuses[status] += 1
        FIGURES[f"{self.name}: requests"] += 1
        FIGURES["requests fuzzed (all)"] += 1

    def __str__(self) -> str:
        total = sum(self.statuses.values())
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(self.statuses.items(), key=str))
        return f"[fuzz] {self.name}: {total} requests ({detail})"
