"""Load benchmark: N concurrent users play Dutch advice conversations against the gateway.

    python benchmarks/load_bench.py                 # full run (make bench), about 20-25 min
    python benchmarks/load_bench.py --quick         # development: N = 1, 5; 10 s per level
    python benchmarks/load_bench.py --users 1,5,20 --seconds 30 --profiles embedded,rasa

Each simulated user plays the conversations of benchmarks/load_conversations.yml one after the
other (each user starts at a different one). Like a person, it reads the answer and types
before each message: --think seconds on average (default 4, uniformly 2-6 s; real chat users
are slower, so this is on the busy side). Levels N = 1, 5, 10, 20, 50 run one after the
other, each for --seconds (or --turns). Then a capacity level (marked *): --capacity-users
users without any pause, which shows the most turns per second the system answers (with no
pauses, latency = users / throughput: it measures capacity, not what a user waits).

Targets (same scripts, same N):
  rasa      Rasa alone: POST /webhooks/rest/webhook on the embedded stack's Rasa server. The
            baseline for the gateway's overhead.
  embedded  the default product: scripts/stack.py Stack (gateway, Rasa, action server; SQLite).
  scaled    the scale-out profile (2 gateways, 2 Rasa, 2 action servers behind nginx,
            PostgreSQL + Redis), when scripts/stack.py provides it.

Per level it prints: turns/s, p50/p95/p99 latency of a turn (POST of a user message until its
answer), errors (HTTP errors, timeouts, and answers that are the gateway's "sorry, a fault"
system message or empty), lost messages (after the level, each conversation's history is read
back: a message the user sent that has no answer after it, or is missing), the gateway's own
time per turn (Server-Timing header: handler time minus the wait for Rasa), CPU time per turn
and peak memory of every process (VmRSS sampled each second, VmHWM; /proc, Sanic children
included). The gateway's rate limits are raised for this stack only (one client address sends
everything). The JSON goes to benchmarks/results/ (a --quick run to a *.tmp file).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.demo_conversation import free_port

CONVERSATIONS_FILE = Path(__file__).resolve().parent / "load_conversations.yml"
RESULTS = Path(__file__).resolve().parent / "results"
LEVELS = (1, 5, 10, 20, 50)
# One client address sends every message, so the per-address limits would refuse most of
# them; a real campaign comes from many addresses. Only the benchmark's stack gets these.
BENCH_RATE_LIMITS = {
    "GATEWAY_RATE_CONVERSATION": "100000/60",
    "GATEWAY_RATE_CLIENT": "1000000/60",
    "GATEWAY_RATE_NEW_CONVERSATIONS": "100000/60",
    "GATEWAY_RATE_READS_CLIENT": "1000000/60",
    "GATEWAY_MAX_SOCKETS_CLIENT": "100000",
}
TARGET_USERS, TARGET_P95_MS, TARGET_OVERHEAD_MS = 20, 500.0, 10.0
# The gateway's "sorry" answers (bot/conversations.py): a turn that got one is an error.
FAULT_MARKERS = ("door een storing", "er ging bij mij iets mis")
ANSWER_SENDERS = ("bot", "system", "advisor")
REQUEST_TIMEOUT = 90.0


# -- the conversations ---------------------------------------------------------------------


@dataclass(frozen=True)
class Script:
    name: str
    tenant: str
    turns: Tuple[str, ...]


def load_scripts(path: Path = CONVERSATIONS_FILE) -> List[Script]:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    scripts = [Script(c["name"], c["tenant"], tuple(str(t) for t in c["turns"])) for c in raw["conversations"]]
    if not scripts or any(not s.turns for s in scripts):
        raise ValueError(f"{path}: every conversation needs at least one turn")
    return scripts


# -- statistics ----------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> Optional[float]:
    """The q-th percentile with linear interpolation between ranks (numpy's default)."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def parse_server_timing(value: Optional[str]) -> Dict[str, float]:
    """'total;dur=12.5, rasa;dur=10.1, gw;dur=0.9' -> {'total': 12.5, 'rasa': 10.1, 'gw': 0.9}."""
    timings: Dict[str, float] = {}
    for metric in (value or "").split(","):
        name, *params = [p.strip() for p in metric.split(";")]
        for param in params:
            key, _, number = param.partition("=")
            if name and key == "dur":
                try:
                    timings[name] = float(number)
                except ValueError:
                    pass
    return timings


@dataclass
class HistoryCheck:
    sent: int  # messages the benchmark sent (also those whose request failed)
    stored: int  # user messages in the history
    answered: int  # user messages with an answer after them (before the next user message)
    out_of_order: int  # stored user messages whose text is not the one sent at that place

    @property
    def lost(self) -> int:
        """Messages the user sent that did not get an answer (unanswered or not stored)."""
        return self.sent - self.answered


def check_history(sent: Sequence[str], history: Sequence[dict]) -> HistoryCheck:
    """Compare what a user sent with the conversation history read back (oldest first;
    dicts with 'sender' and 'text'). Welcome messages before the first user message count
    for nothing; an answer is any bot, system or advisor message."""
    user_texts: List[str] = []
    answered = 0
    waiting = False  # the last user message has no answer yet
    for message in history:
        if message.get("sender") == "user":
            user_texts.append((message.get("text") or "").strip())
            waiting = True
        elif message.get("sender") in ANSWER_SENDERS and waiting:
            answered += 1
            waiting = False
    out_of_order = sum(1 for mine, stored in zip(sent, user_texts, strict=False) if mine.strip() != stored)
    return HistoryCheck(
        sent=len(sent), stored=len(user_texts), answered=min(answered, len(sent)), out_of_order=out_of_order
    )


def tracker_history(events: Sequence[dict]) -> List[dict]:
    """Rasa tracker events as history messages (for the Rasa-alone target)."""
    return [
        {"sender": "user" if e["event"] == "user" else "bot", "text": e.get("text")}
        for e in events
        if e.get("event") in ("user", "bot")
    ]


# -- targets: how a user talks to the system ------------------------------------------------


@dataclass
class Turn:
    ms: float
    ok: bool
    problem: Optional[str] = None  # why it counts as an error
    timing: Dict[str, float] = field(default_factory=dict)  # Server-Timing (gateway only)


class GatewayTarget:
    """The gateway's HTTP API (bot/README.md)."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    async def open(self, session, script: Script) -> Tuple[str, float]:
        started = time.perf_counter()
        async with session.post(f"{self.url}/api/v1/conversations", json={"tenant": script.tenant}) as response:
            body = await response.json(content_type=None)
            if response.status != 201:
                raise RuntimeError(f"new conversation: HTTP {response.status} {body}")
        return body["conversation_id"], (time.perf_counter() - started) * 1000

    async def say(self, session, conversation: str, _script: Script, text: str) -> Turn:
        started = time.perf_counter()
        async with session.post(
            f"{self.url}/api/v1/conversations/{conversation}/messages", json={"text": text}
        ) as response:
            body = await response.json(content_type=None)
            ms = (time.perf_counter() - started) * 1000
            timing = parse_server_timing(response.headers.get("Server-Timing"))
        if response.status != 200:
            return Turn(ms, False, f"HTTP {response.status} {body.get('error', '')}".strip(), timing)
        answers = body.get("messages") or []
        if not answers:
            return Turn(ms, False, "no answer", timing)
        if any(m["sender"] == "system" and any(k in (m.get("text") or "") for k in FAULT_MARKERS) for m in answers):
            return Turn(ms, False, "fault message", timing)
        return Turn(ms, True, timing=timing)

    async def history(self, session, conversation: str) -> List[dict]:
        async with session.get(f"{self.url}/api/v1/conversations/{conversation}/messages") as r:
            r.raise_for_status()
            return (await r.json())["messages"]


class RasaTarget:
    """Rasa alone over its REST channel, the same way the gateway calls it."""

    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.token = token

    async def open(self, _session, _script: Script) -> Tuple[str, float]:
        return f"bench-{uuid.uuid4().hex}", 0.0

    async def say(self, session, conversation: str, script: Script, text: str) -> Turn:
        started = time.perf_counter()
        body = {"sender": conversation, "message": text, "metadata": {"tenant": script.tenant, "channel": "web"}}
        async with session.post(f"{self.url}/webhooks/rest/webhook", json=body) as response:
            answers = await response.json(content_type=None)
            ms = (time.perf_counter() - started) * 1000
        if response.status != 200:
            return Turn(ms, False, f"HTTP {response.status}")
        return Turn(ms, True) if answers else Turn(ms, False, "no answer")

    async def history(self, session, conversation: str) -> List[dict]:
        async with session.get(f"{self.url}/conversations/{conversation}/tracker", params={"token": self.token}) as r:
            r.raise_for_status()
            return tracker_history((await r.json()).get("events") or [])


# -- processes: memory and CPU ---------------------------------------------------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _proc_table() -> Dict[int, Tuple[int, float]]:
    """pid -> (parent pid, CPU seconds so far) for every process."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) "
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / CLOCK_TICKS)
    return table


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def process_tree(root: int, table: Dict[int, Tuple[int, float]]) -> List[int]:
    """root and all its descendants (Sanic workers, nginx workers)."""
    children: Dict[int, List[int]] = {}
    for pid, (parent, _cpu) in table.items():
        children.setdefault(parent, []).append(pid)
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            tree.append(pid)
            todo.extend(children.get(pid, ()))
    return tree


