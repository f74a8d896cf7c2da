"""What one turn costs: Leerwijzer's Rasa against a plain `rasa init` moodbot, side by side.

    python benchmarks/turn_cost.py [--rounds 8] [--long 50] [--json out.json]   (make bench-turn)

1. Builds the moodbot with `rasa init --no-prompt` in a temporary folder (trained there, with
   this same Rasa; nothing of it is kept) and starts it with `rasa run --enable-api`
   (in-memory tracker store, no action server: Rasa's own defaults).
2. Starts Leerwijzer as `make run` does (action server, Rasa through rasa_server/ with the SQL
   tracker store, gateway), on free ports and fresh databases.
3. Plays, interleaved turn by turn so both see the same machine: the advice conversation
   (scripts/demo_conversation.CONVERSATION, 12 turns, without the handoff) to Leerwijzer's Rasa
   over REST, a 12-turn moodbot conversation to the moodbot over REST, and the advice
   conversation through the gateway's message API (its Server-Timing header gives the
   gateway's own time per turn). --rounds conversations each; the first round warms up.
4. One long conversation per bot (--long turns, three times): per-turn time at turn 5, 20 and
   50 (median of the turns around it over the runs), to see whether a turn gets dearer as the
   conversation grows (tracker store, featurising the whole history).
5. Peak RSS (VmHWM) of each Rasa server process, and each one's start-up time (start until its
   HTTP server answers, i.e. the model is loaded).

Prints p50/p95 per bot and the ratios; the goal of issue 14 is project p95 <= 1.5x moodbot p95
and the gateway adding < 10 ms at p95.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.conversation_bench import has_model, percentile
from benchmarks.load_bench import parse_server_timing
from scripts.demo_conversation import CONVERSATION, send
from scripts.stack import VENV_BIN, Service, Stack, free_port, start_services

# 12 turns: the intake, a search, details, a correction, funding, enrolling (no handoff)
ADVICE = [text for text, _ in CONVERSATION if "adviseur" not in text][:12]
# what comes after the intake in a long advice conversation, in a loop
ADVICE_LOOP = ADVICE[4:] + [
    "wat is het stap-budget?",
    "zoek iets over zonnepanelen",
    "vertel meer over de eerste",
    "wat kost dat?",
]
# the moodbot's own stories and rules (happy path, both sad paths, bot challenge, goodbye)
MOODBOT = [
    "hi",
    "I am great",
    "hello",
    "I am sad",
    "yes",
    "hey",
    "not good",
    "no",
    "are you a bot?",
    "good morning",
    "very good",
    "bye",
]
LONG_AT = (5, 20, 50)


def post_json(url: str, body: Dict[str, Any]) -> Tuple[Any, Dict[str, str]]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), method="POST", headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode() or "null"), dict(response.headers)


def timed_rest(url: str, sender: str, text: str, tenant: Optional[str]) -> float:
    started = time.perf_counter()
    answers = send(url, sender, text, tenant, timeout=60)
    ms = (time.perf_counter() - started) * 1000
    if not answers:
        raise RuntimeError(f"no answer from {url} to {text!r}")
    return ms


class GatewayUser:
    """One conversation through the gateway's message API (bot/README.md)."""

    def __init__(self, url: str, tenant: str):
        self.url = url
        body, _ = post_json(f"{url}/api/v1/conversations", {"tenant": tenant})
        self.id = body["conversation_id"]

    def say(self, text: str) -> Tuple[float, Dict[str, float]]:
        started = time.perf_counter()
        body, headers = post_json(f"{self.url}/api/v1/conversations/{self.id}/messages", {"text": text})
        ms = (time.perf_counter() - started) * 1000
        if not body.get("messages"):
            raise RuntimeError(f"no answer from the gateway to {text!r}")
        return ms, parse_server_timing(headers.get("Server-Timing"))


def tree_peak_rss_mb(pid: int) -> float:
    """Largest VmHWM (peak resident memory) in the process and its children, in MB."""
    peak = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-g", str(os.getpgid(pid))], capture_output=True, text=True)
        pids += [int(p) for p in out.stdout.split()]
    except (ProcessLookupError, ValueError):
        pass
    for p in set(pids):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
    return peak / 1024


def build_moodbot(folder: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(folder)],
        cwd=folder,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
    )
    return time.perf_counter() - started


def start_timed(services: List[Service]) -> float:
    started = time.perf_counter()
    start_services(services, timeout=900)
    return time.perf_counter() - started


