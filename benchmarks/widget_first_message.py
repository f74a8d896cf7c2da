"""Time to first message of the chat widget in Debian chromium, and what it transfers.

Starts its own gateway (temporary SQLite database) unless --gateway-url is given, then for
each run opens a demo page in a fresh browser context (empty cache and storage):
  ready  = navigation start -> launcher visible
  first  = click on the launcher -> the welcome message visible (conversation created)
  reply  = message sent -> the answer visible (the bot's with a running Rasa, else the
           gateway's "storing" notice)
and the bytes transferred for widget.js, widget.css and the API calls.

    .venv/bin/python benchmarks/widget_first_message.py [--runs 10] [--rasa-url URL]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gateway(rasa_url: str, workdir: str):
    port = free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(port),
        "RASA_URL": rasa_url,
        "DATABASE_URL": f"sqlite:///{workdir}/bench.db",
        "GATEWAY_RATE_NEW_CONVERSATIONS": "1000/60",
        "GATEWAY_RATE_CLIENT": "1000/60",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://localhost:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/healthz", timeout=1)
            return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("gateway did not start")


def summary(name: str, values: list) -> str:
    values = sorted(values)
    p90 = values[min(len(values) - 1, int(round(0.9 * (len(values) - 1))))]
    return (
        f"{name:<7} median {statistics.median(values):7.0f} ms   p90 {p90:7.0f} ms   "
        f"min {values[0]:6.0f} ms   max {values[-1]:6.0f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--tenant", default="brabant")
    parser.add_argument("--gateway-url", help="use a running gateway instead of starting one")
    parser.add_argument(
        "--rasa-url",
        default=f"http://127.0.0.1:{free_port()}",
        help="Rasa for the started gateway (default: none, i.e. Rasa down)",
    )
    parser.add_argument("--message", default="Hallo, ik zoek een opleiding")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    workdir = tempfile.mkdtemp(prefix="widget-bench-")
    process, url = (None, args.gateway_url) if args.gateway_url else start_gateway(args.rasa_url, workdir)
    ready, first, reply, transferred = [], [], [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for _ in range(args.runs):
                context = browser.new_context()
                page = context.new_page()
                sizes = []
                page.on(
                    "requestfinished",
                    lambda r, sizes=sizes: sizes.append(
                        (r.url, r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])
                    ),
                )
                t0 = time.perf_counter()
                page.goto(f"{url}/demo/{args.tenant}")
                page.locator(".lw-launcher").wait_for()
                t1 = time.perf_counter()
                page.click(".lw-launcher")
                page.locator(".lw-msg.lw-bot").first.wait_for()
                t2 = time.perf_counter()
                answers = page.locator(".lw-msg.lw-bot, .lw-msg.lw-system")
                before = answers.count()
                page.fill(".lw-input", args.message)
                page.keyboard.press("Enter")
                t3 = time.perf_counter()
                answers.nth(before).wait_for(timeout=60_000)
                t4 = time.perf_counter()
                ready.append(1000 * (t1 - t0))
                first.append(1000 * (t2 - t1))
                reply.append(1000 * (t4 - t3))
                transferred.append(sum(size for u, size in sizes if "/widget." in u or "/api/v1/" in u))
                context.close()
            browser.close()
    finally:
        if process:
            process.terminate()
            process.wait()
    print(f"widget in chromium, {args.runs} runs, tenant {args.tenant}, gateway {url}")
    print(summary("ready", ready))
    print(summary("first", first))
    print(summary("reply", reply))
    print(
        f"widget + API bytes transferred per first visit: median {statistics.median(transferred):,.0f} B "
        f"(widget.js, widget.css, tenant settings, new conversation; headers included)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