class ProcessWatch:
    """Samples memory of named process trees each second; CPU time between start and stop."""

    def __init__(self, roots: Dict[str, int], every: float = 1.0):
        self.roots = roots
        self.every = every
        self.peak_rss_kb: Dict[str, int] = {name: 0 for name in roots}
        self.processes: Dict[str, int] = {name: 0 for name in roots}
        self._cpu_start: Dict[str, float] = {}
        self._task: Optional[asyncio.Task] = None

    def _cpu(self, table) -> Dict[str, float]:
        return {name: sum(table[p][1] for p in process_tree(root, table)) for name, root in self.roots.items()}

    def _sample(self) -> Dict[str, float]:
        table = _proc_table()
        for name, root in self.roots.items():
            tree = process_tree(root, table)
            self.processes[name] = max(self.processes[name], len(tree))
            rss = sum(_status_kb(pid, "VmRSS") for pid in tree)
            self.peak_rss_kb[name] = max(self.peak_rss_kb[name], rss)
        return self._cpu(table)

    async def _loop(self) -> None:
        while True:
            self._sample()
            await asyncio.sleep(self.every)

    def start(self) -> None:
        self._cpu_start = self._sample()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> Dict[str, dict]:
        self._task.cancel()
        cpu_end = self._sample()
        table = _proc_table()
        report = {}
        for name, root in self.roots.items():
            tree = process_tree(root, table)
            report[name] = {
                "processes": self.processes[name],
                "peak_rss_mb": round(self.peak_rss_kb[name] / 1024, 1),
                # VmHWM: each process's own peak since it started, added up over the tree
                "vmhwm_mb": round(sum(_status_kb(p, "VmHWM") for p in tree) / 1024, 1),
                "cpu_s": round(cpu_end[name] - self._cpu_start.get(name, cpu_end[name]), 2),
            }
        return report


