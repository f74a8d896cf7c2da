"""The gateway in tests: its environment with Rasa down (`gateway_env`) and the gateway as a
process of its own (`GatewayProcess`, for the browser and conformance tests)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Optional

from tests.support.network import free_port

ROOT = Path(__file__).resolve().parents[2]


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
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
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