def summary(values: List[float]) -> Dict[str, float]:
    return {"p50": percentile(values, 50), "p95": percentile(values, 95), "n": len(values)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8, help="conversations per bot (first warms up)")
    parser.add_argument("--long", type=int, default=50, help="turns of the long conversation")
    parser.add_argument("--tenant", default="brabant")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    if not has_model():
        return 1

    work = Path(tempfile.mkdtemp(prefix="turn-cost-"))
    moodbot_dir = work / "moodbot"
    moodbot_dir.mkdir()
    print("Building the moodbot (rasa init --no-prompt) ...", flush=True)
    moodbot_train_s = build_moodbot(moodbot_dir)
    mood_port = free_port()
    moodbot = Service(
        "moodbot",
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--enable-api",
            "-m",
            str(moodbot_dir / "models"),
            "-i",
            "127.0.0.1",
            "-p",
            str(mood_port),
            # its own (empty) endpoints: in-memory tracker store, no action server
            "--endpoints",
            str(moodbot_dir / "endpoints.yml"),
            "--credentials",
            str(moodbot_dir / "credentials.yml"),
        ],
        f"http://127.0.0.1:{mood_port}/",
        {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"},
        work / "log" / "moodbot.log",
    )
    stack = Stack(
        rasa_port=free_port(),
        action_port=free_port(),
        gateway_port=free_port(),
        log_dir=work / "log",
        extra_env={
            "TRACKER_STORE_URL": f"sqlite:///{work / 'tracker.db'}",
            "DATABASE_URL": f"sqlite:///{work / 'leerwijzer.db'}",
        },
    )
    rasa_service = next(s for s in stack.services if s.name == "Rasa server")
    mood_url = f"http://127.0.0.1:{mood_port}"
    try:
        print("Starting the moodbot ...", flush=True)
        moodbot_start_s = start_timed([moodbot])
        print("Starting Leerwijzer (action server, Rasa, gateway) ...", flush=True)
        project_start_s = start_timed(stack.services)
        gateway = f"http://127.0.0.1:{stack.gateway_port}"

        times: Dict[str, List[float]] = {"project": [], "moodbot": [], "gateway": [], "gw": []}
        for round_ in range(args.rounds):
            sender = uuid.uuid4().hex[:10]
            user = GatewayUser(gateway, args.tenant)
            for i in range(12):
                project = timed_rest(stack.rasa_url, f"p-{sender}", ADVICE[i], args.tenant)
                mood = timed_rest(mood_url, f"m-{sender}", MOODBOT[i], None)
                through, timing = user.say(ADVICE[i])
                if round_ == 0:
                    continue  # warm-up
                times["project"].append(project)
                times["moodbot"].append(mood)
                times["gateway"].append(through)
                times["gw"].append(timing.get("gw", float("nan")))

        long_turns: Dict[str, List[List[float]]] = {"project": [], "moodbot": []}
        for _run in range(3):
            sender = uuid.uuid4().hex[:10]
            project_run: List[float] = []
            mood_run: List[float] = []
            for i in range(args.long + 2):
                text = ADVICE[i] if i < 4 else ADVICE_LOOP[(i - 4) % len(ADVICE_LOOP)]
                project_run.append(timed_rest(stack.rasa_url, f"long-p-{sender}", text, args.tenant))
                mood_run.append(timed_rest(mood_url, f"long-m-{sender}", MOODBOT[i % 12], None))
            long_turns["project"].append(project_run)
            long_turns["moodbot"].append(mood_run)

        rss = {"project": tree_peak_rss_mb(rasa_service.process.pid), "moodbot": tree_peak_rss_mb(moodbot.process.pid)}
    finally:
        stack.stop()
        moodbot.stop()

    result: Dict[str, Any] = {name: summary(values) for name, values in times.items()}
    at: Dict[str, Dict[int, float]] = {}
    for bot, runs in long_turns.items():
        at[bot] = {}
        for turn in LONG_AT:
            if turn > args.long:
                continue
            window = [run[i] for run in runs for i in range(turn - 2, min(turn + 1, len(run)))]
            at[bot][turn] = statistics.median(window)
    ratio50 = result["project"]["p50"] / result["moodbot"]["p50"]
    ratio95 = result["project"]["p95"] / result["moodbot"]["p95"]
    result.update(
        {
            "ratio_p50": ratio50,
            "ratio_p95": ratio95,
            "long": at,
            "peak_rss_mb": rss,
            "start_s": {"project": project_start_s, "moodbot": moodbot_start_s},
            "moodbot_build_s": moodbot_train_s,
            "load_average_1m": os.getloadavg()[0],
        }
    )

    counted = args.rounds - 1
    print(
        f"\nOne turn over Rasa's REST channel, one user, {counted} x 12 turns each "
        f"(interleaved; first round not counted). Times in ms.\n"
    )
    print(f"{'':34} {'p50':>7} {'p95':>7}")
    print(f"{'Leerwijzer Rasa (REST)':34} {result['project']['p50']:7.0f} {result['project']['p95']:7.0f}")
    print(f"{'moodbot (rasa init, REST)':34} {result['moodbot']['p50']:7.0f} {result['moodbot']['p95']:7.0f}")
    print(f"{'ratio':34} {ratio50:7.2f} {ratio95:7.2f}   (goal p95 <= 1.5)")
    print(f"{'Leerwijzer through the gateway':34} {result['gateway']['p50']:7.0f} {result['gateway']['p95']:7.0f}")
    print(
        f"{'  of which the gateway itself (gw)':34} {result['gw']['p50']:7.1f} {result['gw']['p95']:7.1f}"
        "   (goal p95 < 10)"
    )
    print(f"\nLong conversation ({args.long} turns, 3 runs; median of turns n-1..n+1), ms:")
    for bot in at:
        print(f"  {bot:10} " + "  ".join(f"turn {t}: {v:5.0f}" for t, v in at[bot].items()))
    print(f"\nPeak RSS of the Rasa server: Leerwijzer {rss['project']:.0f} MB, moodbot {rss['moodbot']:.0f} MB")
    print(
        f"Start-up until the HTTP server answers (model loaded): Leerwijzer {project_start_s:.1f} s "
        f"(three processes, in parallel), moodbot {moodbot_start_s:.1f} s; moodbot built and "
        f"trained in {moodbot_train_s:.0f} s"
    )
    print(f"machine: {os.cpu_count()} CPUs, load average (1 min) at the end: {result['load_average_1m']:.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