# -- one level: N users for a while -----------------------------------------------------------


@dataclass
class Played:
    """One conversation as a user played it."""

    id: str
    script: Script
    sent: List[str] = field(default_factory=list)


class Budget:
    """How long a level runs: until a deadline, or until a number of turns has started."""

    def __init__(self, seconds: float, turns: Optional[int] = None):
        self.deadline = time.monotonic() + seconds
        self.turns_left = turns

    def open(self) -> bool:
        if self.turns_left is not None:
            return self.turns_left > 0
        return time.monotonic() < self.deadline

    def take_turn(self) -> bool:
        if self.turns_left is not None:
            self.turns_left -= 1
            return self.turns_left >= 0
        return time.monotonic() < self.deadline


async def run_user(
    target,
    session,
    scripts: Sequence[Script],
    first: int,
    budget: Budget,
    turns: List[Turn],
    played: List[Played],
    think: float = 0.0,
) -> None:
    """One user: conversation after conversation; before each message it reads and types
    for `think` seconds on average (uniformly 0.5x to 1.5x; 0: at once)."""
    index = first
    pauses = random.Random(first)  # the same pauses in every run
    while budget.open():
        script = scripts[index % len(scripts)]
        index += 1
        try:
            conversation, _ms = await target.open(session, script)
        except Exception as error:  # counted, and this user tries the next conversation
            turns.append(Turn(0.0, False, f"open: {type(error).__name__}"))
            await asyncio.sleep(1)
            continue
        record = Played(conversation, script)
        played.append(record)
        for text in script.turns:
            if think:
                await asyncio.sleep(think * pauses.uniform(0.5, 1.5))
            if not budget.take_turn():
                return
            record.sent.append(text)
            try:
                turn = await target.say(session, conversation, script, text)
            except Exception as error:  # a timeout or a dropped connection is an error too
                turn = Turn(REQUEST_TIMEOUT * 1000, False, type(error).__name__)
            turns.append(turn)


