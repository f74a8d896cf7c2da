"""Latency per user message of a whole advice conversation over Rasa's REST channel.

    python benchmarks/conversation_bench.py [--runs 6] [--json out.json]

Starts the action server and Rasa (trained model in models/) on free ports, with fresh
tracker and knowledge databases, and puts a small timing proxy between Rasa and the action
server, so each turn splits into
  total   time of POST /webhooks/rest/webhook (what a user waits for, without the gateway)
  actions time spent in the action server (all its calls during the turn, e.g. the form's
          validation, the question, the search), as seen by Rasa
  rasa    total - actions: NLU, policies, tracker store, REST; of which
  nlu     the same text parsed alone (POST /model/parse, measured right after the turn).
  cpu     CPU time the Rasa server and the action server used for the turn (all threads,
          /proc/<pid>/task/*/schedstat): close to the latency on an otherwise idle machine,
          and far less disturbed than wall time when other work shares the CPUs.
The conversation is scripts/demo_conversation.CONVERSATION, played --runs times one after
the other (one user at a time); the first run warms up and is not counted. Prints p50/p95
per turn and overall. Target on this machine: p95 < 250 ms per turn.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from aiohttp import ClientSession, web

from scripts.demo_conversation import CONVERSATION, free_port, play
from scripts.stack import Stack


class TimingProxy:
    """Forwards Rasa's action calls to the action server and adds up their time."""

    def __init__(self, target: str):
        self.target = target
        self.seconds = 0.0
        self.calls = 0
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._started = threading.Event()

    async def _forward(self, request: web.Request) -> web.Response:
        body = await request.read()
        started = time.perf_counter()
        target = f"{self.target}?{request.query_string}" if request.query_string else self.target
        async with self._session.post(
            target,
            data=body,  # the query has Rasa's token
            headers={"Content-Type": "application/json"},
        ) as response:
            payload = await response.read()
            status = response.status
        self.seconds += time.perf_counter() - started
        self.calls += 1
        return web.Response(body=payload, status=status, content_type="application/json")

    def reset(self) -> None:
        self.seconds, self.calls = 0.0, 0

    def start(self) -> None:
        threading.Thread(target=self._run, daemon=True).start()
        self._started.wait(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)

        async def serve():
            self._session = ClientSession()
            app = web.Application()
            app.router.add_post("/webhook", self._forward)
            runner = web.AppRunner(app, access_log=None)
            await runner.setup()
            await web.TCPSite(runner, "127.0.0.1", self.port).start()
            self._started.set()

        self._loop.run_until_complete(serve())
        self._loop.run_forever()


def cpu_ms(pids: List[int]) -> float:
    """CPU time used so far by these processes and their threads (Linux)."""
    total = 0
    for pid in pids:
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass  # a thread that just ended
    return total / 1e6


def parse_ms(stack: Stack, text: str) -> float:
    """Time of NLU alone for a text (Rasa's HTTP API, behind the token)."""
    request = urllib.request.Request(
        f"{stack.rasa_url}/model/parse?token={stack.env['RASA_TOKEN']}",
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
    )
    started = time.perf_counter()
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()
    return (time.perf_counter() - started) * 1000


def has_model() -> bool:
    """A trained model in models/; if not, says so on stderr."""
    if any((ROOT / "models").glob("*.tar.gz")):
        return True
    print("No trained model in models/: run `make train` first.", file=sys.stderr)
    return False


