"""How fast the WhatsApp webhook acknowledges Meta's deliveries, and that duplicates stay
unanswered.

Starts a fake Graph API (tests/fakes/graph_api.py) in this process and a gateway as its own
process (`python -m bot`, temporary SQLite database unless --database-url is given) with the
WhatsApp channel pointing at the fake. Then posts signed deliveries (one text message each,
--users different senders) and measures the time from sending the POST to the 200:
  sequential    one delivery after the other
  concurrent    --concurrency deliveries at a time
  duplicates    every delivery of the sequential run again (Meta's retries)
It also reports the time until the answer reached the fake Graph API (Rasa is down unless
--rasa-url is given, so the answer is the gateway's notice), and counts the answers: one per
message, none for the duplicates. Meta expects the 200 within a few seconds.

    .venv/bin/python benchmarks/whatsapp_ack.py [--messages 200] [--concurrency 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import List

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.channels.whatsapp.signature import sign
from tests.fakes.graph_api import FakeGraphAPI

SECRET = "bench-app-secret"
TOKEN = "bench-access-token"
PHONE_NUMBER_ID = "106540352242922"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def delivery(user: str, text: str) -> bytes:
    return json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {"display_phone_number": "31850001234", "phone_number_id": PHONE_NUMBER_ID},
                                "contacts": [{"profile": {"name": "Bench"}, "wa_id": user}],
                                "messages": [
                                    {
                                        "from": user,
                                        "id": "wamid.BENCH" + secrets.token_urlsafe(24),
                                        "timestamp": str(int(time.time())),
                                        "type": "text",
                                        "text": {"body": text},
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()


def figures(name: str, seconds: List[float]) -> str:
    ms = sorted(s * 1000 for s in seconds)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    return f"{name:<12} n={len(ms):<4} p50 {statistics.median(ms):7.1f} ms   p95 {p95:7.1f} ms   max {ms[-1]:7.1f} ms"


async def post(session, url: str, raw: bytes) -> float:
    started = time.perf_counter()
    async with session.post(
        url, data=raw, headers={"Content-Type": "application/json", "X-Hub-Signature-256": sign(SECRET, raw)}
    ) as r:
        await r.read()
        if r.status != 200:
            raise RuntimeError(f"webhook answered {r.status}")
    return time.perf_counter() - started


async def wait_for(predicate, timeout: float) -> float:
    started = time.perf_counter()
    while not predicate():
        if time.perf_counter() - started > timeout:
            raise RuntimeError("timed out waiting for the answers")
        await asyncio.sleep(0.02)
    return time.perf_counter() - started


async def main(args) -> None:
    graph = FakeGraphAPI(TOKEN, PHONE_NUMBER_ID)
    await graph.start()
    workdir = tempfile.mkdtemp(prefix="wa-bench-")
    port = free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "GATEWAY_HOST": "127.0.0.1",
        "DATABASE_URL": args.database_url or f"sqlite:///{workdir}/bench.db",
        "RASA_URL": args.rasa_url or f"http://127.0.0.1:{free_port()}",
        "GATEWAY_RATE_CONVERSATION": "100000/60",
        "WHATSAPP_APP_SECRET": SECRET,
        "WHATSAPP_VERIFY_TOKEN": "bench",
        "WHATSAPP_ACCESS_TOKEN": TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": PHONE_NUMBER_ID,
        "WHATSAPP_TENANT": "twente",
        "WHATSAPP_GRAPH_URL": graph.url,
    }
    log = open(Path(workdir) / "gateway.log", "wb")
    process = subprocess.Popen([sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/webhooks/whatsapp"
    users = [f"3161{n:07d}" for n in range(args.users)]
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(100):
                try:
                    async with session.get(f"http://127.0.0.1:{port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    await asyncio.sleep(0.1)
            await post(session, url, delivery(users[0], "warming up"))
            await wait_for(lambda: len(graph.delivered()) >= 1, 30)

            bodies = [delivery(users[n % len(users)], f"vraag {n}") for n in range(args.messages)]
            sequential = [await post(session, url, raw) for raw in bodies]
            answered = await wait_for(lambda: len(graph.delivered()) >= 1 + args.messages, 120)

            burst = [delivery(users[n % len(users)], f"tegelijk {n}") for n in range(args.messages)]
            concurrent: List[float] = []
            for start in range(0, len(burst), args.concurrency):
                concurrent += await asyncio.gather(
                    *(post(session, url, raw) for raw in burst[start : start + args.concurrency])
                )
            await wait_for(lambda: len(graph.delivered()) >= 1 + 2 * args.messages, 120)

            duplicates = [await post(session, url, raw) for raw in bodies]
            await asyncio.sleep(2)  # time for any (wrong) second answer to arrive
            answers = len(graph.delivered()) - 1
    finally:
        process.terminate()
        process.wait(timeout=15)
        await graph.close()

    print(
        f"WhatsApp webhook acknowledgement ({args.messages} deliveries, {args.users} users, "
        f"{'PostgreSQL' if (args.database_url or '').startswith('postgres') else 'SQLite'}, "
        f"Rasa {'at ' + args.rasa_url if args.rasa_url else 'down'})"
    )
    print(figures("sequential", sequential))
    print(figures(f"concurrent{args.concurrency}", concurrent))
    print(figures("duplicates", duplicates))
    print(
        f"all {args.messages} sequential answers at the fake Graph API "
        f"{answered * 1000:.0f} ms after the last acknowledgement"
    )
    print(
        f"answers: {answers} for {2 * args.messages} messages and {args.messages} duplicates "
        f"({'OK' if answers == 2 * args.messages else 'WRONG'})"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--rasa-url", default=None)
    asyncio.run(main(parser.parse_args()))