async def run_level(
    target,
    session,
    scripts: Sequence[Script],
    users: int,
    budget: Budget,
    watch_roots: Dict[str, int],
    think: float = 0.0,
) -> dict:
    turns: List[Turn] = []
    played: List[Played] = []
    watch = ProcessWatch(watch_roots)
    watch.start()
    cpu_client = resource.getrusage(resource.RUSAGE_SELF)
    started = time.monotonic()
    await asyncio.gather(
        *(run_user(target, session, scripts, user, budget, turns, played, think) for user in range(users))
    )
    elapsed = time.monotonic() - started
    processes = await watch.stop()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    checks = await asyncio.gather(*(_check(target, session, p) for p in played))
    level = summarise(
        users,
        elapsed,
        turns,
        checks,
        processes,
        client_cpu_s=(cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_client.ru_utime + cpu_client.ru_stime),
    )
    level["think_s"] = think
    return level


async def _check(target, session, played: Played) -> HistoryCheck:
    try:
        return check_history(played.sent, await target.history(session, played.id))
    except Exception:  # the history itself is gone or unreadable: everything sent is lost
        return HistoryCheck(sent=len(played.sent), stored=0, answered=0, out_of_order=0)


def _ms(value: Optional[float]) -> Optional[float]:
    return None if value is None else round(value, 1)


def summarise(
    users: int,
    elapsed: float,
    turns: Sequence[Turn],
    checks: Sequence[HistoryCheck],
    processes: Dict[str, dict],
    client_cpu_s: float = 0.0,
) -> dict:
    latencies = [t.ms for t in turns if t.ok]
    timed = [t.timing for t in turns if "total" in t.timing and "rasa" in t.timing]
    overhead = [t["total"] - t["rasa"] for t in timed]
    problems: Dict[str, int] = {}
    for turn in turns:
        if not turn.ok:
            problems[turn.problem or "?"] = problems.get(turn.problem or "?", 0) + 1
    level = {
        "users": users,
        "seconds": round(elapsed, 1),
        "turns": len(turns),
        "turns_per_s": round(len(turns) / elapsed, 2) if elapsed else 0.0,
        "p50_ms": _ms(percentile(latencies, 50)),
        "p95_ms": _ms(percentile(latencies, 95)),
        "p99_ms": _ms(percentile(latencies, 99)),
        "max_ms": _ms(max(latencies) if latencies else None),
        "errors": len(turns) - len(latencies),
        "error_kinds": problems,
        "conversations": len(checks),
        "lost": sum(c.lost for c in checks),
        "out_of_order": sum(c.out_of_order for c in checks),
        "processes": processes,
        "client_cpu_s": round(client_cpu_s, 2),
    }
    if timed:  # the gateway's own time per turn, measured inside it (Server-Timing)
        level["gateway_overhead_p50_ms"] = _ms(percentile(overhead, 50))
        level["gateway_overhead_p95_ms"] = _ms(percentile(overhead, 95))
        level["gateway_db_p50_ms"] = _ms(percentile([t.get("db", 0.0) for t in timed], 50))
        level["gateway_own_p50_ms"] = _ms(percentile([t.get("gw", 0.0) for t in timed], 50))
    for figures in processes.values():
        if turns:
            figures["cpu_ms_per_turn"] = round(figures["cpu_s"] * 1000 / len(turns), 1)
    return level


