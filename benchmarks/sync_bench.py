"""OOAPI sync benchmark: a whole catalogue over HTTP from the local OOAPI v5 server.

    python benchmarks/sync_bench.py [--courses 10000] [--offerings 3] [--searches 300]

Starts tests/fakes/ooapi_server.py in a separate process with --courses courses of
--offerings offerings each (titles, keywords and cities varied), syncs it into a temporary
SQLite file with `sync_ooapi` (pages of 100, /offerings per course), and prints: sync time,
requests, peak memory of the syncing process (max RSS, and the growth during the sync), the
database size, the time of a second (unchanged) run (conditional requests: 304s), and search p50/p95 afterwards (target
p95 < 20 ms). Not a test: it prints figures.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from knowledge import search_modules
from knowledge.db import init_db
from knowledge.feeds import FeedReport
from knowledge.importers.http import sync_over_http
from knowledge.importers.ooapi_sync import fetch_catalogue, sync_ooapi
from tests.fakes.ooapi_server import FakeOoapi, course, course_offerings

TOPICS = [
    ("Warmtepomp installeren", ["warmtepomp"]),
    ("Isoleren van woningen", ["isolatie"]),
    ("BIM-modelleren", ["bim"]),
    ("Laadpalen aanleggen", ["laadinfra"]),
    ("Thuisbatterij plaatsen", ["batterij"]),
    ("Circulair slopen", ["circulair"]),
    ("Leidinggeven op de bouwplaats", []),
    ("Veilig werken NEN 3140", []),
]
CITIES = ["Eindhoven", "Breda", "Tilburg", "Enschede", "Hengelo", "Groningen", "Leeuwarden", "Zwolle", "Utrecht"]
QUERIES = [None, "warmtepomp", "isolatie woning", "bim", "laadpalen eindhoven", "batterij", "circulair", "nen 3140"]
PLACES = [None, "Eindhoven", "Breda", "Enschede", "Groningen"]


def serve(n_courses: int, n_offerings: int, queue, stop) -> None:
    rng = random.Random(7)
    courses, offerings = [], {}
    start = date.today() + timedelta(days=14)
    for i in range(n_courses):
        title, keywords = TOPICS[i % len(TOPICS)]
        cid = f"bench-{i:05d}"
        courses.append(course(cid, f"{title} {i}", keywords=keywords))
        offerings[cid] = course_offerings(
            cid, n_offerings, start + timedelta(days=rng.randint(0, 200)), city=rng.choice(CITIES)
        )
    with FakeOoapi(courses, [], offerings) as srv:
        queue.put(srv.base_url)
        stop.wait()


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--courses", type=int, default=10_000)
    ap.add_argument("--offerings", type=int, default=3)
    ap.add_argument("--searches", type=int, default=300)
    args = ap.parse_args()

    queue, stop = mp.Queue(), mp.Event()
    server = mp.Process(target=serve, args=(args.courses, args.offerings, queue, stop), daemon=True)
    server.start()
    base_url = queue.get(timeout=300)
    tmp = tempfile.TemporaryDirectory()
    path = Path(tmp.name) / "sync.db"
    engine = init_db(f"sqlite:///{path}", seed_sample=False)
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    rss_before = rss_mb()
    t0 = time.perf_counter()
    fetched = {}

    async def timed_fetch(client, report):
        records = await fetch_catalogue(client, report)
        fetched["s"] = time.perf_counter() - t0
        return records

    report = sync_over_http(
        FeedReport(feed="Bench ROC", kind="ooapi", origin=base_url), timed_fetch, engine=engine, token_env="OOAPI_TOKEN"
    )
    sync_s, fetch_s = time.perf_counter() - t0, fetched["s"]
    c = report.counts()
    print(
        f"first sync: {sync_s:.1f} s for {args.courses} courses x {args.offerings} offerings "
        f"(fetching {fetch_s:.1f} s, {report.requests} requests; writing {sync_s - fetch_s:.1f} s); "
        f"{c}; complete={report.complete}"
    )
    print(f"peak memory (max RSS) of the syncing process: {rss_mb():.0f} MB (before the sync {rss_before:.0f} MB)")
    engine.dispose()  # checkpoints the WAL into the file
    print(f"database size: {path.stat().st_size / 1e6:.1f} MB")
    t0 = time.perf_counter()
    again = sync_ooapi(base_url, "Bench ROC", engine=engine)
    print(
        f"second sync (nothing changed): {time.perf_counter() - t0:.1f} s; {again.counts()}; "
        f"{again.not_modified} of {again.requests} requests answered 304"
    )

    rng = random.Random(42)
    work = [
        ({k: v for k, v in {"location": rng.choice(PLACES)}.items() if v}, rng.choice(QUERIES))
        for _ in range(args.searches + 20)
    ]
    for profile, query in work[:20]:
        search_modules(profile, query, engine=engine)
    ms = []
    for profile, query in work[20:]:
        t = time.perf_counter()
        search_modules(profile, query, engine=engine)
        ms.append((time.perf_counter() - t) * 1000)
    print(
        f"search after the sync (n={len(ms)}): p50 {pct(ms, 50):.2f} ms, p95 {pct(ms, 95):.2f} ms (target p95 < 20 ms)"
    )
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    stop.set()
    server.join(10)
    engine.dispose()
    tmp.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
