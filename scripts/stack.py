"""Start Leerwijzer's processes, wait until each answers, stop them together.

Used by `make run` (python scripts/stack.py) and by the test fixtures
(tests/conftest.py), so the product and its tests start the same way.

  action server (rasa_sdk)  127.0.0.1:5055  actions/ (ACTION_SERVER_TOKEN required)
  Rasa server               127.0.0.1:5005  REST channel; HTTP API behind RASA_TOKEN (from the
                                            environment, not the command line: rasa_server/)
  gateway (aiohttp)         127.0.0.1:8000  bot/ (only when bot/ exists); GATEWAY_HOST=0.0.0.0:
                                            reachable from the network

`--scaled` (make run-scaled, class ScaledStack): two of each behind nginx on :8080, with
PostgreSQL and Redis shared (README "Scale-out").
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
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
            self.command,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
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


def start_services(services: List[Service], timeout: float = 420) -> None:
    """Start all, wait until each answers its health URL; on failure stop all and raise."""
    for service in services:
        service.start()
    deadline = time.monotonic() + timeout
    waiting = list(services)
    while waiting:
        for service in list(waiting):
            if service.healthy():
                waiting.remove(service)
            elif service.process.poll() is not None:
                stop_services(services)
                raise RuntimeError(
                    f"{service.name} stopped at start-up; see {service.log_path}:\n" + _tail(service.log_path)
                )
        if waiting and time.monotonic() > deadline:
            stop_services(services)
            names = ", ".join(s.name for s in waiting)
            raise RuntimeError(f"not healthy after {timeout:.0f} s: {names}")
        time.sleep(0.5)


def stop_services(services: List[Service]) -> None:
    for service in reversed(services):
        service.stop()


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
                [str(VENV_BIN / "python"), "-m", "actions.server", "--actions", "actions", "-p", str(self.action_port)],
                f"http://127.0.0.1:{self.action_port}/health",
                env,
                self.log_dir / f"actions-{self.action_port}.log",
            ),
            Service(
                "Rasa server",
                # `rasa run` with the HTTP API token from RASA_TOKEN, not on the command line
                # (rasa_server/__main__.py)
                [
                    str(VENV_BIN / "python"),
                    "-m",
                    "rasa_server",
                    "-m",
                    self.model,
                    "--enable-api",
                    "-i",
                    "127.0.0.1",
                    "-p",
                    str(self.rasa_port),
                    "--endpoints",
                    "endpoints.yml",
                    "--credentials",
                    "credentials.yml",
                ],
                f"http://127.0.0.1:{self.rasa_port}/",
                env,
                self.log_dir / f"rasa-{self.rasa_port}.log",
            ),
        ]
        if self.with_gateway and (ROOT / "bot" / "__main__.py").exists():
            self.services.append(
                Service(
                    "gateway",
                    [str(VENV_BIN / "python"), "-m", "bot"],
                    # ready = its database answers and Rasa has loaded its model
                    f"http://127.0.0.1:{self.gateway_port}/readyz",
                    env,
                    self.log_dir / f"gateway-{self.gateway_port}.log",
                )
            )

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
        start_services(self.services, timeout)

    def stop(self) -> None:
        stop_services(self.services)

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


def free_port() -> int:
    """A TCP port nobody listens on now (for the instances behind nginx, and tests)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SharedServicesMissing(RuntimeError):
    """PostgreSQL, Redis or nginx is not there: the scale-out profile cannot start."""