def percentile(values: List[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=6, help="conversations (first is warm-up)")
    parser.add_argument("--tenant", default="brabant")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not has_model():
        return 1

    data = Path(tempfile.mkdtemp(prefix="conversation-bench-"))
    action_port = free_port()
    proxy = TimingProxy(f"http://127.0.0.1:{action_port}/webhook")
    proxy.start()
    stack = Stack(
        rasa_port=free_port(),
        action_port=action_port,
        with_gateway=False,
        log_dir=data / "log",
        extra_env={
            "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{proxy.port}/webhook",
            "TRACKER_STORE_URL": f"sqlite:///{data / 'tracker.db'}",
            "DATABASE_URL": f"sqlite:///{data / 'leerwijzer.db'}",
        },
    )
    print("Starting action server and Rasa ...", flush=True)
    stack.start(timeout=600)  # a busy machine loads the model slowly
    per_turn: Dict[int, Dict[str, List[float]]] = {
        i: {"total": [], "actions": [], "rasa": [], "nlu": [], "cpu": []} for i in range(len(CONVERSATION))
    }
    pids = [service.process.pid for service in stack.services]
    try:
        for run in range(args.runs):
            for i, (text, note) in enumerate(CONVERSATION):
                proxy.reset()
                cpu_before = cpu_ms(pids)
                turn = play(stack.rasa_url, args.tenant, sender=f"bench-{run}", conversation=[(text, note)], out=None)[
                    0
                ]
                if run == 0:
                    continue  # warm-up
                per_turn[i]["total"].append(turn["seconds"] * 1000)
                per_turn[i]["actions"].append(proxy.seconds * 1000)
                per_turn[i]["rasa"].append((turn["seconds"] - proxy.seconds) * 1000)
                per_turn[i]["cpu"].append(cpu_ms(pids) - cpu_before)
                per_turn[i]["nlu"].append(parse_ms(stack, text))
    finally:
        stack.stop()

    counted = args.runs - 1
    print(
        f"\nAdvice conversation over REST: {len(CONVERSATION)} turns x {counted} runs "
        f"(one user; first run not counted). Times in ms.\n"
    )
    header = (
        f"{'#':>2}  {'user message':44} {'p50':>6} {'p95':>6} {'act p50':>8} {'act p95':>8} "
        f"{'rasa p50':>9} {'nlu p50':>8} {'cpu p50':>8} {'cpu p95':>8}"
    )
    print(header)
    print("-" * len(header))
    for i, (text, _) in enumerate(CONVERSATION):
        t, a, r, n, c = (per_turn[i][k] for k in ("total", "actions", "rasa", "nlu", "cpu"))
        print(
            f"{i + 1:>2}  {text[:44]:44} {percentile(t, 50):6.0f} {percentile(t, 95):6.0f} "
            f"{percentile(a, 50):8.0f} {percentile(a, 95):8.0f} {percentile(r, 50):9.0f} "
            f"{percentile(n, 50):8.0f} {percentile(c, 50):8.0f} {percentile(c, 95):8.0f}"
        )
    all_total = [v for d in per_turn.values() for v in d["total"]]
    all_actions = [v for d in per_turn.values() for v in d["actions"]]
    all_rasa = [v for d in per_turn.values() for v in d["rasa"]]
    all_nlu = [v for d in per_turn.values() for v in d["nlu"]]
    all_cpu = [v for d in per_turn.values() for v in d["cpu"]]
    summary = {
        "turns": len(CONVERSATION),
        "runs_counted": counted,
        "total_p50_ms": percentile(all_total, 50),
        "total_p95_ms": percentile(all_total, 95),
        "total_max_ms": max(all_total),
        "actions_p50_ms": percentile(all_actions, 50),
        "actions_p95_ms": percentile(all_actions, 95),
        "rasa_p50_ms": percentile(all_rasa, 50),
        "rasa_p95_ms": percentile(all_rasa, 95),
        "nlu_p50_ms": percentile(all_nlu, 50),
        "nlu_p95_ms": percentile(all_nlu, 95),
        "cpu_p50_ms": percentile(all_cpu, 50),
        "cpu_p95_ms": percentile(all_cpu, 95),
        "mean_ms": statistics.mean(all_total),
    }
    print(
        f"\nall turns: p50 {summary['total_p50_ms']:.0f} ms, p95 {summary['total_p95_ms']:.0f} ms, "
        f"max {summary['total_max_ms']:.0f} ms | action server p50 {summary['actions_p50_ms']:.0f} ms, "
        f"p95 {summary['actions_p95_ms']:.0f} ms | Rasa (NLU + policies + store) p50 "
        f"{summary['rasa_p50_ms']:.0f} ms, p95 {summary['rasa_p95_ms']:.0f} ms, of which NLU alone "
        f"p50 {summary['nlu_p50_ms']:.0f} ms, p95 {summary['nlu_p95_ms']:.0f} ms"
    )
    print(
        f"CPU per turn (Rasa + action server): p50 {summary['cpu_p50_ms']:.0f} ms, p95 {summary['cpu_p95_ms']:.0f} ms"
    )
    print(f"target p95 < 250 ms: {'met' if summary['total_p95_ms'] < 250 else 'NOT met'} (wall time)")
    # Other work on the machine slows Rasa down; say how busy it was.
    summary["load_average_1m"] = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average (1 min) at the end: {summary['load_average_1m']:.1f}")
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"summary": summary, "per_turn": {CONVERSATION[i][0]: v for i, v in per_turn.items()}},
                indent=2,
                ensure_ascii=False,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