# -- profiles: which processes run -----------------------------------------------------------


class EmbeddedProfile:
    """scripts/stack.py Stack: one gateway, Rasa and action server; SQLite in a temp dir."""

    name = "embedded"

    def __init__(self, data: Path):
        from scripts.stack import Stack

        self.stack = Stack(
            rasa_port=free_port(),
            action_port=free_port(),
            gateway_port=free_port(),
            log_dir=data / "log",
            extra_env={
                "TRACKER_STORE_URL": f"sqlite:///{data / 'tracker.db'}",
                "DATABASE_URL": f"sqlite:///{data / 'leerwijzer.db'}",
                **BENCH_RATE_LIMITS,
            },
        )

    def start(self) -> None:
        self.stack.start(timeout=600)

    def stop(self) -> None:
        self.stack.stop()

    @property
    def gateway_url(self) -> str:
        return self.stack.gateway_url

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def rasa_token(self) -> str:
        return self.stack.env["RASA_TOKEN"]

    def pids(self) -> Dict[str, int]:
        return {s.name: s.process.pid for s in self.stack.services}


class ScaledProfile:
    """scripts/stack.py ScaledStack: 2 gateways, 2 Rasa, 2 action servers behind nginx;
    PostgreSQL and Redis. Its own fresh database and Redis database, so nothing else's data
    is touched or counted."""

    name = "scaled"

    def __init__(self, data: Path):
        from scripts.stack import ScaledStack

        self.stack = ScaledStack(
            database="leerwijzer_load_bench",
            redis_url="redis://127.0.0.1:6379/9",
            fresh=True,
            log_dir=data / "log",
            nginx_dir=data / "nginx",
            extra_env=dict(BENCH_RATE_LIMITS),
        )

    def start(self) -> None:
        self.stack.start(timeout=900)

    def stop(self) -> None:
        self.stack.stop()

    @property
    def gateway_url(self) -> str:
        return self.stack.gateway_url

    @property
    def rasa_url(self) -> str:
        return self.stack.rasa_url

    @property
    def rasa_token(self) -> str:
        return self.stack.env["RASA_TOKEN"]

    def pids(self) -> Dict[str, int]:
        return self.stack.processes()


# -- the run ------------------------------------------------------------------------------------


def machine_state() -> dict:
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    return {"load_average": [round(v, 2) for v in os.getloadavg()], "uptime": uptime, "cpus": os.cpu_count()}


def print_level(target: str, level: dict) -> None:
    def f(value, width=6, digits=0):
        return f"{'-':>{width}}" if value is None else f"{value:{width}.{digits}f}"

    line = (
        f"{target:9} N={level['users']:<3} {level['turns']:6d} {level['turns_per_s']:7.1f} "
        f"{f(level['p50_ms'])} {f(level['p95_ms'])} {f(level['p99_ms'])} "
        f"{level['errors']:6d} {level['lost']:5d} "
        f"{f(level.get('gateway_overhead_p50_ms'), 7, 1)} "
        f"{f(level.get('gateway_overhead_p95_ms'), 7, 1)}"
    )
    print(line, flush=True)
    if level["error_kinds"]:
        print(f"{'':14}errors: {level['error_kinds']}", flush=True)
    memory = ", ".join(
        f"{name} {p['peak_rss_mb']:.0f} MB/{p['processes']}p cpu {p.get('cpu_ms_per_turn', 0):.0f} ms/turn"
        for name, p in level["processes"].items()
    )
    print(f"{'':14}peak RSS: {memory}", flush=True)


HEADER = (
    f"{'target':9} {'N':5} {'turns':>6} {'turns/s':>7} {'p50':>6} {'p95':>6} {'p99':>6} "
    f"{'errors':>6} {'lost':>5} {'gw p50':>7} {'gw p95':>7}"
)


