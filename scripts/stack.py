"""Start Leerwijzer's processes, wait until each answers, stop them together.

Used by `make run` (python scripts/stack.py) and by the test fixtures
(tests/conftest.py), so the product and its tests start the same way.

  action server (rasa_sdk)  127.0.0.1:5055  actions/ (ACTION_SERVER_TOKEN required)
  Rasa server               127.0.0.1:5005  REST channel; HTTP API behind a token
  gateway (aiohttp)         0.0.0.0:8000    bot/ (only when bot/ exists)
"""
from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
VAR = ROOT / "var"


@dataclass
class Service:
    name: str
    command: List[str]
    health_url: str
    env: Dict[str, str]
    log_path: Path
    process: Optional[subprocess.Popen] = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "ab")
        # Own process group, so stopping also ends Sanic's worker children.
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def healthy(self) -> bool:
        try:
            with urllib.request.urlopen(self.health_url, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, OSError):
            return False

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


@dataclass
class Stack:
    """The running processes. Ports are parameters so tests can use free ones."""

    rasa_port: int = 5005
    action_port: int = 5055
    gateway_port: int = 8000
    model: str = str(ROOT / "models")
    with_gateway: bool = True
    extra_env: Dict[str, str] = field(default_factory=dict)
    log_dir: Path = VAR / "log"
    services: List[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        env = dict(os.environ)
        env.setdefault("RASA_TOKEN", secrets.token_urlsafe(24))
        env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(24))  # endpoints.yml
        env.setdefault("TRACKER_STORE_URL", f"sqlite:///{VAR / 'rasa_tracker.db'}")
        env["ACTION_ENDPOINT_URL"] = f"http://127.0.0.1:{self.action_port}/webhook"
        env["RASA_URL"] = f"http://127.0.0.1:{self.rasa_port}"
        env["GATEWAY_PORT"] = str(self.gateway_port)
        env["SANIC_HOST"] = "127.0.0.1"  # rasa_sdk's bind address
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
        env["RASA_TELEMETRY_ENABLED"] = "false"  # nothing leaves this machine
        env.update(self.extra_env)
        self.env = env
        self.services = [
            Service(
                "action server",
                # rasa_sdk behind a token (actions/server.py)
                [str(VENV_BIN / "python"), "-m", "actions.server", "--actions", "actions",
                 "-p", str(self.action_port)],
                f"http://127.0.0.1:{self.action_port}/health", env,
                self.log_dir / f"actions-{self.action_port}.log",
            ),
            Service(
                "Rasa server",
                [str(VENV_BIN / "rasa"), "run", "-m", self.model, "--enable-api",
                 "--auth-token", env["RASA_TOKEN"], "-i", "127.0.0.1",
                 "-p", str(self.rasa_port), "--endpoints", "endpoints.yml",
                 "--credentials", "credentials.yml"],
                f"http://127.0.0.1:{self.rasa_port}/", env,
                self.log_dir / f"rasa-{self.rasa_port}.log",
            ),
        ]
        if self.with_gateway and (ROOT / "bot" / "__main__.py").exists():
            self.services.append(Service(
                "gateway",
                [str(VENV_BIN / "python"), "-m", "bot"],
                f"http://127.0.0.1:{self.gateway_port}/healthz", env,
                self.log_dir / f"gateway-{self.gateway_port}.log",
            ))

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def has_gateway(self) -> bool:
        return any(s.name == "gateway" for s in self.services)

    @property
    def gateway_url(self) -> Optional[str]:
        return f"http://localhost:{self.gateway_port}" if self.has_gateway else None

    def start(self, timeout: float = 420) -> None:
        for service in self.services:
            service.start()
        deadline = time.monotonic() + timeout
        waiting = list(self.services)
        while waiting:
            for service in list(waiting):
                if service.healthy():
                    waiting.remove(service)
                elif service.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(
                        f"{service.name} stopped at start-up; see {service.log_path}:\n"
                        + _tail(service.log_path)
                    )
            if waiting and time.monotonic() > deadline:
                self.stop()
                names = ", ".join(s.name for s in waiting)
                raise RuntimeError(f"not healthy after {timeout:.0f} s: {names}")
            time.sleep(0.5)

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()

    def describe(self) -> str:
        lines = [
            f"  action server  http://127.0.0.1:{self.action_port}  (localhost only; token)",
            f"  Rasa server    http://127.0.0.1:{self.rasa_port}  (localhost only; REST "
            f"channel /webhooks/rest/webhook; HTTP API token in var/rasa_token)",
        ]
        if self.has_gateway:
            lines.append(f"  gateway        {self.gateway_url}/  (demo page and API)")
        lines.append(f"  logs           {self.log_dir}/")
        return "\n".join(lines)


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-gateway", action="store_true")
    args = parser.parse_args()
    stack = Stack(with_gateway=not args.no_gateway)
    token_file = VAR / "rasa_token"
    token_file.parent.mkdir(parents=True, exist_ok=True)
    token_file.write_text(stack.env["RASA_TOKEN"])
    token_file.chmod(0o600)
    print("Starting Leerwijzer (first start loads the model, about 30 s) ...", flush=True)
    try:
        stack.start()
    except RuntimeError as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    print("Leerwijzer runs:\n" + stack.describe(), flush=True)
    if stack.has_gateway:
        print(f"\nDemo page: {stack.gateway_url}/\n", flush=True)
    else:
        print("\nTalk to the bot: curl -s localhost:%d/webhooks/rest/webhook "
              "-d '{\"sender\":\"demo\",\"message\":\"hoi\"}'\n" % stack.rasa_port, flush=True)
    print("Press Ctrl-C to stop everything.", flush=True)
    stopping = False

    def _stop(*_):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    while not stopping:
        for service in stack.services:
            if service.process.poll() is not None:
                print(f"{service.name} stopped unexpectedly; see {service.log_path}",
                      file=sys.stderr)
                stopping = True
        time.sleep(0.5)
    print("Stopping ...", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