@dataclass
class ScaledStack:
    """The scale-out profile (README "Scale-out"): `instances` gateways, Rasa servers and
    action servers behind one nginx, with all state in shared services: PostgreSQL (Rasa's
    tracker store, the gateway/handoff/knowledge database) and Redis (Rasa's lock store, the
    gateways' event hub). Same start/stop/describe as Stack.

    Public ports are those of nginx; None picks a free port. Every instance listens on a free
    port on 127.0.0.1 (`gateway_urls`, `rasa_urls`: each instance directly, for tests).
    The database `database` is created when missing; `fresh=True` drops it and empties the
    Redis database first (tests). Pub/sub channels are not per Redis database, so the hub's
    channels and the lock keys are prefixed with the database name.
    """

    instances: int = 2
    gateway_port: Optional[int] = None  # nginx: widget, API, websockets, advisor console
    rasa_port: Optional[int] = None  # nginx, 127.0.0.1 only: the Rasa servers
    action_port: Optional[int] = None  # nginx, 127.0.0.1 only: the action servers
    listen: str = "127.0.0.1"  # where the gateway port listens (0.0.0.0: the LAN)
    postgres_url: str = os.environ.get("SCALED_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
    database: str = "leerwijzer_scaled"
    redis_url: str = os.environ.get("SCALED_REDIS_URL", "redis://127.0.0.1:6379/5")
    fresh: bool = False
    model: str = str(ROOT / "models")
    extra_env: Dict[str, str] = field(default_factory=dict)
    log_dir: Path = VAR / "log" / "scaled"
    nginx_dir: Optional[Path] = None  # nginx's prefix (conf, pid, logs); default var/nginx-PORT
    services: List[Service] = field(default_factory=list)

    def __post_init__(self) -> None:
        from urllib.parse import urlsplit

        self.gateway_port = self.gateway_port or free_port()
        self.rasa_port = self.rasa_port or free_port()
        self.action_port = self.action_port or free_port()
        self.nginx_prefix = self.nginx_dir or VAR / f"nginx-{self.gateway_port}"
        redis = urlsplit(self.redis_url)
        self.redis_db = int(redis.path.strip("/") or 0)
        if self.redis_db == 0:
            raise ValueError("use a Redis database other than 0 for the scale-out profile")
        env = dict(os.environ)
        env.setdefault("RASA_TOKEN", secrets.token_urlsafe(24))
        env.setdefault("ACTION_SERVER_TOKEN", secrets.token_urlsafe(24))
        env.update(
            {
                "TRACKER_STORE_URL": self.database_url,
                "DATABASE_URL": self.database_url,
                "LOCK_STORE_REDIS_HOST": redis.hostname or "127.0.0.1",  # endpoints-scaled.yml
                "LOCK_STORE_REDIS_PORT": str(redis.port or 6379),
                "LOCK_STORE_REDIS_DB": str(self.redis_db),
                "LOCK_STORE_KEY_PREFIX": "".join(c for c in self.database if c.isalnum()),
                "HUB_REDIS_URL": self.redis_url,  # bot/redis_hub.py
                "HUB_CHANNEL_PREFIX": f"{self.database}:hub:",
                "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{self.action_port}/webhook",
                "RASA_URL": self.rasa_url,
                "GATEWAY_HOST": "127.0.0.1",
                "GATEWAY_TRUSTED_PROXIES": "127.0.0.1",  # nginx passes the user's address on
                # Rasa's lock on a conversation (Redis) outlives a Rasa server that died while
                # holding it; after this many seconds the other server takes the conversation.
                # Longer than any normal turn, shorter than the gateway's RASA_TIMEOUT (30 s).
                "TICKET_LOCK_LIFETIME": env.get("TICKET_LOCK_LIFETIME", "20"),
                "SANIC_HOST": "127.0.0.1",
                "TF_CPP_MIN_LOG_LEVEL": env.get("TF_CPP_MIN_LOG_LEVEL", "2"),
                "RASA_TELEMETRY_ENABLED": "false",
            }
        )
        env.update(self.extra_env)
        self.env = env
        python = str(VENV_BIN / "python")
        self.instance_ports: Dict[str, List[int]] = {
            kind: [free_port() for _ in range(self.instances)] for kind in ("actions", "rasa", "gateway")
        }
        for number, port in enumerate(self.instance_ports["actions"], 1):
            self.services.append(
                Service(
                    f"actions-{number}",
                    [python, "-m", "actions.server", "--actions", "actions", "-p", str(port)],
                    f"http://127.0.0.1:{port}/health",
                    env,
                    self.log_dir / f"actions-{port}.log",
                )
            )
        for number, port in enumerate(self.instance_ports["rasa"], 1):
            self.services.append(
                Service(
                    f"rasa-{number}",
                    [
                        python,
                        "-m",
                        "rasa_server",
                        "-m",
                        self.model,
                        "--enable-api",
                        "-i",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "--endpoints",
                        "endpoints-scaled.yml",
                        "--credentials",
                        "credentials.yml",
                    ],
                    f"http://127.0.0.1:{port}/",
                    env,
                    self.log_dir / f"rasa-{port}.log",
                )
            )
        for number, port in enumerate(self.instance_ports["gateway"], 1):
            self.services.append(
                Service(
                    f"gateway-{number}",
                    [python, "-m", "bot"],
                    f"http://127.0.0.1:{port}/readyz",
                    {**env, "GATEWAY_PORT": str(port)},
                    self.log_dir / f"gateway-{port}.log",
                )
            )
        self.services.append(
            Service(
                "nginx",
                [
                    _nginx_binary() or "nginx",
                    "-p",
                    str(self.nginx_prefix),
                    "-c",
                    str(self.nginx_prefix / "nginx.conf"),
                    "-e",
                    str(self.nginx_prefix / "error.log"),
                ],
                f"http://127.0.0.1:{self.gateway_port}/healthz",
                env,
                self.log_dir / f"nginx-{self.gateway_port}.log",
            )
        )

    # -- addresses ----------------------------------------------------------------------------
    @property
    def database_url(self) -> str:
        return f"{self.postgres_url.rstrip('/')}/{self.database}"

    @property
    def gateway_url(self) -> str:
        """nginx in front of the gateways: what users and advisors use."""
        return f"http://localhost:{self.gateway_port}"

    @property
    def rasa_url(self) -> str:
        """nginx in front of the Rasa servers (REST channel and HTTP API)."""
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def gateway_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{port}" for port in self.instance_ports["gateway"]]

    @property
    def rasa_urls(self) -> List[str]:
        return [f"http://127.0.0.1:{port}" for port in self.instance_ports["rasa"]]

    def service(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def processes(self) -> Dict[str, int]:
        """name -> pid of every running process ("gateway-1", "rasa-2", "nginx", ...). Each
        is the leader of its own process group (nginx: the master; its worker is a child)."""
        return {s.name: s.process.pid for s in self.services if s.process is not None and s.process.poll() is None}

    # -- life cycle ---------------------------------------------------------------------------
    def start(self, timeout: float = 420) -> None:
        """Check the shared services, prepare the database, start everything and wait until
        each instance and nginx answer. Raises SharedServicesMissing or RuntimeError."""
        self._check_shared_services()
        self._write_nginx_conf()
        self._prepare_database()
        start_services(self.services, timeout)

    def stop(self) -> None:
        """nginx and the gateways first (they finish the turns on their way), then Rasa and
        the action servers; each group at once."""
        from concurrent.futures import ThreadPoolExecutor

        front = [s for s in self.services if s.name == "nginx" or s.name.startswith("gateway")]
        back = [s for s in self.services if s not in front]
        with ThreadPoolExecutor(max_workers=len(self.services)) as pool:
            for group in (front, back):
                list(pool.map(Service.stop, group))

    def describe(self) -> str:
        ports = self.instance_ports
        return "\n".join(
            [
                f"  gateways       {self.gateway_url}/  (nginx; instances on {', '.join(map(str, ports['gateway']))})",
                f"  Rasa servers   {self.rasa_url}  (nginx, localhost only; instances on "
                f"{', '.join(map(str, ports['rasa']))}; HTTP API token in var/rasa_token)",
                f"  action servers http://127.0.0.1:{self.action_port}  (nginx, localhost only; "
                f"instances on {', '.join(map(str, ports['actions']))})",
                f"  PostgreSQL     {self.database_url}",
                f"  Redis          {self.redis_url}  (lock store, event hub)",
                f"  logs           {self.log_dir}/ and {self.nginx_prefix}/error.log",
            ]
        )

    def _check_shared_services(self) -> None:
        import psycopg2
        import redis

        if _nginx_binary() is None:
            raise SharedServicesMissing("nginx is not installed: run `make nginx` (apt-get install nginx-light)")
        try:
            psycopg2.connect(f"{self.postgres_url.rstrip('/')}/postgres", connect_timeout=3).close()
        except psycopg2.Error as error:
            raise SharedServicesMissing(
                f"PostgreSQL is not reachable at {self.postgres_url} ({error}); set SCALED_POSTGRES_URL"
            ) from error
        try:
            redis.Redis.from_url(self.redis_url, socket_connect_timeout=3).ping()
        except redis.RedisError as error:
            raise SharedServicesMissing(
                f"Redis is not reachable at {self.redis_url} ({error}); set SCALED_REDIS_URL"
            ) from error

    def _prepare_database(self) -> None:
        import psycopg2
        import redis

        admin = psycopg2.connect(f"{self.postgres_url.rstrip('/')}/postgres")
        admin.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
        try:
            with admin.cursor() as cursor:
                name = '"' + self.database.replace('"', '') + '"'
                if self.fresh:
                    cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.database,))
                if cursor.fetchone() is None:
                    cursor.execute(f"CREATE DATABASE {name}")
        finally:
            admin.close()
        if self.fresh:
            redis.Redis.from_url(self.redis_url).flushdb()
        self.log_dir.mkdir(parents=True, exist_ok=True)
        with open(self.log_dir / "prepare.log", "ab") as log:
            done = subprocess.run(
                [str(VENV_BIN / "python"), "scripts/prepare_shared_db.py", self.database_url],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if done.returncode != 0:
            raise RuntimeError(
                "preparing the shared database failed; see "
                f"{self.log_dir / 'prepare.log'}:\n" + _tail(self.log_dir / "prepare.log")
            )

    def _write_nginx_conf(self) -> None:
        def servers(kind: str) -> str:
            # max_fails/fail_timeout: after one refused connection an instance is left
            # alone for 5 s, then tried again (it may have been restarted).
            return "\n".join(
                f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in self.instance_ports[kind]
            )

        values = {
            "prefix": str(self.nginx_prefix),
            "listen": self.listen,
            "gateway_port": str(self.gateway_port),
            "rasa_port": str(self.rasa_port),
            "action_port": str(self.action_port),
            "gateway_servers": servers("gateway"),
            "rasa_servers": servers("rasa"),
            "action_servers": servers("actions"),
        }
        text = NGINX_TEMPLATE.read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace("{{%s}}" % key, value)
        if "{{" in text:
            raise RuntimeError(f"unfilled place in {NGINX_TEMPLATE}: {text[text.index('{{') :][:40]}")
        (self.nginx_prefix / "tmp").mkdir(parents=True, exist_ok=True)
        (self.nginx_prefix / "nginx.conf").write_text(text, encoding="utf-8")


NGINX_TEMPLATE = ROOT / "deploy" / "nginx" / "leerwijzer.conf.template"


def _nginx_binary() -> Optional[str]:
    """Debian installs nginx in /usr/sbin, which is not on every user's PATH."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None
    )


def write_secret(path: Path, secret: str) -> None:
    """A file only its owner can read, from the moment it exists (not chmod-ed afterwards);
    a file left from before is made private before the secret goes in."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(secret + "\n")


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-gateway", action="store_true")
    parser.add_argument(
        "--scaled",
        action="store_true",
        help="the scale-out profile: 2x each process behind nginx, PostgreSQL and Redis (make run-scaled)",
    )
    parser.add_argument("--instances", type=int, default=2)
    args = parser.parse_args()
    if args.scaled:
        stack = ScaledStack(
            instances=args.instances, gateway_port=8080, rasa_port=5080, action_port=5085, listen="0.0.0.0"
        )
    else:
        stack = Stack(with_gateway=not args.no_gateway)
    write_secret(VAR / "rasa_token", stack.env["RASA_TOKEN"])
    print("Starting Leerwijzer (first start loads the model, about 30 s) ...", flush=True)
    try:
        stack.start()
    except RuntimeError as error:
        print(f"Start-up failed: {error}", file=sys.stderr)
        return 1
    print("Leerwijzer runs:\n" + stack.describe(), flush=True)
    if args.scaled or stack.has_gateway:
        # The demo advisor's login, in demo mode (LEERWIJZER_DEMO=1, as `make run` sets it);
        # otherwise the command says how to add advisors.
        subprocess.run(
            [str(VENV_BIN / "python"), "-m", "bot.handoff", "create-demo-advisor"],
            cwd=ROOT,
            env={**stack.env, "GATEWAY_PORT": str(stack.gateway_port)},
        )
        print(f"\nDemo page: {stack.gateway_url}/\n", flush=True)
    else:
        print(
            "\nTalk to the bot: curl -s localhost:%d/webhooks/rest/webhook "
            "-d '{\"sender\":\"demo\",\"message\":\"hoi\"}'\n" % stack.rasa_port,
            flush=True,
        )
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
                print(f"{service.name} stopped unexpectedly; see {service.log_path}", file=sys.stderr)
                stopping = True
        time.sleep(0.5)
    print("Stopping ...", flush=True)
    stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