async def bench_profile(
    profile, scripts, args, results: dict, capacity: dict, with_rasa: bool, with_gateway: bool
) -> None:
    import aiohttp

    targets = []
    if with_rasa:
        targets.append(("rasa", RasaTarget(profile.rasa_url, profile.rasa_token)))
    if with_gateway:
        targets.append((profile.name, GatewayTarget(profile.gateway_url)))
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        for _name, target in targets:  # warm-up: first answers load lazy parts; not counted
            await run_level(target, session, scripts, 2, Budget(0, args.warmup_turns), profile.pids())
        for users in args.users:
            for name, target in targets:  # the same N back to back: comparable machine load
                level = await run_level(
                    target, session, scripts, users, Budget(args.seconds, args.turns), profile.pids(), think=args.think
                )
                level["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
                results.setdefault(name, []).append(level)
                print_level(name, level)
        for name, target in targets:  # capacity: no pauses, as many turns as it can answer
            if not args.capacity_users:
                break
            level = await run_level(
                target, session, scripts, args.capacity_users, Budget(args.capacity_seconds), profile.pids()
            )
            level["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
            capacity.setdefault(name, []).append(level)
            print_level(f"{name}*", level)


def verdict(results: Dict[str, List[dict]]) -> List[str]:
    lines = []
    for name, levels in results.items():
        at = next((lv for lv in levels if lv["users"] == TARGET_USERS), None)
        if at is None:
            continue
        ok = at["p95_ms"] is not None and at["p95_ms"] < TARGET_P95_MS and at["errors"] == 0 and at["lost"] == 0
        lines.append(
            f"{name}: N={TARGET_USERS} p95 {at['p95_ms']} ms, {at['errors']} errors, "
            f"{at['lost']} lost -> {'target met' if ok else 'target NOT met'} "
            f"(p95 < {TARGET_P95_MS:.0f} ms, 0 errors, 0 lost)"
        )
    for name, levels in results.items():
        overheads = [lv["gateway_overhead_p50_ms"] for lv in levels if "gateway_overhead_p50_ms" in lv]
        if overheads:
            worst = max(overheads)
            lines.append(
                f"{name}: gateway overhead p50 per level {overheads} ms -> "
                f"{'target met' if worst < TARGET_OVERHEAD_MS else 'target NOT met'} "
                f"(< {TARGET_OVERHEAD_MS:.0f} ms)"
            )
    return lines


def client_side_overhead(results: Dict[str, List[dict]]) -> Dict[str, List[dict]]:
    """Gateway p50/p95 minus Rasa-alone p50/p95 at the same N (includes the extra HTTP hop
    and the queueing in front of Rasa)."""
    rasa = {lv["users"]: lv for lv in results.get("rasa", [])}
    out = {}
    for name, levels in results.items():
        if name == "rasa":
            continue
        out[name] = [
            {
                "users": lv["users"],
                "p50_minus_rasa_ms": _ms(lv["p50_ms"] - rasa[lv["users"]]["p50_ms"]),
                "p95_minus_rasa_ms": _ms(lv["p95_ms"] - rasa[lv["users"]]["p95_ms"]),
            }
            for lv in levels
            if lv["users"] in rasa and None not in (lv["p50_ms"], rasa[lv["users"]]["p50_ms"])
        ]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--users",
        default=",".join(map(str, LEVELS)),
        help="concurrent users per level, comma-separated (default 1,5,10,20,50)",
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of each level")
    parser.add_argument(
        "--think",
        type=float,
        default=4.0,
        help="mean seconds a user reads and types before each message (uniform 0.5x-1.5x; 0 = send at once)",
    )
    parser.add_argument(
        "--capacity-users", type=int, default=20, help="after the levels: this many users without pauses (0: skip)"
    )
    parser.add_argument("--capacity-seconds", type=float, default=45.0)
    parser.add_argument("--turns", type=int, help="end each level after this many turns instead")
    parser.add_argument("--warmup-turns", type=int, default=12)
    parser.add_argument(
        "--profiles", default="rasa,embedded,scaled", help="which to run: rasa (Rasa alone), embedded, scaled"
    )
    parser.add_argument(
        "--quick", action="store_true", help="development: N = 1,5, 10 s per level, result in a *.tmp file"
    )
    parser.add_argument("--out", help="JSON file (default benchmarks/results/load-...json)")
    args = parser.parse_args()
    if args.quick:
        args.users, args.seconds, args.warmup_turns = "1,5", min(args.seconds, 10.0), 4
        args.think, args.capacity_users, args.capacity_seconds = min(args.think, 1.0), 5, 10.0
    args.users = [int(n) for n in args.users.split(",")]
    profiles = {p.strip() for p in args.profiles.split(",") if p.strip()}
    if not any((ROOT / "models").glob("*.tar.gz")):
        print("No trained model in models/: run `make train` first.", file=sys.stderr)
        return 1
    scripts = load_scripts()

    started = datetime.now(timezone.utc)
    report = {
        "benchmark": "load",
        "started": started.isoformat(timespec="seconds"),
        "machine_before": machine_state(),
        "settings": {
            "users": args.users,
            "seconds_per_level": args.seconds,
            "think_s_mean": args.think,
            "capacity_users": args.capacity_users,
            "capacity_seconds": args.capacity_seconds,
            "turns_per_level": args.turns,
            "warmup_turns": args.warmup_turns,
            "conversations": [s.name for s in scripts],
            "rate_limits_raised": BENCH_RATE_LIMITS,
        },
        "targets": {"users": TARGET_USERS, "p95_ms": TARGET_P95_MS, "gateway_overhead_ms": TARGET_OVERHEAD_MS},
        "results": {},
        "capacity": {},
        "notes": [],
    }
    print(
        f"Load benchmark: {len(scripts)} conversations, levels N={args.users}, "
        f"{args.turns or args.seconds} {'turns' if args.turns else 's'} per level; each user "
        f"pauses {args.think} s on average before a message (reading, typing). Then "
        f"capacity (*): {args.capacity_users} users without pauses for "
        f"{args.capacity_seconds} s."
    )
    print(
        "Gateway rate limits raised for this benchmark's stack only: "
        + ", ".join(f"{k}={v}" for k, v in BENCH_RATE_LIMITS.items())
    )
    print(f"Machine: {report['machine_before']['uptime']}\n")
    print(HEADER + "   (times in ms; gw = gateway's own time per turn, Server-Timing)")
    results: Dict[str, List[dict]] = report["results"]
    runs = []
    if profiles & {"rasa", "embedded"}:
        runs.append(("embedded", "rasa" in profiles, "embedded" in profiles))
    if "scaled" in profiles:
        runs.append(("scaled", False, True))
    for kind, with_rasa, with_gateway in runs:
        data = Path(tempfile.mkdtemp(prefix=f"load-bench-{kind}-"))
        profile = EmbeddedProfile(data) if kind == "embedded" else ScaledProfile(data)
        print(f"-- starting the {kind} stack (logs in {data / 'log'}) ...", flush=True)
        try:
            profile.start()
        except RuntimeError as error:  # e.g. PostgreSQL, Redis or nginx missing: say so, go on
            note = f"{kind}: NOT RUN - could not start: {error}"
            report["notes"].append(note)
            print(note, flush=True)
            continue
        try:
            asyncio.run(bench_profile(profile, scripts, args, results, report["capacity"], with_rasa, with_gateway))
        finally:
            profile.stop()

    report["client_side_overhead"] = client_side_overhead(results)
    report["machine_after"] = machine_state()
    report["finished"] = datetime.now(timezone.utc).isoformat(timespec="seconds")
    print()
    for line in verdict(results) + [
        f"{name}: gateway p50 minus Rasa-alone p50 at the same N: "
        f"{[(o['users'], o['p50_minus_rasa_ms']) for o in rows]} ms"
        for name, rows in report["client_side_overhead"].items()
    ]:
        print(line)
    print(f"Machine after: {report['machine_after']['uptime']}")
    print("Note: the load generator runs on the same 2 cores (its CPU time is in the JSON).")

    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%d-%H%M")
    kinds = "-".join(sorted(results)) or "none"
    out = (
        Path(args.out)
        if args.out
        else (RESULTS / (f"load-quick-{stamp}.json.tmp" if args.quick else f"load-{kinds}-{stamp}.json"))
    )
    out.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.quick and not args.out:  # a stable name for the latest full run
        latest = RESULTS / "load-latest.json"
        latest.unlink(missing_ok=True)
        latest.symlink_to(out.name)
    print(f"Written: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
